"""Writing audit events. Called by services inside the transaction of the change itself.

Reading the trail, verifying it and signing checkpoints are in `haven.audit.trail`.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from haven.audit import chain, checkpoints
from haven.audit.actions import AuditAction
from haven.audit.models import AuditCheckpoint, AuditEvent
from haven.db.session import SHORT_WRITES
from haven.db.types import new_id, utcnow
from haven.security.permissions import Actor

REDACTED = "<changed>"
_TRAIL = (AuditEvent, AuditCheckpoint)
# The subjects the session's events named: a read of their fields in the same request is
# already accounted for by that event (`haven.audit.reads`).
_AUDITED_SUBJECTS = "haven.audited_subjects"
# Events recorded in the session's transaction, appended to the chain at commit.
_PENDING = "haven.audit_pending"
_APPENDING = "haven.audit_appending"


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

    The event is appended to the hash chain (`append_pending`): appending serialises writers
    (`chain.lock`) until the transaction ends. In a session that keeps its writes short (a
    request, a job's step: `SHORT_WRITES`) that waits for the commit, since taking the lock at
    the first event would make every concurrent writer wait for all the work that follows it
    (a registration's duplicate check and screening); a rolled-back savepoint takes its
    waiting events with it, and reading the trail in the transaction appends them first.
    Other sessions append at once. Every `CHECKPOINT_INTERVAL` events a signed checkpoint is
    added when a keyring is present.
    """
    entry = Entry(action, subject_type, subject_id, organisation_id, dict(changes or {}))
    return _queue(session, actor, [entry])[0]


@dataclass(frozen=True)
class Entry:
    """One event of `record_many`: what `record` takes after the actor."""

    action: AuditAction
    subject_type: str
    subject_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    changes: Mapping[str, Any] = field(default_factory=dict)


def record_many(session: Session, actor: Actor, entries: Sequence[Entry]) -> list[AuditEvent]:
    """Add several events at once (bulk paths: an import's receptions, its screenings).

    Each entry is an event exactly as `record` would write it, in the same chain, appended at
    commit with the others of the transaction: the chain's head is read once and the rows go
    in one INSERT.
    """
    return _queue(session, actor, entries)


@dataclass
class _Pending:
    """Events waiting for the commit, and the (innermost) transaction each was recorded in."""

    events: list[tuple[AuditEvent, SessionTransaction | None]] = field(default_factory=list)


def _pending(session: Session) -> _Pending:
    found = session.info.get(_PENDING)
    if found is None:
        found = session.info[_PENDING] = _Pending()
    return found


def _queue(session: Session, actor: Actor, entries: Sequence[Entry]) -> list[AuditEvent]:
    owner = session.get_nested_transaction() or session.get_transaction()
    events = [
        AuditEvent(
            id=new_id(),
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
            prev_hash="",
            event_hash="",
        )
        for entry in entries
    ]
    _pending(session).events.extend((e, owner) for e in events)
    audited = session.info.setdefault(_AUDITED_SUBJECTS, set())
    audited.update(e.subject_id for e in events if e.subject_id is not None)
    if not session.info.get(SHORT_WRITES):
        # A command's or a test's session holds its write lock from the start anyway (or
        # shares its connection with others that read what it flushed): append at once.
        append_pending(session)
    return events


def append_pending(session: Session) -> None:
    """Append the transaction's waiting events to the chain now: lock it, read its head once,
    link and hash each event, insert them and sign the checkpoints that fall due. Called at
    commit, before anything in the transaction reads the trail, and by whoever needs an
    event's `seq` at once."""
    pending = session.info.get(_PENDING)
    if pending is None or not pending.events or session.info.get(_APPENDING):
        return
    session.info[_APPENDING] = True
    try:
        chain.lock(session)
        last_seq, last_hash = chain.head(session)
        keyring = checkpoints.keyring_in(session)
        last_checkpoint = checkpoints.last_checkpoint_seq(session) if keyring is not None else 0
        events = [e for e, _owner in pending.events]
        pending.events.clear()
        now = utcnow()
        for event in events:
            last_seq += 1
            event.seq = last_seq
            event.occurred_at = now
            event.prev_hash = last_hash
            event.event_hash = last_hash = chain.recompute(chain.ChainRecord.of(event))
        session.add_all(events)
        session.flush()
        if keyring is not None:
            for event in events:
                if event.seq - last_checkpoint >= checkpoints.CHECKPOINT_INTERVAL:
                    checkpoints.sign(
                        session,
                        keyring.audit_signing_key,
                        seq=event.seq,
                        event_hash=event.event_hash,
                    )
                    last_checkpoint = event.seq
    finally:
        session.info.pop(_APPENDING, None)


@event.listens_for(Session, "before_commit")
def _append_at_commit(session: Session) -> None:
    # A savepoint's release fires before_commit too: its events wait for the real commit.
    if not session.in_nested_transaction():
        append_pending(session)


@event.listens_for(Session, "do_orm_execute")
def _append_before_reading_the_trail(state: ORMExecuteState) -> None:
    # Like autoflush: whoever reads the trail in the transaction sees its own events.
    session = state.session
    pending = session.info.get(_PENDING)
    if pending is None or not pending.events or session.info.get(_APPENDING):
        return
    if state.is_select and any(m.class_ in _TRAIL for m in state.all_mappers):
        append_pending(session)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous: SessionTransaction) -> None:
    pending = session.info.get(_PENDING)
    if pending is None:
        return
    pending.events = [(e, owner) for e, owner in pending.events if not _within(owner, previous)]


@event.listens_for(Session, "after_transaction_end")
def _forget_at_the_end(session: Session, ended: SessionTransaction) -> None:
    # The outermost transaction ended (committed, rolled back or closed): nothing waits on.
    if ended.parent is None:
        session.info.pop(_PENDING, None)


def _within(owner: SessionTransaction | None, ended: SessionTransaction) -> bool:
    """Was `owner` the ended transaction or one inside it?"""
    if owner is None:
        return ended.parent is None
    current: SessionTransaction | None = owner
    while current is not None:
        if current is ended:
            return True
        current = current.parent
    return False


@event.listens_for(Session, "after_soft_rollback")
def _forget_audited_subjects(session: Session, _previous: Any) -> None:
    # A rolled-back event accounts for nothing: the reads after it are audited on their own.
    session.info.pop(_AUDITED_SUBJECTS, None)


def take_audited_subjects(session: Session) -> set[uuid.UUID]:
    """The subjects the session's events named since the last call (then forgotten)."""
    found: set[uuid.UUID] = session.info.pop(_AUDITED_SUBJECTS, set())
    return found
