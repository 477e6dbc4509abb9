"""Writing audit events. Called by services inside the transaction of the change itself.

Reading the trail, verifying it and signing checkpoints are in `haven.audit.trail`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
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


@event.listens_for(Session, "after_soft_rollback")
def _forget_audited_subjects(session: Session, _previous: Any) -> None:
    # A rolled-back event accounts for nothing: the reads after it are audited on their own.
    session.info.pop(_AUDITED_SUBJECTS, None)


def take_audited_subjects(session: Session) -> set[uuid.UUID]:
    """The subjects the session's events named since the last call (then forgotten)."""
    found: set[uuid.UUID] = session.info.pop(_AUDITED_SUBJECTS, set())
    return found
