"""Input and output shapes of the disclosures domain."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo

from haven.disclosures.lifecycle import (
    AgreementStatus,
    DisclosureKind,
    LegalBasis,
    PersonalField,
    RecipientKind,
)
from haven.i18n import N_
from haven.kernel.text_fields import CleanText, Encoding, clean_optional


def _required(value: object, info: ValidationInfo) -> str:
    cleaned = clean_optional(value, info)
    if cleaned is None:
        raise ValueError(N_("This field is required."))
    return cleaned


RequiredText = Annotated[str, BeforeValidator(_required)]


class AgreementIn(BaseModel):
    """A data-sharing agreement as drafted (and edited while a draft)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"
    recipient_name: RequiredText = Field(min_length=2, max_length=200)
    recipient_kind: RecipientKind
    recipient_organisation_id: uuid.UUID | None = None
    purpose: RequiredText = Field(min_length=5, max_length=2000)
    legal_basis: LegalBasis
    kinds: list[DisclosureKind] = Field(min_length=1, max_length=4)
    fields: list[PersonalField] = Field(min_length=1, max_length=len(PersonalField))
    valid_from: date
    valid_until: date | None = None
    document_reference: CleanText = Field(default=None, max_length=200)


class AgreementMove(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: AgreementStatus


class AgreementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    recipient_name: str
    recipient_kind: str
    recipient_organisation_id: uuid.UUID | None
    purpose: str
    legal_basis: str
    kinds: list[str]
    fields: list[str]
    valid_from: date
    valid_until: date | None
    document_reference: str | None
    status: str
    created_at: datetime


class DisclosureOut(BaseModel):
    """A log entry: never a name, only ids, counts, the catalogue's fields and the hash."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    source: str
    agreement_id: uuid.UUID | None
    recipient_name: str
    recipient_kind: str
    legal_basis: str | None
    legal_reference: str | None
    fields: list[str]
    people_count: int
    format: str
    sha256: str | None
    reference: str | None
    disclosed_by_id: uuid.UUID | None
    disclosed_at: datetime


class DisclosureDetail(DisclosureOut):
    person_ids: list[uuid.UUID]
