"""Tables of the matching domain.

- `match_profiles`: one row per person, the comparable form the engine scores (phonetic
  name keys, father's name key, birth year and date, the blind indexes of NRC and service
  number, canonical unit). Derived data, rebuilt from the person on every change.
- `match_keys`: the blocking keys of each person, indexed by (kind, value), so that the
  reception form finds candidates among a million people with a few index lookups.
- `match_reviews`: pairs in the uncertain band, decided by two different reviewers.
- `match_merges`: a decided link: the duplicate person is marked as merged into the
  surviving one (nothing is deleted); undoing a merge restores both.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin, TimestampMixin
from haven.db.types import utcnow
from haven.kernel.sensitivity import Sensitivity, sensitive

PERSONAL = sensitive(Sensitivity.PERSONAL)
BLIND_INDEX = {"blind_index": True}


class MatchProfile(Base):
    """The comparable form of one person (see the module docstring)."""

    __tablename__ = "match_profiles"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), primary_key=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    name1: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    name2: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    father: Mapped[str | None] = mapped_column(String(200), info=PERSONAL)
    birth_year: Mapped[int | None] = mapped_column(info=PERSONAL)
    birth_date: Mapped[str | None] = mapped_column(String(10), info=PERSONAL)
    nrc_index: Mapped[str | None] = mapped_column(String(64), info=BLIND_INDEX)
    service_number_index: Mapped[str | None] = mapped_column(String(64), info=BLIND_INDEX)
    unit: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class MatchKey(Base):
    """One blocking key of one person: kind (name, ns, name_year, ...) and value."""

    __tablename__ = "match_keys"
    # The person's id too: the people search reads whom a key finds from the index alone
    # (migration 0034).
    __table_args__ = (Index("ix_match_keys_kind_value", "kind", "value", "person_id"),)

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(250), primary_key=True, info=PERSONAL)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))


class MatchReview(IdMixin, TimestampMixin, Base):
    """A pair that may be one person, waiting for two reviewers to agree.

    States: open (no vote) -> awaiting_second (one vote) -> linked | not_same. A second vote
    that disagrees with the first sends the review back to open (both votes are audited).
    An undecided review that other decisions answer is closed without a reviewer:
    moot_linked (its two people became one person) or moot_not_same (one of them became one
    person with someone decided not to be the other); `closed_by_id` names the review whose
    decision made it moot (`haven.matching.transitive`).
    """

    __tablename__ = "match_reviews"
    __table_args__ = (
        UniqueConstraint("person_a_id", "person_b_id"),
        CheckConstraint("person_a_id <> person_b_id", name="distinct_people"),
        CheckConstraint(
            "state IN ('open', 'awaiting_second', 'linked', 'not_same', 'moot_linked', "
            "'moot_not_same')",
            name="state",
        ),
    )

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    person_a_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    person_b_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    weight: Mapped[float]
    probability: Mapped[float]
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(20))  # "reception", "profile" or "batch"
    state: Mapped[str] = mapped_column(String(20), default="open", index=True)
    first_reviewer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    first_decision: Mapped[str | None] = mapped_column(String(10))
    first_decided_at: Mapped[datetime | None]
    second_reviewer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("match_reviews.id"), index=True
    )


class MatchMerge(IdMixin, Base):
    """A link: `merged_id` is the same person as `survivor_id`. Undone, not deleted."""

    __tablename__ = "match_merges"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    review_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("match_reviews.id"))
    survivor_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    merged_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_at: Mapped[datetime | None]
    undone_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
