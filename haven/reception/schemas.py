"""Input and output shapes for reception events and weapons received."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from haven.kernel.text_fields import CleanText, Encoding
from haven.people.schemas import Sex


class Classification(StrEnum):
    DEFECTOR = "defector"
    SURRENDERED = "surrendered"
    CAPTURED = "captured"
    DISENGAGED = "disengaged"
    CHILD = "child"


PRISONER_CLASSIFICATIONS = frozenset({Classification.SURRENDERED, Classification.CAPTURED})


class LegalBasis(StrEnum):
    """Why Haven may hold the person's data (ICRC Handbook on Data Protection)."""

    VITAL_INTEREST = "vital_interest"
    PUBLIC_INTEREST = "public_interest"
    CONSENT = "consent"
    LEGITIMATE_INTEREST = "legitimate_interest"
    LEGAL_OBLIGATION = "legal_obligation"


class WeaponKind(StrEnum):
    RIFLE = "rifle"
    PISTOL = "pistol"
    MACHINE_GUN = "machine_gun"
    GRENADE_LAUNCHER = "grenade_launcher"
    MORTAR = "mortar"
    AMMUNITION = "ammunition"
    EXPLOSIVE = "explosive"
    RADIO = "radio"
    VEHICLE = "vehicle"
    OTHER = "other"


MILITARY_FIELDS = ("origin_unit", "rank_id", "position", "service_months")


class WeaponIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"
    kind: WeaponKind
    description: CleanText = Field(default=None, max_length=200)
    serial_number: CleanText = Field(default=None, max_length=100)
    tag: CleanText = Field(default=None, max_length=100)
    serviceable: bool | None = None
    quantity: int = Field(default=1, ge=1, le=100000)


class ReceptionCreate(BaseModel):
    """The minimum recorded when someone arrives: a name, how they came, unit, rank, site."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"
    name_my: CleanText = Field(default=None, max_length=200)
    name_latin: CleanText = Field(default=None, max_length=200)
    prefix: CleanText = Field(default=None, max_length=20)
    classification: Classification
    received_on: date = Field(default_factory=lambda: datetime.now(UTC).date())
    site_id: uuid.UUID | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    sex: Sex = Sex.UNKNOWN
    origin_force_id: uuid.UUID | None = None
    origin_unit: CleanText = Field(default=None, max_length=100)
    rank_id: uuid.UUID | None = None
    position: CleanText = Field(default=None, max_length=200)
    service_months: int | None = Field(default=None, ge=0, le=1200)
    agreement_id: uuid.UUID | None = None
    legal_basis: LegalBasis = LegalBasis.PUBLIC_INTEREST
    terms_signed: bool = False
    terms_version: str | None = Field(default=None, max_length=40)
    weapons: list[WeaponIn] = Field(default_factory=list, max_length=50)

    @field_validator(
        "site_id",
        "rank_id",
        "origin_force_id",
        "agreement_id",
        "birth_year",
        "service_months",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value


class WeaponOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reception_id: uuid.UUID
    kind: str
    description: str | None
    serial_number: str | None
    tag: str | None
    serviceable: bool | None
    quantity: int
    receipt_number: str


class ReceptionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    site_id: uuid.UUID
    classification: Classification
    received_on: date
    origin_force_id: uuid.UUID | None
    origin_unit_id: uuid.UUID | None
    origin_unit_text: str | None
    rank_id: uuid.UUID | None
    position: str | None
    service_months: int | None
    agreement_id: uuid.UUID | None
    legal_basis: LegalBasis
    terms_signed: bool
    terms_version: str | None
    child_protection_due_at: datetime | None
