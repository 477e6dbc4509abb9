"""Name screening: recall across scripts and spellings; a birth-date mismatch never clears."""

from __future__ import annotations

import uuid

from haven.matching.records import IdentityRecord
from haven.matching.screening import Watchlist, screen_against


def _entry(**fields: object) -> IdentityRecord:
    return IdentityRecord(key=uuid.uuid4(), **fields)  # type: ignore[arg-type]


def test_variant_spelling_in_other_script_is_a_hit() -> None:
    person = _entry(name_my="ဦးထွန်းဝင်း", unit="LIB 531")
    entry = _entry(name_latin="Tun Winn", unit="ခမရ ၅၃၁")
    [match] = screen_against(person, [entry, _entry(name_latin="Kyaw Kyaw")])
    assert match.entry_key == entry.key
    assert "name sounds the same" in match.reasons
    assert "same unit" in match.reasons


def test_birth_date_mismatch_alone_never_clears() -> None:
    person = _entry(name_latin="Aung Kyaw Moe", birth_year=1980, unit="LIB-531")
    entry = _entry(name_latin="Aung Kyaw Moe", birth_year=1995, unit="LIB 531")
    [match] = screen_against(person, [entry])
    assert "birth year differs (does not clear the alert)" in match.reasons


def test_swapped_syllables_are_not_the_same_name() -> None:
    person = _entry(name_latin="Aung Kyaw")
    assert screen_against(person, [_entry(name_latin="Kyaw Aung")]) == []


def test_same_nrc_is_a_hit_whatever_the_name() -> None:
    person = _entry(name_latin="Zaw Min", nrc="12/OuKaMa(N)123456")
    entry = _entry(name_latin="Min Zaw", nrc="12/OUKAMA(N)123456")
    [match] = screen_against(person, [entry])
    assert "same NRC" in match.reasons


def test_different_father_clears_a_common_name() -> None:
    person = _entry(name_latin="Aung Aung", father_name="U Hla Maung")
    entry = _entry(name_latin="Aung Aung", father_name="U Tin Shwe")
    assert screen_against(person, [entry]) == []


def test_a_name_alone_alerts_unless_a_frequency_table_says_it_is_common() -> None:
    person = _entry(name_latin="Aung Aung")
    entry = _entry(name_latin="Aung Aung")
    [match] = screen_against(person, [entry])  # no table: recall first
    assert "nothing else to compare" in match.reasons
    common = Watchlist([entry], name_share=lambda key: 0.02)
    assert common.screen(person) == []
    rare = Watchlist([entry], name_share=lambda key: 1 / 100_000)
    assert rare.screen(person)
