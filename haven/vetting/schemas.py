"""Input and output shapes of the vetting domain; text enters through `haven.text`."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from haven.i18n import LANGUAGES, N_, Text
from haven.kernel.clock import local_today
from haven.kernel.labels import Labelled
from haven.kernel.text_fields import CleanText, Encoding
from haven.text.units import parse_unit
from haven.vetting.lifecycle import Outcome, Protection, ReviewKind, StandardOfProof


class IncidentKind(Labelled):
    """What happened. The kinds name the violations documented in Myanmar's conflict (the
    first four were Haven's first list and stay, so that recorded incidents keep their kind);
    values are stored as they are (at most 30 characters)."""

    MASSACRE = "massacre", N_("Massacre of civilians")
    ARSON = "arson", N_("Arson")
    DESTRUCTION_OF_HOMES = "destruction_of_homes", N_("Destruction of civilian homes")
    TORTURE = "torture", N_("Torture")
    SEXUAL_VIOLENCE = "sexual_gender_based_violence", N_("Sexual and gender-based violence")
    DETAINEES = "detainee_killing_ill_treatment", N_("Killing or ill-treatment of detainees")
    FORCED_LABOUR = "forced_labour_portering", N_("Forced labour and portering")
    HUMAN_SHIELDS = "human_shields", N_("Use of human shields")
    ATTACKS_ON_CIVILIANS = "attacks_on_civilians", N_("Attacks on civilians and air strikes")
    BURNING_AND_PILLAGE = "burning_villages_pillage", N_("Burning of villages and pillage")
    CHILDREN = "child_recruitment_use", N_("Recruitment and use of children")
    OTHER = "other", N_("Other")


RELIABILITY = ("A", "B", "C", "D", "E", "F")
_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def _today() -> date:
    """Today where the programme works (`haven.kernel.clock`), never the UTC date."""
    return local_today()


def parse_period(text: str) -> tuple[date, date]:
    """A date or a period, both ends inclusive: "2021" (the whole year), "2021-12" (the
    whole month), "2021-12-24", or two of these joined by "/" or " to "."""
    value = " ".join(text.split())
    if not value:
        raise ValueError(N_("Enter the date or period, for example 2021-12-24 or 2021."))
    parts = [p.strip() for p in re.split(r"\s*/\s*|\s+to\s+", value) if p.strip()]
    if len(parts) not in (1, 2):
        raise ValueError(N_("Enter one date or period, or two joined by “/”."))
    starts: list[date] = []
    ends: list[date] = []
    for part in parts:
        start, end = _one(part)
        starts.append(start)
        ends.append(end)
    first, last = starts[0], ends[-1]
    if last < first:
        raise ValueError(N_("The period ends before it starts."))
    if first > _today():
        raise ValueError(N_("An incident cannot be in the future."))
    return first, last


def _one(part: str) -> tuple[date, date]:
    try:
        if _YEAR.match(part):
            year = int(part)
            return date(year, 1, 1), date(year, 12, 31)
        if _MONTH.match(part):
            year, month = (int(x) for x in part.split("-"))
            start = date(year, month, 1)
            following = date(year + (month == 12), month % 12 + 1, 1)
            return start, date.fromordinal(following.toordinal() - 1)
        day = date.fromisoformat(part)
    except ValueError:
        raise ValueError(N_("Enter the date or period, for example 2021-12-24 or 2021.")) from None
    return day, day


def unit_codes(values: list[str]) -> list[str]:
    """Canonical unit codes; an unrecognised unit is refused (never guessed)."""
    codes: list[str] = []
    for value in values:
        code = parse_unit(value)
        if code is None:
            raise ValueError(
                Text(
                    N_(
                        "“{unit}” is not a unit Haven recognises. Enter the unit as a type "
                        "and a number, for example LIB-531."
                    ),
                    {"unit": value[:40]},
                )
            )
        if code.label not in codes:
            codes.append(code.label)
    return codes


def _split(value: Any) -> Any:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in re.split(r"[;,\n]", value) if part.strip()]
    return value


class PerpetratorIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"
    name: CleanText = Field(default=None, max_length=200, validate_default=True)
    rank: CleanText = Field(default=None, max_length=100)
    unit: CleanText = Field(default=None, max_length=100)

    @field_validator("name")
    @classmethod
    def _named(cls, value: str | None) -> str:
        if not value:
            raise ValueError(N_("Enter the name of the alleged perpetrator."))
        return value


class IncidentIn(BaseModel):
    """A documented incident. `period` is a date, a month, a year or a range (inclusive)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"
    kind: IncidentKind
    period: str = Field(min_length=1, max_length=40)
    township: CleanText = Field(default=None, max_length=100)
    village: CleanText = Field(default=None, max_length=100)
    units: list[str] = Field(default_factory=list, max_length=20)
    perpetrators: list[PerpetratorIn] = Field(default_factory=list, max_length=50)
    summary: CleanText = Field(default=None, max_length=5000, validate_default=True)
    sources: CleanText = Field(default=None, max_length=5000)
    source_reliability: str = Field(min_length=1, max_length=1)
    information_credibility: int = Field(ge=1, le=6)

    @field_validator("units", mode="before")
    @classmethod
    def _split_units(cls, value: Any) -> Any:
        return _split(value)

    @field_validator("units")
    @classmethod
    def _canonical_units(cls, value: list[str]) -> list[str]:
        return unit_codes(value)

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        parse_period(value)
        return " ".join(value.split())

    @field_validator("source_reliability", mode="before")
    @classmethod
    def _reliability(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().upper() in RELIABILITY:
            return value.strip().upper()
        raise ValueError(N_("Grade the source from A (reliable) to F (cannot be judged)."))

    @field_validator("summary")
    @classmethod
    def _summary(cls, value: str | None) -> str:
        if not value:
            raise ValueError(N_("Describe what happened."))
        return value

    @model_validator(mode="after")
    def _someone(self) -> IncidentIn:
        if not self.units and not self.perpetrators:
            raise ValueError(N_("Name at least one implicated unit or alleged perpetrator."))
        return self

    @property
    def dates(self) -> tuple[date, date]:
        return parse_period(self.period)


class HearingIn(BaseModel):
    """The person heard: their account, or that they declined to speak."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"
    held_on: date
    declined: bool = False
    interpreter_present: bool = False
    representative_present: bool = False
    statement: CleanText = Field(default=None, max_length=10000)

    @model_validator(mode="after")
    def _said_something(self) -> HearingIn:
        if self.held_on > _today():
            raise ValueError(N_("The hearing cannot be in the future."))
        if not self.declined and not self.statement:
            raise ValueError(N_("Record what the person said, or that they declined to speak."))
        return self


class AssessmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"
    assessment: CleanText = Field(default=None, max_length=10000, validate_default=True)

    @field_validator("assessment")
    @classmethod
    def _written(cls, value: str | None) -> str:
        if not value:
            raise ValueError(N_("Write the assessment of the hits and the hearing."))
        return value


class DecisionIn(BaseModel):
    """A proposed decision. Every decision records the standard of proof its findings meet,
    its confidential reasons and the reasons the person may be told (the decision notice). A
    referral names the receiving justice mechanism and the protection the person keeps;
    conditions are required for a conditional clearance."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"
    outcome: Outcome
    standard_of_proof: StandardOfProof | None = Field(default=None, validate_default=True)
    reasons: CleanText = Field(default=None, max_length=10000, validate_default=True)
    disclosed_reasons: CleanText = Field(default=None, max_length=5000, validate_default=True)
    conditions: CleanText = Field(default=None, max_length=5000)
    mechanism: CleanText = Field(default=None, max_length=200)
    protection: Protection | None = None

    @field_validator("standard_of_proof")
    @classmethod
    def _standard(cls, value: StandardOfProof | None) -> StandardOfProof:
        if value is None:
            raise ValueError(N_("Choose the standard of proof the decision's findings meet."))
        return value

    @field_validator("reasons")
    @classmethod
    def _reasons(cls, value: str | None) -> str:
        if not value:
            raise ValueError(N_("Give the reasons for the decision."))
        return value

    @field_validator("disclosed_reasons")
    @classmethod
    def _disclosed(cls, value: str | None) -> str:
        if not value:
            raise ValueError(
                N_(
                    "Write the reasons the person may be told. They are printed on the "
                    "decision notice; keep sources and witnesses in the confidential reasons."
                )
            )
        return value

    @model_validator(mode="after")
    def _complete(self) -> DecisionIn:
        if self.outcome is Outcome.CLEARED_WITH_CONDITIONS and not self.conditions:
            raise ValueError(N_("State the conditions of the clearance."))
        if self.outcome is Outcome.REFERRED:
            if not self.mechanism:
                raise ValueError(N_("Name the justice mechanism that receives the referral."))
            if self.protection is None:
                raise ValueError(
                    N_("State the protection the person keeps: prisoner of war or detainee.")
                )
        else:
            self.mechanism = None
            self.protection = None
        if self.outcome is not Outcome.CLEARED_WITH_CONDITIONS:
            self.conditions = None
        return self


class ReviewIn(BaseModel):
    """A review by the officers, or a reopening on new evidence. An appeal given here is
    recorded as the person's, lodged today (`AppealIn` says when they lodged it)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"
    kind: ReviewKind = ReviewKind.REVIEW
    grounds: CleanText = Field(default=None, max_length=5000, validate_default=True)

    @field_validator("grounds")
    @classmethod
    def _grounds(cls, value: str | None) -> str:
        if not value:
            raise ValueError(N_("State the grounds."))
        return value


class AppealIn(BaseModel):
    """The person's appeal, recorded on their behalf: the day they lodged it and their
    grounds in their own words."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"
    lodged_on: date
    grounds: CleanText = Field(default=None, max_length=5000, validate_default=True)

    @field_validator("lodged_on")
    @classmethod
    def _not_future(cls, value: date) -> date:
        if value > _today():
            raise ValueError(N_("The appeal cannot be lodged in the future."))
        return value

    @field_validator("grounds")
    @classmethod
    def _grounds(cls, value: str | None) -> str:
        if not value:
            raise ValueError(N_("Write the person's grounds for appealing, in their own words."))
        return value


class NotificationIn(BaseModel):
    """The person was told of the decision in force: when, and in which language."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    notified_on: date
    language: str = Field(default="", validate_default=True)

    @field_validator("notified_on")
    @classmethod
    def _not_future(cls, value: date) -> date:
        if value > _today():
            raise ValueError(N_("The person cannot have been told in the future."))
        return value

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(N_("Choose the language the person was told in."))
        return value


# --- outputs -------------------------------------------------------------------------------


class AppealOut(BaseModel):
    """Where the person's right to appeal stands: `state` (an `AppealState`), the last day
    for appealing and the days left (counted in the programme's time zone), and the same as
    a sentence in the reader's language."""

    state: str
    closes_on: date | None
    days_left: int | None
    text: str


class PersonAppealOut(BaseModel):
    """What a case worker who records a person's appeal learns: the status and the appeal,
    never allegations or hits."""

    person_id: uuid.UUID
    status: str
    appeal: AppealOut


class ReviewOut(BaseModel):
    id: uuid.UUID
    kind: str
    lodged_on: date | None
    opened_by_id: uuid.UUID | None
    appealed_decision_id: uuid.UUID | None
    grounds: str | None
    created_at: datetime


class NoticeOut(BaseModel):
    """The decision notice given to the person, in `language`: only what they may know."""

    language: str
    decision_id: uuid.UUID
    outcome: str
    outcome_label: str
    decided_on: date
    standard_of_proof: str | None
    standard_of_proof_label: str
    disclosed_reasons: str | None
    conditions: str | None
    protection_label: str | None
    notified_on: date | None
    appeal: AppealOut
    appeal_rights: str


class StatusOut(BaseModel):
    person_id: uuid.UUID
    status: str


class HitOut(BaseModel):
    id: uuid.UUID
    kind: str
    score: float
    incident_id: uuid.UUID | None
    explanation: str | None
    created_at: datetime


class HearingOut(BaseModel):
    id: uuid.UUID
    held_on: date
    declined: bool
    interpreter_present: bool
    representative_present: bool
    statement: str | None


class DecisionOut(BaseModel):
    id: uuid.UUID
    basis: str
    outcome: str
    standard_of_proof: str | None
    reasons: str | None
    disclosed_reasons: str | None
    conditions: str | None
    mechanism: str | None
    protection: str | None
    proposed_by_id: uuid.UUID | None
    proposed_at: datetime
    confirmed_by_id: uuid.UUID | None
    confirmed_at: datetime | None
    withdrawn_at: datetime | None
    superseded_at: datetime | None
    notified_on: date | None
    notice_language: str | None
    appeal_closes_on: date | None


class CaseOut(BaseModel):
    id: uuid.UUID
    reference: str
    person_id: uuid.UUID
    state: str
    status: str
    outcome: str | None
    state_changed_at: datetime
    last_screened_at: datetime | None
    decided_at: datetime | None
    assessment: str | None = None
    hits: list[HitOut] = Field(default_factory=list)
    hearings: list[HearingOut] = Field(default_factory=list)
    decisions: list[DecisionOut] = Field(default_factory=list)
    reviews: list[ReviewOut] = Field(default_factory=list)
    appeal: AppealOut


class CaseSummaryOut(BaseModel):
    id: uuid.UUID
    reference: str
    person_id: uuid.UUID
    state: str
    status: str
    hit_count: int
    state_changed_at: datetime
    appeal: AppealOut


class PerpetratorOut(BaseModel):
    name: str | None
    rank: str | None
    unit: str | None


class EvidenceOut(BaseModel):
    id: uuid.UUID
    filename: str | None
    description: str | None
    content_type: str
    size: int
    sha256: str


class IncidentOut(BaseModel):
    id: uuid.UUID
    reference: str
    kind: str
    occurred_from: date
    occurred_to: date
    period_text: str
    township: str | None
    village: str | None
    source_reliability: str
    information_credibility: int
    units: list[str]
    summary: str | None = None
    sources: str | None = None
    perpetrators: list[PerpetratorOut] = Field(default_factory=list)
    evidence: list[EvidenceOut] = Field(default_factory=list)


class ImportOut(BaseModel):
    created: int
    errors: dict[str, Any]
    rescreened: int
    new_hits: int


class WatchlistOut(BaseModel):
    id: uuid.UUID
    name: str
    entry_count: int
    source_sha256: str
    rescreened: int
    new_hits: int
