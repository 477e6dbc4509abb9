"""A job survives its worker being killed: the step in flight is lost whole, the steps before
it are kept, and another worker goes on from there, writing no row twice.

Real processes: `haven jobs work` on the test's own database (SQLCipher or PostgreSQL), killed
with SIGKILL (no clean-up runs) in the middle of the writing phase, then run again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from haven.accounts.sessions import actor_for
from haven.config import Settings
from haven.db.engine import make_engine
from haven.db.session import make_session_factory, transaction
from haven.jobs import public
from haven.jobs.models import Job
from haven.kernel.sensitivity import bind_actor
from haven.reception import import_jobs, importing
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor
from tests import factories as f
from tests.cli_databases import CliDatabase
from tests.conftest import LAPTOP
from tests.reception.test_import import HEADER, csv_bytes, person_row

ROWS = 300


def _state(factory: sessionmaker[Session], job_id: uuid.UUID) -> tuple[Job, int]:
    # A reader: it takes no write lock, which a stopped worker may hold (SQLite).
    with transaction(factory, read_first=True) as session:
        job = session.get(Job, job_id)
        assert job is not None
        count = session.scalar(select(func.count()).select_from(ReceptionEvent)) or 0
        return job, count


def _kill_while_writing(
    command: list[str], env: dict[str, str], factory: sessionmaker[Session], job_id: uuid.UUID
) -> None:
    """Start a worker and SIGKILL it once it has written some chunks, not all."""
    worker = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline and worker.poll() is None:
            # The worker stands still while its progress is read: on a loaded machine a slow
            # read could otherwise let the whole writing phase pass between two looks.
            os.kill(worker.pid, signal.SIGSTOP)
            job, _count = _state(factory, job_id)
            if job.cursor.get("phase") == "write" and 0 < job.cursor.get("next", 0) < ROWS:
                break
            os.kill(worker.pid, signal.SIGCONT)
            time.sleep(0.02)
        assert worker.poll() is None, worker.stderr.read() if worker.stderr else ""
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=30)


# The claim and the step transaction are the same on both engines (tests/jobs and
# tests/matching/test_dedupe_job.py take a job over on each); the killed process, on the laptop's.
@pytest.mark.parametrize("cli_database", LAPTOP, indirect=True)
def test_a_killed_worker_s_job_resumes_without_writing_a_row_twice(
    cli_database: CliDatabase, fast_settings: Settings
) -> None:
    engine = make_engine(cli_database.url, keyring=cli_database.keyring())
    factory = make_session_factory(engine, cli_database.keyring())
    try:
        with transaction(factory) as session:
            bind_actor(session, Actor.system())
            org = f.organisation(session)
            site = f.site(session, organisation=org, name="Demoso reception point")
            user = f.registrar(session, organisation=org, site=site, settings=fast_settings)
            actor = actor_for(user)
            bind_actor(session, actor)
            people = [person_row(n) for n in range(1, ROWS + 1)]
            table = importing.read_file(
                csv_bytes([HEADER, *people]), filename="people.csv", content_type=None
            )
            payload = import_jobs.payload_for(table, write=True)
            job_id = public.enqueue(
                session, actor, import_jobs.IMPORT.name, payload, total=2 * ROWS
            )
        env = {**os.environ, "HAVEN_JOB_LEASE_SECONDS": "1"}
        command = [sys.executable, "-m", "haven", "jobs", "work"]
        _kill_while_writing(command, env, factory, job_id)

        job, count = _state(factory, job_id)
        written = int(job.cursor["next"])
        assert job.state == "running"
        assert 0 < written < ROWS
        # What the killed worker committed is exactly what its cursor says: no half step.
        assert count == written
        assert job.done == ROWS + written

        time.sleep(1.2)  # the killed worker's lease runs out
        resumed = subprocess.run(command, env=env, capture_output=True, timeout=600, check=False)
        assert resumed.returncode == 0, resumed.stderr.decode()

        job, count = _state(factory, job_id)
        assert (job.state, job.done, job.total) == ("done", 2 * ROWS, 2 * ROWS)
        assert count == ROWS  # every row once
        with transaction(factory) as session:
            bind_actor(session, Actor.system())
            found = session.get(Job, job_id)
            assert found is not None
            result = public.result_of(session, found)
            names = session.scalars(select(ReceptionEvent.person_id)).all()
        assert len(result["person_ids"]) == len(set(result["person_ids"])) == ROWS
        assert set(result["person_ids"]) == {str(p) for p in names}
        assert result["errors"] == []
    finally:
        engine.dispose()
