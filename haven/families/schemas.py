"""Input and output shapes of family-movement plans."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    model_validator,
)

from haven.families.lifecycle import OriginKind, PlanStatus
from haven.i18n import N_
from haven.kernel.text_fields import CleanText, Encoding, clean_optional

MAX_RELATIVES = 500


def _required(value: object, info: ValidationInfo) -> str:
    cleaned = clean_optional(value, info)
    if cleaned is None:
        raise ValueError(N_("This field is required."))
    return cleaned


RequiredText = Annotated[str, BeforeValidator(_required)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text_encoding: Encoding = "detect"


class PlanIn(Strict):
    """A new plan for one person's relatives (`person_id`) or an agreement's (`agreement_id`):
    exactly one of the two. `relative_ids`: the relatives it moves (the person's, or those of
    people received under the agreement); `unnamed_relatives`: those expected but not yet
    recorded by name."""

    person_id: uuid.UUID | None = None
    agreement_id: uuid.UUID | None = None
    origin_kind: OriginKind
    origin: RequiredText = Field(max_length=500)
    destination: RequiredText = Field(max_length=500)
    relative_ids: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_RELATIVES)
    unnamed_relatives: int = Field(default=0, ge=0, le=1000)

    @model_validator(mode="after")
    def _one_owner(self) -> PlanIn:
        if (self.person_id is None) == (self.agreement_id is None):
            raise ValueError(N_("A plan is for one person or for one agreement."))
        return self


class PlanUpdate(Strict):
    """A correction of a plan: only the fields sent change; `relative_ids` replaces the list
    (a relative already moved stays)."""

    origin_kind: OriginKind | None = None
    origin: CleanText = Field(default=None, max_length=500)
    destination: CleanText = Field(default=None, max_length=500)
    relative_ids: list[uuid.UUID] | None = Field(default=None, max_length=MAX_RELATIVES)
    unnamed_relatives: int | None = Field(default=None, ge=0, le=1000)


class StatusIn(Strict):
    """A move of the plan; a reason is required to suspend or cancel."""

    status: PlanStatus
    reason: CleanText = Field(default=None, max_length=1000)


class StepIn(Strict):
    """A step: what, when it is planned, who is responsible (a user of the organisation or a
    partner named in words; at most one of the two)."""

    title: RequiredText = Field(max_length=500)
    planned_on: date | None = None
    responsible_user_id: uuid.UUID | None = None
    responsible_partner: CleanText = Field(default=None, max_length=200)


class StepDoneIn(Strict):
    done_on: date | None = None


class MovedIn(Strict):
    """Relatives of the plan who reached the safe place."""

    relative_ids: list[uuid.UUID] = Field(min_length=1, max_length=MAX_RELATIVES)


class Progress(BaseModel):
    """Relatives moved of relatives in the plan (named, not yet named, and erased people's),
    steps done of steps, and steps overdue (not done, planned before today)."""

    relatives: int
    moved: int
    at_risk: int = Field(description="Relatives marked at risk, not yet moved.")
    steps: int
    steps_done: int
    overdue: int

    @property
    def percent(self) -> int:
        return round(100 * self.moved / self.relatives) if self.relatives else 0


class RelativeOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID
    relationship: str
    name: str | None
    area: str
    at_risk: bool
    moved_at: datetime | None


class StepOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    position: int
    title: str | None
    planned_on: date | None
    done_on: date | None
    responsible_user_id: uuid.UUID | None
    responsible_partner: str | None
    overdue: bool = False


class PlanOut(BaseModel):
    id: uuid.UUID
    person_id: uuid.UUID | None
    agreement_id: uuid.UUID | None
    status: PlanStatus
    status_reason: str | None
    origin_kind: OriginKind
    origin: str | None
    destination: str | None
    unnamed_relatives: int
    erased_relatives: int
    relatives: list[RelativeOut]
    steps: list[StepOut]
    progress: Progress
    created_at: datetime
    masked_fields: list[str] = Field(default_factory=list)


class PlanSummary(BaseModel):
    """A row of the plans list: no place, no name of a relative."""

    id: uuid.UUID
    person_id: uuid.UUID | None
    agreement_id: uuid.UUID | None
    status: PlanStatus
    origin_kind: OriginKind
    progress: Progress
    created_at: datetime


class AgreementFamilies(BaseModel):
    """The movement plans of one agreement, as its board and reconciliation show them."""

    plans: int
    relatives_planned: int
    relatives_moved: int
    relatives_at_risk: int
    overdue_steps: int
