"""Field comparisons shared by screening, the interactive lookup and batch deduplication.

`normalise` turns an `IdentityRecord` into the keys the comparisons use: name keys in the
phonetic space of `haven.matching.phonetic` (one variant per script present), father's
name keys, canonical NRC, service number, unit and birth year. `name_similarity` compares
two sets of name variants with order (Aung Kyaw is not Kyaw Aung) and also without the
spaces between syllables (Tay Za / Tayza). Results are cached per distinct input string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from haven.kernel.keys import canonical_nrc, canonical_service_number
from haven.matching.phonetic import joined, name_keys
from haven.matching.records import IdentityRecord
from haven.text import UncertainEncoding, parse_unit, to_ascii_digits, township_key


@dataclass(frozen=True)
class Normalised:
    """The comparable form of one record; names as joined syllable keys, one per script."""

    names: tuple[str, ...]
    fathers: tuple[str, ...]
    birth_year: int | None
    birth_date: str | None
    nrc: str | None
    service_number: str | None
    unit: str | None
    rank: str | None


def _variants(*names: str | None) -> tuple[str, ...]:
    seen: list[str] = []
    for name in names:
        key = joined(name_keys(name))
        if key and key not in seen:
            seen.append(key)
    return tuple(seen)


_PLAIN_UNIT = re.compile(r"(LIB|IB|LID|MOC|RMC|BGF)0*(\d{1,4})|0*(\d{1,4})(LIB|IB|LID|MOC|RMC|BGF)")


@lru_cache(maxsize=100_000)
def canonical_unit(value: str | None) -> str | None:
    """The unit code (`haven.text.parse_unit`), or the text upper-cased when unrecognised."""
    if not value:
        return None
    plain = _PLAIN_UNIT.fullmatch(re.sub(r"[\s\-_.]", "", value.upper()))
    if plain is not None:  # the common Latin short forms: skip the full parser
        return f"{plain[1] or plain[4]}-{plain[2] or plain[3]}"
    try:
        unit = parse_unit(value, assume="detect")
    except UncertainEncoding:
        unit = parse_unit(value, assume="unicode")
    return unit.label if unit is not None else " ".join(value.upper().split())


_PLAIN_NRC = re.compile(r"(\d{1,2})/([A-Z]{2,12})\(([A-Z]{1,3})\)(\d{6})")


@lru_cache(maxsize=100_000)
def _nrc(value: str | None) -> str | None:
    if not value:
        return None
    compact = "".join(to_ascii_digits(value).upper().split())
    plain = _PLAIN_NRC.fullmatch(compact)
    if plain is not None:  # already in the canonical shape: skip the full parser
        state = int(plain[1])
        return f"{state}/{township_key(state, plain[2])}({plain[3]}){plain[4]}"
    return canonical_nrc(value) or compact


@lru_cache(maxsize=100_000)
def _service(value: str | None) -> str | None:
    """Service numbers without separators: "BA-123456", "ba 123456" and "BA123456" meet."""
    if not value:
        return None
    canonical = canonical_service_number(value)
    return re.sub(r"[^0-9A-Z]", "", canonical) if canonical else None


def birth_year_of(record: IdentityRecord) -> int | None:
    if record.birth_year is not None:
        return record.birth_year
    if record.birth_date and record.birth_date[:4].isdigit():
        return int(record.birth_date[:4])
    return None


def normalise(record: IdentityRecord) -> Normalised:
    return Normalised(
        names=_variants(record.name_my, record.name_latin),
        fathers=_variants(record.father_name),
        birth_year=birth_year_of(record),
        birth_date=record.birth_date,
        nrc=_nrc(record.nrc),
        service_number=_service(record.service_number),
        unit=canonical_unit(record.unit),
        rank=" ".join(record.rank.casefold().split()) if record.rank else None,
    )


@lru_cache(maxsize=1_000_000)
def key_similarity(left: str, right: str) -> float:
    """0..1 similarity of two joined keys, with order; joined and split syllables meet."""
    if left == right:
        return 1.0
    with_spaces = ratio(left, right) / 100.0
    without = ratio(left.replace(" ", ""), right.replace(" ", "")) / 100.0
    # Without spaces, "aung caw" and "caw aung" would still share letters in another order;
    # ratio is order-aware (an alignment), so syllable order keeps mattering.
    return max(with_spaces, without * 0.98)


def name_similarity(left: tuple[str, ...], right: tuple[str, ...]) -> float | None:
    """Best similarity over the variants; None when either side has no name."""
    if not left or not right:
        return None
    return max(key_similarity(a, b) for a in left for b in right)


def identifier_agreement(left: str | None, right: str | None) -> int | None:
    """For NRC or service number: 2 equal, 1 one typo apart, 0 different, None unknown."""
    if not left or not right:
        return None
    if left == right:
        return 2
    if len(left) == len(right) and Levenshtein.distance(left, right) <= 1:
        return 1
    if Levenshtein.distance(left, right) <= 1:
        return 1
    return 0


def birth_agreement(left: Normalised, right: Normalised) -> int | None:
    """3 same date, 2 same year, 1 one year apart, 0 further apart, None unknown."""
    if left.birth_date and right.birth_date and left.birth_date == right.birth_date:
        return 3
    if left.birth_year is None or right.birth_year is None:
        return None
    gap = abs(left.birth_year - right.birth_year)
    if gap == 0:
        return 2
    if gap == 1:
        return 1
    return 0
