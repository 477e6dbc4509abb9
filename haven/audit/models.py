"""The audit trail's tables. Rows are only ever inserted (database triggers refuse the rest)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin
from haven.db.types import utcnow


class AuditEvent(IdMixin, Base):
    """Who did what to which record, when, and which fields changed.

    `changes` maps each changed field to its before/after value; sensitive fields record only
    that they changed. `organisation_id` scopes the event for auditors.

    Events form a hash chain: `seq` numbers them 1, 2, 3 … without gaps, `prev_hash` is the
    `event_hash` of the event before (64 zeros for the first), and `event_hash` is SHA-256
    over the event's canonical form (`haven.audit.chain`), which includes `prev_hash`.
    """

    __tablename__ = "audit_events"

    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    actor_label: Mapped[str] = mapped_column(String(100))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    action: Mapped[str] = mapped_column(String(60), index=True)
    subject_type: Mapped[str] = mapped_column(String(60))
    subject_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    event_hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(IdMixin, Base):
    """A signed statement that the chain's event `seq` had `event_hash` at `signed_at`.

    Because every event's hash covers the one before it, a checkpoint vouches for the whole
    chain up to `seq`: rewriting any earlier event (and re-hashing everything after it) no
    longer matches, and a new checkpoint cannot be made without the signing key.
    """

    __tablename__ = "audit_checkpoints"

    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    event_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column()
    key_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[str] = mapped_column(String(128))


class AuditAttestation(IdMixin, Base):
    """An operator's signed statement that the chain's event `seq` had `event_hash`.

    Unlike a checkpoint, it is signed off the laptop, with a key the laptop never holds (the
    operator's or headquarters' Ed25519 key, `haven.audit.witness`): whoever holds this
    laptop's key file can re-sign checkpoints for a rewritten chain, but not attestations.
    The laptop keeps only the operator's public key, in its key directory.
    """

    __tablename__ = "audit_attestations"
    __table_args__ = (UniqueConstraint("seq", "key_id"),)

    seq: Mapped[int] = mapped_column(BigInteger)
    event_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column()
    key_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[str] = mapped_column(String(128))
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
