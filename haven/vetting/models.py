"""Tables of the vetting domain: the incident registry, watchlists, screening hits, cases.

Confidential columns are ciphertext (`haven.security.fields`):
- allegation details, perpetrator names and ranks, evidence files and watchlist entries are
  encrypted under a data key of their incident or watchlist (`vetting_keys`, the same
  machinery as `person_keys`);
- everything about a person — hit explanations, what they said at their hearing, the
  assessment, decision reasons and conditions — is encrypted under the person's own data
  key, so that erasing the person (crypto-shredding) leaves nothing of their vetting readable.

Plaintext on purpose: incident kind, dates, township and village, implicated unit codes and
the grades (needed for screening by unit and period and for the reports), case states, hit
kinds and scores, and which officer did what and when.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TypeVar

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin, TimestampMixin
from haven.db.types import utcnow
from haven.kernel.references import Kind, reference_column
from haven.kernel.sensitivity import Sensitivity, sensitive
from haven.people.public import PERSON_KEYS
from haven.security import fields
from haven.security.fields import BYTES, TEXT, Codec, DataKeys, EncryptedField
from haven.security.permissions import Permission

# Vetting's protected fields (allegations, names, evidence, hits, statements, reasons) are read
# by those who hold VETTING_READ, whatever their clearance; nobody else sees them.
CONFIDENTIAL = sensitive(Sensitivity.CONFIDENTIAL, permission=Permission.VETTING_READ)
HIGHLY_CONFIDENTIAL = sensitive(Sensitivity.HIGHLY_CONFIDENTIAL, permission=Permission.VETTING_READ)
T = TypeVar("T")


class VettingKey(Base):
    """The data key of one incident or one watchlist, wrapped under the keyring's `field_kek`.

    Deleting the row makes the owner's allegation details, names and evidence unreadable.
    """

    __tablename__ = "vetting_keys"

    owner_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


VETTING_KEYS = DataKeys(VettingKey, owner_attr="owner_id", label="vetting")


def _vetting_keys() -> DataKeys:
    return VETTING_KEYS


def _person_keys() -> DataKeys:
    return PERSON_KEYS


def _owned(attr: str, codec: Codec[T], owner: str, *, assign: bool = False) -> EncryptedField[T]:
    return EncryptedField(attr, codec, keys=_vetting_keys, owner_attr=owner, assign_owner_id=assign)


def _personal(attr: str, codec: Codec[T]) -> EncryptedField[T]:
    return EncryptedField(attr, codec, keys=_person_keys, owner_attr="person_id")


class Incident(IdMixin, TimestampMixin, Base):
    """A documented incident: what happened, when (`occurred_from`..`occurred_to`, both
    inclusive; a year-only period is 1 January to 31 December), where, graded sources.

    Grades follow the NATO/Admiralty system: source reliability A (reliable) to F (cannot be
    judged), information credibility 1 (confirmed) to 6 (cannot be judged).
    """

    __tablename__ = "vetting_incidents"
    __table_args__ = (
        CheckConstraint("occurred_to >= occurred_from", name="period"),
        CheckConstraint("source_reliability IN ('A','B','C','D','E','F')", name="reliability"),
        CheckConstraint("information_credibility BETWEEN 1 AND 6", name="credibility"),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    reference: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(30), index=True)
    occurred_from: Mapped[date]
    occurred_to: Mapped[date]
    period_text: Mapped[str] = mapped_column(String(40))
    township: Mapped[str | None] = mapped_column(String(100))
    village: Mapped[str | None] = mapped_column(String(100))
    source_reliability: Mapped[str] = mapped_column(String(1))
    information_credibility: Mapped[int]
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    summary_ct: Mapped[bytes | None] = mapped_column(
        "summary", LargeBinary, info=HIGHLY_CONFIDENTIAL
    )
    sources_ct: Mapped[bytes | None] = mapped_column(
        "sources", LargeBinary, info=HIGHLY_CONFIDENTIAL
    )

    summary = _owned("summary_ct", TEXT, "id", assign=True)
    sources = _owned("sources_ct", TEXT, "id", assign=True)

    @property
    def masked_fields(self) -> list[str]:
        return fields.masked_fields(self)


class IncidentUnit(IdMixin, Base):
    """A unit implicated in an incident, by canonical code (`haven.text.parse_unit`)."""

    __tablename__ = "vetting_incident_units"
    __table_args__ = (UniqueConstraint("incident_id", "unit_code"),)

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vetting_incidents.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    unit_code: Mapped[str] = mapped_column(String(20), index=True)


class Perpetrator(IdMixin, Base):
    """A named alleged perpetrator of an incident; name, rank and unit are encrypted."""

    __tablename__ = "vetting_perpetrators"

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vetting_incidents.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    name_ct: Mapped[bytes] = mapped_column("name", LargeBinary, info=HIGHLY_CONFIDENTIAL)
    rank_ct: Mapped[bytes | None] = mapped_column("rank", LargeBinary, info=HIGHLY_CONFIDENTIAL)
    unit_ct: Mapped[bytes | None] = mapped_column("unit", LargeBinary, info=HIGHLY_CONFIDENTIAL)

    name = _owned("name_ct", TEXT, "incident_id")
    rank = _owned("rank_ct", TEXT, "incident_id")
    unit = _owned("unit_ct", TEXT, "incident_id")


class Evidence(IdMixin, TimestampMixin, Base):
    """A source document or file of an incident: encrypted; the SHA-256 of the plaintext
    is recorded so that a copy produced later can be shown to be the same file."""

    __tablename__ = "vetting_evidence"

    incident_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vetting_incidents.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(100))
    added_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    filename_ct: Mapped[bytes] = mapped_column("filename", LargeBinary, info=HIGHLY_CONFIDENTIAL)
    description_ct: Mapped[bytes | None] = mapped_column(
        "description", LargeBinary, info=HIGHLY_CONFIDENTIAL
    )
    content_ct: Mapped[bytes] = mapped_column("content", LargeBinary, info=HIGHLY_CONFIDENTIAL)

    filename = _owned("filename_ct", TEXT, "incident_id")
    description = _owned("description_ct", TEXT, "incident_id")
    content = _owned("content_ct", BYTES, "incident_id")


class Watchlist(IdMixin, TimestampMixin, Base):
    """A list loaded from a file (a sanctions list, for example); entries are encrypted."""

    __tablename__ = "vetting_watchlists"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    source_sha256: Mapped[str] = mapped_column(String(64))
    entry_count: Mapped[int] = mapped_column(default=0)
    loaded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class WatchlistEntry(IdMixin, Base):
    __tablename__ = "vetting_watchlist_entries"

    watchlist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vetting_watchlists.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    birth_year: Mapped[int | None]
    name_ct: Mapped[bytes] = mapped_column("name", LargeBinary, info=HIGHLY_CONFIDENTIAL)
    unit_ct: Mapped[bytes | None] = mapped_column("unit", LargeBinary, info=HIGHLY_CONFIDENTIAL)
    note_ct: Mapped[bytes | None] = mapped_column("note", LargeBinary, info=HIGHLY_CONFIDENTIAL)

    name = _owned("name_ct", TEXT, "watchlist_id")
    unit = _owned("unit_ct", TEXT, "watchlist_id")
    note = _owned("note_ct", TEXT, "watchlist_id")


class VettingCase(IdMixin, TimestampMixin, Base):
    """One person's vetting: state (`haven.vetting.lifecycle`), the decision in force.

    `outcome` is the decision in force (None until the first confirmed decision); it stays in
    force during a review or appeal and is cleared when the case is reopened on new evidence.
    """

    __tablename__ = "vetting_cases"
    # The queue, waiting longest first (migration 0026).
    __table_args__ = (
        Index("ix_vetting_cases_organisation_state_changed", "organisation_id", "state_changed_at"),
        # The report's counts by state and by outcome, from the index alone.
        Index("ix_vetting_cases_organisation_state", "organisation_id", "state"),
        Index("ix_vetting_cases_organisation_outcome", "organisation_id", "outcome"),
        # The report's oldest undecided case: the first entry of a range (migration 0032).
        Index(
            "ix_vetting_cases_organisation_outcome_created",
            "organisation_id",
            "outcome",
            "created_at",
        ),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), unique=True)
    reference: Mapped[str] = reference_column(Kind.VETTING_CASE)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    outcome: Mapped[str | None] = mapped_column(String(30))
    state_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    state_changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    last_screened_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    assessed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    assessment_ct: Mapped[bytes | None] = mapped_column(
        "assessment", LargeBinary, info=HIGHLY_CONFIDENTIAL
    )

    assessment = _personal("assessment_ct", TEXT)

    @property
    def masked_fields(self) -> list[str]:
        return fields.masked_fields(self)


class ScreeningHit(IdMixin, TimestampMixin, Base):
    """One reason to look closer at a person, explained; `signature` keeps re-screening from
    recording the same hit twice (`perpetrator:<id>`, `watchlist:<id>`, `unit:<incident id>`).
    """

    __tablename__ = "vetting_hits"
    __table_args__ = (UniqueConstraint("person_id", "signature"),)

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vetting_cases.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    signature: Mapped[str] = mapped_column(String(60))
    incident_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("vetting_incidents.id"))
    score: Mapped[float]
    explanation_ct: Mapped[bytes] = mapped_column(
        "explanation", LargeBinary, info=HIGHLY_CONFIDENTIAL
    )

    explanation = _personal("explanation_ct", TEXT)


class Hearing(IdMixin, TimestampMixin, Base):
    """The person's right to be heard: when, who was present, what they said (or that they
    declined to speak)."""

    __tablename__ = "vetting_hearings"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vetting_cases.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    held_on: Mapped[date]
    declined: Mapped[bool] = mapped_column(default=False)
    interpreter_present: Mapped[bool] = mapped_column(default=False)
    representative_present: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    statement_ct: Mapped[bytes | None] = mapped_column(
        "statement", LargeBinary, info=HIGHLY_CONFIDENTIAL
    )

    statement = _personal("statement_ct", TEXT)


class Decision(IdMixin, TimestampMixin, Base):
    """A decision proposed by one vetting officer and confirmed by another (never the same).

    Rows are never deleted: a withdrawn proposal keeps `withdrawn_at`, a decision replaced on
    review or appeal keeps `superseded_at`. A referral names the receiving justice mechanism
    and the protection the person keeps (prisoner of war or detainee).

    Every decision records the standard of proof its findings meet (`standard_of_proof`;
    NULL only on decisions taken before it was recorded) and two sets of reasons: `reasons`,
    confidential (sources, witnesses, allegations), and `disclosed_reasons`, what the person
    may be told, printed on the decision notice. When the person is told of the decision in
    force (`notified_on`, in `notice_language`), the time limit for appealing starts:
    `appeal_closes_on` is fixed then, so a later change of the setting never moves the date
    the person was given.
    """

    __tablename__ = "vetting_decisions"
    __table_args__ = (
        CheckConstraint(
            "confirmed_by_id IS NULL OR confirmed_by_id <> proposed_by_id", name="two_officers"
        ),
        CheckConstraint(
            "outcome <> 'referred' OR (mechanism IS NOT NULL AND protection IS NOT NULL)",
            name="referral",
        ),
        Index("ix_vetting_decisions_case_open", "case_id", "confirmed_at"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vetting_cases.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    basis: Mapped[str] = mapped_column(String(20))  # initial, review, appeal
    outcome: Mapped[str] = mapped_column(String(30))
    mechanism: Mapped[str | None] = mapped_column(String(200))
    protection: Mapped[str | None] = mapped_column(String(30))
    proposed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    superseded_at: Mapped[datetime | None]
    reasons_ct: Mapped[bytes | None] = mapped_column(
        "reasons", LargeBinary, info=HIGHLY_CONFIDENTIAL
    )
    conditions_ct: Mapped[bytes | None] = mapped_column(
        "conditions", LargeBinary, info=HIGHLY_CONFIDENTIAL
    )

    standard_of_proof: Mapped[str | None] = mapped_column(String(30))
    disclosed_reasons_ct: Mapped[bytes | None] = mapped_column(
        "disclosed_reasons", LargeBinary, info=HIGHLY_CONFIDENTIAL
    )
    notified_on: Mapped[date | None]
    notice_language: Mapped[str | None] = mapped_column(String(5))
    notified_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    appeal_closes_on: Mapped[date | None]

    reasons = _personal("reasons_ct", TEXT)
    conditions = _personal("conditions_ct", TEXT)
    disclosed_reasons = _personal("disclosed_reasons_ct", TEXT)


class Review(IdMixin, TimestampMixin, Base):
    """A review, appeal or reopening of a case, with its grounds (encrypted).

    An appeal is the person's: `lodged_on` is the day they lodged it, `grounds` their words,
    `opened_by_id` the vetting officer or case worker who recorded it on their behalf, and
    `appealed_decision_id` the decision in force they appeal (whose two officers may not
    decide the appeal)."""

    __tablename__ = "vetting_reviews"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("vetting_cases.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # review, appeal, reopen
    opened_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    lodged_on: Mapped[date | None]
    appealed_decision_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("vetting_decisions.id")
    )
    grounds_ct: Mapped[bytes | None] = mapped_column(
        "grounds", LargeBinary, info=HIGHLY_CONFIDENTIAL
    )

    grounds = _personal("grounds_ct", TEXT)


ENCRYPTED_MODELS: tuple[type[Base], ...] = (
    Incident,
    Perpetrator,
    Evidence,
    WatchlistEntry,
    VettingCase,
    ScreeningHit,
    Hearing,
    Decision,
    Review,
)
