"""The places reference table: complete for Kayah, both scripts, and the names forms offer."""

from __future__ import annotations

import json
import unicodedata

import pytest

from haven.i18n import current_language
from haven.text.letters import LETTER_NAMES, latin_key
from haven.text.nrc import STATE_NAMES
from haven.text.places import (
    DATA,
    REGIONS,
    TOWNSHIPS,
    Region,
    Township,
    choices,
    display_name,
    find_place,
    region,
    region_of_nrc,
    townships_of,
)

KAYAH_TOWNSHIPS = {"Loikaw", "Demoso", "Hpruso", "Shadaw", "Bawlakhe", "Hpasawng", "Mese"}


def _is_myanmar(text: str) -> bool:
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and all(0x1000 <= ord(char) <= 0x109F for char in letters)


def test_fourteen_states_and_regions_and_the_union_territory() -> None:
    numbered = sorted(r.nrc for r in REGIONS if r.nrc is not None)
    assert numbered == list(range(1, 15))
    assert [r.key for r in REGIONS if r.nrc is None] == ["naypyitaw"]
    assert region("naypyitaw").kind == "union_territory"
    assert sum(r.kind == "state" for r in REGIONS) == 7
    assert sum(r.kind == "region" for r in REGIONS) == 7


def test_state_names_of_nrc_parsing_are_the_tables() -> None:
    for number, name in STATE_NAMES.items():
        found = region_of_nrc(number)
        assert found is not None
        assert found.short_en == name


def test_kayah_is_complete_with_every_township() -> None:
    kayah = region("kayah")
    assert kayah.complete
    assert kayah.name_my == "ကယားပြည်နယ်"
    assert "ကရင်နီပြည်နယ်" in kayah.other_names
    listed = townships_of("kayah")
    assert {t.name_en for t in listed if t.kind == "township"} == KAYAH_TOWNSHIPS
    assert {t.name_en for t in listed if t.kind == "sub-township"} == {"Ywarthit"}
    assert all(t.nrc_state == 2 and t.nrc_latin and t.nrc_my and t.verified for t in listed)
    assert {t.name_my for t in listed} == {
        "လွိုင်ကော်", "ဒီးမော့ဆို", "ဖရူဆို", "ရှားတော", "ဘော်လခဲ", "ဖားဆောင်း", "မယ်စဲ့", "ရွာသစ်"
    }  # fmt: skip


@pytest.mark.parametrize("place", [*REGIONS, *TOWNSHIPS], ids=lambda p: p.name_en)
def test_every_name_is_nfc_and_in_its_script(place: Region | Township) -> None:
    name_en, name_my = place.name_en, place.name_my
    assert unicodedata.normalize("NFC", name_my) == name_my
    assert _is_myanmar(name_my)
    assert name_en.isascii()


@pytest.mark.parametrize("township", TOWNSHIPS, ids=lambda t: t.name_en)
def test_every_code_is_bare_letters_with_one_key_in_both_scripts(township: Township) -> None:
    code_my, code_latin = township.nrc_my, township.nrc_latin
    assert code_my
    assert code_latin
    assert all(char in LETTER_NAMES for char in code_my)
    assert latin_key(code_latin) is not None  # the Latin code is a run of letter names
    assert latin_key(code_my) == latin_key(code_latin)


def test_codes_are_unique_within_a_state() -> None:
    keys = [(t.nrc_state, t.nrc_key) for t in TOWNSHIPS]
    assert len(keys) == len(set(keys))


def test_unconfirmed_entries_say_so() -> None:
    unverified = [t for t in TOWNSHIPS if not t.verified]
    assert unverified  # the table marks what could not be confirmed instead of hiding it
    assert all(t.note for t in unverified)


def test_data_file_regions_are_known() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    keys = {r["key"] for r in data["regions"]}
    assert {t["region"] for t in data["townships"]} <= keys


@pytest.mark.parametrize(
    ("typed", "english"),
    [
        ("Loikaw", "Loikaw"),
        ("loikaw township", "Loikaw"),
        ("လွိုင်ကော်", "Loikaw"),
        ("လွိုင်ကော်မြို့နယ်", "Loikaw"),
        ("Dee Maw Soe", "Demoso"),
        ("Kayah State", "Kayah State"),
        ("Karenni", "Kayah State"),
        ("ကရင်နီပြည်နယ်", "Kayah State"),
        ("Sagaing", "Sagaing"),  # the township, the finer place
        ("Sagaing Region", "Sagaing Region"),
        ("Nay Pyi Taw", "Nay Pyi Taw Union Territory"),
    ],
)
def test_find_place_by_any_of_its_names(typed: str, english: str) -> None:
    found = find_place(typed)
    assert found is not None
    assert found.name_en == english


def test_display_name_uses_the_readers_language_and_keeps_free_text() -> None:
    assert display_name("Demoso", "my") == "ဒီးမော့ဆို"
    assert display_name("ဒီးမော့ဆို", "en") == "Demoso"
    assert display_name("Synthetic village C", "my") == "Synthetic village C"
    assert display_name(None) == ""
    token = current_language.set("my")
    try:
        assert display_name("Loikaw") == "လွိုင်ကော်"
    finally:
        current_language.reset(token)


def test_choices_offer_kayah_first_in_the_readers_language() -> None:
    english = choices("en")
    assert {value for value, _ in english[:8]} == KAYAH_TOWNSHIPS | {"Ywarthit"}
    assert ("Demoso", "ဒီးမော့ဆို") in english
    assert ("Taunggyi", "တောင်ကြီး") in english
    burmese = choices("my")
    kayah = sorted(townships_of("kayah"), key=lambda t: t.name_en)
    assert burmese[: len(kayah)] == tuple((t.name_my, t.name_en) for t in kayah)
