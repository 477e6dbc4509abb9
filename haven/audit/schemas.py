"""Input and output shapes of the audit viewer and its API."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from haven.audit.actions import AuditAction
from haven.i18n import N_

PAGE_SIZE = 50


class EventQuery(BaseModel):
    """The viewer's filters (query string of the page and of the API)."""

    model_config = ConfigDict(extra="ignore")

    action: AuditAction | None = None
    actor: str | None = Field(default=None, max_length=100)
    subject_id: uuid.UUID | None = None
    occurred_from: date | None = None
    occurred_to: date | None = None
    before: int | None = Field(default=None, ge=1)
    limit: int = Field(default=PAGE_SIZE, ge=1, le=200)

    @field_validator(
        "action", "actor", "subject_id", "occurred_from", "occurred_to", "before", mode="before"
    )
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    @model_validator(mode="after")
    def _period_in_order(self) -> EventQuery:
        if self.occurred_from and self.occurred_to and self.occurred_to < self.occurred_from:
            raise ValueError(N_("The end date must be on or after the start date."))
        return self


class AuditEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    seq: int
    occurred_at: datetime
    actor_user_id: uuid.UUID | None
    actor_label: str
    organisation_id: uuid.UUID | None
    action: str
    subject_type: str
    subject_id: uuid.UUID | None
    changes: dict[str, Any]
    prev_hash: str
    event_hash: str


class EventsPage(BaseModel):
    events: list[AuditEventOut]
    next_before: int | None = Field(
        description="Pass as `before` to get the next (older) page; null on the last page."
    )


class ProblemOut(BaseModel):
    kind: str
    seq: int
    event_id: uuid.UUID | None
    message: str


class VerifyOut(BaseModel):
    ok: bool
    events: int
    head_seq: int
    head_hash: str
    checkpoints: int
    last_checkpoint_seq: int
    signatures_checked: bool
    attestations: int = Field(
        default=0, description="Operator attestations checked (signed off the laptop)."
    )
    witnesses: int = Field(default=0, description="Witnessed heads checked.")
    vouched_seq: int = Field(
        default=0,
        description="The last event an attestation or a witness vouches for; the events after "
        "it are vouched for by nothing outside the laptop.",
    )
    first_problem: ProblemOut | None
    problems: list[ProblemOut]
