"""The identity shape the matching engine compares, shared with vetting's screening.

A record is what is known of one person or one list entry (an alleged perpetrator, a
watchlist entry): any field may be missing. Names may be in Burmese script, Latin or both;
aliases are screened like the names (`haven.matching.screening`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class IdentityRecord:
    key: uuid.UUID  # the person's or list entry's id
    name_my: str | None = None
    name_latin: str | None = None
    father_name: str | None = None
    birth_year: int | None = None
    birth_date: str | None = None  # ISO date when the full date is known
    nrc: str | None = None  # canonical NRC
    service_number: str | None = None  # canonical service number
    unit: str | None = None  # canonical unit code (haven.text.parse_unit), e.g. "LIB-531"
    rank: str | None = None  # as written or the rank table's name; compared by its key
    aliases: tuple[str, ...] = ()  # other names the person or entry goes by, either script


@dataclass(frozen=True)
class ScreeningMatch:
    """One list entry that may be the person, with the reasons in plain words."""

    entry_key: uuid.UUID
    score: float  # match weight or probability; higher is more likely the same person
    reasons: tuple[str, ...] = field(default=())  # e.g. ("name sounds the same", "same unit")
