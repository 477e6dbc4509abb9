"""`haven db`: migrations."""

from __future__ import annotations

import typer

from haven.config import get_settings
from haven.db.engine import make_engine
from haven.db.migrate import current_revision, head_revision, upgrade
from haven.db.session import make_session_factory, transaction
from haven.forces.service import ensure_reference_data

app = typer.Typer(help="Database migrations.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command() -> None:
    """Create or migrate the database to the code's revision (safe to run again)."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        upgrade(settings.database_url, engine)
        with transaction(make_session_factory(engine)) as session:
            ensure_reference_data(session)
        typer.echo(f"Database at revision {current_revision(engine)}; reference data present.")
    finally:
        engine.dispose()


@app.command("current")
def current_command() -> None:
    """Show the database's revision and the code's."""
    engine = make_engine(get_settings().database_url)
    try:
        typer.echo(f"database: {current_revision(engine) or 'empty'}; code: {head_revision()}")
    finally:
        engine.dispose()
