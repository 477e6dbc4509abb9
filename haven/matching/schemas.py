"""Request and response shapes of the matching API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from haven.kernel.text_fields import CleanText, Encoding, NrcText
from haven.people.public import PersonSummary


class ReviewOut(BaseModel):
    """A pair in the review queue: ids, score, reasons and the state of the two votes."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    person_a_id: uuid.UUID
    person_b_id: uuid.UUID
    weight: float
    probability: float
    reasons: list[str]
    source: str
    state: str
    first_decision: str | None
    first_decided_at: datetime | None
    decided_at: datetime | None


class DecisionIn(BaseModel):
    """One reviewer's vote: the two records are the same person (link) or not."""

    model_config = ConfigDict(extra="forbid")

    decision: Literal["link", "not_same"]


class DuplicateQuery(BaseModel):
    text_encoding: Encoding = "detect"
    name_latin: CleanText = None
    name_my: CleanText = None
    father_name: CleanText = None
    birth_year: int | None = None
    nrc: NrcText = None
    service_number: CleanText = None


class DuplicateAnswer(BaseModel):
    visible: list[PersonSummary]
    hidden_count: int
