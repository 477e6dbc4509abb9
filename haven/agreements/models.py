"""Tables of the agreements domain: agreements, their parties (commanders), named approvers,
the nominal roll, and the arrivals registered on crossing day.

Commanders' identities and the negotiated terms are the most restricted data Haven holds:
they are stored encrypted (`haven.security.fields`) under a per-agreement data key
(`agreement_keys`), on SQLite as on PostgreSQL. Destroying the key shreds them.

Exactly-once on crossing day is a database guarantee, not a check in Python:
`agreement_arrivals.roll_entry_id` is unique (one arrival per expected person),
`reception_id` is unique (one reception is one arrival), and `(agreement_id,
idempotency_key)` is unique (a retried desk submission finds the first one).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

# Foreign keys into other domains' tables (reception events, persons, ranks, units, plan
# versions) are named by table only: every table is loaded by the composing shell
# (`haven.db.registry` for migrations, the app and the command line by their imports).
import haven.accounts.models  # noqa: F401
from haven.db.base import Base, IdMixin, TimestampMixin
from haven.db.types import utcnow
from haven.kernel.sensitivity import Sensitivity, sensitive
from haven.security import fields
from haven.security.fields import JSON_OBJECT, TEXT, Codec, DataKeys, EncryptedField

PERSONAL = sensitive(Sensitivity.PERSONAL)
HIGHLY_CONFIDENTIAL = sensitive(Sensitivity.HIGHLY_CONFIDENTIAL)
T = TypeVar("T")


class AgreementKey(Base):
    """An agreement's 32-byte data key, wrapped under the keyring's `field_kek`."""

    __tablename__ = "agreement_keys"

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), primary_key=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


AGREEMENT_KEYS = DataKeys(AgreementKey, owner_attr="agreement_id", label="agreement")


def _agreement_keys() -> DataKeys:
    return AGREEMENT_KEYS


def _own_field(attr: str, codec: Codec[T]) -> EncryptedField[T]:
    return EncryptedField(attr, codec, keys=_agreement_keys, owner_attr="id", assign_owner_id=True)


def _child_field(attr: str, codec: Codec[T]) -> EncryptedField[T]:
    return EncryptedField(attr, codec, keys=_agreement_keys, owner_attr="agreement_id")


class Agreement(IdMixin, TimestampMixin, Base):
    """A defection agreement of one organisation with commanders of one or more units.

    `code_name` is the only label shown outside the negotiation team (desks, status board
    never show it: the board shows counts). `site_id` is the reception point where the unit
    crosses: desk users of that site see the roll while the agreement is executing.
    `terms` (encrypted) holds ranks/positions retained, safe passage, weapons and families;
    `plan_version_id` and `allowance_overrides` (component code -> minor units) are the
    allowance terms read by the allowances domain (`terms.allowance_terms_for_person`).
    """

    __tablename__ = "agreements"
    __table_args__ = (
        CheckConstraint("expected_headcount IS NULL OR expected_headcount >= 0", name="headcount"),
        UniqueConstraint("organisation_id", "code_name"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    site_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("sites.id"), index=True)
    code_name: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), index=True, default="draft")
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    expected_crossing_on: Mapped[date | None]
    expected_headcount: Mapped[int | None]
    plan_version_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("allowance_plan_versions.id")
    )
    allowance_overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    terms_ct: Mapped[bytes | None] = mapped_column("terms", LargeBinary, info=HIGHLY_CONFIDENTIAL)
    notes_ct: Mapped[bytes | None] = mapped_column("notes", LargeBinary, info=HIGHLY_CONFIDENTIAL)

    terms = _own_field("terms_ct", JSON_OBJECT)
    notes = _own_field("notes_ct", TEXT)

    @property
    def masked_fields(self) -> list[str]:
        return fields.masked_fields(self)


class AgreementParty(IdMixin, TimestampMixin, Base):
    """A commander who is party to the agreement; every identifying detail is encrypted."""

    __tablename__ = "agreement_parties"

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    identity_ct: Mapped[bytes | None] = mapped_column(
        "identity", LargeBinary, info=HIGHLY_CONFIDENTIAL
    )

    identity = _child_field("identity_ct", JSON_OBJECT)


class AgreementApprover(IdMixin, TimestampMixin, Base):
    """A manager named on the agreement: may see the parties and approve finalization."""

    __tablename__ = "agreement_approvers"
    __table_args__ = (UniqueConstraint("agreement_id", "user_id"),)

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    approved_at: Mapped[datetime | None]


class RollEntry(IdMixin, TimestampMixin, Base):
    """One person the commander's list says will cross: names, rank, unit, company, weapons."""

    __tablename__ = "agreement_roll_entries"
    __table_args__ = (
        CheckConstraint("weapons_expected >= 0", name="weapons"),
        CheckConstraint("family_expected >= 0", name="family"),
        CheckConstraint("name_my IS NOT NULL OR name_latin IS NOT NULL", name="has_name"),
    )

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    row_number: Mapped[int]
    prefix: Mapped[str | None] = mapped_column(String(20), info=PERSONAL)
    name_my: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    name_latin: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    name_key: Mapped[str] = mapped_column(String(400), index=True, info=PERSONAL)
    birth_year: Mapped[int | None] = mapped_column(info=PERSONAL)
    rank_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ranks.id"))
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    unit_text: Mapped[str | None] = mapped_column(String(100))
    company: Mapped[str | None] = mapped_column(String(40))
    position: Mapped[str | None] = mapped_column(String(200))
    weapons_expected: Mapped[int] = mapped_column(default=0)
    family_expected: Mapped[int] = mapped_column(default=0)


class Arrival(IdMixin, TimestampMixin, Base):
    """A person registered under an agreement: on crossing day at a desk, or linked later.

    `roll_entry_id` is NULL for an unexpected arrival (not on the roll).
    """

    __tablename__ = "agreement_arrivals"
    __table_args__ = (
        UniqueConstraint("roll_entry_id"),
        UniqueConstraint("reception_id"),
        UniqueConstraint("agreement_id", "idempotency_key"),
        CheckConstraint("weapons_received >= 0", name="weapons"),
        CheckConstraint("family_moved >= 0", name="family"),
    )

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    roll_entry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agreement_roll_entries.id"))
    reception_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("reception_events.id"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(64))
    desk: Mapped[str | None] = mapped_column(String(40))
    via: Mapped[str] = mapped_column(String(10), default="desk")
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    weapons_received: Mapped[int] = mapped_column(default=0)
    family_moved: Mapped[int] = mapped_column(default=0)


ENCRYPTED_MODELS: tuple[type[Base], ...] = (Agreement, AgreementParty)
