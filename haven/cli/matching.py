"""`haven matching`: batch deduplication of the people already registered.

Each organisation's run is a background job (`haven.matching.dedupe_job`): scored holding no
lock, then linked and queued a part at a time, resumable after a crash. The command runs the
jobs itself with a progress bar each, or with `--background` leaves them to the worker of the
running server (`haven jobs show ID --follow` follows one). Output gives counts only: nothing
personal is printed.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from typing import Annotated

import typer

from haven.accounts import repository as accounts
from haven.cli.context import fail
from haven.cli.jobs import job_factory, run_with_bar
from haven.db.session import transaction
from haven.jobs import public as jobs
from haven.jobs.runner import Runner
from haven.kernel.sensitivity import bind_actor
from haven.matching.dedupe_job import DEDUPE
from haven.security.permissions import Actor

app = typer.Typer(help="Matching: batch deduplication.", no_args_is_help=True)
SYSTEM = Actor.system("matching")


@app.command("dedupe")
def dedupe_command(
    organisation: Annotated[
        str | None, typer.Option(help="Only this organisation (its name); default: every one.")
    ] = None,
    background: Annotated[
        bool,
        typer.Option("--background", help="Queue the work for the running server's worker."),
    ] = False,
) -> None:
    """Link certain duplicates automatically (reversibly) and queue likely ones for review."""
    with job_factory() as (factory, lease):
        queued: list[tuple[str, uuid.UUID]] = []
        with transaction(factory) as session:
            bind_actor(session, SYSTEM)
            if organisation is None:
                organisations = list(accounts.organisations_visible(session, SYSTEM))
            else:
                named = accounts.organisation_by_name(session, organisation)
                organisations = [named] if named is not None else []
            if not organisations:
                raise fail(f"No organisation named {organisation!r}.")
            for org in organisations:
                payload = {"organisation_id": str(org.id)}
                queued.append(
                    (org.name, jobs.enqueue(session, SYSTEM, DEDUPE.name, payload, total=1))
                )
        if background:
            for name, job_id in queued:
                typer.echo(f"{name}: job {job_id} queued.")
            return
        runner = Runner(factory, lease=timedelta(seconds=lease))
        for name, job_id in queued:
            started = time.perf_counter()
            if runner.claim(job_id) is None:
                typer.echo(f"{name}: job {job_id} is being run by another worker.")
                continue
            run_with_bar(runner, job_id, name, 1)
            with transaction(factory) as session:
                bind_actor(session, SYSTEM)
                job = jobs.get_any(session, job_id)
                result = jobs.result_of(session, job)
            if job.state != "done":
                raise fail(f"{name}: job {job_id} {job.state}.")
            typer.echo(
                f"{name}: {result['profiles']} people, {result['pairs_scored']} pairs scored, "
                f"{result['linked']} linked automatically, {result['queued']} queued for review, "
                f"{result['already_reviewed']} already reviewed "
                f"({time.perf_counter() - started:.1f} s)"
            )
