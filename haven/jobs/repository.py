"""Queries on the jobs table."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from haven.jobs.models import Job, JobState


def get(session: Session, job_id: uuid.UUID) -> Job | None:
    return session.get(Job, job_id)


def locked(session: Session, job_id: uuid.UUID) -> Job | None:
    """The job, its row locked until the transaction ends (PostgreSQL; SQLite's write
    transaction already excludes every other writer)."""
    statement = select(Job).where(Job.id == job_id).with_for_update()
    return session.scalars(statement.execution_options(populate_existing=True)).first()


def next_claimable(session: Session, stale_before: datetime) -> uuid.UUID | None:
    """The oldest job waiting, or running with a worker that stopped beating (crashed)."""
    statement = (
        select(Job.id)
        .where(
            or_(
                Job.state == JobState.QUEUED.value,
                (Job.state == JobState.RUNNING.value) & (Job.heartbeat_at < stale_before),
            )
        )
        .order_by(Job.created_at)
        .limit(1)
    )
    return session.scalars(statement).first()


def claim(
    session: Session, job_id: uuid.UUID, worker: str, now: datetime, stale_before: datetime
) -> bool:
    """Take the job for `worker` if it is still claimable: one conditional UPDATE, so two
    workers never both take it."""
    statement = (
        update(Job)
        .where(
            Job.id == job_id,
            or_(
                Job.state == JobState.QUEUED.value,
                (Job.state == JobState.RUNNING.value) & (Job.heartbeat_at < stale_before),
            ),
        )
        .values(state=JobState.RUNNING.value, worker=worker, heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount == 1  # type: ignore[attr-defined, no-any-return]


def started_by(session: Session, user_id: uuid.UUID, *, limit: int = 50) -> Sequence[Job]:
    statement = (
        select(Job).where(Job.created_by == user_id).order_by(Job.created_at.desc()).limit(limit)
    )
    return session.scalars(statement).all()


def recent(session: Session, *, limit: int = 50) -> Sequence[Job]:
    return session.scalars(select(Job).order_by(Job.created_at.desc()).limit(limit)).all()
