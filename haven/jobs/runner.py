"""The worker: claims jobs and runs them one step per transaction.

Each step runs in a transaction of its own that first locks the job's row and checks the job
is still this worker's and still running, then does the kind's step, then writes the job's
progress, cursor and result, and commits all of it at once. A crash (power cut, kill) before
the commit loses the whole step and nothing else; the job's heartbeat then stops, and once it
is older than the lease another worker (or this one, started again) claims the job and goes
on from the last committed cursor. So a step is never done twice and never half done.

`haven serve` runs one worker thread beside the web server (`start`); `haven jobs work` runs
one in the foreground. A worker on PostgreSQL and another on a second server never take the
same job: the claim is one conditional UPDATE.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from haven.accounts import repository as accounts
from haven.accounts.sessions import actor_for
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.session import transaction
from haven.db.types import utcnow
from haven.errors import HavenError
from haven.i18n import N_, Text
from haven.jobs import public, repository
from haven.jobs.kinds import Step, UnknownJobKind, kind_of
from haven.jobs.models import Job, JobState
from haven.kernel.sensitivity import bind_actor
from haven.security.permissions import Actor

log = logging.getLogger("haven.jobs")

UNEXPECTED = N_(
    "The job stopped because of an unexpected error. What its finished steps saved is kept; "
    "the step that failed saved nothing. Ask an administrator to look at the server's log."
)
USER_GONE = N_("The person who started this job can no longer use Haven, so it stopped.")
UNKNOWN_KIND = N_("This version of Haven does not know this kind of job.")
# A step that meets a busy database is tried again this many times before the job stops.
MAX_RETRIES = 5


class _Lost(Exception):
    """The job was cancelled or taken over while a step ran: the step is rolled back."""


@dataclass(frozen=True)
class Outcome:
    job_id: uuid.UUID
    state: JobState
    steps: int


Progress = Callable[[Job], None]


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Runner:
    """Claims and runs jobs on one database. `lease`: how long a worker may be silent before
    its job is taken over (a step takes far less)."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        *,
        lease: timedelta = timedelta(seconds=30),
        name: str | None = None,
    ) -> None:
        self.factory = factory
        self.lease = lease
        self.name = name or worker_name()
        self._payloads: dict[uuid.UUID, dict[str, Any]] = {}

    # --- claiming ------------------------------------------------------------------------

    def claim(self, job_id: uuid.UUID | None = None) -> uuid.UUID | None:
        """Take a job (the given one, or the oldest claimable); None if there is none."""
        with transaction(self.factory) as session:
            now = utcnow()
            stale_before = now - self.lease
            candidate = job_id or repository.next_claimable(session, stale_before)
            if candidate is None:
                return None
            if not repository.claim(session, candidate, self.name, now, stale_before):
                return None
            return candidate

    # --- running -------------------------------------------------------------------------

    def run(self, job_id: uuid.UUID, progress: Progress | None = None) -> Outcome:
        """Run a claimed job step by step until it is over, cancelled or taken by another."""
        steps = 0
        retries = 0
        try:
            while True:
                try:
                    state = self._step(job_id, progress)
                except OperationalError:
                    # A busy or briefly unreachable database: the step was rolled back whole.
                    retries += 1
                    if retries > MAX_RETRIES:
                        raise
                    log.warning("job step retried", extra={"job": str(job_id), "retry": retries})
                    time.sleep(min(2.0, 0.2 * retries))
                    continue
                steps += 1
                if state is not JobState.RUNNING:
                    return Outcome(job_id, state, steps)
        except HavenError as error:
            self._fail(job_id, error.message)
        except UnknownJobKind:
            self._fail(job_id, UNKNOWN_KIND)
        except Exception as error:  # noqa: BLE001 - any failure stops the job, never the worker
            # The type only: an exception's message can carry data (an SQL parameter).
            log.error("job failed", extra={"job": str(job_id), "error": type(error).__name__})  # noqa: TRY400 - never the message
            self._fail(job_id, UNEXPECTED)
        finally:
            self._payloads.pop(job_id, None)
        return Outcome(job_id, JobState.FAILED, steps)

    def _actor(self, session: Session, job: Job) -> Actor | None:
        if job.created_by is None:
            return Actor.system()  # the operator's job (started at the command line)
        user = accounts.user_by_id(session, job.created_by)
        if user is None or not user.is_active:
            return None
        return actor_for(user)

    def _payload(self, session: Session, job: Job) -> Mapping[str, Any]:
        cached = self._payloads.get(job.id)
        if cached is None:
            cached = self._payloads[job.id] = public.payload_of(session, job)
        return cached

    def _step(self, job_id: uuid.UUID, progress: Progress | None) -> JobState:
        try:
            with transaction(self.factory, read_first=True) as session:
                job = repository.get(session, job_id)
                if job is None:
                    return JobState.CANCELLED
                if job.job_state is not JobState.RUNNING or job.worker != self.name:
                    return job.job_state if job.job_state.over else JobState.CANCELLED
                actor = self._actor(session, job)
                if actor is None:
                    raise HavenError(USER_GONE)
                bind_actor(session, actor)
                kind = kind_of(job.kind)
                # The step reads with no lock held (a snapshot, on SQLite) and takes the write
                # lock at its first write; the job's row is locked last, and if the job was
                # cancelled or taken over meanwhile, the step is rolled back whole.
                step = kind.step(session, actor, self._payload(session, job), job.cursor or {})
                job = self._still_mine(session, job_id)
                if job.started_at is None:
                    job.started_at = utcnow()
                self._record(session, actor, job, step)
                state = job.job_state
        except _Lost:
            return JobState.CANCELLED
        if progress is not None:
            progress(job)
        return state

    def _still_mine(self, session: Session, job_id: uuid.UUID) -> Job:
        """The job's row, locked; `_Lost` if it was cancelled or taken over meanwhile."""
        job = repository.locked(session, job_id)
        if job is None or job.job_state is not JobState.RUNNING or job.worker != self.name:
            raise _Lost
        return job

    def _record(self, session: Session, actor: Actor, job: Job, step: Step) -> None:
        job.done, job.total, job.cursor = step.done, step.total, dict(step.cursor)
        job.steps += 1
        job.heartbeat_at = utcnow()
        if step.payload is not None:
            public.set_payload(session, job, step.payload)
            self._payloads[job.id] = dict(step.payload)
        if step.result:
            public.set_result(session, job, merged(public.result_of(session, job), step.result))
        if step.finished:
            job.state = JobState.DONE.value
            job.finished_at = utcnow()
            public.drop_payload(job)
            audit.record(
                session,
                actor,
                AuditAction.JOB_FINISHED,
                subject_type="job",
                subject_id=job.id,
                organisation_id=job.organisation_id,
                changes={
                    "kind": {"before": None, "after": job.kind},
                    "done": {"before": None, "after": job.done},
                    "steps": {"before": None, "after": job.steps},
                },
            )

    def _fail(self, job_id: uuid.UUID, message: Text | str) -> None:
        with transaction(self.factory) as session:
            job = repository.locked(session, job_id)
            if job is None or job.job_state.over:
                return
            text = message if isinstance(message, Text) else Text(str(message))
            result = public.result_of(session, job)
            result["error"] = {"msgid": text.msgid, "params": _plain(text.params)}
            public.set_result(session, job, result)
            job.state = JobState.FAILED.value
            job.finished_at = utcnow()
            public.drop_payload(job)
            bind_actor(session, Actor.system())
            audit.record(
                session,
                Actor.system(),
                AuditAction.JOB_FAILED,
                subject_type="job",
                subject_id=job.id,
                organisation_id=job.organisation_id,
                changes={
                    "kind": {"before": None, "after": job.kind},
                    "done": {"before": None, "after": job.done},
                },
            )

    # --- loops ---------------------------------------------------------------------------

    def run_pending(self, progress: Progress | None = None) -> list[Outcome]:
        """Run every claimable job, one after the other, until none is left."""
        outcomes = []
        while (job_id := self.claim()) is not None:
            outcomes.append(self.run(job_id, progress))
        return outcomes


def merged(result: Mapping[str, Any], more: Mapping[str, Any]) -> dict[str, Any]:
    """A step's result added to the job's: lists are extended, other values replaced."""
    out = dict(result)
    for name, value in more.items():
        before = out.get(name)
        out[name] = (
            [*before, *value] if isinstance(before, list) and isinstance(value, list) else value
        )
    return out


def _plain(params: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: value.render() if isinstance(value, Text) else str(value)
        for name, value in params.items()
    }


class Worker:
    """A runner in a daemon thread: it looks for work every `poll` seconds, or at once when
    `wake()` is called (a page that has just queued a job)."""

    def __init__(
        self,
        runner: Runner,
        *,
        poll: float = 2.0,
        housekeeping: Callable[[], None] | None = None,
        every: float = 3600.0,
    ) -> None:
        self.runner = runner
        self.poll = poll
        # Run between jobs every `every` seconds (the database's statistics, `haven serve`).
        self._housekeeping = housekeeping
        self._every = every
        self._kept_at = time.monotonic()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="haven-jobs", daemon=True)

    def start(self) -> Worker:
        self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                while not self._stop.is_set() and (job_id := self.runner.claim()) is not None:
                    self.runner.run(job_id)
                if self._housekeeping and time.monotonic() - self._kept_at >= self._every:
                    self._kept_at = time.monotonic()
                    self._housekeeping()
            except Exception as error:  # noqa: BLE001 - the worker outlives a bad moment
                log.error("job worker error", extra={"error": type(error).__name__})  # noqa: TRY400 - never the message
            self._wake.wait(self.poll)
            self._wake.clear()
