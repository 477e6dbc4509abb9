"""Tables of the protection domain: security incidents, who and what they touch, the
actions taken, each move of their state, and the changes of a person's risk level.

Confidential text is ciphertext (`haven.security.fields`):
- where an incident happened, what happened, the reasons of its moves, the actions taken and
  what a lost or seized device held are encrypted under the *incident's own* data key
  (`protection_keys`), because one incident may concern several people and its account is
  the programme's record of the event, not one person's data (docs/protection.md,
  "Erasure");
- the reason a person's risk was lowered is encrypted under the *person's* data key, so that
  erasing them shreds it.
Only those who hold SECURITY_INCIDENT_READ read them, whatever their clearance.

Plaintext on purpose: kind, severity, state, dates, the laptop's name (for the list and the
filters) and the risk levels (every domain reads a person's level from `persons`).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin, TimestampMixin
from haven.db.types import utcnow
from haven.kernel.sensitivity import Sensitivity, sensitive
from haven.people.public import PERSON_KEYS
from haven.security import fields
from haven.security.fields import JSON_OBJECT, TEXT, Codec, DataKeys, EncryptedField
from haven.security.permissions import Permission

CONFIDENTIAL = sensitive(
    Sensitivity.HIGHLY_CONFIDENTIAL, permission=Permission.SECURITY_INCIDENT_READ
)
T = TypeVar("T")

KINDS = "'reprisal','threat','arrest','missing','leak','device_lost','device_seized','other'"
SEVERITIES = "'low','medium','high','critical'"
STATES = "'open','responding','closed'"
LEVELS = "'normal','elevated','high','critical'"


class ProtectionKey(Base):
    """The data key of one incident, wrapped under the keyring's `field_kek`."""

    __tablename__ = "protection_keys"

    owner_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


PROTECTION_KEYS = DataKeys(ProtectionKey, owner_attr="owner_id", label="protection")


def _protection_keys() -> DataKeys:
    return PROTECTION_KEYS


def _person_keys() -> DataKeys:
    return PERSON_KEYS


def _owned(attr: str, codec: Codec[T], owner: str, *, assign: bool = False) -> EncryptedField[T]:
    return EncryptedField(
        attr, codec, keys=_protection_keys, owner_attr=owner, assign_owner_id=assign
    )


class Incident(IdMixin, TimestampMixin, Base):
    """A security incident: what kind, how severe, when it happened and was reported, where
    and what happened (encrypted), its state, the relative it concerns (a reprisal), and for
    a lost or seized laptop, the field node and what it held."""

    __tablename__ = "protection_incidents"
    __table_args__ = (
        CheckConstraint(f"kind IN ({KINDS})", name="kind"),
        CheckConstraint(f"severity IN ({SEVERITIES})", name="severity"),
        CheckConstraint(f"state IN ({STATES})", name="state"),
        CheckConstraint("reported_on >= occurred_on", name="reported_after"),
        # The list, newest first within the organisation.
        Index("ix_protection_incidents_organisation_occurred", "organisation_id", "occurred_on"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(12), default="open")
    occurred_on: Mapped[date]
    reported_on: Mapped[date]
    # A relative of a person concerned (a reprisal against family); emptied when the relative
    # is removed (ON DELETE SET NULL) or their person erased.
    relative_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("family_members.id", ondelete="SET NULL"), index=True
    )
    # The field node of a lost or seized laptop (headquarters' `sync_nodes`; no foreign key:
    # synchronisation stands above this domain and keeps its own registry).
    node_id: Mapped[uuid.UUID | None]
    node_name: Mapped[str | None] = mapped_column(String(120))
    node_revoked_at: Mapped[datetime | None]
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    state_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    state_changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    place_ct: Mapped[bytes | None] = mapped_column("place", LargeBinary, info=CONFIDENTIAL)
    narrative_ct: Mapped[bytes | None] = mapped_column("narrative", LargeBinary, info=CONFIDENTIAL)
    held_ct: Mapped[bytes | None] = mapped_column("held", LargeBinary, info=CONFIDENTIAL)

    place = _owned("place_ct", TEXT, "id", assign=True)
    narrative = _owned("narrative_ct", TEXT, "id", assign=True)
    # What the device held: counts per kind of record, bundle times (never names).
    held: EncryptedField[dict[str, Any]] = _owned("held_ct", JSON_OBJECT, "id", assign=True)

    @property
    def masked_fields(self) -> list[str]:
        return fields.masked_fields(self)


class IncidentPerson(IdMixin, Base):
    """A person an incident touches: named by the recorder, or held on the device."""

    __tablename__ = "protection_incident_people"
    __table_args__ = (
        UniqueConstraint("incident_id", "person_id"),
        CheckConstraint("touch IN ('linked','device')", name="touch"),
    )

    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("protection_incidents.id"), index=True
    )
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    touch: Mapped[str] = mapped_column(String(10), default="linked")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IncidentCase(IdMixin, Base):
    """A pathway case an incident concerns."""

    __tablename__ = "protection_incident_cases"
    __table_args__ = (UniqueConstraint("incident_id", "case_id"),)

    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("protection_incidents.id"), index=True
    )
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class IncidentAction(IdMixin, Base):
    """One dated entry of the log of actions taken (encrypted under the incident's key)."""

    __tablename__ = "protection_incident_actions"

    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("protection_incidents.id"), index=True
    )
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    taken_on: Mapped[date]
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    text_ct: Mapped[bytes | None] = mapped_column("text", LargeBinary, info=CONFIDENTIAL)

    text = _owned("text_ct", TEXT, "incident_id")


class IncidentMove(IdMixin, Base):
    """One move of an incident's state, with its reason, who and when."""

    __tablename__ = "protection_incident_moves"

    incident_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("protection_incidents.id"), index=True
    )
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    from_state: Mapped[str] = mapped_column(String(12))
    to_state: Mapped[str] = mapped_column(String(12))
    moved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    moved_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason_ct: Mapped[bytes | None] = mapped_column("reason", LargeBinary, info=CONFIDENTIAL)

    reason = _owned("reason_ct", TEXT, "incident_id")


class RiskChange(IdMixin, Base):
    """One change of a person's risk level: raised by an incident, or lowered by a person
    with a reason (encrypted under the person's key)."""

    __tablename__ = "protection_risk_changes"
    __table_args__ = (
        CheckConstraint(f"from_level IN ({LEVELS})", name="from_level"),
        CheckConstraint(f"to_level IN ({LEVELS})", name="to_level"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    from_level: Mapped[str] = mapped_column(String(10))
    to_level: Mapped[str] = mapped_column(String(10))
    incident_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("protection_incidents.id"), index=True
    )
    changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason_ct: Mapped[bytes | None] = mapped_column("reason", LargeBinary, info=CONFIDENTIAL)

    reason = EncryptedField("reason_ct", TEXT, keys=_person_keys, owner_attr="person_id")
