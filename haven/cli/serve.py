"""`haven serve`: the web app."""

from __future__ import annotations

from typing import Annotated

import typer

from haven.cli.context import fail, open_database
from haven.db.migrate import DatabaseNotMigrated, assert_migrated
from haven.web.server import Serving, serve_many, serve_one


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    processes: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Server processes sharing the port (default HAVEN_PROCESSES, 1): one core "
            "each, for many people working at once.",
        ),
    ] = None,
) -> None:
    """Serve Haven over HTTP (unlocks the keys first; refuses an unmigrated database)."""
    with open_database() as database:
        try:
            assert_migrated(database.engine)
        except DatabaseNotMigrated as exc:
            raise fail(str(exc), 2) from None
        settings = database.settings
        serving = Serving(
            settings=settings,
            engine=database.engine,
            keyring=database.keyring,
            host=host or settings.host,
            port=port or settings.port,
        )
        count = processes or settings.processes
        shown = f"[{serving.host}]" if ":" in serving.host else serving.host  # an IPv6 address
        many = f", {count} processes" if count > 1 else ""
        typer.echo(f"Haven is starting on http://{shown}:{serving.port}{many} (Ctrl+C stops it).")
        if count > 1:
            serve_many(serving, count)
        else:
            serve_one(serving)
