"""The hash chain: the canonical form of an event, its hash, and the chain's head.

An event's hash is SHA-256 over sorted-key, compact JSON of everything the event says (its id,
time, actor, organisation, action, subject, changes) and the hash of the event before it.
`seq` itself is not hashed: the position of an event is already fixed by the link to its
predecessor, and leaving it out lets verification tell a reordered or renumbered trail apart
from an edited event (a swapped `seq` leaves each event's own hash intact and breaks the links).
Verification requires seq 1, 2, 3 … in link order, so a changed `seq` is still caught.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from haven.audit import repository
from haven.db.session import take_write_lock

GENESIS = "0" * 64
FORMAT_VERSION = 1
# pg_advisory_xact_lock key serialising writers of the chain (an arbitrary fixed 63-bit number).
CHAIN_LOCK_KEY = 0x4A56_454E_0A0D_1700


@dataclass(frozen=True)
class ChainRecord:
    """An event as stored, detached from any session (so raw rows can be checked too)."""

    seq: int
    id: uuid.UUID
    occurred_at: datetime
    actor_user_id: uuid.UUID | None
    actor_label: str
    organisation_id: uuid.UUID | None
    action: str
    subject_type: str
    subject_id: uuid.UUID | None
    changes: dict[str, Any]
    prev_hash: str
    event_hash: str

    @classmethod
    def of(cls, row: Any) -> ChainRecord:
        """From an `AuditEvent` or a row of the `audit_events` table."""
        return cls(**{name: getattr(row, name) for name in cls.__dataclass_fields__})


def timestamp(value: datetime) -> str:
    """UTC, microseconds, `Z`: the one spelling both engines give back unchanged."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _optional(value: uuid.UUID | None) -> str | None:
    return None if value is None else str(value)


def canonical_json(value: Any) -> str:
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def plain_changes(changes: Any) -> dict[str, Any]:
    """`changes` as the JSON column gives it back, so that the hash survives storage."""
    # default=str: an id or a date given by a caller is stored (and hashed) as its text.
    dumped = json.dumps(changes or {}, allow_nan=False, default=str)
    loaded = json.loads(dumped)
    if not isinstance(loaded, dict):
        raise TypeError("audit changes must be a mapping")
    return loaded


def event_hash(
    *,
    event_id: uuid.UUID,
    occurred_at: datetime,
    actor_user_id: uuid.UUID | None,
    actor_label: str,
    organisation_id: uuid.UUID | None,
    action: str,
    subject_type: str,
    subject_id: uuid.UUID | None,
    changes: dict[str, Any],
    prev_hash: str,
) -> str:
    payload = {
        "v": FORMAT_VERSION,
        "id": str(event_id),
        "occurred_at": timestamp(occurred_at),
        "actor_user_id": _optional(actor_user_id),
        "actor_label": actor_label,
        "organisation_id": _optional(organisation_id),
        "action": action,
        "subject_type": subject_type,
        "subject_id": _optional(subject_id),
        "changes": changes,
        "prev_hash": prev_hash,
    }
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def recompute(record: ChainRecord) -> str:
    """The hash the record's stored contents should have."""
    return event_hash(
        event_id=record.id,
        occurred_at=record.occurred_at,
        actor_user_id=record.actor_user_id,
        actor_label=record.actor_label,
        organisation_id=record.organisation_id,
        action=record.action,
        subject_type=record.subject_type,
        subject_id=record.subject_id,
        changes=record.changes,
        prev_hash=record.prev_hash,
    )


def lock(session: Session) -> None:
    """Serialise writers of the chain until this transaction ends.

    SQLite: the database write lock (`take_write_lock`: a request's transaction reads a
    snapshot until its first write; the head is read after the lock). PostgreSQL: a
    transaction-level advisory lock; the next statement (READ COMMITTED) then sees the head
    the previous writer committed.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    else:
        take_write_lock(session)


def head(session: Session) -> tuple[int, str]:
    """The last event's seq and hash, or (0, GENESIS) for an empty trail."""
    return repository.last_link(session) or (0, GENESIS)
