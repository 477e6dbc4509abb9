"""Name screening: recall across scripts and spellings; a birth-date mismatch never clears;
ranks compare across scripts and abbreviations; aliases are screened like names."""

from __future__ import annotations

import uuid

import pytest

from haven.matching.records import IdentityRecord
from haven.matching.screening import Watchlist, rank_agreement, screen_against


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


@pytest.mark.parametrize(
    ("left", "right", "agreement"),
    [
        ("Capt", "Captain", 1),
        ("ဗိုလ်ကြီး", "Bo Gyi", 1),  # Burmese and its romanisation
        ("Lt.", "ဗိုလ်", 1),  # English abbreviation and Burmese
        ("WO II", "Warrant Officer II", 1),
        ("L/Cpl", "Lance Corporal", 1),
        ("Cpl", "Police Corporal", 1),  # a list may not say which force
        ("Capt", "Sgt", 0),
        ("ဗိုလ်ကြီး", "Major", 0),
        ("Kommandant", "Captain", None),  # no table knows it: never counts against
        ("Kommandant", "kommandant", 1),
        (None, "Captain", None),
    ],
)
def test_ranks_compare_whatever_the_script_or_abbreviation(
    left: str | None, right: str | None, agreement: int | None
) -> None:
    assert rank_agreement(left, right) == agreement


COMMON = 1 / 500  # a name one registrant in 500 carries


@pytest.mark.parametrize(
    ("person", "entry", "share", "alerts", "reasons"),
    [
        # An entry with unit and rank and a name written another way alerts, common name or not.
        (
            {"name_latin": "Aung Kyaw Oo", "unit": "LIB 531", "rank": "Captain"},
            {"name_latin": "Aung Kyaw Oo", "unit": "ခမရ ၅၃၁", "rank": "ဗိုလ်ကြီး"},
            COMMON,
            True,
            {"name sounds the same", "same unit", "same rank"},
        ),
        (
            {"name_my": "အောင်ကျော်ဦး", "unit": "LIB-531", "rank": "Capt"},
            {"name_latin": "Aung Kyaw Oo", "unit": "LIB 531", "rank": "Bo Gyi"},
            COMMON,
            True,
            {"same unit", "same rank"},
        ),
        # A common name alone does not alert when name shares are known; a rank shared by
        # chance (one in eight) does not change that.
        ({"name_latin": "Aung Aung"}, {"name_latin": "Aung Aung"}, COMMON, False, set()),
        (
            {"name_latin": "Aung Aung", "rank": "Captain"},
            {"name_latin": "Aung Aung", "rank": "Capt"},
            COMMON,
            False,
            set(),
        ),
        # A merely similar name in the same unit is most often a brother: no alert.
        (
            {"name_latin": "Aung Kyaw Moe", "unit": "LIB 531"},
            {"name_latin": "Aung Kyaw Min", "unit": "LIB 531"},
            COMMON,
            False,
            set(),
        ),
        # A father's name agreeing weighs as much as it is rare: a common one does not make a
        # common name an alert, a rarer one does.
        (
            {"name_latin": "Aung Aung", "father_name": "U Hla Maung"},
            {"name_latin": "Aung Aung", "father_name": "Hla Maung"},
            {"la maung": 1 / 50},
            False,
            set(),
        ),
        (
            {"name_latin": "Aung Aung", "father_name": "U Tin Shwe"},
            {"name_latin": "Aung Aung", "father_name": "Tin Shwe"},
            COMMON,
            True,
            {"name sounds the same", "father's name sounds the same"},
        ),
        # The entry's alias is screened like its name, and the hit says so.
        (
            {"name_latin": "Nyi Nyi Htun", "unit": "IB 12"},
            {"name_latin": "Bo Nyi", "aliases": ("Nyi Nyi Tun",), "unit": "IB-12"},
            COMMON,
            True,
            {"matched on an alias", "same unit"},
        ),
        # So is the person's.
        (
            {"name_latin": "Min Thu", "aliases": ("Bo Nyi",), "unit": "IB 12"},
            {"name_latin": "Bo Nyi", "unit": "IB-12"},
            COMMON,
            True,
            {"matched on an alias", "name sounds the same"},
        ),
        # The name's weight is the person's: a rare spelling on the list does not make a
        # common name rare ("aung naung" is rare here, "aung aung" common).
        (
            {"name_latin": "Aung Aung", "birth_year": 1990},
            {"name_latin": "Aung Naung", "birth_year": 1990},
            {"aung naung": 1 / 200_000},
            False,
            set(),
        ),
    ],
)
def test_alert_rule(
    person: dict[str, object],
    entry: dict[str, object],
    share: float | dict[str, float],
    alerts: bool,
    reasons: set[str],
) -> None:
    shares = share if isinstance(share, dict) else {}
    watchlist = Watchlist(
        [_entry(**entry)],
        name_share=lambda key: shares.get(key, COMMON if isinstance(share, dict) else share),
    )
    matches = watchlist.screen(_entry(**person))
    assert bool(matches) is alerts
    if alerts:
        assert reasons <= set(matches[0].reasons)
