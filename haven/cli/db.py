"""`haven db`: migrations, and recomputing the derived indexes."""

from __future__ import annotations

import typer

from haven.cli.context import command_transaction, open_database
from haven.db.migrate import current_revision, head_revision, upgrade
from haven.db.session import make_session_factory, transaction
from haven.forces.public import ensure_reference_data
from haven.kernel.sensitivity import bind_actor
from haven.reindex import reindex
from haven.security.permissions import Actor

app = typer.Typer(help="Database migrations and derived indexes.", no_args_is_help=True)

# How each kind of row is named in the output.
KINDS = {
    "persons": "persons",
    "prisoner_records": "prisoner-of-war records",
    "roll_entries": "roll entries",
    "match_profiles": "match profiles",
}


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


@app.command("reindex")
def reindex_command() -> None:
    """Recompute every search and matching index from the stored values by today's rules.

    Run it after any change of a normalisation rule (NRC township codes, service numbers,
    name prefixes): values stored before keep the old rule's keys until then. Persons,
    prisoner-of-war records and roll entries not erased are read, 1,000 per flush, in one
    transaction (stop the server first on a large database: it waits for the write lock).
    Prints counts only; safe to run again.
    """
    with command_transaction() as session:
        counts = reindex(session, Actor.system())
    for kind, count in counts.items():
        typer.echo(f"{KINDS[kind]}: {count.checked} checked, {count.changed} changed")
