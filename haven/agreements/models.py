"""Tables of the agreements domain: agreements, their parties (commanders), named approvers,
the nominal roll, and the arrivals registered on crossing day.

Commanders' identities and the negotiated terms are the most restricted data Haven holds:
they are stored encrypted (`haven.security.fields`) under a per-agreement data key
(`agreement_keys`), on SQLite as on PostgreSQL. Destroying the key shreds them.

The nominal roll is protected like persons: each entry's names, birth year, rank and
position are ciphertext under the agreement's key, read only by those who staff the crossing
(CROSSING_DESK) whatever their clearance; its name is found through a blind index. Screening
hits on commanders and roll entries, and the approvers' acknowledgements of them, are kept
per agreement (`agreement_screening_hits`, `agreement_hit_acknowledgements`).

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
from haven.kernel.references import Kind, reference_column
from haven.kernel.sensitivity import Sensitivity, sensitive
from haven.security import fields
from haven.security.fields import JSON_OBJECT, TEXT, Codec, DataKeys, EncryptedField
from haven.security.permissions import Permission

PERSONAL = sensitive(Sensitivity.PERSONAL)
HIGHLY_CONFIDENTIAL = sensitive(Sensitivity.HIGHLY_CONFIDENTIAL)
# A roll entry's identity: read by those who staff the crossing (negotiators, desk
# registrars), whatever their clearance; masked for every other role.
ROLL_IDENTITY = sensitive(Sensitivity.CONFIDENTIAL, permission=Permission.CROSSING_DESK)
# The blind index (HMAC) of a roll entry's name key: pseudonymous personal data, blanked when
# the person is erased; never copied into the audit trail.
ROLL_NAME_INDEX = sensitive(Sensitivity.PERSONAL) | {"blind_index": True}
# What screening found about commanders and roll entries, and the approvers' notes on it:
# read by those who may approve agreements (services check that they are named on it).
SCREENING = sensitive(Sensitivity.HIGHLY_CONFIDENTIAL, permission=Permission.AGREEMENT_APPROVE)
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


def _int_decode(raw: bytes) -> int | None:
    return int(raw.decode())


def _uuid_decode(raw: bytes) -> uuid.UUID | None:
    return uuid.UUID(raw.decode())


INTEGER: Codec[int | None] = Codec(
    encode=lambda value: None if value is None else str(int(value)).encode(),
    decode=_int_decode,
    empty=lambda: None,
)
UUID: Codec[uuid.UUID | None] = Codec(
    encode=lambda value: None if value is None else str(value).encode(),
    decode=_uuid_decode,
    empty=lambda: None,
)


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
    reference: Mapped[str] = reference_column(Kind.AGREEMENT)
    status: Mapped[str] = mapped_column(String(20), index=True, default="draft")
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    status_changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    # When the second named approver approved: the date the terms were fixed, at which rank
    # and position equivalence are taken (stamped by the lifecycle's move to finalized).
    finalized_at: Mapped[datetime | None]
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
    """One person the commander's list says will cross: names, rank, unit, company, weapons.

    Names, prefix, birth year, rank and position are encrypted under the agreement's key
    (`ROLL_IDENTITY`); `name_index` is the blind index of the name key, for matching a person
    linked afterwards. Unit and company stay plaintext: the reconciliation counts by them and
    they name a group, not a person. An entry whose person was erased keeps its place in the
    roll (`erased_at`) without anything that names them.
    """

    __tablename__ = "agreement_roll_entries"
    __table_args__ = (
        CheckConstraint("weapons_expected >= 0", name="weapons"),
        CheckConstraint("family_expected >= 0", name="family"),
        CheckConstraint(
            "name_my IS NOT NULL OR name_latin IS NOT NULL OR erased_at IS NOT NULL",
            name="has_name",
        ),
    )

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    row_number: Mapped[int]
    prefix_ct: Mapped[bytes | None] = mapped_column("prefix", LargeBinary, info=ROLL_IDENTITY)
    name_my_ct: Mapped[bytes | None] = mapped_column("name_my", LargeBinary, info=ROLL_IDENTITY)
    name_latin_ct: Mapped[bytes | None] = mapped_column(
        "name_latin", LargeBinary, info=ROLL_IDENTITY
    )
    name_index: Mapped[str | None] = mapped_column(String(64), index=True, info=ROLL_NAME_INDEX)
    birth_year_ct: Mapped[bytes | None] = mapped_column(
        "birth_year", LargeBinary, info=ROLL_IDENTITY
    )
    rank_id_ct: Mapped[bytes | None] = mapped_column("rank_id", LargeBinary, info=ROLL_IDENTITY)
    # The rank as the roll wrote it, kept when no rank of the table is written so.
    rank_text_ct: Mapped[bytes | None] = mapped_column("rank_text", LargeBinary, info=ROLL_IDENTITY)
    # The force the roll names for the row (police, militia, BGF …); NULL: the Myanmar army.
    force_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("forces.id"))
    unit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("units.id"))
    unit_text: Mapped[str | None] = mapped_column(String(100))
    company: Mapped[str | None] = mapped_column(String(40))
    position_ct: Mapped[bytes | None] = mapped_column("position", LargeBinary, info=ROLL_IDENTITY)
    weapons_expected: Mapped[int] = mapped_column(default=0)
    family_expected: Mapped[int] = mapped_column(default=0)
    erased_at: Mapped[datetime | None]

    prefix = _child_field("prefix_ct", TEXT)
    name_my = _child_field("name_my_ct", TEXT)
    name_latin = _child_field("name_latin_ct", TEXT)
    birth_year = _child_field("birth_year_ct", INTEGER)
    rank_id = _child_field("rank_id_ct", UUID)
    rank_text = _child_field("rank_text_ct", TEXT)
    position = _child_field("position_ct", TEXT)

    @property
    def masked_fields(self) -> list[str]:
        return fields.masked_fields(self)

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


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


class PostingOverride(IdMixin, TimestampMixin, Base):
    """A programme manager's decision that a person may be posted below the rank or position
    the agreement retains: from what the terms keep (the equivalent on `terms_on`) to what
    the posting gives, with the reason (encrypted under the agreement's key). Every override
    is listed on the agreement's page; a posting below the terms without one is refused.
    """

    __tablename__ = "agreement_posting_overrides"

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    terms_on: Mapped[date]
    from_rank_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ranks.id"))
    to_rank_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ranks.id"))
    from_position_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("positions.id"))
    to_position_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("positions.id"))
    reason_ct: Mapped[bytes | None] = mapped_column("reason", LargeBinary, info=HIGHLY_CONFIDENTIAL)

    reason = _child_field("reason_ct", TEXT)


class ScreeningHit(IdMixin, TimestampMixin, Base):
    """A reason for the approvers to look closer at a commander (`party_id`) or a roll entry
    (`roll_entry_id`) before finalization: a name or a unit-and-period match against the
    incident registry, explained (encrypted). `signature` keeps re-screening from recording
    the same hit twice (`perpetrator:<id>`, `watchlist:<id>`, `unit_period:<incident id>`).
    """

    __tablename__ = "agreement_screening_hits"
    __table_args__ = (
        CheckConstraint("(roll_entry_id IS NULL) <> (party_id IS NULL)", name="one_subject"),
        UniqueConstraint("roll_entry_id", "signature"),
        UniqueConstraint("party_id", "signature"),
    )

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    roll_entry_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agreement_roll_entries.id"), index=True
    )
    party_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agreement_parties.id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    signature: Mapped[str] = mapped_column(String(60))
    incident_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vetting_incidents.id"))
    score: Mapped[float]
    explanation_ct: Mapped[bytes | None] = mapped_column("explanation", LargeBinary, info=SCREENING)

    explanation = _child_field("explanation_ct", TEXT)


class HitAcknowledgement(IdMixin, TimestampMixin, Base):
    """A named approver's record that they read screening hits and why the agreement may
    still go ahead: who (`user_id`), when (`created_at`), the note (encrypted); the hits it
    covers are in `agreement_acknowledged_hits`."""

    __tablename__ = "agreement_hit_acknowledgements"

    agreement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agreements.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    hits: Mapped[int]
    note_ct: Mapped[bytes | None] = mapped_column("note", LargeBinary, info=SCREENING)

    note = _child_field("note_ct", TEXT)


class AcknowledgedHit(Base):
    """One hit covered by one acknowledgement."""

    __tablename__ = "agreement_acknowledged_hits"

    acknowledgement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreement_hit_acknowledgements.id"), primary_key=True
    )
    hit_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("agreement_screening_hits.id"), primary_key=True, index=True
    )


ENCRYPTED_MODELS: tuple[type[Base], ...] = (
    Agreement,
    AgreementParty,
    RollEntry,
    PostingOverride,
    ScreeningHit,
    HitAcknowledgement,
)
