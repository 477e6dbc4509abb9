"""Input and output shapes of complaints and feedback."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo

from haven.complaints.lifecycle import (
    Category,
    Channel,
    Complainant,
    ComplaintKind,
    ComplaintStatus,
    EntryKind,
    GivenBy,
)
from haven.i18n import N_
from haven.kernel.text_fields import CleanText, Encoding, clean_optional


def _required(value: object, info: ValidationInfo) -> str:
    cleaned = clean_optional(value, info)
    if cleaned is None:
        raise ValueError(N_("This field is required."))
    return cleaned


RequiredText = Annotated[str, BeforeValidator(_required)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"


class ComplaintIn(Strict):
    """A complaint as it is taken down. Who complains decides what may be given: a person's
    id for a person, their relative's id (and the person's) for a relative, a name for
    someone else, nothing at all when anonymous. `confidential` left out takes the category's
    default."""

    kind: ComplaintKind = ComplaintKind.COMPLAINT
    category: Category
    channel: Channel
    complainant: Complainant
    person_id: uuid.UUID | None = None
    family_member_id: uuid.UUID | None = None
    complainant_name: CleanText = Field(default=None, max_length=200)
    contact: CleanText = Field(default=None, max_length=500)
    text: RequiredText = Field(min_length=3, max_length=10000)
    confidential: bool | None = None
    instalment_id: uuid.UUID | None = None
    received_at: datetime | None = None


class ReasonIn(Strict):
    reason: RequiredText = Field(min_length=3, max_length=2000)


class AcknowledgeIn(Strict):
    given_by: GivenBy
    text: CleanText = Field(default=None, max_length=2000)


class EntryIn(Strict):
    """An entry of the log: an internal note, or a response given to the complainant (and
    then how it was given)."""

    kind: EntryKind = EntryKind.NOTE
    text: RequiredText = Field(min_length=1, max_length=10000)
    given_by: GivenBy | None = None


class AssignIn(Strict):
    user_id: uuid.UUID | None = None


class ConfidentialityIn(Strict):
    confidential: bool
    reason: RequiredText = Field(min_length=3, max_length=2000)


class DeadlineIn(Strict):
    category: Category
    acknowledge_days: int = Field(ge=0, le=90)
    respond_days: int = Field(ge=1, le=365)


class DeadlineOut(BaseModel):
    category: Category
    acknowledge_days: int
    respond_days: int
    default: bool


class EntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: EntryKind
    given_by: GivenBy | None
    text: str | None
    entered_at: datetime
    entered_by_id: uuid.UUID | None


class ComplaintOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    kind: ComplaintKind
    category: Category
    channel: Channel
    complainant: Complainant
    person_id: uuid.UUID | None
    family_member_id: uuid.UUID | None
    instalment_id: uuid.UUID | None
    complainant_name: str | None
    contact: str | None
    text: str | None
    confidential: bool
    status: ComplaintStatus
    received_at: datetime
    acknowledge_by: datetime
    respond_by: datetime
    acknowledged_at: datetime | None
    first_responded_at: datetime | None
    escalated_at: datetime | None
    closed_at: datetime | None
    assigned_to_id: uuid.UUID | None
    overdue_acknowledgement: bool
    overdue_response: bool
    needs_manager: bool


class ComplaintDetail(ComplaintOut):
    entries: list[EntryOut]


class ComplaintSummary(BaseModel):
    """A row of the list: no text, no name."""

    id: uuid.UUID
    reference: str
    kind: ComplaintKind
    category: Category
    channel: Channel
    complainant: Complainant
    confidential: bool
    status: ComplaintStatus
    received_at: datetime
    respond_by: datetime
    assigned_to_id: uuid.UUID | None
    overdue_acknowledgement: bool
    overdue_response: bool
    needs_manager: bool


class ComplaintList(BaseModel):
    items: list[ComplaintSummary]
    total: int


class CountByState(BaseModel):
    category: Category
    status: ComplaintStatus
    count: int


class CountByMonth(BaseModel):
    month: str  # YYYY-MM
    count: int


class Report(BaseModel):
    """Figures without names, references or text: counts by category and state, by month
    received, the overdue, and the median days to a first response."""

    total: int
    by_category_and_state: list[CountByState]
    by_month: list[CountByMonth]
    overdue_acknowledgement: int
    overdue_response: int
    median_days_to_respond: float | None
    responded: int
