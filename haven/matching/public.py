"""The matching domain's public surface: the only module other domains may import
(docs/architecture.md, "Between domains").

Matching learns of people received or changed from their events (`handlers.py`); other
domains read merges, look for possible duplicates and screen names through what is here.
"""

from __future__ import annotations

from haven.matching.dedupe import Result as DeduplicationResult
from haven.matching.dedupe import run as deduplicate
from haven.matching.lifecycle import Decision, ReviewState
from haven.matching.phonetic import joined, name_keys
from haven.matching.records import IdentityRecord, ScreeningMatch
from haven.matching.reindex import reindex_profiles
from haven.matching.screening import Watchlist, screen_against
from haven.matching.service import (
    Duplicates,
    NameQuery,
    forget,
    has_reviews,
    merged_into,
    name_query,
    possible_duplicates,
)


def name_key(name: str | None) -> str:
    """A name's phonetic key in either script (syllable keys joined), '' for no name."""
    return joined(name_keys(name))


__all__ = [
    "Decision",
    "DeduplicationResult",
    "Duplicates",
    "IdentityRecord",
    "NameQuery",
    "ReviewState",
    "ScreeningMatch",
    "Watchlist",
    "deduplicate",
    "forget",
    "has_reviews",
    "merged_into",
    "name_key",
    "name_query",
    "possible_duplicates",
    "reindex_profiles",
    "screen_against",
]
