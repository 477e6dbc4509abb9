"""`haven serve`: the web app."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

import typer
import uvicorn

from haven.cli.context import fail, open_database
from haven.db.engine import refresh_statistics
from haven.db.migrate import DatabaseNotMigrated, assert_migrated
from haven.jobs.runner import Runner, Worker
from haven.security import running
from haven.web.app import create_app
from haven.web.logs import uvicorn_config


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve Haven over HTTP (unlocks the keys first; refuses an unmigrated database)."""
    with open_database() as database:
        try:
            assert_migrated(database.engine)
        except DatabaseNotMigrated as exc:
            raise fail(str(exc), 2) from None
        settings = database.settings
        app = create_app(settings, engine=database.engine, keyring=database.keyring)
        guard: running.WipeGuard = app.state.wipe_guard
        guard.protect(database.engine)
        # Registered for `haven wipe --emergency`, which signals it; watched, so that it stops
        # within a second of a wipe even if the signal cannot reach it.
        # Background jobs (large imports, recomputations) run in a thread beside the server;
        # a wipe stops the whole process, the worker with it.
        runner = Runner(
            app.state.session_factory, lease=timedelta(seconds=settings.job_lease_seconds)
        )
        # The query planner's statistics, now and hourly (a database grows between starts).
        refresh_statistics(database.engine)
        worker = Worker(
            runner,
            poll=settings.job_poll_seconds,
            housekeeping=lambda: refresh_statistics(database.engine),
        )
        app.state.wake_jobs = worker.wake
        bind_host, bind_port = host or settings.host, port or settings.port
        shown = f"[{bind_host}]" if ":" in bind_host else bind_host  # an IPv6 address
        typer.echo(f"Haven is starting on http://{shown}:{bind_port} (Ctrl+C stops it).")
        with running.serving(settings.key_dir, guard):
            worker.start()
            uvicorn.run(
                app,
                host=bind_host,
                port=bind_port,
                log_level=settings.log_level.lower(),
                proxy_headers=False,
                server_header=False,
                # Keep idle connections open longer than people pause between pages: at
                # uvicorn's 5 s a request sent on a kept-alive connection as the server closes
                # it is reset (the load test saw 32 of 9,247 requests so, bench/load).
                timeout_keep_alive=75,
                # Uvicorn's access log would write query strings; Haven writes one line a
                # request itself (haven.web.middleware), and every line without values.
                access_log=False,
                log_config=uvicorn_config(settings.log_level),
            )
            worker.stop()
