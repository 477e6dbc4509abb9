"""Input and output shapes of the protection domain."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
)

from haven.i18n import N_
from haven.kernel.clock import local_today
from haven.kernel.text_fields import CleanText, Encoding, clean_optional
from haven.people.public import RiskLevel
from haven.protection.lifecycle import IncidentKind, IncidentState, Severity

# Years before which no incident of the programme happened; keeps dates sane for the list.
EARLIEST = date(1990, 1, 1)


def _required(value: object, info: ValidationInfo) -> str:
    cleaned = clean_optional(value, info)
    if cleaned is None:
        raise ValueError(N_("This field is required."))
    return cleaned


RequiredText = Annotated[str, BeforeValidator(_required)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"


def _past(value: date | None) -> date | None:
    """A date of the past: not before 1990, not after today (the programme's day)."""
    if value is not None and not (EARLIEST <= value <= local_today()):
        raise ValueError(N_("Enter a date between 1990 and today."))
    return value


PastDate = Annotated[date, AfterValidator(_past)]


class IncidentIn(Strict):
    """A new incident. People are named by id (the pages take reference numbers); the cases
    concerned are the cases of these people. `node` names a lost or seized field laptop (its
    name or id): headquarters revokes it at once."""

    kind: IncidentKind
    severity: Severity
    occurred_on: PastDate
    reported_on: PastDate | None = None
    place: CleanText = Field(default=None, max_length=500)
    narrative: RequiredText = Field(min_length=3, max_length=10000)
    person_ids: list[uuid.UUID] = Field(default_factory=list, max_length=200)
    relative_id: uuid.UUID | None = None
    node: CleanText = Field(default=None, max_length=120)


class IncidentUpdate(Strict):
    """What may change after recording: not the kind (a device incident revoked its laptop)."""

    severity: Severity | None = None
    occurred_on: PastDate | None = None
    reported_on: PastDate | None = None
    place: CleanText = Field(default=None, max_length=500)
    narrative: CleanText = Field(default=None, min_length=3, max_length=10000)
    relative_id: uuid.UUID | None = None


class MoveIn(Strict):
    state: IncidentState
    reason: RequiredText = Field(min_length=3, max_length=1000)


class ActionIn(Strict):
    taken_on: PastDate
    text: RequiredText = Field(min_length=3, max_length=5000)


class LinkIn(Strict):
    person_ids: list[uuid.UUID] = Field(min_length=1, max_length=200)


class RiskIn(Strict):
    """A lower level for a person, with the reason."""

    level: RiskLevel
    reason: RequiredText = Field(min_length=3, max_length=1000)


class MoveOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_state: str
    to_state: str
    reason: str | None
    moved_by_id: uuid.UUID | None
    moved_at: datetime


class ActionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    taken_on: date
    text: str | None
    recorded_by_id: uuid.UUID | None
    created_at: datetime


class TouchedOut(BaseModel):
    person_id: uuid.UUID
    reference: str
    touch: str


class IncidentSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    reference: str
    kind: IncidentKind
    severity: Severity
    state: IncidentState
    occurred_on: date
    reported_on: date
    node_name: str | None


class IncidentOut(IncidentSummary):
    place: str | None
    narrative: str | None
    relative_id: uuid.UUID | None
    node_id: uuid.UUID | None
    node_revoked_at: datetime | None
    held: dict[str, Any] | None
    state_changed_at: datetime
    people: list[TouchedOut]
    case_ids: list[uuid.UUID]
    actions: list[ActionOut]
    moves: list[MoveOut]
    masked_fields: list[str]


class RiskChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_level: str
    to_level: str
    incident_id: uuid.UUID | None
    reason: str | None
    changed_by_id: uuid.UUID | None
    created_at: datetime


class RiskOut(BaseModel):
    person_id: uuid.UUID
    level: RiskLevel
    since: datetime | None
    incident_id: uuid.UUID | None
    history: list[RiskChangeOut]
