"""The Fellegi-Sunter model in Python, with the parameters Splink trained (`model.json`).

The batch pipeline (`haven.matching.batch`) trains the model on DuckDB; its m and u
probabilities are stored as data in `model.json` next to this module. The interactive path
scores at most a few hundred candidates per lookup, so it evaluates the same comparison
levels here, in Python, in the same order as the SQL in `batch.py` (first level that holds
wins), and adds the level weights log2(m/u) to the prior log-odds.

Differences from the batch model, by design: NRC and service numbers are compared by their
blind indexes, so the "one typo apart" level never applies interactively (a typo is found
by the name and the other fields instead); the term-frequency adjustment of exact names is
left out.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from haven.i18n import N_
from haven.matching.batch import SKELETON_PATTERN

MODEL_PATH = Path(__file__).with_name("model.json")

Row = Mapping[str, Any]
Level = Callable[[Row, Row], bool]


def _v(row: Row, key: str) -> Any:
    return row.get(key)


def _both(left: Row, right: Row, key: str) -> bool:
    return _v(left, key) is not None and _v(right, key) is not None


def _pairs(left: Row, right: Row, prefix: str) -> list[tuple[str, str]]:
    return [
        (a, b)
        for a in (_v(left, f"{prefix}1"), _v(left, f"{prefix}2"))
        for b in (_v(right, f"{prefix}1"), _v(right, f"{prefix}2"))
        if a is not None and b is not None
    ]


def _least_distance(left: Row, right: Row) -> int:
    return min((Levenshtein.distance(a, b) for a, b in _pairs(left, right, "ns")), default=99)


def _contains(left: Row, right: Row) -> bool:
    a, b = _v(left, "name1"), _v(right, "name1")
    return bool(
        a.startswith(b + " ") or b.startswith(a + " ") or a.endswith(" " + b) or b.endswith(" " + a)
    )


_SKELETON = re.compile(SKELETON_PATTERN)


def skeleton(key: str) -> str:
    """The consonants of a name's syllable keys, as `batch.skeleton_sql` computes them."""
    return _SKELETON.sub(r"\1", key)


def _same_consonants(left: Row, right: Row) -> bool:
    return any(" " in a and skeleton(a) == skeleton(b) for a, b in _pairs(left, right, "name"))


def _date_slip(left: Row, right: Row) -> bool:
    """Two full dates one slip apart (`batch.DATE_SLIP_SQL`): one character, day and month
    swapped, or the year one apart with the same day and month."""
    a, b = _v(left, "birth_date"), _v(right, "birth_date")
    if a is None or b is None or len(a) != len(b):
        return False
    if sum(x != y for x, y in zip(a, b, strict=True)) <= 1:
        return True
    if a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7]:
        return True
    return abs(int(a[:4]) - int(b[:4])) == 1 and a[5:] == b[5:]


# Each comparison: (null test, [(label msgid, level test), ...]) in the SQL order, the last
# level being "else". The labels explain a score on the review page.
COMPARISONS: dict[str, tuple[Level, list[tuple[str, Level]]]] = {
    "name": (
        lambda left, right: not _both(left, right, "name1"),
        [
            (N_("same name"), lambda left, right: left["name1"] == right["name1"]),
            (
                N_("same name in the other script"),
                lambda left, right: any(a == b for a, b in _pairs(left, right, "name")),
            ),
            (
                N_("same name, syllables joined or split"),
                lambda left, right: any(a == b for a, b in _pairs(left, right, "ns")),
            ),
            (N_("name one letter apart"), lambda left, right: _least_distance(left, right) <= 1),
            (N_("name two letters apart"), lambda left, right: _least_distance(left, right) <= 2),
            (
                N_("same syllables in another order"),
                lambda left, right: left.get("sorted1") == right.get("sorted1"),
            ),
            (N_("one name has syllables added"), _contains),
            (N_("same consonants, vowels spelled otherwise"), _same_consonants),
            (N_("different name"), lambda left, right: True),
        ],
    ),
    "father": (
        lambda left, right: not _both(left, right, "father"),
        [
            (N_("same father's name"), lambda left, right: left["father"] == right["father"]),
            (
                N_("same father's name, syllables joined or split"),
                lambda left, right: left.get("father_ns") == right.get("father_ns"),
            ),
            (
                N_("father's name one letter apart"),
                lambda left, right: (
                    Levenshtein.distance(left["father_ns"], right["father_ns"]) <= 1
                ),
            ),
            (
                N_("father's name similar"),
                lambda left, right: (
                    Levenshtein.distance(left["father_ns"], right["father_ns"]) <= 3
                ),
            ),
            (N_("different father's name"), lambda left, right: True),
        ],
    ),
    "birth": (
        lambda left, right: not _both(left, right, "birth_year"),
        [
            (
                N_("same birth date"),
                lambda left, right: (
                    left.get("birth_date") is not None
                    and left.get("birth_date") == right.get("birth_date")
                ),
            ),
            (N_("birth dates one slip apart"), _date_slip),
            (
                N_("different birth dates"),
                lambda left, right: _both(left, right, "birth_date"),
            ),
            (
                N_("same birth year"),
                lambda left, right: left["birth_year"] == right["birth_year"],
            ),
            (
                N_("birth year one apart"),
                lambda left, right: abs(left["birth_year"] - right["birth_year"]) <= 1,
            ),
            (N_("different birth year"), lambda left, right: True),
        ],
    ),
    "nrc": (
        lambda left, right: not _both(left, right, "nrc"),
        [
            (N_("same NRC"), lambda left, right: left["nrc"] == right["nrc"]),
            (N_("NRC one character apart"), lambda left, right: False),
            (N_("different NRC"), lambda left, right: True),
        ],
    ),
    "service_number": (
        lambda left, right: not _both(left, right, "service_number"),
        [
            (
                N_("same service number"),
                lambda left, right: left["service_number"] == right["service_number"],
            ),
            (N_("service number one character apart"), lambda left, right: False),
            (N_("different service number"), lambda left, right: True),
        ],
    ),
    "unit": (
        lambda left, right: not _both(left, right, "unit"),
        [
            (N_("same unit"), lambda left, right: left["unit"] == right["unit"]),
            (N_("different unit"), lambda left, right: True),
        ],
    ),
    "rank": (
        lambda left, right: not _both(left, right, "rank"),
        [
            (N_("same rank"), lambda left, right: left["rank"] == right["rank"]),
            (N_("different rank"), lambda left, right: True),
        ],
    ),
}


@dataclass(frozen=True)
class Model:
    prior: float  # log2 odds that two random records are one person
    weights: dict[str, list[float]]  # per comparison, one weight per non-null level

    def score(self, left: Row, right: Row) -> tuple[float, float, tuple[str, ...]]:
        """Match weight, probability and the reasons (msgids) of the levels that applied."""
        total = self.prior
        reasons: list[str] = []
        for name, (is_null, levels) in COMPARISONS.items():
            if is_null(left, right):
                continue
            for index, (label, holds) in enumerate(levels):
                if holds(left, right):
                    weight = self.weights[name][index]
                    total += weight
                    reasons.append(label)
                    break
        probability = 1.0 / (1.0 + 2.0 ** (-total))
        return total, probability, tuple(reasons)


WEIGHT_LIMIT = 20.0  # no single field may say more than 2**20 to 1 (levels seen rarely)


def _weight(level: Mapping[str, Any]) -> float:
    m = level.get("m_probability")
    u = level.get("u_probability")
    if not m or not u:
        return 0.0  # a level the training never saw carries no evidence
    return max(-WEIGHT_LIMIT, min(WEIGHT_LIMIT, math.log2(float(m) / float(u))))


def from_splink(settings: Mapping[str, Any]) -> Model:
    """Read a Splink model (the dict `save_model_to_json` writes)."""
    weights: dict[str, list[float]] = {}
    for comparison in settings["comparisons"]:
        levels = [
            _weight(level)
            for level in comparison["comparison_levels"]
            if not level.get("is_null_level")
        ]
        weights[comparison["output_column_name"]] = levels
    for name, (_, expected) in COMPARISONS.items():
        if len(weights.get(name, ())) != len(expected):
            raise ValueError(f"model.json does not match comparison {name!r}")
    lam = float(settings["probability_two_random_records_match"])
    return Model(prior=math.log2(lam / (1 - lam)), weights=weights)


@lru_cache(maxsize=1)
def load() -> Model:
    return from_splink(json.loads(MODEL_PATH.read_text(encoding="utf-8")))
