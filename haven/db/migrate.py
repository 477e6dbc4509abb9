"""Alembic, driven from code: upgrade, current revision, and the refusal to run unmigrated."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from haven.db.keyring import Keyring

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
FIX_COMMAND = "haven db upgrade"


class DatabaseNotMigrated(RuntimeError):
    """The database is empty or behind the code; the message says which command fixes it."""


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def head_revision() -> str | None:
    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()


def current_revision(bind: Engine | Connection) -> str | None:
    if isinstance(bind, Connection):
        return MigrationContext.configure(bind).get_current_revision()
    with bind.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(
    url: str, engine: Engine | None = None, revision: str = "head", keyring: Keyring | None = None
) -> None:
    """Migrate; data migrations that encrypt existing fields need the keyring."""
    config = alembic_config(url)
    config.attributes["keyring"] = keyring
    if engine is not None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    else:
        command.upgrade(config, revision)


def assert_migrated(engine: Engine) -> None:
    current, head = current_revision(engine), head_revision()
    if current != head:
        state = "empty" if current is None else f"at revision {current}, code expects {head}"
        raise DatabaseNotMigrated(
            f"The database is not migrated ({state}). Run `{FIX_COMMAND}` (or `make run`) first."
        )
