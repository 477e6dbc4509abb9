"""What every command needs: settings, an engine, and one transaction per command."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.orm import Session

from haven.config import get_settings
from haven.db.engine import make_engine
from haven.db.migrate import DatabaseNotMigrated, assert_migrated
from haven.db.session import make_session_factory, transaction
from haven.errors import HavenError
from haven.i18n import render


@contextmanager
def command_transaction() -> Iterator[Session]:
    """The command's unit of work on a migrated database; errors become a clear exit."""
    engine = make_engine(get_settings().database_url)
    try:
        assert_migrated(engine)
        with transaction(make_session_factory(engine)) as session:
            yield session
    except DatabaseNotMigrated as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    except HavenError as exc:
        typer.secho(render(exc.message), fg=typer.colors.RED, err=True)
        for name, message in exc.fields.items():
            typer.secho(f"  {name}: {render(message)}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
