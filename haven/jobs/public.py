"""Starting, reading and cancelling jobs: what the domains and the pages call."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import new_id, utcnow
from haven.errors import Conflict, NotFound
from haven.i18n import N_
from haven.jobs import repository
from haven.jobs.kinds import kind_of
from haven.jobs.models import Job, JobState
from haven.security.fields import (
    KEY_BYTES,
    associated_data,
    seal,
    session_keyring,
    unseal,
    unwrap_data_key,
    wrap_data_key,
)
from haven.security.permissions import Actor, require

__all__ = [
    "Job",
    "JobState",
    "cancel",
    "enqueue",
    "get_any",
    "get_for",
    "mine",
    "payload_of",
    "result_of",
]


def _key(session: Session, job: Job) -> bytes:
    return unwrap_data_key(session_keyring(session).field_kek, job.wrapped_key, job.id)


def _seal(session: Session, job: Job, column: str, value: Mapping[str, Any]) -> bytes:
    plain = json.dumps(dict(value), ensure_ascii=False, separators=(",", ":")).encode()
    return seal(_key(session, job), plain, associated_data("jobs", column, job.id))


def _open(session: Session, job: Job, column: str, blob: bytes | None) -> dict[str, Any]:
    if blob is None:
        return {}
    plain = unseal(_key(session, job), blob, associated_data("jobs", column, job.id), what=column)
    value = json.loads(plain)
    return value if isinstance(value, dict) else {}


def payload_of(session: Session, job: Job) -> dict[str, Any]:
    return _open(session, job, "payload", job.payload)


def result_of(session: Session, job: Job) -> dict[str, Any]:
    return _open(session, job, "result", job.result)


def set_result(session: Session, job: Job, result: Mapping[str, Any]) -> None:
    job.result = _seal(session, job, "result", result)


def set_payload(session: Session, job: Job, payload: Mapping[str, Any]) -> None:
    job.payload = _seal(session, job, "payload", payload)


def drop_payload(job: Job) -> None:
    job.payload = None


def enqueue(
    session: Session, actor: Actor, kind: str, payload: Mapping[str, Any], *, total: int
) -> uuid.UUID:
    """Queue a job that acts as `actor`; the worker of `haven serve` (or `haven jobs work`)
    runs it. The payload is sealed under the job's own key."""
    found = kind_of(kind)
    require(actor, found.permission)
    organisation_id = actor.organisation_id
    if actor.is_system:  # the operator's job is about the organisation its payload names
        organisation_id = uuid.UUID(str(payload.get("organisation_id")))
    elif actor.user_id is None or organisation_id is None:
        raise Conflict(N_("Only a user of an organisation can start this work."))
    key = os.urandom(KEY_BYTES)
    job = Job(
        id=new_id(),
        kind=kind,
        organisation_id=organisation_id,
        created_by=None if actor.is_system else actor.user_id,
        state=JobState.QUEUED.value,
        total=total,
        done=0,
        cursor={},
    )
    job.wrapped_key = wrap_data_key(session_keyring(session).field_kek, key, job.id)
    job.payload = _seal(session, job, "payload", payload)
    session.add(job)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.JOB_QUEUED,
        subject_type="job",
        subject_id=job.id,
        organisation_id=job.organisation_id,
        changes={
            "kind": {"before": None, "after": kind},
            "total": {"before": None, "after": total},
        },
    )
    return job.id


def get_for(session: Session, actor: Actor, job_id: uuid.UUID) -> Job:
    """The job, for the user who started it (anyone else: not found)."""
    job = repository.get(session, job_id)
    if job is None or actor.user_id is None or job.created_by != actor.user_id:
        raise NotFound(N_("No such job."))
    return job


def get_any(session: Session, job_id: uuid.UUID) -> Job:
    """Any job, for the operator at the machine (the command line)."""
    job = repository.get(session, job_id)
    if job is None:
        raise NotFound(N_("No such job."))
    return job


def mine(session: Session, actor: Actor) -> Sequence[Job]:
    if actor.user_id is None:
        return []
    return repository.started_by(session, actor.user_id)


def cancel(session: Session, actor: Actor, job_id: uuid.UUID) -> Job:
    """Stop a job before its next step; what earlier steps saved stays saved."""
    job = get_for(session, actor, job_id)
    if job.job_state.over:
        raise Conflict(N_("This job is over; it cannot be cancelled."))
    before = job.state
    job.state = JobState.CANCELLED.value
    job.finished_at = utcnow()
    drop_payload(job)
    audit.record(
        session,
        actor,
        AuditAction.JOB_CANCELLED,
        subject_type="job",
        subject_id=job.id,
        organisation_id=job.organisation_id,
        changes={
            "state": {"before": before, "after": job.state},
            "done": {"before": None, "after": job.done},
        },
    )
    return job
