"""Databases for `haven` command tests: empty, or a copy of a template migrated once per worker.

A command-line test used to migrate its own database from scratch (`haven db upgrade`, then
usually `haven demo`): seconds per test, to reach the same state every time. Now each worker
builds, on first use and per engine, one template per level, each from a copy of the level
before it:

- "schema": `alembic upgrade head` (`haven.db.migrate.upgrade`), nothing else;
- "migrated": then `haven db upgrade` (a second, idempotent migration, plus reference data);
- "demo": then `haven demo` (HAVEN_DEMO_PEOPLE people, set in tests/conftest.py).

A test gets a copy of one, with a copy of the template's key folder (the key file, and
anything else kept there): on SQLite the SQLCipher file, whose page key is derived from that
key file; on PostgreSQL `CREATE DATABASE … TEMPLATE …`, whose wrapped person keys and blind
indexes (demo data) are keyed by the same file. Tests whose point is creating, migrating or
refusing a database ask for "empty": no database yet, and a new key file.

Every test's database is its own; at the test's end the SQLite copy is deleted and the
PostgreSQL database dropped, and the templates go at the end of the session.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import psycopg
import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from haven.cli.main import app as haven_cli
from haven.config import get_settings
from haven.db.engine import make_engine
from haven.db.keyring import Keyring, new_key_file, read_key_file
from haven.db.migrate import upgrade

Level = Literal["empty", "schema", "migrated", "demo"]
# Built in this order, each level from a copy of the one before.
TEMPLATE_LEVELS: tuple[Level, ...] = ("schema", "migrated", "demo")
_COMMANDS: dict[Level, list[str]] = {"migrated": ["db", "upgrade"], "demo": ["demo"]}


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

    @property
    def name(self) -> str:
        """The PostgreSQL database's name."""
        return str(make_url(self.url).database)


def use(database: CliDatabase, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the HAVEN_* variables (and so `haven` commands) at `database`."""
    monkeypatch.setenv("HAVEN_KEY_FILE", str(database.key_file))
    monkeypatch.setenv("HAVEN_KEY_DIR", str(database.key_dir))
    monkeypatch.setenv("HAVEN_DATABASE_URL", database.url)
    get_settings.cache_clear()


def _execute(admin_url: str, *statements: str) -> None:
    plain = admin_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


class Templates:
    """One engine's templates for this worker, each built on first use."""

    def __init__(self, backend: str, folder: Path, admin_url: str | None = None) -> None:
        if backend == "postgresql" and admin_url is None:
            raise ValueError("PostgreSQL templates need the admin URL")
        self.backend = backend
        self.folder = folder
        self.admin_url = admin_url
        self._built: dict[Level, CliDatabase] = {}
        self._made: list[CliDatabase] = []  # every template started, built or not

    def _layout(self, root: Path, name: str) -> CliDatabase:
        """The test layout: `root`/db/cli.db (SQLite) and the key folder `root`/keys."""
        key_dir = root / "keys"
        if self.backend == "sqlite":
            path = root / "db" / "cli.db"
            return CliDatabase(
                f"sqlite+pysqlcipher:///{path}", key_dir / "haven.key", key_dir, path
            )
        assert self.admin_url is not None
        url = self.admin_url.rsplit("/", 1)[0] + f"/{name}"
        return CliDatabase(url, key_dir / "haven.key", key_dir, None)

    def _drop(self, name: str) -> None:
        assert self.admin_url is not None
        _execute(self.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def empty(self, root: Path, name: str) -> CliDatabase:
        """No database yet (SQLite) or an empty one (PostgreSQL), and a new key file."""
        database = self._layout(root, name)
        new_key_file(database.key_file)
        if self.backend == "postgresql":
            self._drop(name)
            assert self.admin_url is not None
            _execute(self.admin_url, f'CREATE DATABASE "{name}"')
        return database

    def copy(self, source: CliDatabase, root: Path, name: str) -> CliDatabase:
        """A copy of `source` and of its key folder, at `root` (SQLite) or as `name` (PG)."""
        database = self._layout(root, name)
        shutil.copytree(source.key_dir, database.key_dir)
        if database.path is not None:
            assert source.path is not None
            database.path.parent.mkdir(parents=True)
            # The builder disposed its engines, which folded the WAL into the file; a WAL
            # left over would still be copied with it (SQLite rebuilds the -shm index).
            for suffix in ("", "-wal"):
                found = Path(f"{source.path}{suffix}")
                if found.exists():
                    shutil.copyfile(found, f"{database.path}{suffix}")
        else:
            self._drop(name)
            assert self.admin_url is not None
            _execute(self.admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{source.name}"')
        return database

    def template(self, level: Level) -> CliDatabase:
        """The template of `level`, built (with those below it) on first use."""
        if level == "empty":
            raise ValueError("an empty database has no template")
        if level not in self._built:
            root = self.folder / level
            name = f"haven_cli_template_{level}_{_worker()}"
            self._made.append(self._layout(root, name))
            shutil.rmtree(root, ignore_errors=True)  # what a failed attempt left
            if level == "schema":
                database = self.empty(root, name)
                engine = database.engine()
                try:
                    upgrade(database.url, engine, keyring=database.keyring())
                finally:
                    engine.dispose()
            else:
                below = TEMPLATE_LEVELS[TEMPLATE_LEVELS.index(level) - 1]
                database = self.copy(self.template(below), root, name)
                _run(database, _COMMANDS[level])
            if database.path is None:
                # A connection left to a template would make every copy of it fail.
                assert self.admin_url is not None
                _execute(self.admin_url, f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
            self._built[level] = database
        return self._built[level]

    def provide(self, level: Level, root: Path, name: str | None = None) -> CliDatabase:
        """A database of `level` for one test, in folder `root` (and, on PostgreSQL, named
        `name`, by default this worker's one): empty, or a copy of the level's template."""
        name = name or f"haven_cli_{_worker()}"
        if level == "empty":
            return self.empty(root, name)
        return self.copy(self.template(level), root, name)

    def discard(self, database: CliDatabase) -> None:
        """Remove a test's database (its key folder stays with the test's other files)."""
        if database.path is not None:
            shutil.rmtree(database.path.parent, ignore_errors=True)
        else:
            self._drop(database.name)

    def close(self) -> None:
        for database in self._made:
            self.discard(database)
        self._made.clear()
        self._built.clear()
        shutil.rmtree(self.folder, ignore_errors=True)


def _worker() -> str:
    """This pytest-xdist worker ("gw0", …): a PostgreSQL server given to the suite is shared."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _run(database: CliDatabase, args: list[str]) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        use(database, monkeypatch)
        result = CliRunner().invoke(haven_cli, args)
    get_settings.cache_clear()
    if result.exit_code != 0:
        raise RuntimeError(
            f"building a template: `haven {' '.join(args)}` failed:\n{result.output}"
        )


@contextmanager
def open_cli_database(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    level: Level,
) -> Iterator[CliDatabase]:
    """A database of `level` for a fixture parametrised with the engine (`request.param`).

    The HAVEN_* variables point at the database for the test's duration.
    """
    templates: Templates = request.getfixturevalue(f"cli_templates_{request.param}")
    database = templates.provide(level, tmp_path)
    use(database, monkeypatch)
    try:
        yield database
    finally:
        get_settings.cache_clear()
        templates.discard(database)
