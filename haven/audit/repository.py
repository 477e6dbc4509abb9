"""Every query of the audit trail's viewer (the chain's own queries are in `chain`/`verify`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from haven.audit.models import AuditCheckpoint, AuditEvent


@dataclass(frozen=True)
class EventFilter:
    """What the auditor asked for; every condition is optional and they combine with AND."""

    action: str | None = None
    actor: str | None = None
    subject_id: uuid.UUID | None = None
    occurred_from: date | None = None
    occurred_to: date | None = None
    before_seq: int | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def conditions(wanted: EventFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if wanted.action:
        clauses.append(AuditEvent.action == wanted.action)
    if wanted.actor:
        clauses.append(AuditEvent.actor_label == wanted.actor)
    if wanted.subject_id:
        clauses.append(AuditEvent.subject_id == wanted.subject_id)
    if wanted.occurred_from:
        clauses.append(AuditEvent.occurred_at >= _start_of(wanted.occurred_from))
    if wanted.occurred_to:
        clauses.append(AuditEvent.occurred_at < _start_of(wanted.occurred_to + timedelta(days=1)))
    if wanted.before_seq is not None:
        clauses.append(AuditEvent.seq < wanted.before_seq)
    return clauses


def events_page(
    session: Session, scope: ColumnElement[bool], wanted: EventFilter, *, limit: int
) -> Sequence[AuditEvent]:
    """Newest first, `limit` events older than `wanted.before_seq` (keyset pagination)."""
    query = (
        select(AuditEvent)
        .where(scope, *conditions(wanted))
        .order_by(AuditEvent.seq.desc())
        .limit(limit)
    )
    return session.scalars(query).all()


def event_by_id(session: Session, event_id: uuid.UUID) -> AuditEvent | None:
    return session.get(AuditEvent, event_id)


def organisation_of_event(session: Session, event_id: uuid.UUID) -> uuid.UUID | None:
    return session.scalar(select(AuditEvent.organisation_id).where(AuditEvent.id == event_id))


def checkpoint_at(session: Session, seq: int) -> AuditCheckpoint | None:
    return session.scalar(select(AuditCheckpoint).where(AuditCheckpoint.seq == seq))
