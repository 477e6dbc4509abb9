"""Migrated test databases, made by copying one migrated template per engine.

Migrating and loading the reference data (the Myanmar army's rank table, as `haven db
upgrade` does) costs seconds (about 6 s on SQLCipher); copying a migrated file or cloning a
PostgreSQL template database costs milliseconds. So each worker makes one template per
engine, lazily, and every database the suite needs (the shared rolled-back one, the
authorisation matrix's world, ...) starts as a copy of it.

Each database also remembers how many rows each table held when it was made, so that a test
which commits rows into a shared database, and leaves them there, is named at once
(`leaked_rows`) instead of breaking whichever test happens to run next.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from haven.db.base import Base
from haven.db.engine import make_engine
from haven.db.keyring import Keyring
from haven.db.migrate import upgrade
from haven.db.session import make_session_factory, transaction
from haven.forces.service import ensure_reference_data
from haven.kernel.sensitivity import bind_actor
from haven.security.permissions import Actor
from tests.postgres import create_database

TEMPLATE = "haven_template"
T = TypeVar("T")


def _on_server(name: str) -> str:
    """A PostgreSQL database's name, with this xdist worker's id: workers may share a server
    given to the suite (HAVEN_TEST_POSTGRES_URL)."""
    return f"{name}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table, in one round trip."""
    tables = [t.name for t in Base.metadata.sorted_tables]
    query = " UNION ALL ".join(
        f"SELECT '{name}' AS t, count(*) AS n FROM \"{name}\"" for name in tables
    )
    with engine.connect() as connection:
        return {name: int(count) for name, count in connection.execute(text(query))}


@dataclass
class Databases:
    """Migrated databases of one engine kind ("sqlite" or "postgresql") for one worker."""

    backend: str
    folder: Path
    keyring: Keyring
    postgres_admin_url: str | None = None  # set before first use, for "postgresql"
    _template_url: str | None = None
    _engines: dict[str, Engine] = field(default_factory=dict)
    baseline: dict[str, int] = field(default_factory=dict)  # rows of a new copy
    _baselines: dict[str, dict[str, int]] = field(default_factory=dict)  # per database
    _worlds: dict[str, Any] = field(default_factory=dict)  # what `world` built, per database

    def _url(self, name: str) -> str:
        if self.backend == "sqlite":
            # The embedded database as deployed: SQLCipher, keyed from the test keyring.
            return f"sqlite+pysqlcipher:///{self.folder / (name + '.db')}"
        return self._admin().rsplit("/", 1)[0] + f"/{_on_server(name)}"

    def _admin(self) -> str:
        if self.postgres_admin_url is None:
            raise RuntimeError("set postgres_admin_url before asking for a PostgreSQL database")
        return self.postgres_admin_url

    def _template(self) -> str:
        if self._template_url is None:
            if self.backend == "sqlite":
                url = self._url(TEMPLATE)
            else:
                url = create_database(self._admin(), _on_server(TEMPLATE))
            engine = make_engine(url, keyring=self.keyring)
            upgrade(url, engine, keyring=self.keyring)
            # As `haven db upgrade` leaves a database: migrated, with the reference data.
            with transaction(make_session_factory(engine, self.keyring)) as session:
                ensure_reference_data(session)
            self.baseline = row_counts(engine)
            engine.dispose()  # SQLite: checkpoints the WAL into the file; PG: no session left
            self._template_url = url
        return self._template_url

    def _copy(self, name: str) -> str:
        self._template()
        if self.backend == "sqlite":
            target = self.folder / f"{name}.db"
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.folder / f"{TEMPLATE}.db", target)
            return self._url(name)
        return create_database(self._admin(), _on_server(name), template=_on_server(TEMPLATE))

    def engine(self, name: str) -> Engine:
        """The migrated database `name`, made on first use and kept for the worker's run."""
        if name not in self._engines:
            self._engines[name] = make_engine(self._copy(name), keyring=self.keyring)
            self._baselines[name] = dict(self.baseline)
        return self._engines[name]

    def settle(self, name: str) -> None:
        """What database `name` holds now is its starting state (after a committed world)."""
        self._baselines[name] = row_counts(self.engine(name))

    def world(self, name: str, build: Callable[[Session], T]) -> T:
        """What `build` makes in database `name`: built and committed on the first call, the
        database's starting state from then on (tests roll back their own work)."""
        if name not in self._worlds:
            engine = self.engine(name)
            with transaction(make_session_factory(engine, self.keyring)) as session:
                # The world's builder acts as the operator, who reads every field.
                bind_actor(session, Actor.system("test world"))
                self._worlds[name] = build(session)
            self.settle(name)
        return cast(T, self._worlds[name])

    def fail_if_leaked(self, name: str) -> None:
        """Fail the current test if it left rows in database `name`, which is then made
        again (world and all) so that the tests after it start clean."""
        leaked = self.leaked_rows(name)
        if leaked:
            self.renew(name)
            pytest.fail(f"the test left rows behind in the test database {name}: {leaked}")

    def renew(self, name: str) -> Engine:
        """Throw away database `name` and make it again from the template."""
        self._worlds.pop(name, None)
        old = self._engines.pop(name, None)
        if old is not None:
            old.dispose()
        return self.engine(name)

    def leaked_rows(self, name: str) -> dict[str, int]:
        """Tables of database `name` holding more (or fewer) rows than at its start."""
        start = self._baselines[name]
        now = row_counts(self.engine(name))
        return {t: n - start.get(t, 0) for t, n in now.items() if n != start.get(t, 0)}

    def dispose(self) -> None:
        for engine in self._engines.values():
            engine.dispose()
        self._engines.clear()
