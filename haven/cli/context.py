"""What every command needs: settings, the keyring, an engine, and one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from haven.config import Settings, get_settings
from haven.db.engine import WrongDatabaseKey, make_engine
from haven.db.keyring import Keyring
from haven.db.migrate import DatabaseNotMigrated, assert_migrated, upgrade
from haven.db.session import make_session_factory, transaction
from haven.errors import HavenError
from haven.forces.public import ensure_reference_data
from haven.i18n import render
from haven.kernel.sensitivity import bind_actor
from haven.security.permissions import Actor
from haven.security.unlock import UnlockError, unlock


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code)


def ask_passphrase() -> str:
    """Hidden, at the terminal; asked on stderr so that a command's output stays clean."""
    return str(typer.prompt("Haven passphrase", hide_input=True, err=True))


@dataclass(frozen=True)
class OpenDatabase:
    settings: Settings
    engine: Engine
    keyring: Keyring


def load_keyring(settings: Settings) -> tuple[Keyring, bool]:
    """Unlock (key file or passphrase); a refusal becomes a clear message and exit code 2."""
    try:
        unlocked = unlock(settings, ask_passphrase)
    except UnlockError as exc:
        raise fail(str(exc), 2) from None
    return unlocked.keyring, unlocked.duress


@contextmanager
def open_database(settings: Settings | None = None) -> Iterator[OpenDatabase]:
    """The unlocked keyring and an engine on the configured database, disposed at the end.

    After the duress passphrase the database was just wiped: it is created again, empty and
    migrated, so the command carries on as on a fresh install.
    """
    settings = settings or get_settings()
    keyring, duress = load_keyring(settings)
    engine = make_engine(settings.database_url, keyring=keyring)
    try:
        if duress:
            _fresh_install(settings, engine, keyring)
        yield OpenDatabase(settings=settings, engine=engine, keyring=keyring)
    except WrongDatabaseKey as exc:
        raise fail(str(exc), 2) from None
    finally:
        engine.dispose()


def _fresh_install(settings: Settings, engine: Engine, keyring: Keyring) -> None:
    upgrade(settings.database_url, engine, keyring=keyring)
    with transaction(make_session_factory(engine, keyring)) as session:
        bind_actor(session, Actor.system())
        ensure_reference_data(session)


@contextmanager
def command_transaction() -> Iterator[Session]:
    """The command's unit of work on a migrated database; errors become a clear exit."""
    with open_database() as database:
        try:
            assert_migrated(database.engine)
            with transaction(make_session_factory(database.engine, database.keyring)) as session:
                # The command line acts as the operator (`Actor.system`), who reads every field.
                bind_actor(session, Actor.system())
                yield session
        except DatabaseNotMigrated as exc:
            raise fail(str(exc), 2) from None
        except HavenError as exc:
            typer.secho(render(exc.message), fg=typer.colors.RED, err=True)
            for name, message in exc.fields.items():
                typer.secho(f"  {name}: {render(message)}", fg=typer.colors.RED, err=True)
            raise typer.Exit(1) from None
