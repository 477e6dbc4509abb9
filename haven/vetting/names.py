"""Name screening behind one function, `screen_names(person, entries)`.

`screen_names` calls the matching engine (`screen_against` of `haven.matching.public`).
The documented baseline below stays beside it: screening widens the people it re-screens
with it (`screening.people_concerned`), since it is tuned for recall: a hit is only a reason
for a vetting officer to look, never an exclusion.

Baseline rules, per script (Latin and Myanmar compared separately, prefix split off, case
folded, spaces removed, so "U Aung Kyaw" = "aungkyaw"):
- the same name key → score 1.0, "same name";
- otherwise a rapidfuzz similarity ≥ `THRESHOLD` (0-100) → score = similarity / 100,
  "similar name (NN%)";
- the same unit adds 0.1 and the reason "same unit";
- a different birth year is stated as a reason but never removes the hit (birth years of
  defectors are often approximate).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz

from haven.kernel.keys import name_part
from haven.matching.public import IdentityRecord, ScreeningMatch, Watchlist, screen_against

THRESHOLD = 85.0
UNIT_BONUS = 0.1


def compact(name: str | None) -> str:
    """The comparison key of one name: prefix split off, case folded, NFC, no spaces."""
    return "".join(unicodedata.normalize("NFC", name_part(name)).split())


def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    return float(fuzz.ratio(a, b))


def baseline(person: IdentityRecord, entries: Sequence[IdentityRecord]) -> list[ScreeningMatch]:
    """The documented baseline described in the module docstring."""
    latin, burmese = compact(person.name_latin), compact(person.name_my)
    found: list[ScreeningMatch] = []
    for entry in entries:
        best = max(
            _similarity(latin, compact(entry.name_latin)),
            _similarity(burmese, compact(entry.name_my)),
            # A list entry's name may be in the other script's field when it was imported.
            _similarity(latin, compact(entry.name_my)),
            _similarity(burmese, compact(entry.name_latin)),
        )
        if best < THRESHOLD:
            continue
        reasons = ["same name" if best == 100.0 else f"similar name ({best:.0f}%)"]
        score = best / 100
        if person.unit and entry.unit and person.unit == entry.unit:
            reasons.append("same unit")
            score += UNIT_BONUS
        if person.birth_year and entry.birth_year and person.birth_year != entry.birth_year:
            reasons.append("birth year differs (does not clear the hit)")
        found.append(ScreeningMatch(entry_key=entry.key, score=score, reasons=tuple(reasons)))
    return sorted(found, key=lambda match: -match.score)


ENGINE = "matching"  # the engine's name in the screening audit events


def screen_names(person: IdentityRecord, entries: Sequence[IdentityRecord]) -> list[ScreeningMatch]:
    """Every entry whose name may be the person's, best first (the one name-matching call)."""
    if not entries:
        return []
    return screen_against(person, entries)


def name_screener(
    entries: Sequence[IdentityRecord],
) -> Callable[[IdentityRecord], list[ScreeningMatch]]:
    """`screen_names` for many people against the same entries, the entries prepared once
    (a nominal roll of hundreds against the registry)."""
    if not entries:
        return lambda _person: []
    return Watchlist(entries).screen
