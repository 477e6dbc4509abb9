"""Input and output shapes for persons, profiles and family members."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from haven.i18n import N_
from haven.kernel.labels import Labelled
from haven.kernel.text_fields import CleanText, Encoding, NrcText
from haven.people.relatives import Area, as_relation


class Sex(Labelled):
    FEMALE = "female", N_("Female")
    MALE = "male", N_("Male")
    OTHER = "other", N_("Other")
    UNKNOWN = "unknown", N_("Not known")


class Education(Labelled):
    NONE = "none", N_("None")
    PRIMARY = "primary", N_("Primary school")
    MIDDLE = "middle", N_("Middle school")
    HIGH = "high", N_("High school")
    UNIVERSITY = "university", N_("University")


class Literacy(Labelled):
    NONE = "none", N_("None")
    READS = "reads", N_("Reads")
    READS_AND_WRITES = "reads_and_writes", N_("Reads and writes")


class Difficulty(Labelled):
    """Washington Group Short Set answers."""

    NONE = "no_difficulty", N_("No difficulty")
    SOME = "some_difficulty", N_("Some difficulty")
    A_LOT = "a_lot_of_difficulty", N_("A lot of difficulty")
    CANNOT = "cannot_do_at_all", N_("Cannot do at all")


class WgDomain(Labelled):
    """The Washington Group Short Set's questions, one per domain of functioning."""

    SEEING = "seeing", N_("Difficulty seeing, even if wearing glasses?")
    HEARING = "hearing", N_("Difficulty hearing, even if using a hearing aid?")
    WALKING = "walking", N_("Difficulty walking or climbing steps?")
    REMEMBERING = "remembering", N_("Difficulty remembering or concentrating?")
    SELF_CARE = "self_care", N_("Difficulty with self-care, such as washing all over or dressing?")
    COMMUNICATING = (
        "communicating",
        N_(
            "Using your usual language, difficulty communicating, for example understanding or "
            "being understood?"
        ),
    )


WG_DOMAINS = tuple(domain.value for domain in WgDomain)


def _max_year() -> int:
    return datetime.now(UTC).year


class BirthDate(BaseModel):
    """A date of birth that may be year-only, year and month, or full; maybe approximate."""

    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    birth_month: int | None = Field(default=None, ge=1, le=12)
    birth_day: int | None = Field(default=None, ge=1, le=31)
    birth_approximate: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> BirthDate:
        if self.birth_year is not None and self.birth_year > _max_year():
            raise ValueError(N_("The year of birth cannot be in the future."))
        if self.birth_day is not None and self.birth_month is None:
            raise ValueError(N_("Give the month too, or only the year."))
        if (self.birth_month is not None or self.birth_day is not None) and self.birth_year is None:
            raise ValueError(N_("Give the year of birth first."))
        if self.birth_year and self.birth_month and self.birth_day:
            try:
                date(self.birth_year, self.birth_month, self.birth_day)
            except ValueError:
                raise ValueError(N_("Enter a real date, for example 2026-11-25.")) from None
        return self


def _as_list(value: Any) -> Any:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class ProfileUpdate(BirthDate):
    """The profile, completed after the minimum identity. Only the fields sent change."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"
    prefix: CleanText = Field(default=None, max_length=20)
    name_my: CleanText = Field(default=None, max_length=200)
    name_latin: CleanText = Field(default=None, max_length=200)
    aliases: list[str] = Field(default_factory=list, max_length=20)
    father_name: CleanText = Field(default=None, max_length=200)
    mother_name: CleanText = Field(default=None, max_length=200)
    sex: Sex | None = None
    ethnicity: CleanText = Field(default=None, max_length=100)
    religion: CleanText = Field(default=None, max_length=100)
    nrc: NrcText = None
    service_number: CleanText = Field(default=None, max_length=60)
    languages: list[str] = Field(default_factory=list, max_length=20)
    education: Education | None = None
    literacy: Literacy | None = None
    skills: list[str] = Field(default_factory=list, max_length=50)
    weapon_specialisations: list[str] = Field(default_factory=list, max_length=50)
    disability: dict[str, Difficulty] = Field(default_factory=dict)
    phone: CleanText = Field(default=None, max_length=60)
    contact_notes: CleanText = Field(default=None, max_length=1000)

    @field_validator("aliases", "languages", "skills", "weapon_specialisations", mode="before")
    @classmethod
    def _split_lists(cls, value: Any) -> Any:
        return _as_list(value)

    @field_validator("disability")
    @classmethod
    def _wg_domains(cls, value: dict[str, Difficulty]) -> dict[str, Difficulty]:
        unknown = set(value) - set(WG_DOMAINS)
        if unknown:
            raise ValueError(N_("Answer only the Washington Group questions."))
        return value


def _relation(value: Any) -> Any:
    if isinstance(value, str):
        relation = as_relation(value)
        if relation is None:
            raise ValueError(N_("Choose how the relative is related to the person."))
        return relation.value
    return value


class FamilyMemberIn(BaseModel):
    """A relative. `relationship`: a choice of `Relation` (a word of the same meaning such
    as "son" or "wife" is taken as its choice). `is_dependant` left out (or null): the
    dependant rule decides (docs/families.md)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"
    relationship: str = Field(min_length=1, max_length=40)
    name: CleanText = Field(default=None, max_length=200)
    age: int | None = Field(default=None, ge=0, le=120)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    is_dependant: bool | None = None
    whereabouts: CleanText = Field(default=None, max_length=1000)
    area: Area = Area.UNKNOWN
    at_risk: bool = False
    to_move: bool = False

    _relation = field_validator("relationship", mode="before")(_relation)


class FamilyMemberUpdate(BaseModel):
    """A correction of a relative: only the fields sent change. `is_dependant` sent as null
    gives the decision back to the dependant rule."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"
    relationship: str | None = Field(default=None, min_length=1, max_length=40)
    name: CleanText = Field(default=None, max_length=200)
    age: int | None = Field(default=None, ge=0, le=120)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    is_dependant: bool | None = None
    whereabouts: CleanText = Field(default=None, max_length=1000)
    area: Area | None = None
    at_risk: bool | None = None
    to_move: bool | None = None

    _relation = field_validator("relationship", mode="before")(_relation)


class FamilyMemberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    relationship: str = Field(description="A `Relation` choice, or free text on older rows.")
    name: str | None
    age: int | None
    birth_year: int | None = None
    is_dependant: bool
    dependant_decided: bool = Field(
        default=False, description="Whether the case worker decided, rather than the rule."
    )
    whereabouts: str | None
    area: str = "unknown"
    at_risk: bool = False
    to_move: bool = False
    masked_fields: list[str] = Field(
        default_factory=list,
        description="Fields hidden from the caller's role: they read as null, not as empty.",
    )


class PersonOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    organisation_id: uuid.UUID
    site_id: uuid.UUID
    prefix: str | None
    name_my: str | None
    name_latin: str | None
    aliases: list[str]
    father_name: str | None
    mother_name: str | None
    birth_year: int | None
    birth_month: int | None
    birth_day: int | None
    birth_approximate: bool
    sex: str
    ethnicity: str | None
    religion: str | None
    nrc: str | None
    service_number: str | None
    languages: list[str]
    education: str | None
    literacy: str | None
    skills: list[str]
    weapon_specialisations: list[str]
    disability: dict[str, str]
    phone: str | None
    contact_notes: str | None
    profile_completed_at: datetime | None
    created_at: datetime
    retention_until: date | None = None
    erased_at: datetime | None = None
    masked_fields: list[str] = Field(
        default_factory=list,
        description="Confidential fields hidden from the caller's role: they read as null "
        "(or {}), whatever they hold.",
    )


class PersonSummary(BaseModel):
    """What a search result shows: enough to recognise, nothing confidential."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    prefix: str | None
    name_my: str | None
    name_latin: str | None
    father_name: str | None
    birth_year: int | None
    service_number: str | None = Field(description="Null when hidden from the caller's role.")
    site_id: uuid.UUID
