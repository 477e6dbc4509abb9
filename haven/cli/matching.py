"""`haven matching`: batch deduplication of the people already registered.

Output gives counts only: nothing personal is printed.
"""

from __future__ import annotations

import time
from typing import Annotated

import typer

from haven.accounts import repository as accounts
from haven.cli.context import command_transaction, fail
from haven.matching.public import deduplicate
from haven.security.permissions import Actor

app = typer.Typer(help="Matching: batch deduplication.", no_args_is_help=True)
SYSTEM = Actor.system("matching")


@app.command("dedupe")
def dedupe_command(
    organisation: Annotated[
        str | None, typer.Option(help="Only this organisation (its name); default: every one.")
    ] = None,
) -> None:
    """Link certain duplicates automatically (reversibly) and queue likely ones for review."""
    # pandas, DuckDB and Splink load inside the batch, not for every `haven` command.
    with command_transaction() as session:
        if organisation is None:
            organisations = list(accounts.organisations_visible(session, SYSTEM))
        else:
            named = accounts.organisation_by_name(session, organisation)
            organisations = [named] if named is not None else []
        if not organisations:
            raise fail(f"No organisation named {organisation!r}.")
        for org in organisations:
            started = time.perf_counter()
            result = deduplicate(session, SYSTEM, org.id)
            typer.echo(
                f"{org.name}: {result.profiles} people, {result.pairs_scored} pairs scored, "
                f"{result.linked} linked automatically, {result.queued} queued for review, "
                f"{result.already_reviewed} already reviewed "
                f"({time.perf_counter() - started:.1f} s)"
            )
