"""`haven wipe --emergency`: destroy the keys, stop every running server, then the data, in
seconds, without asking."""

from __future__ import annotations

from typing import Annotated

import typer

from haven.cli.context import fail
from haven.config import get_settings
from haven.security.wipe import emergency_wipe


def wipe(
    emergency: Annotated[
        bool,
        typer.Option(
            "--emergency",
            help="Required: destroy the key material and the database now. No undo.",
        ),
    ] = False,
) -> None:
    """Destroy Haven's key material and database (no key is asked for; nothing can undo it)."""
    if not emergency:
        raise fail("Nothing done: `haven wipe --emergency` destroys every key and record.", 2)
    report = emergency_wipe(get_settings())
    typer.echo(
        f"Wiped: {len(report.destroyed_keys)} key file(s) destroyed in "
        f"{report.key_seconds:.2f} s; {report.total_seconds:.2f} s in all."
    )
    if report.servers_signalled:
        killed = f", {len(report.servers_killed)} killed" if report.servers_killed else ""
        typer.echo(
            f"Running servers stopped: {len(report.servers_signalled)}{killed} "
            f"({report.servers_seconds:.2f} s)."
        )
    if report.database_error is not None:
        typer.secho(
            f"The keys are destroyed, but dropping the PostgreSQL schema failed "
            f"({report.database_error}): the data left there cannot be read without them.",
            fg=typer.colors.YELLOW,
            err=True,
        )
