"""Input and output shapes of the prisoner-of-war registry, and its fixed vocabularies."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from haven.i18n import N_
from haven.kernel.labels import Labelled
from haven.kernel.marks import Mark
from haven.kernel.text_fields import CleanText, Encoding
from haven.pow.deadlines import local_today
from haven.pow.lifecycle import PowStatus


class PlaceKind(Labelled):
    CAMP = "camp", N_("Camp")
    TRANSIT_CAMP = "transit_camp", N_("Transit camp")
    HOSPITAL = "hospital", N_("Hospital")


class CardOccasion(Labelled):
    """Why a capture card is owed (Art. 70): capture or arrival at a camp, a transfer to
    another camp, an admission to hospital (a transfer to a hospital included), a serious
    illness."""

    CAPTURE = "capture", N_("Capture")
    TRANSFER = "transfer", N_("Transfer")
    HOSPITAL = "hospital", N_("Hospital admission")
    ILLNESS = "illness", N_("Serious illness")


class StateOfHealth(Labelled):
    """The state of health of the model capture card (GC III Annex IV B, item 11), as found
    by whoever examined the person. Nothing is assumed: a person nobody examined is "not
    examined" on the card, never "healthy"."""

    HEALTHY = "healthy", N_("Healthy")
    NOT_WOUNDED = "not_wounded", N_("Not wounded")
    RECOVERED = "recovered", N_("Recovered")
    CONVALESCENT = "convalescent", N_("Convalescent")
    SICK = "sick", N_("Sick")
    SLIGHTLY_WOUNDED = "slightly_wounded", N_("Slightly wounded")
    SERIOUSLY_WOUNDED = "seriously_wounded", N_("Seriously wounded")


class NoticeKind(Labelled):
    CAPTURE = "capture", N_("Capture")
    TRANSFER = "transfer", N_("Transfer")
    RELEASE = "release", N_("Release")
    REPATRIATION = "repatriation", N_("Repatriation")
    ESCAPE = "escape", N_("Escape")
    HOSPITAL_ADMISSION = "hospital_admission", N_("Hospital admission")
    DEATH = "death", N_("Death")
    FAMILY_PRIVATE = "family_private", N_("Private message to the family")


class Art17Item(Labelled):
    """What a prisoner is obliged to give (GC III Art. 17)."""

    SURNAME = "surname", N_("Surname")
    FIRST_NAMES = "first_names", N_("First names")
    RANK = "rank", N_("Rank")
    DATE_OF_BIRTH = "date_of_birth", N_("Date of birth")
    SERVICE_NUMBER = "service_number", N_("Service number")


class Art122Item(Labelled):
    """What the Information Bureau records in so far as available (GC III Art. 122)."""

    PLACE_OF_BIRTH = "place_of_birth", N_("Place of birth")
    POWER_DEPENDED_ON = "power_depended_on", N_("Power on which the prisoner depends")
    FATHER_FIRST_NAME = "father_first_name", N_("Father's first name")
    MOTHER_MAIDEN_NAME = "mother_maiden_name", N_("Mother's maiden name")
    PERSON_TO_INFORM = "person_to_inform", N_("Person to inform")
    ADDRESS = "address", N_("Address for correspondence")


class Direction(Labelled):
    SENT = "sent", N_("Sent")
    RECEIVED = "received", N_("Received")


class MailKind(Labelled):
    LETTER = "letter", N_("Letter")
    CARD = "card", N_("Card")


class ReleaseKind(Labelled):
    RELEASE = "release", N_("Release")
    REPATRIATION = "repatriation", N_("Repatriation")


class ReleaseGrounds(Labelled):
    END_OF_HOSTILITIES = "end_of_hostilities", N_("End of active hostilities (Art. 118)")
    SERIOUSLY_SICK = "seriously_sick", N_("Seriously sick or wounded (Art. 109)")  # Art. 109-110
    OTHER = "other", N_("Other")


class Outcome(Labelled):
    VOLUNTARY = "voluntary", N_("Voluntary")
    NOT_VOLUNTARY = "not_voluntary", N_("Not voluntary")
    INCONCLUSIVE = "inconclusive", N_("Inconclusive")


class PrisonerPath(Labelled):
    """The paths a prisoner may choose, each of which needs a completed voluntariness check
    first (docs/pow.md): defect, and the three pathways (whose values these share)."""

    DEFECT = "defect", N_("Change sides (defect)")
    SERVE = "serve", N_("Serve with rank and position")
    HOME = "home", N_("Go home to the family")
    EXILE = "exile", N_("Relocate in exile")


class Witness(Labelled):
    """Who, independent of both sides, saw the interview (or why no one could)."""

    INDEPENDENT = "independent", N_("An independent witness")
    ICRC = "icrc", N_("An ICRC visit")
    NONE = "none", N_("None available")


class TracingChoice(Labelled):
    """What the person who changed sides chose to let the tracing agency know (docs/pow.md)."""

    NO_NOTICE = "no_notice", N_("No notice")
    FAMILY_PRIVATELY = "family_privately", N_("Notify the family privately")
    AS_RELEASED = "as_released", N_("Notify as released")


class Movement(Labelled):
    TRANSFER = "transfer", N_("Transfer")
    RELEASE = "release", N_("Release")
    REPATRIATION = "repatriation", N_("Repatriation")


class Risk(Labelled):
    """What a risk assessment before a transfer, release or handover considers."""

    PERSECUTION = "persecution", N_("Persecution or punishment for having left")
    ILL_TREATMENT = "ill_treatment", N_("Torture or ill-treatment")
    FAMILY_REPRISALS = "family_reprisals", N_("Reprisals against the family")
    RE_RECRUITMENT = "re_recruitment", N_("Forced re-recruitment")
    EXPOSURE = "exposure", N_("Identity or whereabouts revealed to the party left")
    OTHER = "other", N_("Other (see the notes)")


class RiskConclusion(Labelled):
    NO_REAL_RISK = "no_real_risk", N_("No real risk of serious harm found")
    REAL_RISK = "real_risk", N_("A real risk of serious harm found")


class PayCategory(Labelled):
    """The rank categories of the monthly advances of pay (Art. 60); the forces' rank tables
    name a rank's category in `pay_group`."""

    BELOW_SERGEANT = "below_sergeant", N_("Category I: below sergeant")
    SERGEANT = "sergeant", N_("Category II: sergeants and other non-commissioned officers")
    WARRANT_TO_CAPTAIN = (
        "warrant_to_captain",
        N_("Category III: warrant officers and officers below major"),
    )
    MAJOR_TO_COLONEL = "major_to_colonel", N_("Category IV: majors, lieutenant-colonels, colonels")
    GENERAL = "general", N_("Category V: general officers")


def _today() -> date:
    """Dates are Myanmar calendar dates (see `deadlines`): "today" and "the future" too."""
    return local_today()


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value


def _not_future(value: date | None) -> date | None:
    if value is not None and value > _today():
        raise ValueError(N_("The date cannot be in the future."))
    return value


class PowRegister(_In):
    """Open a POW record for a person received as surrendered or captured; the state of
    health found when they were examined on arrival, if they were, with who examined them
    (the service names a missing examiner)."""

    text_encoding: Encoding = "detect"
    person_id: uuid.UUID
    captured_on: date
    arrived_on: date | None = None
    captured_place: CleanText = Field(default=None, max_length=200)
    place_id: uuid.UUID | None = None
    state_of_health: StateOfHealth | None = None
    examined_by: CleanText = Field(default=None, max_length=200)

    _past = field_validator("captured_on", "arrived_on")(_not_future)


class TakenAs(Labelled):
    """How a prisoner came into the detaining party's hands (reception's classifications of
    a prisoner of war)."""

    CAPTURED = "captured", N_("Captured")
    SURRENDERED = "surrendered", N_("Surrendered")


class PowCapture(_In):
    """Register a person taken prisoner who was not received by a registrar: reception's
    minimum (names, how taken, rank and unit if known, where the record is kept) and the
    Art. 17 items the prisoner gives (service number, year of birth), with the date and
    place of capture and, as on `PowRegister`, the place of internment and the examination
    on arrival."""

    text_encoding: Encoding = "detect"
    name_my: CleanText = Field(default=None, max_length=200)
    name_latin: CleanText = Field(default=None, max_length=200)
    taken_as: TakenAs = TakenAs.CAPTURED
    captured_on: date
    captured_place: CleanText = Field(default=None, max_length=200)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    rank_id: uuid.UUID | None = None
    origin_unit: CleanText = Field(default=None, max_length=100)
    service_number: CleanText = Field(default=None, max_length=100)
    site_id: uuid.UUID | None = None
    arrived_on: date | None = None
    place_id: uuid.UUID | None = None
    state_of_health: StateOfHealth | None = None
    examined_by: CleanText = Field(default=None, max_length=200)

    _past = field_validator("captured_on", "arrived_on")(_not_future)


class Art17In(_In):
    """The five Art. 17 items; any of them may be refused (recorded, never penalised)."""

    text_encoding: Encoding = "detect"
    surname: CleanText = Field(default=None, max_length=200)
    first_names: CleanText = Field(default=None, max_length=200)
    rank: CleanText = Field(default=None, max_length=100)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    birth_month: int | None = Field(default=None, ge=1, le=12)
    birth_day: int | None = Field(default=None, ge=1, le=31)
    service_number: CleanText = Field(default=None, max_length=100)
    refused: list[Art17Item] = Field(default_factory=list, max_length=5)

    @model_validator(mode="after")
    def _given_or_refused(self) -> Art17In:
        values = {
            Art17Item.SURNAME: self.surname,
            Art17Item.FIRST_NAMES: self.first_names,
            Art17Item.RANK: self.rank,
            Art17Item.DATE_OF_BIRTH: self.birth_year,
            Art17Item.SERVICE_NUMBER: self.service_number,
        }
        for item in self.refused:
            if values[item] not in (None, ""):
                raise ValueError(N_("An item cannot be both given and refused."))
        if self.birth_day is not None and self.birth_month is None:
            raise ValueError(N_("Give the month with the day of birth."))
        if self.birth_month is not None and self.birth_year is None:
            raise ValueError(N_("Give the year with the month of birth."))
        return self


class Art122In(_In):
    """The Art. 122 items, recorded in so far as available; any may be refused."""

    text_encoding: Encoding = "detect"
    place_of_birth: CleanText = Field(default=None, max_length=200)
    power_depended_on: CleanText = Field(default=None, max_length=200)
    father_first_name: CleanText = Field(default=None, max_length=200)
    mother_maiden_name: CleanText = Field(default=None, max_length=200)
    person_to_inform: CleanText = Field(default=None, max_length=200)
    address: CleanText = Field(default=None, max_length=400)
    refused: list[Art122Item] = Field(default_factory=list, max_length=6)

    @model_validator(mode="after")
    def _given_or_refused(self) -> Art122In:
        for item in self.refused:
            if getattr(self, str(item)) not in (None, ""):
                raise ValueError(N_("An item cannot be both given and refused."))
        return self

    def items(self) -> dict[str, str]:
        return {
            str(item): value
            for item in Art122Item
            if (value := getattr(self, str(item))) is not None
        }


class PlaceIn(_In):
    text_encoding: Encoding = "detect"
    name: CleanText = Field(default=None, max_length=120, validate_default=True)
    kind: PlaceKind = PlaceKind.CAMP
    township: CleanText = Field(default=None, max_length=100)

    @field_validator("name")
    @classmethod
    def _named(cls, value: str | None) -> str | None:
        if not value:
            raise ValueError(N_("Enter the name of the place."))
        return value


class RiskAssessmentIn(_In):
    """The risk assessment every transfer, release and handover records (non-refoulement,
    docs/pow.md): who assessed, when, the risks considered and the conclusion; and the party
    that receives the person, if any (never the party they left). What is missing is named
    field by field by the service."""

    text_encoding: Encoding = "detect"
    receiving_force_id: uuid.UUID | None = None
    risk_assessed_by: CleanText = Field(default=None, max_length=200)
    risk_assessed_on: date = Field(default_factory=_today)
    risks: list[Risk] = Field(default_factory=list, max_length=len(Risk))
    risk_notes: CleanText = Field(default=None, max_length=2000)
    risk_conclusion: RiskConclusion | None = None

    _past_assessment = field_validator("risk_assessed_on")(_not_future)


class TransferIn(RiskAssessmentIn):
    to_place_id: uuid.UUID
    moved_on: date = Field(default_factory=_today)

    _past = field_validator("moved_on")(_not_future)


class CardSentIn(_In):
    sent_on: date = Field(default_factory=_today)

    _past = field_validator("sent_on")(_not_future)


class InspectionIn(_In):
    """A medical inspection; its state of health (the capture card's choices) is recorded
    with who examined the person (the service names a missing examiner)."""

    text_encoding: Encoding = "detect"
    inspected_on: date = Field(default_factory=_today)
    weight_grams: int | None = Field(default=None, ge=1000, le=300000)
    state_of_health: StateOfHealth | None = None
    examined_by: CleanText = Field(default=None, max_length=200)
    seriously_ill: bool = False
    hospitalised: bool = False
    findings: CleanText = Field(default=None, max_length=2000)

    _past = field_validator("inspected_on")(_not_future)


class EffectIn(_In):
    text_encoding: Encoding = "detect"
    description: CleanText = Field(default=None, max_length=200)
    amount_minor: int | None = Field(default=None, ge=0, le=10**12)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    taken_on: date = Field(default_factory=_today)
    taken_by: CleanText = Field(default=None, max_length=120)

    _past = field_validator("taken_on")(_not_future)

    @model_validator(mode="after")
    def _complete(self) -> EffectIn:
        if not self.description:
            raise ValueError(N_("Describe the article taken."))
        if not self.taken_by:
            raise ValueError(N_("Name who took the article (the receipt names them)."))
        if (self.amount_minor is None) != (self.currency is None):
            raise ValueError(N_("Give an amount of money with its currency, or neither."))
        return self


class CorrespondenceIn(_In):
    direction: Direction
    kind: MailKind
    exchanged_on: date = Field(default_factory=_today)

    _past = field_validator("exchanged_on")(_not_future)


class VisitIn(_In):
    text_encoding: Encoding = "detect"
    place_id: uuid.UUID
    visited_on: date = Field(default_factory=_today)
    delegates: CleanText = Field(default=None, max_length=300, validate_default=True)
    private_interviews: int = Field(default=0, ge=0, le=10000)

    _past = field_validator("visited_on")(_not_future)

    @field_validator("delegates")
    @classmethod
    def _named(cls, value: str | None) -> str | None:
        if not value:
            raise ValueError(N_("Name the delegates."))
        return value


class PayRateIn(_In):
    amount_minor: int = Field(ge=0, le=10**9)
    currency: str = Field(default="CHF", pattern=r"^[A-Z]{3}$")


class DeathIn(_In):
    text_encoding: Encoding = "detect"
    died_on: date
    place_of_death: CleanText = Field(default=None, max_length=200)
    cause: CleanText = Field(default=None, max_length=500)
    buried_on: date | None = None
    burial_place: CleanText = Field(default=None, max_length=200)
    grave_number: CleanText = Field(default=None, max_length=60)
    cremated: bool = False
    cremation_reason: CleanText = Field(default=None, max_length=300)

    _past = field_validator("died_on", "buried_on")(_not_future)

    @model_validator(mode="after")
    def _complete(self) -> DeathIn:
        if not self.place_of_death:
            raise ValueError(N_("Enter the place of death."))
        if not self.cause:
            raise ValueError(N_("Enter the cause of death."))
        if self.cremated and not self.cremation_reason:
            raise ValueError(N_("Record the reason for the cremation (Art. 120)."))
        if self.buried_on is not None and self.buried_on < self.died_on:
            raise ValueError(N_("The burial cannot be before the death."))
        return self


class ReleaseIn(RiskAssessmentIn):
    kind: ReleaseKind
    grounds: ReleaseGrounds
    released_on: date = Field(default_factory=_today)

    _past = field_validator("released_on")(_not_future)


class WishIn(_In):
    wishes_not_repatriated: bool


class EscapeIn(_In):
    escaped_on: date = Field(default_factory=_today)

    _past = field_validator("escaped_on")(_not_future)


class VoluntarinessIn(_In):
    """The interview before any change of a prisoner's path. Every check is kept; only a
    complete one counts (`haven.pow.voluntariness.missing` names what a check lacks)."""

    text_encoding: Encoding = "detect"
    interviewer_name: CleanText = Field(default=None, max_length=120, validate_default=True)
    interviewer_independent: bool = False
    detaining_unit_absent: bool = False
    former_commanders_absent: bool = False
    present: CleanText = Field(default=None, max_length=500)
    interviewed_on: date = Field(default_factory=_today)
    statement: CleanText = Field(default=None, max_length=4000)
    statement_language: CleanText = Field(default=None, max_length=60)
    paths: list[PrisonerPath] = Field(default_factory=list, max_length=len(PrisonerPath))
    witness: Witness | None = None
    witness_name: CleanText = Field(default=None, max_length=200)
    icrc_visit_id: uuid.UUID | None = None
    no_witness_reason: CleanText = Field(default=None, max_length=500)
    mark: Mark | None = None
    mark_attested_by: CleanText = Field(default=None, max_length=120)
    outcome: Outcome

    _past = field_validator("interviewed_on")(_not_future)

    @field_validator("interviewer_name")
    @classmethod
    def _named(cls, value: str | None) -> str | None:
        if not value:
            raise ValueError(N_("Name the interviewer."))
        return value


class TracingIn(_In):
    """The informed choice of a person who changed sides about the tracing agency: nothing
    is queued for it until this is recorded, and only what it says (docs/pow.md)."""

    text_encoding: Encoding = "detect"
    choice: TracingChoice
    chosen_on: date = Field(default_factory=_today)
    witness_name: CleanText = Field(default=None, max_length=200)
    informed: bool = False

    _past = field_validator("chosen_on")(_not_future)


class DefectIn(_In):
    check_id: uuid.UUID
    changed_on: date = Field(default_factory=_today)
    tracing: TracingIn | None = None

    _past = field_validator("changed_on")(_not_future)


# --- output ---------------------------------------------------------------------------------


class PlaceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    kind: PlaceKind
    township: str | None


class PowOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    prisoner_number: str
    classification: str
    status: PowStatus
    captured_on: date
    captured_place: str | None
    arrived_on: date | None
    place_id: uuid.UUID | None
    seriously_ill: bool
    surname: str | None
    first_names: str | None
    rank: str | None
    rank_id: uuid.UUID | None
    birth_year: int | None
    birth_month: int | None
    birth_day: int | None
    service_number: str | None
    art17_refused: list[str]
    bureau_details: dict[str, str]
    art122_refused: list[str]
    wishes_not_repatriated: bool
    masked_fields: list[str]


class CardOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    pow_id: uuid.UUID
    occasion: CardOccasion
    occasion_on: date
    due_on: date
    sent_on: date | None
    superseded_at: datetime | None
    place_id: uuid.UUID | None
    coming_from_id: uuid.UUID | None


class TransferOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    pow_id: uuid.UUID
    from_place_id: uuid.UUID | None
    to_place_id: uuid.UUID
    moved_on: date
    receiving_force_id: uuid.UUID | None
    risk_assessment_id: uuid.UUID | None


class InspectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    pow_id: uuid.UUID
    inspected_on: date
    weight_grams: int | None
    state_of_health: StateOfHealth | None
    examined_by: str | None
    seriously_ill: bool
    hospitalised: bool
    findings: str | None


class EffectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    pow_id: uuid.UUID
    description: str
    amount_minor: int | None
    currency: str | None
    taken_on: date
    taken_by: str
    receipt_number: str
    returned_on: date | None


class CorrespondenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    pow_id: uuid.UUID
    direction: Direction
    kind: MailKind
    exchanged_on: date


class VisitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    place_id: uuid.UUID
    visited_on: date
    delegates: str
    private_interviews: int


class PayRateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    category: str
    ranks: str
    amount_minor: int
    currency: str


class DeathOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    pow_id: uuid.UUID
    died_on: date
    place_of_death: str
    cause: str | None
    buried_on: date | None
    burial_place: str | None
    grave_number: str | None
    cremated: bool
    cremation_reason: str | None
    certificate_number: str


class ReleaseOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    pow_id: uuid.UUID
    kind: ReleaseKind
    grounds: ReleaseGrounds
    released_on: date
    wishes_not_repatriated: bool
    receiving_force_id: uuid.UUID | None
    risk_assessment_id: uuid.UUID | None


class CheckOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    pow_id: uuid.UUID
    interviewer_name: str
    interviewer_independent: bool
    detaining_unit_absent: bool
    former_commanders_absent: bool
    interviewed_on: date
    statement_language: str | None
    paths: list[PrisonerPath]
    witness: Witness | None
    witness_name: str | None
    icrc_visit_id: uuid.UUID | None
    no_witness_reason: str | None
    mark: Mark | None
    mark_attested_by: str | None
    outcome: Outcome
    completed_at: datetime | None
    used_at: datetime | None
    missing: list[str]


class RiskAssessmentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    pow_id: uuid.UUID
    movement: Movement
    receiving_force_id: uuid.UUID | None
    assessed_by: str
    assessed_on: date
    risks: list[Risk]
    notes: str | None
    conclusion: RiskConclusion


class TracingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    pow_id: uuid.UUID
    choice: TracingChoice
    chosen_on: date
    witness_name: str
    informed: bool
    notice_id: uuid.UUID | None
    superseded_at: datetime | None


class NoticeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    pow_id: uuid.UUID
    kind: NoticeKind
    occurred_on: date
    detail: str | None
    exported_at: datetime | None
    withheld_at: datetime | None


class BoardOut(BaseModel):
    today: date
    cards_due: list[CardOut]
    cards_overdue: list[CardOut]
    cards_sent: list[CardOut]
    inspections_overdue: list[uuid.UUID]
    notices_pending: int
    visits: list[VisitOut]
