"""`haven matching`: batch deduplication of the people already registered.

Output gives counts only: nothing personal is printed.
"""

from __future__ import annotations

import time
from typing import Annotated

import typer
from sqlalchemy import select

from haven.accounts.models import Organisation
from haven.cli.context import command_transaction, fail
from haven.security.permissions import Actor

app = typer.Typer(help="Matching: batch deduplication.", no_args_is_help=True)


@app.command("dedupe")
def dedupe_command(
    organisation: Annotated[
        str | None, typer.Option(help="Only this organisation (its name); default: every one.")
    ] = None,
) -> None:
    """Link certain duplicates automatically (reversibly) and queue likely ones for review."""
    # pandas, DuckDB and Splink load only for this command, not for every `haven` command.
    from haven.matching import dedupe

    with command_transaction() as session:
        query = select(Organisation).order_by(Organisation.name)
        if organisation is not None:
            query = query.where(Organisation.name == organisation)
        organisations = session.scalars(query).all()
        if not organisations:
            raise fail(f"No organisation named {organisation!r}.")
        for org in organisations:
            started = time.perf_counter()
            result = dedupe.run(session, Actor.system("matching"), org.id)
            typer.echo(
                f"{org.name}: {result.profiles} people, {result.pairs_scored} pairs scored, "
                f"{result.linked} linked automatically, {result.queued} queued for review, "
                f"{result.already_reviewed} already reviewed "
                f"({time.perf_counter() - started:.1f} s)"
            )
