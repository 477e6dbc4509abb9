"""Input and output shapes for reception events and weapons received."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from haven.i18n import N_
from haven.kernel import clock
from haven.kernel.labels import Labelled
from haven.kernel.text_fields import CleanText, Encoding, clean_optional
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


class ChildProtectionActor(Labelled):
    """Who takes a child over from the programme (Paris Principles: a civilian
    child-protection actor, within 48 hours of reception; docs/user-guide.md)."""

    SOCIAL_WELFARE = "social_welfare", N_("Department of Social Welfare")
    UN_AGENCY = "un_agency", N_("UNICEF or another United Nations agency")
    RED_CROSS = "red_cross", N_("ICRC or Red Cross (family tracing)")
    NGO = "ngo", N_("Child-protection organisation")
    OTHER = "other", N_("Another child-protection actor")


def _kind_required(value: object) -> object:
    if value in (None, ""):
        raise ValueError(N_("Choose the kind of weapon or equipment."))
    return value


class WeaponIn(BaseModel):
    """One weapon or piece of equipment (or several alike: `quantity`). The kind is required:
    a serial number without it is an error on the kind, never dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"
    kind: Annotated[WeaponKind, BeforeValidator(_kind_required)] = Field(
        default=None, validate_default=True
    )
    description: CleanText = Field(default=None, max_length=200)
    serial_number: CleanText = Field(default=None, max_length=100)
    tag: CleanText = Field(default=None, max_length=100)
    serviceable: bool | None = None
    quantity: int = Field(default=1, ge=1, le=100000)
    calibre: CleanText = Field(default=None, max_length=40)  # ammunition (docs/weapons.md)


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
    calibre: str | None = None


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
    child_protection_handed_over_at: datetime | None = None
    child_protection_handed_over_to: str | None = None


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
WEAPON_FORM_FIELDS = (
    "kind",
    "serial_number",
    "tag",
    "description",
    "quantity",
    "calibre",
    "serviceable",
)
# Rows of weapons on a form; the first row's fields are `weapon_kind`…, the next ones'
# `weapon_kind_2`…, so that a field's error and its id line up (`field-weapon_kind_2`).
WEAPON_ROWS = 3


def weapon_field(name: str, row: int) -> str:
    """The form field of `name` in weapon row `row` (0-based)."""
    return f"weapon_{name}" if row == 0 else f"weapon_{name}_{row + 1}"


def weapon_rows_from_form(
    form: Mapping[str, Any], *, encoding: str | None = None, rows: int = WEAPON_ROWS
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, str]]:
    """The weapon rows of a form: their values as typed (to show again), the rows to send as
    `WeaponIn` (a row with anything typed in it; its kind may be missing, which `WeaponIn`
    reports on the row's kind field) and, for each item sent, the form field each input
    position maps back to (`weapons.1.kind` → `weapon_kind_2`)."""
    values: dict[str, Any] = {}
    items: list[dict[str, Any]] = []
    error_names: dict[str, str] = {}
    for row in range(rows):
        typed = {
            name: str(form.get(weapon_field(name, row), "")).strip() for name in WEAPON_FORM_FIELDS
        }
        values.update({weapon_field(name, row): v for name, v in typed.items()})
        serviceable = typed.pop("serviceable")
        if not any(typed.values()):
            continue
        item: dict[str, Any] = {k: v for k, v in typed.items() if v}
        if serviceable in ("yes", "no"):
            item["serviceable"] = serviceable == "yes"
        if encoding:
            item["text_encoding"] = encoding
        for name in WEAPON_FORM_FIELDS:
            error_names[f"weapons.{len(items)}.{name}"] = weapon_field(name, row)
        items.append(item)
    values["weapon_rows"] = rows
    return values, items, error_names


def weapon_errors_on_form(fields: Mapping[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """Errors of `weapons.N.x` renamed to the form fields they came from."""
    return {names.get(k, k): v for k, v in fields.items()}


def reception_form_data(form: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The reception form as typed (to show it again) and as input for `ReceptionCreate`
    (blank fields left out; the weapon rows become `weapons`). For a child nothing military
    is kept, whatever was typed before "child" was chosen (the form hides those fields)."""
    values, data, _names = reception_form_input(form)
    return values, data


def reception_form_input(
    form: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Any], dict[str, str]]:
    """`reception_form_data` and where each weapon error goes on the form."""
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in FORM_FIELDS}
    values["terms_signed"] = form.get("terms_signed") == "yes"
    data: dict[str, Any] = {k: v for k, v in values.items() if v not in ("",)}
    if not data.get("text_encoding"):
        data.pop("text_encoding", None)
    weapon_values, items, names = weapon_rows_from_form(form, encoding=data.get("text_encoding"))
    values.update(weapon_values)
    if data.get("classification") == Classification.CHILD.value:
        for name in MILITARY_FIELDS:
            data.pop(name, None)
        items = []
    if items:
        data["weapons"] = items
    return values, data, names


# --- corrections and the child's handover ----------------------------------------------------

# What a correction may change: the reception's own fields and the person's identity as
# recorded at reception (names, year of birth). Classification changes are not corrections
# (a prisoner who defects is a new reception: `record_reclassification`).
RECEPTION_CORRECTABLE = ("received_on", "origin_unit", "rank_id", "position", "service_months")
PERSON_CORRECTABLE = ("name_my", "name_latin", "birth_year")
CORRECTABLE = PERSON_CORRECTABLE + RECEPTION_CORRECTABLE
# How the history names each field (the same labels as the forms).
CORRECTION_FIELDS = {
    "name_my": N_("Name in Myanmar script"),
    "name_latin": N_("Name in Latin letters"),
    "birth_year": N_("Year of birth"),
    "received_on": N_("Date received"),
    "origin_unit": N_("Unit"),
    "rank_id": N_("Rank"),
    "position": N_("Position"),
    "service_months": N_("Length of service, in months"),
}


def _reason_required(value: object, info: ValidationInfo) -> str:
    cleaned = clean_optional(value, info)
    if cleaned is None:
        raise ValueError(N_("Say why the reception is corrected."))
    return cleaned


class ReceptionCorrectionIn(BaseModel):
    """A correction of a reception: only the fields sent change (a field sent empty is
    cleared); the reason is required and kept with the old and new values."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"
    reason: Annotated[str, BeforeValidator(_reason_required)] = Field(max_length=1000)
    name_my: CleanText = Field(default=None, max_length=200)
    name_latin: CleanText = Field(default=None, max_length=200)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    received_on: date | None = None
    origin_unit: CleanText = Field(default=None, max_length=100)
    rank_id: uuid.UUID | None = None
    position: CleanText = Field(default=None, max_length=200)
    service_months: int | None = Field(default=None, ge=0, le=1200)

    @field_validator("rank_id", "birth_year", "service_months", "received_on", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value


class CorrectionOut(BaseModel):
    """One correction as the API shows it (values as stored: ids for a rank)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reception_id: uuid.UUID
    created_at: datetime
    corrected_by_id: uuid.UUID | None
    changes: dict[str, Any]
    reason: str | None


def _receiver_required(value: object, info: ValidationInfo) -> str:
    cleaned = clean_optional(value, info)
    if cleaned is None:
        raise ValueError(N_("Name the organisation or office that took the child over."))
    return cleaned


class ChildHandoverIn(BaseModel):
    """The handover of a child to child protection: to whom (kind and name of the actor —
    an organisation or office, never the child's details) and when (not in the future)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"
    handed_over_to: ChildProtectionActor
    receiver: Annotated[str, BeforeValidator(_receiver_required)] = Field(max_length=200)
    handed_over_at: datetime | None = None  # now when not given

    @field_validator("handed_over_at", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value
