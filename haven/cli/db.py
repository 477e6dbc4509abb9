"""`haven db`: migrations."""

from __future__ import annotations

import typer

from haven.cli.context import open_database
from haven.db.migrate import current_revision, head_revision, upgrade
from haven.db.session import make_session_factory, transaction
from haven.forces.public import ensure_reference_data
from haven.kernel.sensitivity import bind_actor
from haven.security.permissions import Actor

app = typer.Typer(help="Database migrations.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command() -> None:
    """Create or migrate the database to the code's revision (safe to run again).

    A new embedded database is created encrypted (SQLCipher) from its first page.
    """
    with open_database() as database:
        upgrade(database.settings.database_url, database.engine, keyring=database.keyring)
        with transaction(make_session_factory(database.engine, database.keyring)) as session:
            bind_actor(session, Actor.system())
            ensure_reference_data(session)
        revision = current_revision(database.engine)
    typer.echo(f"Database at revision {revision}; reference data present.")


@app.command("current")
def current_command() -> None:
    """Show the database's revision and the code's."""
    with open_database() as database:
        revision = current_revision(database.engine)
    typer.echo(f"database: {revision or 'empty'}; code: {head_revision()}")
