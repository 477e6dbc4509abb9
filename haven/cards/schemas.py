"""Input and output shapes of the cards domain."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from haven.cards.lifecycle import Reason


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class IssueIn(Strict):
    """Issue a card to a person; `valid_until` defaults to the configured validity."""

    person_id: uuid.UUID
    valid_until: date | None = None


class RevokeIn(Strict):
    reason: Reason


class VerifyIn(Strict):
    """The text a QR code holds (`HVC1:…`)."""

    payload: str = Field(min_length=1, max_length=2000)


class CardOut(BaseModel):
    """A card as the API shows it: never the names (they are on the person's record)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_id: uuid.UUID
    card_number: str
    key_id: str
    status: str
    shown: str
    issued_on: date
    valid_until: date
    issued_at: datetime
    revoked_at: datetime | None
    revoked_reason: str | None


class SignedFields(BaseModel):
    key_id: str
    card_number: str
    reference: str
    name_latin: str
    name_my: str
    valid_until: str
    issuer: str
    photo_hash: str


class VerdictOut(BaseModel):
    """A verification's answer: the verdict, and the signed fields when the signature held."""

    verdict: str
    label: str
    valid: bool
    fields: SignedFields | None = None
    reason: str | None = None
    # The person, when this database knows the card and the actor may see them.
    person_id: uuid.UUID | None = None
    photo_matches: bool | None = None
