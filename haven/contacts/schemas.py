"""Input and output shapes of first contacts.

Times typed without a zone are the programme's local time (`haven.kernel.clock`); every
text enters through `haven.text` (NFC, Zawgyi detected). A code name is letters, digits,
spaces and hyphens only: it is said aloud on a radio and typed on a phone, and it must
never be a real name (a rule for people, stated on the form; the code cannot check it).
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from haven.contacts.lifecycle import Channel, CompanionsBand, ContactStatus, FamilyBand
from haven.i18n import N_
from haven.kernel import clock
from haven.kernel.text_fields import CleanText, Encoding, clean_optional

CODE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]*$")


def _required(value: object, info: ValidationInfo) -> str:
    cleaned = clean_optional(value, info)
    if cleaned is None:
        raise ValueError(N_("This field is required."))
    return cleaned


def _code_name(value: object, info: ValidationInfo) -> str:
    cleaned = _required(value, info)
    if not CODE_NAME.match(cleaned):
        raise ValueError(
            N_(
                "Use Latin letters, digits, spaces and hyphens only, "
                "starting with a letter or digit."
            )
        )
    return " ".join(cleaned.upper().split())


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


def local_instant(value: datetime | None) -> datetime | None:
    """A time typed without a zone is in the programme's zone; stored as UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=clock.programme_zone())
    return value.astimezone(UTC)


RequiredText = Annotated[str, BeforeValidator(_required)]
CodeName = Annotated[str, BeforeValidator(_code_name)]
OptionalId = Annotated[uuid.UUID | None, BeforeValidator(_blank_is_none)]
OptionalTime = Annotated[datetime | None, BeforeValidator(_blank_is_none)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"


class ContactIn(Strict):
    """A new contact. The handler defaults to the negotiator recording it."""

    code_name: CodeName = Field(min_length=3, max_length=60)
    channel: Channel
    channel_detail: CleanText = Field(default=None, max_length=500)
    companions: CompanionsBand = CompanionsBand.UNKNOWN
    family: FamilyBand = FamilyBand.UNKNOWN
    agreement_id: OptionalId = None
    handler_id: OptionalId = None


class ContactUpdate(Strict):
    """What may change after recording: every field given is set (blank clears the detail)."""

    channel: Channel | None = None
    channel_detail: CleanText = Field(default=None, max_length=500)
    companions: CompanionsBand | None = None
    family: FamilyBand | None = None
    agreement_id: OptionalId = None
    handler_id: OptionalId = None


class MeetingIn(Strict):
    """The promised meeting point and time (local time when no zone is given)."""

    meeting_point: RequiredText = Field(max_length=500)
    meeting_at: datetime

    @field_validator("meeting_at", mode="before")
    @classmethod
    def _blank(cls, value: object) -> object:
        return None if value == "" else value


class ExchangeIn(Strict):
    """One exchange: when (now when not given), by which channel, what was said."""

    channel: Channel
    note: RequiredText = Field(max_length=10000)
    occurred_at: OptionalTime = None


class MoveIn(Strict):
    """A move chosen by the team (lost, compromised, withdrawn, reopened), with its reason."""

    status: ContactStatus
    reason: RequiredText = Field(min_length=3, max_length=1000)


class CrossingIn(Strict):
    """The person received, by the reference number the negotiator reads off their papers."""

    person_reference: RequiredText = Field(max_length=40)


class MoveOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_status: str | None
    to_status: str
    reason: str | None
    moved_at: datetime
    moved_by_id: uuid.UUID | None


class ExchangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    occurred_at: datetime
    channel: str
    note: str | None
    recorded_by_id: uuid.UUID | None


class ContactOut(BaseModel):
    """A contact as the negotiation team sees it. `person_reference`: the person received,
    once linked at crossing; `meeting_overdue`: the meeting time passed without crossing."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    code_name: str
    channel: str
    channel_detail: str | None
    companions: str
    family: str
    agreement_id: uuid.UUID | None
    handler_id: uuid.UUID | None
    meeting_point: str | None
    meeting_at: datetime | None
    meeting_overdue: bool = False
    status: str
    status_changed_at: datetime
    crossed_at: datetime | None
    reception_id: uuid.UUID | None
    person_reference: str | None = None
    details_wiped_at: datetime | None
    person_erased_at: datetime | None
    created_at: datetime


class ContactDetailOut(ContactOut):
    moves: list[MoveOut] = Field(default_factory=list)


class CodeNameOut(BaseModel):
    code_name: str
