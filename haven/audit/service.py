"""Writing audit events. Called by services inside the transaction of the change itself.

Reading the trail, verifying it and signing checkpoints are in `haven.audit.trail`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from haven.audit import chain, checkpoints
from haven.audit.actions import AuditAction
from haven.audit.models import AuditEvent
from haven.db.types import new_id, utcnow
from haven.security.permissions import Actor

REDACTED = "<changed>"
# The subjects the session's events named: a read of their fields in the same request is
# already accounted for by that event (`haven.audit.reads`).
_AUDITED_SUBJECTS = "haven.audited_subjects"


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def diff(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    sensitive: Iterable[str] = (),
) -> dict[str, Any]:
    """The fields whose value changed, with before/after; sensitive ones only marked changed."""
    hidden = set(sensitive)
    changes: dict[str, Any] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        if name in hidden:
            changes[name] = REDACTED
        else:
            changes[name] = {"before": _plain(old), "after": _plain(new)}
    return changes


def record(
    session: Session,
    actor: Actor,
    action: AuditAction,
    *,
    subject_type: str,
    subject_id: uuid.UUID | None,
    organisation_id: uuid.UUID | None,
    changes: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction; it commits or rolls back with the change.

    The event is appended to the hash chain: writers are serialised (`chain.lock`) until the
    transaction ends, so two transactions never take the same `seq` or link to the same event.
    Every `CHECKPOINT_INTERVAL` events a signed checkpoint is added when a keyring is present.
    """
    chain.lock(session)
    last_seq, last_hash = chain.head(session)
    event = AuditEvent(
        id=new_id(),
        seq=last_seq + 1,
        occurred_at=utcnow(),
        actor_user_id=actor.user_id,
        actor_label=actor.label,
        organisation_id=organisation_id if organisation_id is not None else actor.organisation_id,
        action=str(action),
        subject_type=subject_type,
        subject_id=subject_id,
        changes=chain.plain_changes(dict(changes or {})),
        prev_hash=last_hash,
        event_hash="",
    )
    event.event_hash = chain.recompute(chain.ChainRecord.of(event))
    session.add(event)
    session.flush()
    if subject_id is not None:
        session.info.setdefault(_AUDITED_SUBJECTS, set()).add(subject_id)
    checkpoints.sign_if_due(session, seq=event.seq, event_hash=event.event_hash)
    return event


@dataclass(frozen=True)
class Entry:
    """One event of `record_many`: what `record` takes after the actor."""

    action: AuditAction
    subject_type: str
    subject_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    changes: Mapping[str, Any] = field(default_factory=dict)


def record_many(session: Session, actor: Actor, entries: Sequence[Entry]) -> list[AuditEvent]:
    """Append several events at once (bulk paths: an import's receptions, its screenings).

    Each entry is an event exactly as `record` would write it, in the same chain; only the
    cost differs: the chain is locked and its head read once, the rows go in one INSERT, and
    the checkpoints that fall due within the run are signed as they would have been one by one.
    """
    if not entries:
        return []
    chain.lock(session)
    last_seq, last_hash = chain.head(session)
    keyring = checkpoints.keyring_in(session)
    last_checkpoint = checkpoints.last_checkpoint_seq(session) if keyring is not None else 0
    events: list[AuditEvent] = []
    for entry in entries:
        last_seq += 1
        event = AuditEvent(
            id=new_id(),
            seq=last_seq,
            occurred_at=utcnow(),
            actor_user_id=actor.user_id,
            actor_label=actor.label,
            organisation_id=(
                entry.organisation_id
                if entry.organisation_id is not None
                else actor.organisation_id
            ),
            action=str(entry.action),
            subject_type=entry.subject_type,
            subject_id=entry.subject_id,
            changes=chain.plain_changes(dict(entry.changes)),
            prev_hash=last_hash,
            event_hash="",
        )
        event.event_hash = last_hash = chain.recompute(chain.ChainRecord.of(event))
        events.append(event)
    session.add_all(events)
    session.flush()
    audited = session.info.setdefault(_AUDITED_SUBJECTS, set())
    audited.update(e.subject_id for e in events if e.subject_id is not None)
    if keyring is not None:
        for event in events:
            if event.seq - last_checkpoint >= checkpoints.CHECKPOINT_INTERVAL:
                checkpoints.sign(
                    session, keyring.audit_signing_key, seq=event.seq, event_hash=event.event_hash
                )
                last_checkpoint = event.seq
    return events


@event.listens_for(Session, "after_soft_rollback")
def _forget_audited_subjects(session: Session, _previous: Any) -> None:
    # A rolled-back event accounts for nothing: the reads after it are audited on their own.
    session.info.pop(_AUDITED_SUBJECTS, None)


def take_audited_subjects(session: Session) -> set[uuid.UUID]:
    """The subjects the session's events named since the last call (then forgotten)."""
    found: set[uuid.UUID] = session.info.pop(_AUDITED_SUBJECTS, set())
    return found
