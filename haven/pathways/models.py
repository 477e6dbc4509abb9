"""Tables of the pathways domain: the explanation texts, each person's choice (with its
history), the case that follows the person through, and the three pathway tracks.

Confidential text (the person's statement, case notes, referral reasons, destinations,
safety plans, risks, visit notes) is encrypted under the *person's* data key
(people's `PERSON_KEYS`), like the people domain's confidential fields: erasing
the person crypto-shreds it too.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin, TimestampMixin
from haven.kernel.references import Kind, reference_column
from haven.kernel.sensitivity import Sensitivity, sensitive
from haven.people.public import PERSON_KEYS
from haven.security.fields import TEXT, DataKeys, EncryptedField

CONFIDENTIAL = sensitive(Sensitivity.CONFIDENTIAL)
HIGHLY_CONFIDENTIAL = sensitive(Sensitivity.HIGHLY_CONFIDENTIAL)


def _person_keys() -> DataKeys:
    return PERSON_KEYS


def _field(attr: str) -> EncryptedField[str | None]:
    return EncryptedField(attr, TEXT, keys=_person_keys, owner_attr="person_id")


class ConsentText(IdMixin, TimestampMixin, Base):
    """The explanation of the three pathways read to a person before they choose.

    Versioned per organisation and language: a new text is a new version, never an edit, so
    that the version recorded with a choice always says what the person was told.
    """

    __tablename__ = "consent_texts"
    __table_args__ = (UniqueConstraint("organisation_id", "language", "version"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    version: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class PathwayChoice(IdMixin, TimestampMixin, Base):
    """One choice a person made, in their own words, after the explanation, with what
    protects it from coercion: who was present (no former commander), the language the
    person spoke, and their mark.

    The current choice is the one with `superseded_at` NULL; a change supersedes it and adds
    a new row, so the history is kept. Serving is never recorded for a child (the service
    refuses it; the reception child rule decides who is a child).
    """

    __tablename__ = "pathway_choices"
    __table_args__ = (
        CheckConstraint("pathway IN ('serve', 'home', 'exile')", name="pathway"),
        CheckConstraint("mark IS NULL OR mark IN ('signature', 'thumbprint')", name="mark"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    pathway: Mapped[str] = mapped_column(String(10))
    consent_text_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("consent_texts.id"))
    consent_version: Mapped[int]
    language: Mapped[str] = mapped_column(String(5))
    statement_ct: Mapped[bytes | None] = mapped_column("statement", LargeBinary, info=CONFIDENTIAL)
    # Protection from coercion (docs/pathways.md): who was present, the language of the
    # person's own words, no former commander in the room, and the person's mark. NULL on
    # choices recorded before these were asked.
    present_ct: Mapped[bytes | None] = mapped_column("present", LargeBinary, info=CONFIDENTIAL)
    statement_language: Mapped[str | None] = mapped_column(String(60))
    former_commanders_absent: Mapped[bool | None]
    mark: Mapped[str | None] = mapped_column(String(12))
    mark_attested_by: Mapped[str | None] = mapped_column(String(120))
    change_reason: Mapped[str | None] = mapped_column(String(500))
    chosen_at: Mapped[datetime]
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    superseded_at: Mapped[datetime | None]

    statement = _field("statement_ct")
    present = _field("present_ct")


class Case(IdMixin, TimestampMixin, Base):
    """The one case per person, owned by one organisation, assigned to one case worker."""

    __tablename__ = "cases"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed', 'reopened')", name="status"),
        # The caseload lists, newest first (migration 0026).
        Index("ix_cases_organisation_created", "organisation_id", "created_at"),
        Index("ix_cases_assigned_created", "assigned_to_id", "created_at"),
        # The manager's counts of open cases by worker (migration 0032).
        Index("ix_cases_organisation_status_worker", "organisation_id", "status", "assigned_to_id"),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), unique=True)
    reference: Mapped[str] = reference_column(Kind.PATHWAY_CASE)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    assigned_to_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    status_reason: Mapped[str | None] = mapped_column(String(500))
    status_changed_at: Mapped[datetime]
    status_changed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class CaseTask(IdMixin, TimestampMixin, Base):
    """Something to do for a case by a date; `kind` 'child_protection' is made by the rules."""

    __tablename__ = "case_tasks"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'done', 'cancelled')", name="status"),
        # Overdue tasks (open, due before now) read from the index (migration 0032).
        Index("ix_case_tasks_status_due", "status", "due_at", "case_id"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30), default="general")
    title: Mapped[str] = mapped_column(String(200))
    due_at: Mapped[datetime] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class CaseNote(IdMixin, TimestampMixin, Base):
    """A confidential note on a case; its text is encrypted and every read is audited."""

    __tablename__ = "case_notes"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    body_ct: Mapped[bytes | None] = mapped_column("body", LargeBinary, info=CONFIDENTIAL)

    body = _field("body_ct")


class Referral(IdMixin, TimestampMixin, Base):
    """A referral from the case's organisation to another one (medical, legal …).

    The receiving organisation sees the referral alone (the person's name, the kind, the
    reason, the sender): never the case, its tasks or its notes.
    """

    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint("status IN ('sent', 'accepted', 'declined', 'completed')", name="status"),
        CheckConstraint("from_organisation_id <> to_organisation_id", name="other_organisation"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    from_organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    to_organisation_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("organisations.id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    reason_ct: Mapped[bytes | None] = mapped_column("reason", LargeBinary, info=CONFIDENTIAL)
    status: Mapped[str] = mapped_column(String(10), default="sent")
    response_ct: Mapped[bytes | None] = mapped_column("response", LargeBinary, info=CONFIDENTIAL)
    sent_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime]
    responded_at: Mapped[datetime | None]
    responded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    completed_at: Mapped[datetime | None]

    reason = _field("reason_ct")
    response = _field("response_ct")


class ServeRecord(IdMixin, TimestampMixin, Base):
    """The serve pathway: claimed rank and position, their verification, the proposed
    receiving-force rank and position (from the equivalence tables, on `equivalence_on`: the
    date the agreement's terms were fixed, else the reception date), posting to a unit with a
    rank, a position and the personnel number. `claimed_position` keeps what the person said;
    the position ids are the appointments resolved from the forces' tables.
    `posting_override_id` names the programme manager's override a posting below the
    agreement's terms went through."""

    __tablename__ = "serve_records"
    __table_args__ = (
        CheckConstraint("status IN ('claimed', 'verified', 'disputed', 'posted')", name="status"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), unique=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="claimed")
    claimed_rank_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ranks.id"))
    claimed_position: Mapped[str | None] = mapped_column(String(200))
    receiving_force_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("forces.id"))
    proposed_rank_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ranks.id"))
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    verification_note: Mapped[str | None] = mapped_column(String(500))
    posted_unit: Mapped[str | None] = mapped_column(String(100))
    posted_position: Mapped[str | None] = mapped_column(String(200))
    personnel_number: Mapped[str | None] = mapped_column(String(40), unique=True)
    posted_at: Mapped[datetime | None]
    claimed_position_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("positions.id"))
    verified_position_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("positions.id"))
    proposed_position_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("positions.id"))
    equivalence_on: Mapped[date | None]
    posted_rank_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ranks.id"))
    posted_position_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("positions.id"))
    posting_override_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("agreement_posting_overrides.id")
    )


class HomePlan(IdMixin, TimestampMixin, Base):
    """The going-home pathway: destination, safety assessment, reunification, support.

    The destination and the safety plan are highly confidential: the regime takes relatives
    of defectors hostage, so where a person goes is encrypted.
    """

    __tablename__ = "home_plans"
    __table_args__ = (
        CheckConstraint(
            "status IN ('planning', 'assessed', 'returned', 'following_up', 'completed')",
            name="status",
        ),
        CheckConstraint("risk IS NULL OR risk IN ('low', 'medium', 'high')", name="risk"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), unique=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(15), default="planning")
    township_ct: Mapped[bytes | None] = mapped_column(
        "township", LargeBinary, info=HIGHLY_CONFIDENTIAL
    )
    village_ct: Mapped[bytes | None] = mapped_column(
        "village", LargeBinary, info=HIGHLY_CONFIDENTIAL
    )
    regime_controlled: Mapped[bool | None]
    risk: Mapped[str | None] = mapped_column(String(10))
    safety_plan_ct: Mapped[bytes | None] = mapped_column(
        "safety_plan", LargeBinary, info=HIGHLY_CONFIDENTIAL
    )
    reunification: Mapped[str] = mapped_column(String(20), default="not_started")
    support: Mapped[list[str]] = mapped_column(JSON, default=list)
    returned_on: Mapped[date | None]

    township = _field("township_ct")
    village = _field("village_ct")
    safety_plan = _field("safety_plan_ct")


class HomeVisit(IdMixin, TimestampMixin, Base):
    """A follow-up visit after return; its notes are confidential."""

    __tablename__ = "home_visits"

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("home_plans.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    visited_on: Mapped[date]
    visited_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    notes_ct: Mapped[bytes | None] = mapped_column("notes", LargeBinary, info=CONFIDENTIAL)

    notes = _field("notes_ct")


class ExilePlan(IdMixin, TimestampMixin, Base):
    """The exile pathway: host organisation and country; the steps are `ExileStep` rows."""

    __tablename__ = "exile_plans"

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id"), unique=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    host_organisation: Mapped[str | None] = mapped_column(String(200))
    host_country_ct: Mapped[bytes | None] = mapped_column(
        "host_country", LargeBinary, info=HIGHLY_CONFIDENTIAL
    )

    host_country = _field("host_country_ct")


class ExileStep(IdMixin, TimestampMixin, Base):
    """One step of exile (documents, travel, arrival), with its status and risks."""

    __tablename__ = "exile_steps"
    __table_args__ = (
        UniqueConstraint("plan_id", "step"),
        CheckConstraint("step IN ('documents', 'travel', 'arrival')", name="step"),
        CheckConstraint("status IN ('pending', 'in_progress', 'blocked', 'done')", name="status"),
    )

    plan_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("exile_plans.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    step: Mapped[str] = mapped_column(String(15))
    position: Mapped[int]
    status: Mapped[str] = mapped_column(String(15), default="pending")
    risks_ct: Mapped[bytes | None] = mapped_column("risks", LargeBinary, info=CONFIDENTIAL)
    changed_at: Mapped[datetime | None]

    risks = _field("risks_ct")


ENCRYPTED_MODELS: tuple[type[Base], ...] = (
    PathwayChoice,
    CaseNote,
    Referral,
    HomePlan,
    HomeVisit,
    ExilePlan,
    ExileStep,
)
