"""Fixtures shared by the whole suite.

Every database test runs on SQLite and on PostgreSQL (a throw-away cluster started here).
Each test runs inside a transaction that is rolled back at the end; the app under test uses
the same connection, so API tests see and undo the same data.
Set HAVEN_TEST_DATABASES=sqlite (or postgresql) to run one engine only while developing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session, sessionmaker

from haven.config import Settings, get_settings
from haven.db.engine import make_engine
from haven.db.migrate import upgrade
from haven.security.keyring import Keyring, new_key_file, read_key_file
from haven.web.app import create_app
from tests.postgres import create_database, throwaway_cluster

# `haven demo` run by the CLI tests loads a handful of people, not the full demo programme.
os.environ.setdefault("HAVEN_DEMO_PEOPLE", "12")

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
        # The embedded database as deployed: SQLCipher, keyed from the test keyring.
        return f"sqlite+pysqlcipher:///{folder / (name + '.db')}"
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
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, keyring: Keyring
) -> Iterator[Engine]:
    url = _database_url(request.param, request, tmp_path_factory.mktemp("db"), "haven_test")
    engine = make_engine(url, keyring=keyring)
    upgrade(url, engine, keyring=keyring)
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


@dataclass(frozen=True)
class CliDatabase:
    """A database for `haven` commands, with its key file in a folder of its own."""

    url: str
    key_file: Path
    key_dir: Path
    path: Path | None  # the SQLite file; None on PostgreSQL

    def keyring(self) -> Keyring:
        return read_key_file(self.key_file)

    def engine(self) -> Engine:
        return make_engine(self.url, keyring=self.keyring())


@pytest.fixture(params=BACKENDS)
def cli_database(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CliDatabase]:
    """HAVEN_* variables for a command-line test: SQLCipher (or PostgreSQL) and a key file."""
    path: Path | None = None
    if request.param == "sqlite":
        path = tmp_path / "db" / "cli.db"
        url = f"sqlite+pysqlcipher:///{path}"
    else:
        url = create_database(request.getfixturevalue("postgres_admin_url"), "haven_cli")
    key_dir = tmp_path / "keys"
    key_file = key_dir / "haven.key"
    new_key_file(key_file)
    monkeypatch.setenv("HAVEN_KEY_FILE", str(key_file))
    monkeypatch.setenv("HAVEN_KEY_DIR", str(key_dir))
    monkeypatch.setenv("HAVEN_DATABASE_URL", url)
    monkeypatch.setenv("HAVEN_ARGON2_MEMORY_KIB", "1024")
    monkeypatch.setenv("HAVEN_ARGON2_TIME_COST", "1")
    get_settings.cache_clear()
    yield CliDatabase(url=url, key_file=key_file, key_dir=key_dir, path=path)
    get_settings.cache_clear()


# --- Canaries: no personal value may reach the log output of the whole suite ---------------
CANARY_MARK = "HVNCANARY"
_LOG_FILE = Path(os.environ.get("HAVEN_TEST_LOG", "")) if os.environ.get("HAVEN_TEST_LOG") else None


def pytest_configure(config: pytest.Config) -> None:
    """Send every log record of the run (all loggers, DEBUG and up) to one file."""
    import logging
    import tempfile

    global _LOG_FILE  # noqa: PLW0603 - one file for the session, known to the finish hook
    if _LOG_FILE is None:
        _LOG_FILE = Path(tempfile.mkdtemp(prefix="haven-test-log-")) / "suite.log"
        # pytest-xdist workers start after this and inherit the environment: they append to
        # the same file, which the controller's finish hook reads once they are all done.
        os.environ["HAVEN_TEST_LOG"] = str(_LOG_FILE)
    handler = logging.FileHandler(_LOG_FILE, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    config.stash[_LOG_KEY] = _LOG_FILE


_LOG_KEY = pytest.StashKey[Path]()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    path = session.config.stash.get(_LOG_KEY, None)
    if path is None or not path.exists():
        return
    text = path.read_text(encoding="utf-8", errors="replace")
    if CANARY_MARK in text:
        line = next(x for x in text.splitlines() if CANARY_MARK in x)
        session.config.get_terminal_writer().line(
            f"A canary value reached the log output of the suite ({path}): {line[:200]}", red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
