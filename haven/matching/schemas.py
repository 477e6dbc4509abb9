"""Request and response shapes of the matching API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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
    closed_by_id: uuid.UUID | None = None


class GroupOut(BaseModel):
    """A candidate group: the people the review band links together, decided in one step.
    `id` is the review that names it (its strongest pair); `state` is "first" (needs a
    first decision), "second" (awaits a second reviewer) or "own" (the caller decided it,
    another reviewer must); `version` is to be sent back with the decision."""

    id: uuid.UUID
    members: list[uuid.UUID]
    reviews: list[ReviewOut]
    strongest: float
    state: str
    version: str


class GroupDecisionIn(BaseModel):
    """One reviewer's decision on a group: the group as shown (its members, its reviews and
    the version) and the partition of its members into people (one list: all one person)."""

    model_config = ConfigDict(extra="forbid")

    members: list[uuid.UUID] = Field(max_length=64)
    reviews: list[uuid.UUID] = Field(max_length=512)
    partition: list[list[uuid.UUID]] = Field(max_length=64)
    version: str | None = Field(default=None, max_length=64)


class GroupDecisionOut(BaseModel):
    """What the decision did: votes cast first, pairs agreed the same or not the same, pairs
    disputed (back to open), records merged and reviews closed as moot."""

    first_votes: int
    linked: int
    not_same: int
    disputed: int
    merged: int
    closed: int


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
