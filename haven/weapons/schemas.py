"""Input and output shapes of the weapons stores and their ledger."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Self

from pydantic import (
    Base64Bytes,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

from haven.i18n import N_
from haven.kernel import clock
from haven.kernel.text_fields import CleanText, Encoding, clean_optional
from haven.weapons.lifecycle import CALIBRE_CODES, Calibre, DestructionMethod, StoreKind

ONE_OF = N_("Name either a weapon or a calibre of ammunition.")
WRITE_CALIBRE = N_("Write the calibre.")


def _required(value: object, info: ValidationInfo) -> str:
    cleaned = clean_optional(value, info)
    if cleaned is None:
        raise ValueError(N_("This field is required."))
    return cleaned


def _calibre(value: object, info: ValidationInfo) -> str | None:
    """A calibre of the list by its code, or another written out ("other" alone is not one)."""
    cleaned = clean_optional(value, info)
    if cleaned is None:
        return None
    if cleaned.lower() in CALIBRE_CODES:
        return cleaned.lower()
    if cleaned.lower() == str(Calibre.OTHER):
        raise ValueError(WRITE_CALIBRE)
    return cleaned


RequiredText = Annotated[str, BeforeValidator(_required)]
CalibreText = Annotated[str | None, BeforeValidator(_calibre)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"


class StoreIn(Strict):
    """A new store. Its keys go to `key_holder_ids` (the person opening it when empty)."""

    name: RequiredText = Field(max_length=100)
    kind: StoreKind
    location: CleanText = Field(default=None, max_length=500)
    site_id: uuid.UUID | None = None
    key_holder_ids: list[uuid.UUID] = Field(default_factory=list, max_length=10)


class KeyIn(Strict):
    """Hand a store's key to `user_id`; `from_user_id` hands it on (their key is returned)."""

    user_id: uuid.UUID
    from_user_id: uuid.UUID | None = None


class KeyReturnIn(Strict):
    user_id: uuid.UUID


class IntakeLine(Strict):
    """One item received at reception: taken into the store (its serviceability assessed
    here) or not received (with the reason). Ammunition needs its calibre."""

    item_id: uuid.UUID
    received: bool = True
    serviceable: bool | None = None
    calibre: CalibreText = Field(default=None, max_length=40)
    reason: CleanText = Field(default=None, max_length=1000)


class IntakeIn(Strict):
    """Items taken in one by one (`lines`), or every item of a reception still waiting
    (`reception_id`), as declared there."""

    lines: list[IntakeLine] = Field(default_factory=list, max_length=200)
    reception_id: uuid.UUID | None = None
    occurred_on: date = Field(default_factory=clock.local_today)

    @model_validator(mode="after")
    def _something(self) -> Self:
        if not self.lines and self.reception_id is None:
            raise ValueError(N_("Choose the items to take in."))
        return self


class LineIn(Strict):
    """A serialised item (it moves whole) or rounds of one calibre."""

    item_id: uuid.UUID | None = None
    calibre: CalibreText = Field(default=None, max_length=40)
    quantity: int | None = Field(default=None, ge=1, le=10_000_000)

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if (self.item_id is None) == (self.calibre is None):
            raise ValueError(ONE_OF)
        if self.calibre is not None and self.quantity is None:
            raise ValueError(N_("Give the number of rounds."))
        return self


Lines = Annotated[list[LineIn], Field(min_length=1, max_length=200)]


class TransferIn(Strict):
    to_store_id: uuid.UUID
    occurred_on: date = Field(default_factory=clock.local_today)
    lines: Lines


class ReissueIn(Strict):
    """Handed to a receiving force's unit, against its representative's signed receipt (a
    photo of it, JPEG or PNG, base64 in JSON)."""

    force_id: uuid.UUID
    unit_id: uuid.UUID | None = None
    representative_name: RequiredText = Field(max_length=200)
    representative_position: RequiredText = Field(max_length=200)
    signature: Base64Bytes = Field(max_length=8_000_000)
    occurred_on: date = Field(default_factory=clock.local_today)
    lines: Lines


class WitnessIn(Strict):
    name: RequiredText = Field(max_length=200)
    role: RequiredText = Field(max_length=200)


class DestructionIn(Strict):
    """Destroyed by `method` at `place`, before at least two witnesses, with photos before and
    after (JPEG or PNG, base64 in JSON)."""

    method: DestructionMethod
    method_other: CleanText = Field(default=None, max_length=100)
    place: RequiredText = Field(max_length=300)
    occurred_on: date = Field(default_factory=clock.local_today)
    witnesses: list[WitnessIn] = Field(min_length=2, max_length=10)
    photo_before: Base64Bytes = Field(max_length=8_000_000)
    photo_after: Base64Bytes = Field(max_length=8_000_000)
    lines: Lines


class CountIn(Strict):
    """What was counted of one line; a difference from the ledger needs its reason."""

    item_id: uuid.UUID | None = None
    calibre: CalibreText = Field(default=None, max_length=40)
    counted: int = Field(ge=0, le=10_000_000)
    reason: CleanText = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if (self.item_id is None) == (self.calibre is None):
            raise ValueError(ONE_OF)
        return self


class StockCheckIn(Strict):
    """Every line of the store counted, signed by the counter (the user recording it) and a
    witness present at the count, named here."""

    occurred_on: date = Field(default_factory=clock.local_today)
    witness_name: RequiredText = Field(max_length=200)
    witness_role: RequiredText = Field(max_length=200)
    counts: list[CountIn] = Field(max_length=500)


# --- outputs ------------------------------------------------------------------------------


class KeyHolderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_id: uuid.UUID
    handed_at: datetime
    handed_by_id: uuid.UUID | None
    returned_at: datetime | None
    returned_by_id: uuid.UUID | None


class StoreOut(BaseModel):
    id: uuid.UUID
    name: str
    kind: str
    status: str
    site_id: uuid.UUID
    location: str | None
    key_holders: list[KeyHolderOut]


class StoreSummary(BaseModel):
    id: uuid.UUID
    name: str
    kind: str
    status: str
    site_id: uuid.UUID


class ItemBalance(BaseModel):
    item_id: uuid.UUID
    kind: str
    description: str | None
    serial_number: str | None
    tag: str | None
    quantity: int


class CalibreBalance(BaseModel):
    calibre: str
    rounds: int


class BalanceOut(BaseModel):
    store_id: uuid.UUID
    items: list[ItemBalance]
    calibres: list[CalibreBalance]


class MovementOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    item_id: uuid.UUID | None
    calibre: str | None
    quantity: int
    document_id: uuid.UUID
    moved_by_id: uuid.UUID | None
    moved_at: datetime


class DocumentOut(BaseModel):
    id: uuid.UUID
    kind: str
    store_id: uuid.UUID
    occurred_on: date


class WaitingItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reception_id: uuid.UUID
    kind: str
    description: str | None
    serial_number: str | None
    tag: str | None
    serviceable: bool | None
    quantity: int
    calibre: str | None
    receipt_number: str


class CheckLineOut(BaseModel):
    item_id: uuid.UUID | None
    calibre: str | None
    expected: int
    counted: int
    reason: str | None


class DocumentDetail(DocumentOut):
    """A document with its people's names and what moved; photos and the signed receipt
    are only said to be there (`has_…`)."""

    to_store_id: uuid.UUID | None
    force_id: uuid.UUID | None
    unit_id: uuid.UUID | None
    method: str | None
    method_other: str | None
    place: str | None
    representative: dict[str, str] | None
    witnesses: list[dict[str, str]]
    has_signature: bool
    has_photos: bool
    recorded_by_id: uuid.UUID | None
    movements: list[MovementOut]
    lines: list[CheckLineOut]
