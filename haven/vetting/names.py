"""Name screening behind one function, `screen_names(person, entries)`.

`screen_names` calls the matching engine (`screen_against` of `haven.matching.public`).
The documented baseline below stays beside it: screening widens the people it re-screens
with it (`screening.people_concerned`), since it is tuned for recall: a hit is only a reason
for a vetting officer to look, never an exclusion.

Baseline rules, per script (Latin and Myanmar compared separately, prefix split off, case
folded, spaces removed, so "U Aung Kyaw" = "aungkyaw"):
- the same name key → score 1.0, "same name";
- otherwise a rapidfuzz similarity ≥ `THRESHOLD` (0-100) → score = similarity ÷ 100,
  "similar name (NN%)";
- the same unit adds 0.1 and the reason "same unit";
- a different birth year is stated as a reason but never removes the hit (birth years of
  defectors are often approximate);
- aliases (the person's and the entry's) are compared like names, with the reason
  "matched on an alias".

Aliases of list entries are written in the name, as lists write them (`split_aliases`):
"Aung Aung a.k.a. Bo Nyi, Nyi Nyi", "Aung Aung (alias Bo Nyi)", "အောင်အောင် (ခ) ဘိုညီ". A
watchlist file's "aliases" column is stored that way (`incidents.load_watchlist`), so the
registry needs no column of its own.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from rapidfuzz import fuzz

from haven.kernel.keys import name_part
from haven.matching.public import IdentityRecord, ScreeningMatch, Watchlist, screen_against

THRESHOLD = 85.0
UNIT_BONUS = 0.1
ALIAS_REASON = "matched on an alias"  # the engine's msgid (haven.matching.screening.REASONS)

# "a.k.a.", "aka", "alias", "also known as" as words, and the Burmese "(ခ)" (ခေါ်, "called").
_ALIAS_MARK = re.compile(
    r"\s*[(\[]?\s*(?:\b(?:a\.?\s?k\.?\s?a\b\.?|alias\b|also known as\b)|\(\s*ခ\s*\))\s*:?\s*",
    re.IGNORECASE,
)
_ALIAS_LIST = re.compile(r"\s*[,;/]\s*")


def compact(name: str | None) -> str:
    """The comparison key of one name: prefix split off, case folded, NFC, no spaces."""
    return "".join(unicodedata.normalize("NFC", name_part(name)).split())


def split_aliases(written: str | None) -> tuple[str, tuple[str, ...]]:
    """A list entry's name as written, split into the name and its aliases: "Aung Aung a.k.a.
    Bo Nyi, Nyi Nyi" → ("Aung Aung", ("Bo Nyi", "Nyi Nyi")). Text without an alias marker is
    the name alone; aliases after the marker are separated by ",", ";", "/" or a marker."""
    text = " ".join((written or "").split())
    parts = _ALIAS_MARK.split(text)
    if len(parts) == 1 or not parts[0].strip():  # no marker, or a name that begins "Aka"
        return text, ()
    aliases: list[str] = []
    for part in parts[1:]:
        for written_alias in _ALIAS_LIST.split(part.strip(" ()[]")):
            alias = written_alias.strip(" ()[]")
            if alias and alias not in aliases:
                aliases.append(alias)
    return parts[0].strip(), tuple(aliases)


def join_aliases(name: str, aliases: Sequence[str]) -> str:
    """The name with its aliases written the way `split_aliases` reads them."""
    kept = [a for a in (" ".join(a.split()) for a in aliases) if a]
    return f"{name} (a.k.a. {', '.join(kept)})" if kept else name


def _similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 100.0
    return float(fuzz.ratio(a, b))


def baseline(person: IdentityRecord, entries: Sequence[IdentityRecord]) -> list[ScreeningMatch]:
    """The documented baseline described in the module docstring."""
    names = [compact(person.name_latin), compact(person.name_my)]
    aliases = [compact(alias) for alias in person.aliases]
    found: list[ScreeningMatch] = []
    for entry in entries:
        # A list entry's name may be in the other script's field when it was imported: every
        # name is compared with every other, whatever its script.
        theirs = [compact(entry.name_latin), compact(entry.name_my)]
        their_aliases = [compact(alias) for alias in entry.aliases]
        best = max(_similarity(a, b) for a in names for b in theirs)
        by_alias = max(
            (
                _similarity(a, b)
                for a, b in (
                    *((a, b) for a in names + aliases for b in their_aliases),
                    *((a, b) for a in aliases for b in theirs),
                )
            ),
            default=0.0,
        )
        if max(best, by_alias) < THRESHOLD:
            continue
        similarity = max(best, by_alias)
        reasons = ["same name" if similarity == 100.0 else f"similar name ({similarity:.0f}%)"]
        if by_alias > best:
            reasons.append(ALIAS_REASON)
        best = similarity
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
