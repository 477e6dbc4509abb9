"""Tables of synchronisation: this node's identity, headquarters' registry of field nodes, the
change log (the transactional outbox), bundles waiting for a missing one, and conflicts.

Nothing here holds a person's data in the clear. A field node's change log holds each change
sealed to headquarters' public key (the node cannot read back what it recorded); headquarters'
change log holds which record changed, never the values (a bundle going down reads the
record as it is when the bundle is made); a conflict's values are AES-GCM ciphertexts under
the keyring's sync key and are deleted with the person they belong to.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin, TimestampMixin
from haven.db.types import utcnow
from haven.i18n import N_
from haven.kernel.labels import Labelled
from haven.kernel.sensitivity import Sensitivity, sensitive


class Role(Labelled):
    FIELD = "field", N_("Field node")
    HEADQUARTERS = "headquarters", N_("Headquarters")


class NodeState(Labelled):
    ENROLLING = "enrolling", N_("Waiting for the laptop to enrol")
    ACTIVE = "active", N_("Active")
    REVOKED = "revoked", N_("Revoked")


class ConflictState(Labelled):
    OPEN = "open", N_("Waiting for a decision")
    DECIDED = "decided", N_("Decided")


class Identity(Base):
    """This database's place in synchronisation: one row, made by `haven node init`.

    Private keys are wrapped (AES-256-GCM) under the keyring's sync key. A field node keeps
    headquarters' public keys and never its sealing private key; `acked_seq` is its highest
    change headquarters has applied, `down_seq` the highest of headquarters' changes it has.
    """

    __tablename__ = "sync_identity"

    node_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id"))
    sealing_private: Mapped[bytes] = mapped_column(LargeBinary)
    sealing_public: Mapped[bytes] = mapped_column(LargeBinary)
    signing_private: Mapped[bytes] = mapped_column(LargeBinary)
    signing_public: Mapped[bytes] = mapped_column(LargeBinary)
    hq_node_id: Mapped[uuid.UUID | None]
    hq_sealing_public: Mapped[bytes | None] = mapped_column(LargeBinary)
    hq_signing_public: Mapped[bytes | None] = mapped_column(LargeBinary)
    hq_url: Mapped[str | None] = mapped_column(String(300))
    last_seq: Mapped[int] = mapped_column(default=0)
    acked_seq: Mapped[int] = mapped_column(default=0)
    down_seq: Mapped[int] = mapped_column(default=0)
    retention_days: Mapped[int] = mapped_column(default=0)
    revoked_nodes: Mapped[list[str]] = mapped_column(JSON, default=list)
    watch_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    last_sync_at: Mapped[datetime | None]
    last_sync_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Node(TimestampMixin, Base):
    """A field node, as headquarters knows it."""

    __tablename__ = "sync_nodes"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    site_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sites.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=NodeState.ENROLLING.value)
    code_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    code_expires_at: Mapped[datetime | None]
    sealing_public: Mapped[bytes | None] = mapped_column(LargeBinary)
    signing_public: Mapped[bytes | None] = mapped_column(LargeBinary)
    applied_seq: Mapped[int] = mapped_column(default=0)
    down_acked_seq: Mapped[int] = mapped_column(default=0)
    last_contact_at: Mapped[datetime | None]
    audit_seq: Mapped[int] = mapped_column(default=0)
    audit_hash: Mapped[str | None] = mapped_column(String(64))
    audit_warning: Mapped[str | None] = mapped_column(String(300))
    # The hash of the watchlist hashes the node said it holds (with its last up bundle).
    watch_hash: Mapped[str | None] = mapped_column(String(64))
    enrolled_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))

    @property
    def node_state(self) -> NodeState:
        return NodeState(self.state)


class Change(Base):
    """One change of a synchronised record, written in the transaction that made it.

    `seq` orders this database's changes without gaps (writers are serialised while they take
    one). At a field node `payload` is the change (each field's value before and after, who,
    when) sealed to headquarters; at headquarters it is None and `site_id`/`everywhere` say
    which field nodes the record goes down to.
    """

    __tablename__ = "sync_changes"
    __table_args__ = (Index("ix_sync_changes_table_record", "table_name", "record_id"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(unique=True)
    table_name: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[str] = mapped_column(String(36))
    op: Mapped[str] = mapped_column(String(10))
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    site_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    everywhere: Mapped[bool] = mapped_column(default=False)
    origin_node: Mapped[uuid.UUID | None]
    actor_id: Mapped[uuid.UUID | None]
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Inbox(IdMixin, Base):
    """A bundle headquarters received ahead of a missing one: kept, sealed as it came, until
    the gap is filled (`haven.sync.receive`)."""

    __tablename__ = "sync_inbox"

    node_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sync_nodes.id"), index=True)
    first_seq: Mapped[int]
    last_seq: Mapped[int]
    bundle: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Conflict(IdMixin, TimestampMixin, Base):
    """One field of one record changed at a field node and at headquarters from the same
    value to different ones. Headquarters' value stays until a person decides; both values
    are kept here (encrypted) with who made each."""

    __tablename__ = "sync_conflicts"

    node_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sync_nodes.id"), index=True)
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisations.id"))
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"), index=True)
    table_name: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(60))
    # The person's data (both values and the base): deleted with them (haven.sync.handlers).
    values_ct: Mapped[bytes] = mapped_column(LargeBinary, info=sensitive(Sensitivity.PERSONAL))
    change_id: Mapped[uuid.UUID]
    node_actor_id: Mapped[uuid.UUID | None]
    node_changed_at: Mapped[datetime | None]
    hq_actor_id: Mapped[uuid.UUID | None]
    hq_changed_at: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(String(20), default=ConflictState.OPEN.value, index=True)
    decision: Mapped[str | None] = mapped_column(String(20))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]


class WatchHash(Base):
    """A keyed hash (HMAC-SHA256 under the identity's `watch_key`) of one name key of a
    watchlist entry: what a field node screens against instead of the names."""

    __tablename__ = "sync_watch_hashes"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
