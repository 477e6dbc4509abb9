"""`haven jobs` and `haven import`: background jobs at the command line, with progress bars.

`haven serve` runs a worker of its own; `haven jobs work` runs one in the foreground (another
machine, or after a crash with no server running). Output names jobs by id and counts only.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.orm import Session, sessionmaker

from haven.accounts import repository as accounts
from haven.accounts.sessions import actor_for
from haven.cli.context import fail, open_database
from haven.db.migrate import DatabaseNotMigrated, assert_migrated
from haven.db.session import make_session_factory, transaction
from haven.errors import HavenError
from haven.i18n import render
from haven.jobs import public, repository
from haven.jobs.models import Job
from haven.jobs.presenting import shown_result, title_of
from haven.jobs.runner import Runner
from haven.kernel.sensitivity import bind_actor
from haven.reception import import_jobs, submissions
from haven.security.permissions import Actor

app = typer.Typer(help="Background jobs: list, follow, run.", no_args_is_help=True)


@contextmanager
def job_factory() -> Iterator[tuple[sessionmaker[Session], float]]:
    with open_database() as database:
        try:
            assert_migrated(database.engine)
        except DatabaseNotMigrated as exc:
            raise fail(str(exc), 2) from None
        yield (
            make_session_factory(database.engine, database.keyring),
            database.settings.job_lease_seconds,
        )


def _line(job: Job) -> str:
    return (
        f"{job.id}  {job.kind:<24} {job.state:<9} {job.done:>7}/{job.total:<7} {job.percent:>3} %"
    )


@app.command("list")
def list_jobs() -> None:
    """The latest jobs of every user: id, kind, state, progress."""
    with job_factory() as (factory, _lease), transaction(factory) as session:
        bind_actor(session, Actor.system())
        for job in repository.recent(session):
            typer.echo(_line(job))


class _Bar:
    """A progress bar fed by the runner after every step."""

    def __init__(self, title: str, total: int) -> None:
        self._bar: Any = typer.progressbar(length=max(total, 1), label=title).__enter__()
        self._shown = 0

    def __call__(self, job: Job) -> None:
        self._bar.length = max(job.total, 1)
        self._bar.update(job.done - self._shown)
        self._shown = job.done

    def close(self) -> None:
        self._bar.__exit__(None, None, None)


def run_with_bar(runner: Runner, job_id: uuid.UUID, title: str, total: int) -> None:
    bar = _Bar(title, total)
    try:
        runner.run(job_id, bar)
    finally:
        bar.close()


def _report(factory: sessionmaker[Session], job_id: uuid.UUID) -> bool:
    """Print the job's line and result; True if it finished without an error."""
    with transaction(factory) as session:
        bind_actor(session, Actor.system())
        job = repository.get(session, job_id)
        if job is None:
            raise fail(f"No job {job_id}.")
        typer.echo(_line(job))
        result = shown_result(session, job)
        if "error" in result:
            typer.secho(render(result["error"]), fg=typer.colors.RED, err=True)
        for error in result.get("errors", []):
            column = error.get("field") or "-"
            typer.echo(f"  row {error['row']}, {column}: {render(error['message'])}")
        if result.get("skipped"):
            rows = ", ".join(str(row) for row in result["skipped"])
            typer.echo(f"Submissions already imported, left out: rows {rows}.")
        if result.get("person_ids"):
            typer.echo(f"{len(result['person_ids'])} people imported.")
        return job.state == "done" and not result.get("errors") and "error" not in result


@app.command("work")
def work(
    forever: Annotated[
        bool, typer.Option("--forever", help="Keep waiting for new jobs instead of stopping.")
    ] = False,
) -> None:
    """Run every job waiting (or left by a worker that crashed), with a progress bar each."""
    with job_factory() as (factory, lease):
        runner = Runner(factory, lease=timedelta(seconds=lease))
        while True:
            job_id = runner.claim()
            if job_id is None:
                if not forever:
                    return
                time.sleep(2)
                continue
            with transaction(factory) as session:
                job = repository.get(session, job_id)
                title, total = (title_of(job), job.total) if job else ("", 0)
            run_with_bar(runner, job_id, render(title), total)
            _report(factory, job_id)


@app.command("show")
def show(
    job_id: Annotated[str, typer.Argument(help="The job's id.")],
    follow: Annotated[bool, typer.Option("--follow", help="Show progress until it ends.")] = False,
) -> None:
    """A job's state and progress (and its result once it is over)."""
    try:
        wanted = uuid.UUID(job_id)
    except ValueError:
        raise typer.BadParameter("not a job id (a UUID)") from None
    with job_factory() as (factory, _lease):
        bar: _Bar | None = None
        while follow:
            with transaction(factory) as session:
                job = repository.get(session, wanted)
                if job is None or job.job_state.over:
                    break
                bar = bar or _Bar(render(title_of(job)), job.total)
                bar(job)
            time.sleep(1)
        if bar is not None:
            bar.close()
        _report(factory, wanted)


def import_file(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV (UTF-8) or XLSX, headings in row 1: the import's own file, or a "
            "KoBoToolbox / ODK Central export of the reception XLSForm's submissions."
        ),
    ],
    username: Annotated[str, typer.Option("--as", help="The registrar the import acts as.")],
    write: Annotated[
        bool, typer.Option("--write", help="Import; without it, only check every row.")
    ] = False,
) -> None:
    """Check (or import) a list of people as a background job, with a progress bar; the same
    rules and messages as the import page. Nothing is written unless every row passes."""
    content = file.read_bytes()
    try:
        table = submissions.read(content, filename=file.name, content_type=None)
    except HavenError as error:
        raise fail(
            render(error.message)
            + "".join(f"\n  {name}: {render(message)}" for name, message in error.fields.items())
        ) from None
    with job_factory() as (factory, lease):
        with transaction(factory) as session:
            user = accounts.user_by_username(session, username)
            if user is None or not user.is_active:
                raise fail(f"No active user {username!r}.")
            actor = actor_for(user)
            bind_actor(session, actor)
            payload = import_jobs.payload_for(table, write=write)
            total = len(table.rows) * (2 if write else 1)
            try:
                job_id = public.enqueue(
                    session, actor, import_jobs.IMPORT.name, payload, total=total
                )
            except HavenError as error:
                raise fail(render(error.message)) from None
        runner = Runner(factory, lease=timedelta(seconds=lease))
        if runner.claim(job_id) is None:
            typer.echo(f"Job {job_id} queued; a running server's worker has it.")
            return
        run_with_bar(runner, job_id, render(import_jobs.IMPORT.title), total)
        if not _report(factory, job_id):
            raise typer.Exit(1)
