"""Input and output shapes for reception events and weapons received."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from haven.i18n import N_
from haven.kernel import clock
from haven.kernel.labels import Labelled
from haven.kernel.text_fields import CleanText, Encoding
from haven.people.public import Sex


class Classification(Labelled):
    DEFECTOR = "defector", N_("Defector")
    SURRENDERED = "surrendered", N_("Surrendered")
    CAPTURED = "captured", N_("Captured")
    DISENGAGED = "disengaged", N_("Disengaged")
    CHILD = "child", N_("Child (under 18)")


PRISONER_CLASSIFICATIONS = frozenset({Classification.SURRENDERED, Classification.CAPTURED})


class LegalBasis(Labelled):
    """Why Haven may hold the person's data (ICRC Handbook on Data Protection)."""

    VITAL_INTEREST = "vital_interest", N_("Vital interest")
    PUBLIC_INTEREST = "public_interest", N_("Public interest")
    CONSENT = "consent", N_("Consent")
    LEGITIMATE_INTEREST = "legitimate_interest", N_("Legitimate interest")
    LEGAL_OBLIGATION = "legal_obligation", N_("Legal obligation")


class WeaponKind(Labelled):
    RIFLE = "rifle", N_("Rifle")
    PISTOL = "pistol", N_("Pistol")
    MACHINE_GUN = "machine_gun", N_("Machine gun")
    GRENADE_LAUNCHER = "grenade_launcher", N_("Grenade launcher")
    MORTAR = "mortar", N_("Mortar")
    AMMUNITION = "ammunition", N_("Ammunition")
    EXPLOSIVE = "explosive", N_("Explosive")
    RADIO = "radio", N_("Radio")
    VEHICLE = "vehicle", N_("Vehicle")
    OTHER = "other", N_("Other")


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
    received_on: date = Field(default_factory=clock.local_today)
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


# The reception form's fields (the HTML page and the possible-duplicates panel read the same).
FORM_FIELDS = (
    "text_encoding",
    "name_my",
    "name_latin",
    "classification",
    "received_on",
    "site_id",
    "birth_year",
    "sex",
    "origin_unit",
    "rank_id",
    "position",
    "service_months",
    "legal_basis",
    "terms_version",
)
WEAPON_FORM_FIELDS = ("kind", "serial_number", "tag", "description")


def reception_form_data(form: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The reception form as typed (to show it again) and as input for `ReceptionCreate`
    (blank fields left out; the one weapon row becomes `weapons`)."""
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in FORM_FIELDS}
    values["terms_signed"] = form.get("terms_signed") == "yes"
    data: dict[str, Any] = {k: v for k, v in values.items() if v not in ("",)}
    if not data.get("text_encoding"):
        data.pop("text_encoding", None)
    weapon = {name: str(form.get(f"weapon_{name}", "")).strip() for name in WEAPON_FORM_FIELDS}
    values.update({f"weapon_{k}": v for k, v in weapon.items()})
    serviceable = str(form.get("weapon_serviceable", ""))
    values["weapon_serviceable"] = serviceable
    if weapon["kind"]:
        item: dict[str, Any] = {k: v for k, v in weapon.items() if v}
        if serviceable in ("yes", "no"):
            item["serviceable"] = serviceable == "yes"
        if data.get("text_encoding"):
            item["text_encoding"] = data["text_encoding"]
        data["weapons"] = [item]
    return values, data
