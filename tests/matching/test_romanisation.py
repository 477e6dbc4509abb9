"""Romanisation variants of Burmese names land on one key; different names stay apart.

The families come from published romanisation systems and the informal conventions Burmese
people use for their own names in English, not from any generator:

- MLCTS, the Myanmar Language Commission Transcription System (1980): aspirates written
  with a leading h (hk, hp, ht: "Hkin", "Hpyo", "Hpone"), ော as "au" ("Kyau", "Zau"), the
  medial ြ as r ("Mrat", "Mrint").
- BGN/PCGN 1970 (after the 1907 Tables for the Transliteration of Burmese into English):
  no aspiration mark (Tun for ထွန်း, Kin for ခင်, Pyo for ဖြိုး), သ as th, ကျ as ky and ချ as
  ch, ဲ as è ("Ye"); its colonial place names keep "oung" for ောင် ("Toungoo", "Moulmein").
- ALA-LC Burmese romanisation: aspirates as kh, ph, th; the medial ြ as r.
- Wikipedia, "Romanization of Burmese", personal names: ဝင်း as Win, Winn, Wyn or Wynn, and
  ခိုင် as Khaing, Khine or Khain.
- Informal spellings in passports and the news: a doubled final letter (Zaww, Lwinn,
  Myintt), an h dropped or added (Htun/Tun, Hla/La, Hnin/Nin, Hnyunt), English vowel
  spellings (Aye/Ei/E/Ay/Eh, Soe/So/Sou, Nyein/Nyain/Nyane, Ye/Yay/Yei), syllables joined
  (Tayza, Kyawzin, Aungkyaw), the Kachin spelling "Awng".

Honorifics and ethnic prefixes (`haven.text.names.PREFIXES`) in the spellings these give:
Oo/Oó for U (ဦး is the vowel u), Dau for Daw and Sau/Nau for Saw/Naw (MLCTS au), Koh and Mah
(an English h after the vowel), Mg/Moung/Mung for Maung, Sy/Sae for Sai, Hkun/Khune for Khun,
Boh for Bo, and the title Dr. A doubled word stays a name ("Ko Ko Gyi", "Maung Maung").
"""

from __future__ import annotations

import pytest

from haven.matching.phonetic import as_later_syllables, joined, name_keys
from haven.text.names import SplitName, split_name

# (Burmese script where the spelling is certain, Latin spellings of the same syllable or name)
FAMILIES: list[tuple[str | None, tuple[str, ...]]] = [
    ("ထွန်း", ("Htun", "Tun", "Htoon", "Toon", "Thun", "Htunn", "Tunn")),
    ("ဝင်း", ("Win", "Winn", "Wyn", "Wynn")),
    ("ဝေ", ("Wai", "Way", "Wei", "We", "Wae")),
    ("အေး", ("Aye", "Ei", "E", "Ay", "Eh", "Aie", "Ae")),
    ("ဦး", ("Oo", "U", "Ooh", "Oó", "Uu")),
    ("စိုး", ("Soe", "So", "Sou", "Soh")),
    ("မိုး", ("Moe", "Mo", "Mou", "Moh")),
    ("စု", ("Su", "Soo", "Suu", "Sue")),
    ("ကျော်", ("Kyaw", "Kyau", "Chaw", "Kyaww", "Jaw")),
    ("ငြိမ်း", ("Nyein", "Nyain", "Nyane", "Nyeinn")),
    ("သိန်း", ("Thein", "Thane", "Thain", "Tein", "Theinn")),
    ("ရဲ", ("Ye", "Yay", "Yei", "Yeh", "Yae")),
    ("လှ", ("Hla", "La", "Hlah")),
    ("လှိုင်", ("Hlaing", "Laing", "Hlaingg")),
    ("ခင်", ("Khin", "Kin", "Khinn", "Hkin")),
    ("ဖြိုး", ("Phyo", "Pyo", "Phyoe", "Hpyo")),
    ("နှင်း", ("Hnin", "Nin", "Hninn")),
    ("ညွန့်", ("Nyunt", "Hnyunt", "Nyun", "Nyount")),
    ("ဇော်", ("Zaw", "Zaww", "Zau")),
    ("မြင့်", ("Myint", "Myintt", "Myin", "Mrint")),
    ("မြတ်", ("Myat", "Myatt", "Mrat")),
    ("လွင်", ("Lwin", "Lwinn", "Lwyn")),
    ("သက်", ("Thet", "Thett", "Tet")),
    ("ထက်", ("Htet", "Htett")),
    ("နိုင်", ("Naing", "Naingg")),
    ("ဝင့်", ("Wint", "Wintt")),
    ("ရွှေ", ("Shwe", "Shway", "Shwei")),
    ("ဆွေ", ("Swe", "Hswe", "Sway")),
    ("စန္ဒာ", ("Sandar", "Sanda", "Sandah", "Sandarr")),
    ("နွယ်", ("Nwe", "Nway", "Nwei", "Nwae")),
    ("ရန်", ("Yan", "Yann")),
    ("ပိုင်", ("Paing", "Pine", "Paingg")),
    ("ခိုင်", ("Khaing", "Khine", "Khain", "Kaing")),
    ("သီဟ", ("Thiha", "Thihah")),
    ("ဇေယျ", ("Zeya", "Zayya", "Zeyar")),
    ("ကြီး", ("Gyi", "Kyi", "Gyee", "Ji", "Jee")),
    ("ဖုန်း", ("Phone", "Phon", "Pone", "Hpone")),
    ("မြ", ("Mya", "Myah", "Myar")),
    ("သန့်", ("Thant", "Than", "Thann")),
    ("အောင်", ("Aung", "Awng", "Aoung", "Oung", "Aungg")),
    ("ဟိန်း", ("Hein", "Heinn")),
    ("မွန်", ("Mon", "Mun", "Monn")),
    ("နေ", ("Nay", "Ne", "Nei")),
    ("မျိုး", ("Myo", "Myoe", "Myoh")),
    ("လင်း", ("Lin", "Linn", "Lynn")),
    ("ချို", ("Cho", "Chou")),
    ("သော်", ("Thaw", "Thaww", "Thau")),
    ("ဆန်း", ("San", "Sann", "Hsan")),
    ("ထူး", ("Htoo", "Too", "Htu", "Thoo")),
    ("မောင်", ("Maung", "Moung")),
    ("တေဇ", ("Tayza", "Tay Za", "Teza", "Tayzar", "Tae Za")),
    ("ကျော်ဇင်", ("Kyaw Zin", "Kyawzin", "Kyaww Zinn", "Kyau Zin")),
    ("အောင်ကျော်", ("Aung Kyaw", "Aungkyaw", "Aung Kyau", "Awng Kyaw")),
    ("ထွန်းထွန်းဝင်း", ("Htun Htun Win", "Tun Tun Winn", "Htoon Htoon Wynn")),
    ("သိန်းထိုက်အောင်", ("Thein Htaik Aung", "Tein Htike Aung", "Thane Htaik Aung")),
    ("ဖြိုးဝေအောင်", ("Phyo Wai Aung", "Pyo Way Aung", "Phyoe Wei Aung")),
    ("နှင်းနွယ်ဝင်း", ("Hnin Nwe Win", "Nin Nway Winn", "Hnin Nwai Wynn")),
    ("မြင့်မြတ်", ("Myint Myat", "Myintt Myatt", "Mrint Mrat")),
    ("ငြိမ်းချမ်း", ("Nyein Chan", "Nyain Chan", "Nyane Chann")),
    (None, ("Zeya Aung", "Zayya Aung", "Zay Ya Aung")),
    # Voicing after the first syllable (BGN/PCGN: t, k, s written d, g, z after a vowel).
    ("သီတာ", ("Thida", "Thi Da", "Thita", "Thee Da")),
    ("ရတနာ", ("Yadanar", "Yadana", "Ya Da Nar", "Yatana")),
    ("သန္တာ", ("Thandar", "Than Dar", "Thanda")),
    ("ရွှေစင်", ("Shwe Sin", "Shwe Zin", "Shway Sinn")),
    # The final ည် said [i] (ICU reads ɛ), ည့် said [e]; ဝ before a final t or n said [wʊ].
    ("ကြည်", ("Kyi", "Kyee", "Chee")),
    ("ပြည့်ဖြိုး", ("Pyae Phyo", "Pyay Pyo", "Pye Phyoe")),
    ("ဇာနည်", ("Zarni", "Zar Ni", "Za Nee")),
    ("စည်သူ", ("Sithu", "Si Thu", "Si Thuu")),
    ("ဝတ်ရည်", ("Wut Yee", "Wutt Yi", "Wut Yi")),
    ("အိမ့်", ("Eaint", "Eain")),
]


@pytest.mark.parametrize(("burmese", "latin"), FAMILIES, ids=[latin[0] for _, latin in FAMILIES])
def test_a_family_shares_one_key(burmese: str | None, latin: tuple[str, ...]) -> None:
    expected = name_keys(burmese if burmese is not None else latin[0])
    assert expected
    for spelling in latin:
        assert name_keys(spelling) == expected, spelling


def test_split_spellings_keep_their_syllables_apart() -> None:
    """Joined syllables compare equal without spaces; written apart they are syllable keys."""
    assert name_keys("Tay Za") == name_keys("တေဇ") == ("te", "sa")
    assert name_keys("Kyaw Zin") == name_keys("ကျော်ဇင်") == ("caw", "sin")
    assert name_keys("Kyawzin") == ("caw", "sin")
    assert name_keys("Aungkyaw") == ("aung", "caw")


def test_a_run_is_looked_up_as_a_later_syllable_too() -> None:
    assert name_keys("Min Zaw") == ("min", "saw")
    assert name_keys("Zaw Min") == ("zaw", "min")
    assert as_later_syllables("zaw min") == "saw min"
    assert as_later_syllables("caw sin") == "caw sin"
    assert as_later_syllables("") == ""


# Joined syllables cut where the written syllables are: t, k before h begin the next one.
JOINED: list[tuple[str, str]] = [
    ("Sithu", "Si Thu"),
    ("Minthu", "Min Thu"),
    ("Thihathu", "Thiha Thu"),
    ("Kaythi", "Kay Thi"),
    ("Htethtet", "Htet Htet"),
    ("Ohnmar", "Ohn Mar"),
    ("Zinmar", "Zin Mar"),
    ("Khinmaung", "Khin Maung"),
    ("Yeaung", "Ye Aung"),
    ("Eiei Phyo", "Ei Ei Phyo"),
    ("Thetpaing", "Thet Paing"),
    ("Myintmyat", "Myint Myat"),
    ("Nandar", "Nan Dar"),
]


@pytest.mark.parametrize(("one", "other"), JOINED)
def test_joined_syllables_are_cut_like_split_ones(one: str, other: str) -> None:
    assert name_keys(one) == name_keys(other)


# Different names: brothers, and syllables that differ by one sound, must not share a key.
DIFFERENT: list[tuple[str, str]] = [
    ("Aung Kyaw", "Kyaw Aung"),
    ("Tun", "Tin"),
    ("Htun", "Htin"),
    ("Myint", "Myat"),
    ("Win", "Wai"),
    ("Aye", "Aung"),
    ("Soe", "Su"),
    ("Moe", "Mu"),
    ("Thein", "Thin"),
    ("Khin", "Khaing"),
    ("Naing", "Nyein"),
    ("Zaw", "Zin"),
    ("Lwin", "Lin"),
    ("Maung", "Min"),
    ("Myo", "Mya"),
    ("Hla", "Hlaing"),
    ("Nwe", "Nyunt"),
    ("Thet", "That"),
    ("Kyaw Zin", "Kyaw Zaw"),
    ("Htun Htun Win", "Htun Win"),
    ("Aung Aung", "Aung Kyaw"),
    ("Zeya", "Zaw"),
    ("ထွန်း", "တင်"),
    ("မြင့်", "မြတ်"),
    ("ဝင်း", "ဝေ"),
    ("အေး", "အောင်"),
]


@pytest.mark.parametrize(("one", "other"), DIFFERENT)
def test_different_names_keep_different_keys(one: str, other: str) -> None:
    assert name_keys(one) != name_keys(other)
    assert joined(name_keys(one)).replace(" ", "") != joined(name_keys(other)).replace(" ", "")


# Honorific and ethnic prefixes in their spellings: split off (the canonical prefix given).
PREFIX_SPELLINGS: list[tuple[str, SplitName]] = [
    ("Oo Tun Win", SplitName("U", "Tun Win")),
    ("Oó Tun Win", SplitName("U", "Tun Win")),
    ("Ooh Tun Win", SplitName("U", "Tun Win")),
    ("Dau Khin Myint", SplitName("Daw", "Khin Myint")),
    ("Koh Zaw Min", SplitName("Ko", "Zaw Min")),
    ("Mah Thida", SplitName("Ma", "Thida")),
    ("Mg Aung Kyaw", SplitName("Maung", "Aung Kyaw")),
    ("Moung Aung Kyaw", SplitName("Maung", "Aung Kyaw")),
    ("Mung Aung Kyaw", SplitName("Maung", "Aung Kyaw")),
    ("Sau Htoo Htoo", SplitName("Saw", "Htoo Htoo")),
    ("Nau Paw Say", SplitName("Naw", "Paw Say")),
    ("Sy Hla Win", SplitName("Sai", "Hla Win")),
    ("Sae Hla Win", SplitName("Sai", "Hla Win")),
    ("Nan Khin", SplitName("Nang", "Khin")),
    ("Khune Htun", SplitName("Khun", "Htun")),
    ("Hkun Htun Oo", SplitName("Khun", "Htun Oo")),
    ("Boh Let Ya", SplitName("Bo", "Let Ya")),
    ("Dr Aung Kyaw", SplitName("Dr", "Aung Kyaw")),
    ("Dr. Aung Kyaw", SplitName("Dr", "Aung Kyaw")),
    ("ဒေါက်တာအောင်ကျော်", SplitName("ဒေါက်တာ", "အောင်ကျော်")),
]


@pytest.mark.parametrize(("typed", "expected"), PREFIX_SPELLINGS)
def test_prefix_spellings_are_split_off(typed: str, expected: SplitName) -> None:
    assert split_name(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "Ko Ko Gyi",  # a doubled prefix word is a name
        "Koh Ko Gyi",
        "Maung Maung",
        "Moung Maung",
        "Oo Oo",
        "U Oo",
        "Mah Ma Lay",
        "Sau Saw",
        "Aung Oo",  # a prefix spelling later in a name is a name syllable
        "Kyaw Dau",
        "Soe Mah",
        "Oo",
        "Dr",
        "Nan Dar",  # the name Nanda (နန္ဒာ) written in two words, not the prefix Nan
        "Nan Da Win",
    ],
)
def test_prefix_spellings_that_are_names_are_kept(typed: str) -> None:
    assert split_name(typed) == SplitName(None, typed)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Oo Tun Win", "U Tun Win"),
        ("Dau Khin Myint", "ဒေါ်ခင်မြင့်"),
        ("Koh Zaw Min", "ကိုဇော်မင်း"),
        ("Mah Thida", "Ma Thida"),
        ("Moung Aung Kyaw", "မောင်အောင်ကျော်"),
        ("Sau Htoo Htoo", "စောထူးထူး"),
        ("Sy Hla Win", "စိုင်းလှဝင်း"),
        ("Hkun Htun Oo", "ခွန်ထွန်းဦး"),
        ("Dr. U Aung Kyaw", "ဦးအောင်ကျော်"),
    ],
)
def test_prefixes_in_any_spelling_leave_the_same_keys(one: str, other: str) -> None:
    assert name_keys(one) == name_keys(other)
