"""Blocking keys of the batch (`haven.matching.batch`): which pairs meet, which blocks drop."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
import pytest

from haven.matching import batch


def _record(number: int, **fields: Any) -> dict[str, Any]:
    name = fields.pop("name", "aung caw")
    row = {
        "unique_id": str(number),
        **batch.derived(name, name, fields.pop("father", None), fields.pop("birth_year", None)),
        "birth_date": None,
        "nrc": None,
        "service_number": None,
        "unit": None,
        "rank": None,
    }
    row.update(fields)
    return row


def _met(frame: pd.DataFrame, left: int, right: int) -> set[str]:
    """The blocking keys under which two rows meet (as Splink's rules would pair them)."""
    a, b = frame.iloc[left], frame.iloc[right]

    def same(x: Any, y: Any) -> bool:
        return bool(pd.notna(x) and pd.notna(y) and x == y)

    met = set()
    for key in batch.BLOCKING_KEYS:
        if key.other is None:
            hit = same(a[key.name], b[key.name])
        else:
            hit = same(a[key.name], b[f"{key.name}_x"]) or same(a[f"{key.name}_x"], b[key.name])
        if hit:
            met.add(key.name)
    return met


NRC = "7/BALAKHA(N)086040"


# (left, right, the keys among NARROW under which they meet)
CASES: list[tuple[dict[str, Any], dict[str, Any], set[str]]] = [
    # One digit wrong in either half of the number: the other half still meets.
    ({"nrc": NRC}, {"nrc": "7/BALAKHA(N)026040", "name": "min tun"}, {"b_nrc_tail"}),
    ({"nrc": NRC}, {"nrc": "7/BALAKHA(N)086041", "name": "min tun"}, {"b_nrc_head"}),
    # Another township with the same digits is another NRC.
    ({"nrc": NRC}, {"nrc": "8/BALAKHA(N)086040", "name": "min tun"}, set()),
    # Names that share nothing, but the same father and unit.
    (
        {"name": "aung caw", "unit": "IB-2", "father": "tun win"},
        {"name": "min tun", "unit": "IB-2", "father": "tun win"},
        {"b_father_unit"},
    ),
    # The father's name and birth years one apart.
    (
        {"name": "aung caw", "father": "tun win", "birth_year": 1991},
        {"name": "min tun", "father": "tun win", "birth_year": 1992},
        {"b_father_yb"},
    ),
    # No year on one side: only the name is shared, through the asymmetric no-year key.
    ({"name": "tun tun"}, {"name": "tun tun", "birth_year": 1990, "rank": "private"}, {"b_noyear"}),
    # Both with a year: the year keys narrow the name instead.
    ({"name": "tun tun", "birth_year": 1985}, {"name": "tun tun", "birth_year": 1990}, set()),
]
NARROW = {"b_nrc_head", "b_nrc_tail", "b_father_unit", "b_father_yb", "b_noyear"}


def test_narrow_keys_meet() -> None:
    rows = [_record(n, **fields) for case in CASES for n, fields in enumerate(case[:2])]
    frame = batch.add_blocking_keys(pd.DataFrame(rows))  # one frame: DuckDB once
    met = [_met(frame, 2 * i, 2 * i + 1) & NARROW for i in range(len(CASES))]
    assert met == [expected for _, _, expected in CASES]


def test_an_asymmetric_key_is_capped_by_the_comparisons_it_makes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keys = {key.name: key for key in batch.BLOCKING_KEYS}
    monkeypatch.setattr(batch, "BLOCKING_KEYS", (replace(keys["b_noyear"], cap_pairs=2 * 3),))
    # "aung caw": two without a year, five holders: 2 x 5 = 10 comparisons, over the cap of 6.
    # "min tun": one without a year, four holders: 1 x 4 = 4 comparisons, kept.
    records = [
        _record(n, name=name, birth_year=None if n < without else 1990)
        for name, without, holders in (("aung caw", 2, 5), ("min tun", 1, 4))
        for n in range(holders)
    ]
    frame = batch.add_blocking_keys(pd.DataFrame(records))
    assert frame["b_noyear"].notna().tolist() == [False] * 5 + [True, False, False, False]
    assert frame["b_noyear_x"].notna().tolist() == [False] * 5 + [True] * 4
