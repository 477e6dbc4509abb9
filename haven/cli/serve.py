"""`haven serve`: the web app."""

from __future__ import annotations

from typing import Annotated

import typer
import uvicorn

from haven.config import get_settings
from haven.db.engine import make_engine
from haven.db.migrate import DatabaseNotMigrated, assert_migrated


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve Haven over HTTP (refuses an unmigrated database)."""
    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        assert_migrated(engine)
    except DatabaseNotMigrated as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    from haven.web.app import create_app

    app = create_app(settings, engine=engine)
    uvicorn.run(
        app,
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level.lower(),
        proxy_headers=False,
        server_header=False,
    )
