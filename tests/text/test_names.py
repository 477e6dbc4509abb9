"""Names: prefix splitting (with its edge cases) and syllables in order."""

from __future__ import annotations

import pytest

from haven.text.names import PREFIXES, SplitName, split_name, syllables


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("U Aung Kyaw", SplitName("U", "Aung Kyaw")),
        ("u aung kyaw", SplitName("U", "aung kyaw")),
        ("Daw Khin Myint", SplitName("Daw", "Khin Myint")),
        ("Ko Zaw Min", SplitName("Ko", "Zaw Min")),
        ("Ma Thida", SplitName("Ma", "Thida")),
        ("Maung Aung Kyaw", SplitName("Maung", "Aung Kyaw")),
        ("Mg Aung Kyaw", SplitName("Maung", "Aung Kyaw")),
        ("Mg. Aung Kyaw", SplitName("Maung", "Aung Kyaw")),
        ("Mg.Aung Kyaw", SplitName("Maung", "Aung Kyaw")),
        ("Saw Htoo Htoo", SplitName("Saw", "Htoo Htoo")),
        ("Naw Paw Say", SplitName("Naw", "Paw Say")),
        ("Sai Hla Win", SplitName("Sai", "Hla Win")),
        ("Nang Kham", SplitName("Nang", "Kham")),
        ("Khun Htun", SplitName("Khun", "Htun")),
        ("Mi Sandar", SplitName("Mi", "Sandar")),
        ("Nai Shwe", SplitName("Nai", "Shwe")),
        ("Khu Reh", SplitName("Khu", "Reh")),  # Karenni
        ("Bo Let Ya", SplitName("Bo", "Let Ya")),
        ("Salai Tin Maung", SplitName("Salai", "Tin Maung")),
        ("Sao Kya Seng", SplitName("Sao", "Kya Seng")),
        ("Nan Khin", SplitName("Nang", "Khin")),
        ("Mahn Win Khaing", SplitName("Mahn", "Win Khaing")),
        ("Nant Thida", SplitName("Nant", "Thida")),
        ("  U   Aung  Kyaw ", SplitName("U", "Aung Kyaw")),
        ("Saw ထူးထူး", SplitName("Saw", "ထူးထူး")),
    ],
)
def test_latin_prefixes_are_split_off(typed: str, expected: SplitName) -> None:
    assert split_name(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ဦးအောင်ကျော်", SplitName("ဦး", "အောင်ကျော်")),
        ("ဦး အောင်ကျော်", SplitName("ဦး", "အောင်ကျော်")),
        ("ဒေါ်ခင်မြင့်", SplitName("ဒေါ်", "ခင်မြင့်")),
        ("ကိုဇော်မင်း", SplitName("ကို", "ဇော်မင်း")),
        ("မမြင့်မြတ်", SplitName("မ", "မြင့်မြတ်")),
        ("မောင်အောင်ကျော်", SplitName("မောင်", "အောင်ကျော်")),
        ("စောထူးထူး", SplitName("စော", "ထူးထူး")),
        ("နော်ဖော", SplitName("နော်", "ဖော")),
        ("စိုင်းလှ", SplitName("စိုင်း", "လှ")),
        ("နန်းခမ်း", SplitName("နန်း", "ခမ်း")),
        ("ခွန်ထွန်း", SplitName("ခွန်", "ထွန်း")),
        ("ခူးရယ်", SplitName("ခူး", "ရယ်")),
        ("ဆလိုင်းထွန်း", SplitName("ဆလိုင်း", "ထွန်း")),  # a prefix of two syllables
        ("ဆလိုင်း ထွန်း", SplitName("ဆလိုင်း", "ထွန်း")),
        ("စဝ်ကြာစိန်", SplitName("စဝ်", "ကြာစိန်")),
        ("မန်းဝင်း", SplitName("မန်း", "ဝင်း")),
        ("နန့်သီတာ", SplitName("နန့်", "သီတာ")),
        ("ဗိုလ်လရောင်", SplitName("ဗိုလ်", "လရောင်")),
    ],
)
def test_burmese_prefixes_are_split_off(typed: str, expected: SplitName) -> None:
    assert split_name(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "Aung Kyaw",
        "Ma",  # a prefix alone is the whole name
        "U",
        "Maung Maung",  # a doubled prefix word is part of the name
        "Ko Ko Gyi",
        "Ma Ma Lay",
        "Mg Maung",
        "Naing Lin",  # Naing is a name syllable, not the Mon prefix Nai
        "Uzaw",  # a prefix must be a whole word
        "Mayan Aung",
        "မ",
        "မောင်မောင်",
        "မမလေး",
        "မင်းထက်",  # begins with the letter ma, but its first syllable is မင်း
        "နိုင်လင်း",  # နိုင် is not split in Burmese script: it is also the syllable Naing
        "Aung Sai",  # a prefix word later in a name is a name syllable
        "Kyaw Nan Oo",
        "Tun Khu",
        "Saing Lin",  # a prefix is a whole word
        "Khunt Aung",
        "Khuhtoo",
        "Sai Sai",
        "Bo Gyi Aung Kyaw",  # Bo Gyi is a rank (captain), not the prefix Bo
        "Bo Hmu Tun",
        "Bo Kyi",
        "Min Aung",  # Min is not a prefix
        "Sa Aung",
        "အောင်စိုင်း",
        "ကျော်နန်းဦး",
        "ဗိုလ်မှူးအောင်",
        "ဗိုလ်ကြီးထွန်း",
        "ဗိုလ်ချုပ်အောင်ဆန်း",
        "ဆလိုင်း",
        "",
    ],
)
def test_names_that_keep_their_first_word(typed: str) -> None:
    assert split_name(typed) == SplitName(None, typed)


def test_only_one_prefix_is_split_off() -> None:
    assert split_name("U Ko Ko") == SplitName("U", "Ko Ko")
    assert split_name("Daw Naw Paw") == SplitName("Daw", "Naw Paw")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Aung Kyaw", ["Aung", "Kyaw"]),
        ("Kyaw Aung", ["Kyaw", "Aung"]),
        ("  Tayza   Htun ", ["Tayza", "Htun"]),
        ("မောင်အောင်ကျော်", ["မောင်", "အောင်", "ကျော်"]),
        ("ကျော်အောင်", ["ကျော်", "အောင်"]),
        ("ဦးထွန်းထွန်း", ["ဦး", "ထွန်း", "ထွန်း"]),
        ("မြင့်မြတ်", ["မြင့်", "မြတ်"]),  # dot below before asat (NFC order)
        ("ခင်မောင်ညွန့်", ["ခင်", "မောင်", "ညွန့်"]),
        ("ဒေါ်ခင်မြင့်", ["ဒေါ်", "ခင်", "မြင့်"]),
        ("စိုင်းလှ", ["စိုင်း", "လှ"]),
        ("နှင်းဆီ", ["နှင်း", "ဆီ"]),
        ("ကြံ့ခိုင်", ["ကြံ့", "ခိုင်"]),
        ("မန္တလေး", ["မန္တ", "လေး"]),  # a stacked consonant stays with the one above it
        ("သင်္ချိုင်း", ["သင်္ချိုင်း"]),  # kinzi
        ("မောင် အောင်ကျော်", ["မောင်", "အောင်", "ကျော်"]),
        ("Saw ထူးထူး", ["Saw", "ထူး", "ထူး"]),
        ("", []),
    ],
)
def test_syllables_in_order(name: str, expected: list[str]) -> None:
    assert syllables(name) == expected


def test_syllable_order_distinguishes_names() -> None:
    assert syllables("အောင်ကျော်") != syllables("ကျော်အောင်")
    assert sorted(syllables("အောင်ကျော်")) == sorted(syllables("ကျော်အောင်"))


def test_syllables_rejoin_to_the_name() -> None:
    name = "ဦးခင်မောင်ညွန့်"
    assert "".join(syllables(name)) == name


def test_khun_and_khu_are_different_prefixes() -> None:
    assert split_name("Khun Htun").prefix == "Khun"
    assert split_name("Khu Htun").prefix == "Khu"
    assert split_name("ခွန်ထွန်း").prefix == "ခွန်"
    assert split_name("ခူးထွန်း").prefix == "ခူး"


def test_prefix_table_is_in_both_scripts_and_marks_unconfirmed_spellings() -> None:
    latin = {prefix.latin for prefix in PREFIXES}
    assert {"U", "Daw", "Ko", "Ma", "Maung", "Saw", "Naw", "Sai", "Nang", "Khun"} <= latin
    assert {"Khu", "Bo", "Salai", "Sao", "Mahn", "Nant", "Mi", "Nai"} <= latin
    assert "Min" not in latin
    by_latin = {prefix.latin: prefix for prefix in PREFIXES}
    assert by_latin["Khu"].burmese == "ခူး"
    assert not by_latin["Khu"].burmese_verified
    assert by_latin["Salai"].burmese == "ဆလိုင်း"
    assert "Nan" in by_latin["Nang"].variants
    assert "Mg" in by_latin["Maung"].variants
