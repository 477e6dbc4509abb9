"""Input and output shapes of the pathways domain."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo

from haven.i18n import N_
from haven.kernel.labels import Labelled
from haven.kernel.marks import Mark
from haven.kernel.text_fields import CleanText, Encoding, clean_optional
from haven.pathways.lifecycle import Pathway

Language = Literal["en", "my"]


def _required(value: object, info: ValidationInfo) -> str:
    cleaned = clean_optional(value, info)
    if cleaned is None:
        raise ValueError(N_("This field is required."))
    return cleaned


RequiredText = Annotated[str, BeforeValidator(_required)]


class ReferralKind(Labelled):
    MEDICAL = "medical", N_("Medical")
    PSYCHOSOCIAL = "psychosocial", N_("Psychosocial support")
    LEGAL = "legal", N_("Legal")
    CHILD_PROTECTION = "child_protection", N_("Child protection")
    LIVELIHOOD = "livelihood", N_("Livelihood")
    OTHER = "other", N_("Other")


class TaskKind(Labelled):
    GENERAL = "general", N_("Task")
    CHILD_PROTECTION = "child_protection", N_("Child protection")
    SERVING_ENDED = "serving_ended", N_("Serving ended")


class Evidence(Labelled):
    """What supports a claimed rank."""

    DOCUMENTS = "documents", N_("Documents")
    ROLL = "roll", N_("The agreement's roll")  # the defection agreement's nominal roll
    PEERS = "peers", N_("Peers' corroboration")  # corroboration by peers


class Support(Labelled):
    LIVELIHOOD = "livelihood", N_("Livelihood")
    TRAINING = "training", N_("Training")
    EDUCATION = "education", N_("Education")
    HOUSING = "housing", N_("Housing")


class Risk(Labelled):
    LOW = "low", N_("Low")
    MEDIUM = "medium", N_("Medium")
    HIGH = "high", N_("High")


class Reunification(Labelled):
    NOT_STARTED = "not_started", N_("Not started")
    TRACING = "tracing", N_("Tracing the family")
    REUNITED = "reunited", N_("Reunited")
    NOT_POSSIBLE = "not_possible", N_("Not possible")


class ExplanationLanguage(Labelled):
    """The languages an explanation is written in, each named in its own script."""

    EN = "en", "English"
    MY = "my", "မြန်မာ"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"


class ConsentTextIn(Strict):
    language: Language
    text: RequiredText = Field(min_length=20, max_length=20000)


class ConsentTextOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    language: str
    version: int
    body: str
    created_at: datetime


class ChoiceIn(Strict):
    """A choice: no default pathway; the explanation must have been given in the language.
    What protects it from coercion is required (the service names each missing item): who
    was present, no former commander among them, the person's own words and the language
    they spoke them in, and their mark (signature or thumbprint) with who attested it."""

    pathway: Pathway
    language: Language
    consent_text_id: uuid.UUID
    explained: bool
    statement: CleanText = Field(default=None, max_length=2000)
    statement_language: CleanText = Field(default=None, max_length=60)
    present: CleanText = Field(default=None, max_length=500)
    former_commanders_absent: bool = False
    mark: Mark | None = None
    mark_attested_by: CleanText = Field(default=None, max_length=120)
    change_reason: CleanText = Field(default=None, max_length=500)


class ChoiceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    case_id: uuid.UUID
    pathway: Pathway
    consent_text_id: uuid.UUID
    consent_version: int
    language: str
    statement: str | None
    statement_language: str | None
    present: str | None
    former_commanders_absent: bool | None
    mark: Mark | None
    mark_attested_by: str | None
    change_reason: str | None
    chosen_at: datetime
    superseded_at: datetime | None


class CaseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    person_id: uuid.UUID
    organisation_id: uuid.UUID
    assigned_to_id: uuid.UUID | None
    status: str
    status_reason: str | None
    status_changed_at: datetime


class ReasonIn(Strict):
    reason: RequiredText = Field(min_length=3, max_length=500)


class AssignIn(Strict):
    user_id: uuid.UUID


class AssignManyIn(Strict):
    """Several cases assigned at once to one case worker (the manager's waiting list)."""

    case_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    user_id: uuid.UUID | None = None


class TransferIn(Strict):
    organisation_id: uuid.UUID
    reason: RequiredText = Field(min_length=3, max_length=500)


class TaskIn(Strict):
    title: RequiredText = Field(min_length=3, max_length=200)
    due_on: date


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    kind: str
    title: str
    due_at: datetime
    status: str
    closed_at: datetime | None


class TaskMove(Strict):
    status: Literal["done", "cancelled"]


class NoteIn(Strict):
    text: RequiredText = Field(min_length=1, max_length=10000)


class NoteOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    author_id: uuid.UUID | None
    body: str | None
    created_at: datetime


class ReferralIn(Strict):
    to_organisation_id: uuid.UUID
    kind: ReferralKind
    reason: RequiredText = Field(min_length=3, max_length=2000)


class ReferralMove(Strict):
    status: Literal["accepted", "declined", "completed"]
    response: CleanText = Field(default=None, max_length=2000)


class ReferralOut(BaseModel):
    """What both sides of a referral see: the person's name, kind, reason and progress."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    person_name: str
    from_organisation_id: uuid.UUID
    to_organisation_id: uuid.UUID
    kind: str
    reason: str | None
    status: str
    response: str | None
    sent_at: datetime
    responded_at: datetime | None
    completed_at: datetime | None


class ServeClaimIn(Strict):
    receiving_force_id: uuid.UUID
    claimed_rank_id: uuid.UUID | None = None
    claimed_position: CleanText = Field(default=None, max_length=200)
    # The position held, from the tables of the person's former force (resolved from the
    # written position when it names one exactly).
    claimed_position_id: uuid.UUID | None = None


class ServeVerifyIn(Strict):
    status: Literal["verified", "disputed"]
    evidence: list[Evidence] = Field(default_factory=list, max_length=3)
    note: CleanText = Field(default=None, max_length=500)
    # The position the evidence confirms, when it differs from the claimed one.
    position_id: uuid.UUID | None = None


class ServePostIn(Strict):
    unit: RequiredText = Field(min_length=1, max_length=100)
    position: CleanText = Field(default=None, max_length=200)
    personnel_number: RequiredText = Field(min_length=1, max_length=40)
    # The receiving force's rank (default: the proposed one) and position of the posting.
    rank_id: uuid.UUID | None = None
    position_id: uuid.UUID | None = None


class ServeOverrideIn(Strict):
    """A programme manager allows a posting below what the agreement retains."""

    rank_id: uuid.UUID | None = None
    position_id: uuid.UUID | None = None
    reason: RequiredText = Field(min_length=3, max_length=1000)


class ServeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    status: str
    claimed_rank_id: uuid.UUID | None
    claimed_position: str | None
    receiving_force_id: uuid.UUID | None
    proposed_rank_id: uuid.UUID | None
    evidence: list[str]
    verification_note: str | None
    posted_unit: str | None
    posted_position: str | None
    personnel_number: str | None
    posted_at: datetime | None
    claimed_position_id: uuid.UUID | None = None
    verified_position_id: uuid.UUID | None = None
    proposed_position_id: uuid.UUID | None = None
    equivalence_on: date | None = None
    posted_rank_id: uuid.UUID | None = None
    posted_position_id: uuid.UUID | None = None
    posting_override_id: uuid.UUID | None = None


class ServeOverrideOut(BaseModel):
    """A programme manager's override, as recorded on the person's agreement."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    agreement_id: uuid.UUID
    person_id: uuid.UUID
    terms_on: date
    from_rank_id: uuid.UUID | None
    to_rank_id: uuid.UUID | None
    from_position_id: uuid.UUID | None
    to_position_id: uuid.UUID | None
    recorded_at: datetime
    recorded_by_id: uuid.UUID | None


class HomePlanIn(Strict):
    township: RequiredText = Field(min_length=1, max_length=100)
    village: CleanText = Field(default=None, max_length=100)
    reunification: Literal["not_started", "tracing", "reunited", "not_possible"] = "not_started"
    support: list[Support] = Field(default_factory=list, max_length=4)


class SafetyIn(Strict):
    regime_controlled: bool
    risk: Literal["low", "medium", "high"]
    safety_plan: RequiredText = Field(min_length=3, max_length=4000)


class HomeMove(Strict):
    status: Literal["planning", "assessed", "returned", "following_up", "completed"]
    returned_on: date | None = None


class VisitIn(Strict):
    visited_on: date
    notes: CleanText = Field(default=None, max_length=4000)


class HomeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    status: str
    township: str | None
    village: str | None
    regime_controlled: bool | None
    risk: str | None
    safety_plan: str | None
    reunification: str
    support: list[str]
    returned_on: date | None


class VisitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    visited_on: date
    notes: str | None


class ExilePlanIn(Strict):
    host_organisation: RequiredText = Field(min_length=1, max_length=200)
    host_country: RequiredText = Field(min_length=1, max_length=100)


class ExileStepMove(Strict):
    status: Literal["pending", "in_progress", "blocked", "done"]
    risks: CleanText = Field(default=None, max_length=2000)


class ExileStepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    step: str
    position: int
    status: str
    risks: str | None
    changed_at: datetime | None


class ExileOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    case_id: uuid.UUID
    host_organisation: str | None
    host_country: str | None
    steps: list[ExileStepOut] = Field(default_factory=list)


class CaseloadRow(BaseModel):
    user_id: uuid.UUID | None
    label: str
    open_cases: int
    overdue_tasks: int


class Caseload(BaseModel):
    open_cases: int
    closed_cases: int
    overdue_tasks: int
    by_worker: list[CaseloadRow]
