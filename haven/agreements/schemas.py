"""Input and output shapes of agreements, rolls, crossing-day desks and reconciliation.

Two kinds of output: `AgreementDetail` (parties, terms, notes) only ever goes to the
negotiation team and named approvers; `DeskAgreement` and `DeskEntry` are what a crossing
desk sees (a code name and the roll), and `BoardCounts` is counts only.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from haven.agreements.lifecycle import AgreementStatus
from haven.families.public import AgreementFamilies
from haven.i18n import N_
from haven.kernel.text_fields import CleanText, Encoding
from haven.people.public import Sex
from haven.reception.public import Classification, WeaponIn


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PartyIn(_Input):
    """A commander party to the agreement: stored encrypted, seen by the team and approvers."""

    text_encoding: Encoding = "detect"
    name: CleanText = Field(default=None, max_length=200)
    rank: CleanText = Field(default=None, max_length=100)
    position: CleanText = Field(default=None, max_length=200)
    unit: CleanText = Field(default=None, max_length=100)
    contact: CleanText = Field(default=None, max_length=500)

    @field_validator("name")
    @classmethod
    def _named(cls, value: str | None) -> str | None:
        if not value:
            raise ValueError(N_("Enter the commander's name."))
        return value


class TermsIn(_Input):
    """What was negotiated (encrypted as one object)."""

    text_encoding: Encoding = "detect"
    ranks_retained: bool = True
    positions_retained: bool = True
    safe_passage: CleanText = Field(default=None, max_length=2000)
    weapons_to_hand_over: CleanText = Field(default=None, max_length=2000)
    families_to_move: CleanText = Field(default=None, max_length=2000)
    crossing_place: CleanText = Field(default=None, max_length=200)


class AgreementCreate(_Input):
    text_encoding: Encoding = "detect"
    code_name: CleanText = Field(max_length=100)
    site_id: uuid.UUID | None = None
    expected_crossing_on: date | None = None
    expected_headcount: int | None = Field(default=None, ge=0, le=100000)
    plan_version_id: uuid.UUID | None = None
    allowance_overrides: dict[str, int] = Field(default_factory=dict, max_length=50)
    terms: TermsIn = Field(default_factory=TermsIn)
    notes: CleanText = Field(default=None, max_length=10000)
    parties: list[PartyIn] = Field(default_factory=list, max_length=20)

    @field_validator("code_name", mode="after")
    @classmethod
    def _code_name(cls, value: str | None) -> str | None:
        if not value:
            raise ValueError(N_("Enter a code name (never a commander's name)."))
        return value

    @field_validator("site_id", "expected_crossing_on", "plan_version_id", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("allowance_overrides")
    @classmethod
    def _overrides(cls, value: dict[str, int]) -> dict[str, int]:
        for code, amount in value.items():
            if not code or len(code) > 40 or amount < 0:
                raise ValueError(
                    N_("Each override is a component code and an amount of 0 or more.")
                )
        return value


class AgreementUpdate(_Input):
    """Fields to change; omitted fields are kept."""

    text_encoding: Encoding = "detect"
    site_id: uuid.UUID | None = None
    expected_crossing_on: date | None = None
    expected_headcount: int | None = Field(default=None, ge=0, le=100000)
    plan_version_id: uuid.UUID | None = None
    allowance_overrides: dict[str, int] | None = Field(default=None, max_length=50)
    terms: TermsIn | None = None
    notes: CleanText = Field(default=None, max_length=10000)


class TransitionIn(_Input):
    to: AgreementStatus
    reason: CleanText = Field(default=None, max_length=500)


class ApproverIn(_Input):
    user_id: uuid.UUID


class PartyOut(BaseModel):
    id: uuid.UUID
    name: str | None
    rank: str | None
    position: str | None
    unit: str | None
    contact: str | None


class ApproverOut(BaseModel):
    user_id: uuid.UUID
    username: str
    approved_at: datetime | None


class AgreementSummary(BaseModel):
    """A line of the negotiation team's list: no parties, no terms."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    code_name: str
    status: AgreementStatus
    site_id: uuid.UUID | None
    expected_crossing_on: date | None
    expected_headcount: int | None


class AgreementDetail(AgreementSummary):
    status_changed_at: datetime
    # When the terms were fixed (the second named approval): rank and position equivalence
    # are taken on this date for those who serve under the agreement.
    finalized_at: datetime | None = None
    plan_version_id: uuid.UUID | None
    allowance_overrides: dict[str, int]
    terms: dict[str, object]
    notes: str | None
    parties: list[PartyOut]
    approvers: list[ApproverOut]
    roll_size: int
    allowed_moves: list[AgreementStatus]
    # Hits of the screening of the commanders and the roll against the incident registry:
    # how many (everyone who sees the agreement), and each one (named approvers only).
    screening_hits: int = 0
    screening: ScreeningOut | None = None


# --- screening of commanders and rolls ----------------------------------------------------


class ScreeningHitOut(BaseModel):
    """One hit: who (a commander, or the roll entry and its row) and why, in plain words."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    subject: str
    roll_entry_id: uuid.UUID | None
    party_id: uuid.UUID | None
    row_number: int | None
    name: str
    details: str
    score: float
    explanation: str | None
    acknowledged_by_you: bool
    acknowledged_by: list[str]


class AcknowledgementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    user_id: uuid.UUID
    user: str
    acknowledged_at: datetime
    note: str | None
    hits: int


class ScreeningOut(BaseModel):
    """The hits a named approver must acknowledge before approving, and the
    acknowledgements recorded so far (who, when, note)."""

    hits: list[ScreeningHitOut]
    unacknowledged_by_you: int
    acknowledgements: list[AcknowledgementOut]


class AcknowledgeIn(_Input):
    """Acknowledge the hits shown (their ids), saying why the agreement may still go ahead."""

    text_encoding: Encoding = "detect"
    hit_ids: list[uuid.UUID] = Field(min_length=1, max_length=10000)
    note: CleanText = Field(default=None, max_length=2000)

    @field_validator("note")
    @classmethod
    def _noted(cls, value: str | None) -> str | None:
        if not value:
            raise ValueError(N_("Write why the agreement may go ahead despite these hits."))
        return value


class BoardCounts(BaseModel):
    """Agreements by state: counts only, for everyone with the dashboard."""

    counts: dict[AgreementStatus, int]
    total: int


# --- roll ----------------------------------------------------------------------------------


class RollRowError(BaseModel):
    row: int | None
    field: str | None
    message: str


class RollRowWarning(BaseModel):
    """A row imported despite something it says: `unknown_rank` (no rank of the force's
    table is written as `text`; the row is kept without a rank, the text kept as written)."""

    row: int
    field: str
    text: str
    code: str
    message: str


class RollImportReport(BaseModel):
    dry_run: bool
    rows: int
    imported: int
    errors: list[RollRowError]
    warnings: list[RollRowWarning] = Field(default_factory=list)
    screening_hits: int = 0  # found on the imported entries (the approvers will see them)


class RollEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    row_number: int
    prefix: str | None
    name_my: str | None
    name_latin: str | None
    birth_year: int | None
    rank_id: uuid.UUID | None
    rank_text: str | None = Field(
        default=None, description="The rank as the roll wrote it, when no rank matched."
    )
    force_id: uuid.UUID | None = Field(
        default=None, description="The force the roll names for the row (None: the army)."
    )
    unit_text: str | None
    company: str | None
    position: str | None
    weapons_expected: int
    family_expected: int
    is_erased: bool = False
    masked_fields: list[str] = Field(
        default_factory=list, description="Protected fields hidden from the reader's role."
    )


# --- crossing day --------------------------------------------------------------------------


class DeskAgreement(BaseModel):
    """What a crossing desk sees of an agreement: a code name and the counts."""

    id: uuid.UUID
    code_name: str
    site_id: uuid.UUID | None
    expected: int
    arrived: int
    mine: int


class DeskSearch(_Input):
    q: str = Field(default="", max_length=200)


class DeskEntry(RollEntryOut):
    arrived: bool


class DeskRegistration(_Input):
    """One arrival at a desk. `roll_entry_id` is empty for someone not on the roll.

    `idempotency_key` is made by the desk once per person shown: a retried or double-clicked
    submission with the same key returns the first registration instead of a second one.
    """

    text_encoding: Encoding = "detect"
    idempotency_key: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    desk: str | None = Field(default=None, max_length=40)
    roll_entry_id: uuid.UUID | None = None
    name_my: CleanText = Field(default=None, max_length=200)
    name_latin: CleanText = Field(default=None, max_length=200)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    sex: Sex = Sex.UNKNOWN
    classification: Classification = Classification.DEFECTOR
    rank_id: uuid.UUID | None = None
    origin_unit: CleanText = Field(default=None, max_length=100)
    position: CleanText = Field(default=None, max_length=200)
    family_moved: int = Field(default=0, ge=0, le=100)
    weapons: list[WeaponIn] = Field(default_factory=list, max_length=50)

    @field_validator("roll_entry_id", "rank_id", "birth_year", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value


class ArrivalOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    agreement_id: uuid.UUID
    roll_entry_id: uuid.UUID | None
    reception_id: uuid.UUID
    person_id: uuid.UUID
    desk: str | None
    via: str
    weapons_received: int
    family_moved: int
    created_at: datetime


GIVE_REFERENCE = N_("Give the person's reference number.")


class LinkIn(_Input):
    """Link a person received individually to the agreement afterwards (the open appeal):
    the person by their reference number (`person_reference`, e.g. `P-7K3M9QR`) or id."""

    person_id: uuid.UUID | None = None
    person_reference: str | None = Field(default=None, max_length=40)
    roll_entry_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _names_one_person(self) -> LinkIn:
        if (self.person_id is None) == (self.person_reference is None):
            raise ValueError(GIVE_REFERENCE)
        return self


# --- reconciliation ------------------------------------------------------------------------


class ReconciliationLine(BaseModel):
    unit: str
    company: str
    expected: int
    arrived: int
    missing: int
    unexpected: int
    weapons_expected: int
    weapons_received: int
    family_expected: int
    family_moved: int


class MissingPerson(BaseModel):
    roll_entry_id: uuid.UUID
    row_number: int
    name: str
    unit: str
    company: str


class Reconciliation(BaseModel):
    agreement_id: uuid.UUID
    status: AgreementStatus
    totals: ReconciliationLine
    lines: list[ReconciliationLine]
    follow_up: list[MissingPerson]
    follow_up_flagged: bool
    # The agreement's family-movement plans (haven.families): relatives planned, moved and
    # at risk, and overdue steps; beside the roll's and the desk's family counts above.
    families: AgreementFamilies


# --- posting overrides ---------------------------------------------------------------------


class NamedRef(BaseModel):
    """A rank or a position, named in both languages."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name_en: str
    name_my: str | None


class PostingOverrideOut(BaseModel):
    """A programme manager's override of the agreement's rank or position terms."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    recorded_at: datetime
    recorded_by: str
    person_id: uuid.UUID
    person_name: str
    terms_on: date
    from_rank: NamedRef | None
    to_rank: NamedRef | None
    from_position: NamedRef | None
    to_position: NamedRef | None
    reason: str | None
