"""Fixtures shared by the whole suite.

Every database test runs on SQLite and on PostgreSQL (a throw-away cluster started here).
Each test runs inside a transaction that is rolled back at the end; the app under test uses
the same connection, so API tests see and undo the same data.
Set HAVEN_TEST_DATABASES=sqlite (or postgresql) to run one engine only while developing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from haven.config import Settings
from haven.db.engine import make_engine
from haven.db.migrate import upgrade
from haven.security.keyring import Keyring
from haven.web.app import create_app
from tests.postgres import create_database, throwaway_cluster

BACKENDS = [
    b.strip()
    for b in os.environ.get("HAVEN_TEST_DATABASES", "sqlite,postgresql").split(",")
    if b.strip()
]


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    given = os.environ.get("HAVEN_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    with throwaway_cluster() as url:
        yield url


def _database_url(backend: str, request: pytest.FixtureRequest, folder: Path, name: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{folder / (name + '.db')}"
    admin = request.getfixturevalue("postgres_admin_url")
    return create_database(admin, name)


@pytest.fixture(scope="session")
def fast_settings() -> Settings:
    """Real Argon2id with small costs, so that hashing does not dominate the suite."""
    return Settings(
        argon2_time_cost=1,
        argon2_memory_kib=1024,
        argon2_parallelism=1,
        database_url="sqlite://",
    )


@pytest.fixture(scope="session", params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    url = _database_url(request.param, request, tmp_path_factory.mktemp("db"), "haven_test")
    engine = make_engine(url)
    upgrade(url, engine)
    yield engine
    engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        try:
            yield conn
        finally:
            outer.rollback()


@pytest.fixture(scope="session")
def keyring() -> Keyring:
    """A fixed test keyring (synthetic: the root secret is 32 bytes of a test label)."""
    return Keyring(root=b"haven-test-root-secret-32-bytes!")


@pytest.fixture
def session_factory(connection: Connection, keyring: Keyring) -> sessionmaker[Session]:
    return sessionmaker(
        bind=connection,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
        info={"keyring": keyring},
    )


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    session = session_factory()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture
def settings(fast_settings: Settings, engine: Engine) -> Settings:
    return fast_settings.model_copy(update={"database_url": engine.url.render_as_string(False)})


@pytest.fixture
def app(settings: Settings, engine: Engine, session_factory: sessionmaker[Session]) -> FastAPI:
    return create_app(
        settings, engine=engine, session_factory=session_factory, check_migrations=False
    )


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client
