"""Every query of the audit trail: its head and walk, checkpoints, the viewer's pages."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Result, String, and_, cast, func, or_, select
from sqlalchemy.orm import Session

from haven.audit.actions import AuditAction
from haven.audit.models import AuditAttestation, AuditCheckpoint, AuditEvent

# The walk reads raw rows of the table, not ORM objects: faster, and a row whose stored values
# were tampered with is read exactly as stored.
_EVENTS = AuditEvent.__table__


# --- the chain --------------------------------------------------------------------------------


def last_link(session: Session) -> tuple[int, str] | None:
    """The seq and hash of the last event, or None for an empty trail."""
    row = session.execute(
        select(AuditEvent.seq, AuditEvent.event_hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    return None if row is None else (int(row[0]), str(row[1]))


def rows_in_seq_order(session: Session, *, batch: int) -> Result[Any]:
    """Every row of the trail in `seq` order, streamed `batch` rows at a time (close it)."""
    return session.execute(
        select(_EVENTS).order_by(_EVENTS.c.seq).execution_options(yield_per=batch)
    )


def event_with_hash(session: Session, event_hash: str) -> tuple[int, uuid.UUID] | None:
    """The seq and id of an event whose hash is `event_hash` (the one another links to)."""
    row = session.execute(
        select(_EVENTS.c.seq, _EVENTS.c.id).where(_EVENTS.c.event_hash == event_hash).limit(1)
    ).first()
    return None if row is None else (int(row[0]), row[1])


def event_id_at(session: Session, seq: int) -> uuid.UUID | None:
    found: uuid.UUID | None = session.scalar(
        select(_EVENTS.c.id).where(_EVENTS.c.seq == seq).limit(1)
    )
    return found


def event_hash_at(session: Session, seq: int) -> str | None:
    found: str | None = session.scalar(
        select(_EVENTS.c.event_hash).where(_EVENTS.c.seq == seq).limit(1)
    )
    return found


def events_of_action(session: Session, action: str) -> list[tuple[int, datetime, dict[str, Any]]]:
    """(seq, time, changes) of every event of one action, in seq order (rare actions only)."""
    rows = session.execute(
        select(_EVENTS.c.seq, _EVENTS.c.occurred_at, _EVENTS.c.changes)
        .where(_EVENTS.c.action == action)
        .order_by(_EVENTS.c.seq)
    ).all()
    return [(int(row[0]), row[1], dict(row[2] or {})) for row in rows]


# --- checkpoints ------------------------------------------------------------------------------


def last_checkpoint_seq(session: Session) -> int:
    return int(session.scalar(select(func.max(AuditCheckpoint.seq))) or 0)


def checkpoints_in_order(session: Session) -> list[AuditCheckpoint]:
    """Every checkpoint by seq, reloaded from the database (never a stale copy in the session)."""
    return list(
        session.scalars(
            select(AuditCheckpoint)
            .order_by(AuditCheckpoint.seq)
            .execution_options(populate_existing=True)
        )
    )


def attestations_in_order(session: Session) -> list[AuditAttestation]:
    """Every operator attestation by seq, reloaded from the database."""
    return list(
        session.scalars(
            select(AuditAttestation)
            .order_by(AuditAttestation.seq, AuditAttestation.key_id)
            .execution_options(populate_existing=True)
        )
    )


def attestation_at(session: Session, seq: int, key_id: str) -> AuditAttestation | None:
    return session.scalar(
        select(AuditAttestation).where(
            AuditAttestation.seq == seq, AuditAttestation.key_id == key_id
        )
    )


# --- the viewer -------------------------------------------------------------------------------


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
        # A read of several subjects in one request lists them in its changes, as does a
        # recomputation of many persons' entitlements.
        listed = and_(
            AuditEvent.action.in_(
                [
                    str(AuditAction.CONFIDENTIAL_READ),
                    str(AuditAction.ALLOWANCE_ENTITLEMENT_COMPUTED),
                ]
            ),
            cast(AuditEvent.changes, String).contains(str(wanted.subject_id)),
        )
        clauses.append(or_(AuditEvent.subject_id == wanted.subject_id, listed))
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
