"""Zawgyi detection thresholds and the ICU converter, checked against a second converter."""

from __future__ import annotations

import unicodedata

import pytest
from myanmar.converter import convert as python_myanmar_convert

from haven.text.zawgyi import (
    UNICODE_AT_MOST,
    ZAWGYI_AT_LEAST,
    Encoding,
    classify,
    detect_encoding,
    to_unicode,
    zawgyi_probability,
)

# Synthetic names and common words as a Zawgyi keyboard stores them (vowel sign e and medial
# ra before the consonant, U+1039 as asat), with the Unicode spelling they stand for.
ZAWGYI_AND_UNICODE = [
    (
        "\u1031\u1019\u102c\u1004\u1039\u1031\u1021\u102c\u1004\u1039\u1031\u1000\u103a\u102c\u1039",
        "မောင်အောင်ကျော်",
    ),
    ("\u1031\u1000\u103a\u102c\u1039\u1031\u1021\u102c\u1004\u1039", "ကျော်အောင်"),
    ("\u1031\u1012\u105a\u1001\u1004\u1039\u103b\u1019\u1004\u1039\u1037", "ဒေါ်ခင်မြင့်"),
    ("\u1026\u1038\u1011\u103c\u1014\u1039\u1038\u1011\u103c\u1014\u1039\u1038", "ဦးထွန်းထွန်း"),
    ("\u103b\u1019\u1004\u1039\u1037\u103b\u1019\u1010\u1039", "မြင့်မြတ်"),
    ("\u101e\u1014\u1039\u1038\u1011\u102d\u102f\u1000\u1039", "သန်းထိုက်"),
    ("\u1031\u1005\u102c\u1011\u1030\u1038\u1011\u1030\u1038", "စောထူးထူး"),
    ("\u107f\u1016\u102d\u1033\u1038\u1031\u101d", "ဖြိုးဝေ"),
    ("\u101b\u1014\u1039\u108f\u102d\u102f\u1004\u1039", "ရန်နိုင်"),
    ("\u1005\u102d\u102f\u1004\u1039\u1038\u101c\u103d", "စိုင်းလှ"),
    ("\u107e\u1000\u100a\u1039\u107e\u1000\u100a\u1039", "ကြည်ကြည်"),
    ("\u1001\u103a\u1005\u1039\u1005\u102f\u1031\u101d", "ချစ်စုဝေ"),
    ("\u108f\u103d\u1004\u1039\u1038\u1006\u102e", "နှင်းဆီ"),
    ("\u1031\u101b\u108a", "ရွှေ"),
    ("\u1001\u1004\u1039\u1031\u1019\u102c\u1004\u1039\u106b\u103c\u1014\u1094\u1039", "ခင်မောင်ညွန့်"),
    ("\u101d\u1004\u1039\u1038\u108f\u102d\u102f\u1004\u1039", "ဝင်းနိုင်"),
    ("\u101b\u1014\u1039\u1000\u102f\u1014\u1039", "ရန်ကုန်"),
    ("\u1031\u1000\u103a\u102c\u1000\u1039\u1006\u100a\u1039", "ကျောက်ဆည်"),
    ("\u1010\u1015\u1039\u1019\u1031\u1010\u102c\u1039", "တပ်မတော်"),
    ("\u1031\u1007\u102c\u1039\u1019\u1004\u1039\u1038\u1011\u103c\u1014\u1039\u1038", "ဇော်မင်းထွန်း"),
]

# Sentences, long enough for the detector to be sure either way.
UNICODE_SENTENCE = "မောင်အောင်ကျော်သည် ရန်ကုန်မြို့တွင် နေထိုင်ပါသည်။"


@pytest.mark.parametrize(("zawgyi", "unicode"), ZAWGYI_AND_UNICODE)
def test_icu_converts_zawgyi_to_the_expected_unicode(zawgyi: str, unicode: str) -> None:
    assert to_unicode(zawgyi) == unicode


@pytest.mark.parametrize(("zawgyi", "unicode"), ZAWGYI_AND_UNICODE)
def test_icu_and_python_myanmar_agree(zawgyi: str, unicode: str) -> None:
    # python-myanmar writes dot below after asat; NFC puts them in the canonical order, which
    # is what Haven stores, so the comparison is made after NFC.
    other = unicodedata.normalize("NFC", python_myanmar_convert(zawgyi, "zawgyi", "unicode"))
    assert other == to_unicode(zawgyi) == unicode


@pytest.mark.parametrize(
    ("zawgyi", "unicode"),
    [
        # Stacked ta in its second Zawgyi form (U+1072), which python-myanmar 1.10 misses.
        ("\u1019\u108f\u1072\u1031\u101c\u1038", "မန္တလေး"),
        ("\u101e\u108f\u1072\u102c", "သန္တာ"),
        # Medial ha with u (U+1088) typed before or after vowel sign i.
        ("\u101c\u102d\u1088\u1004\u1039\u101e\u102c\u101a\u102c", "လှိုင်သာယာ"),
        ("\u101c\u1088\u102d\u1004\u1039\u101e\u102c\u101a\u102c", "လှိုင်သာယာ"),
    ],
)
def test_icu_handles_forms_the_second_converter_misses(zawgyi: str, unicode: str) -> None:
    assert to_unicode(zawgyi) == unicode


def test_to_unicode_leaves_latin_and_digits_alone() -> None:
    assert to_unicode("Aung Kyaw 12/OKM(N)123456") == "Aung Kyaw 12/OKM(N)123456"


def test_clear_unicode_is_detected() -> None:
    assert zawgyi_probability(UNICODE_SENTENCE) <= UNICODE_AT_MOST
    assert detect_encoding(UNICODE_SENTENCE) is Encoding.UNICODE


def test_clear_zawgyi_is_detected() -> None:
    zawgyi = " ".join(z for z, _ in ZAWGYI_AND_UNICODE[:6])
    assert zawgyi_probability(zawgyi) >= ZAWGYI_AT_LEAST
    assert detect_encoding(zawgyi) is Encoding.ZAWGYI


@pytest.mark.parametrize(("zawgyi", "unicode"), ZAWGYI_AND_UNICODE)
def test_each_zawgyi_name_is_detected_as_zawgyi_and_its_unicode_as_unicode(
    zawgyi: str, unicode: str
) -> None:
    assert detect_encoding(zawgyi) is Encoding.ZAWGYI
    assert detect_encoding(unicode) is Encoding.UNICODE


def test_a_short_ambiguous_word_is_uncertain() -> None:
    # A township name in Unicode whose virama reads as an asat in Zawgyi: the two readings
    # differ and the detector cannot tell them apart.
    word = "ဥက္ကလာပ"
    assert UNICODE_AT_MOST < zawgyi_probability(word) < ZAWGYI_AT_LEAST
    assert to_unicode(word) != word
    assert detect_encoding(word) is Encoding.UNCERTAIN


@pytest.mark.parametrize("word", ["ဦး", "ကို", "မ", "ခလရ ၅၃၁"])
def test_text_that_reads_the_same_in_both_encodings_is_not_uncertain(word: str) -> None:
    assert UNICODE_AT_MOST < zawgyi_probability(word) < ZAWGYI_AT_LEAST
    assert detect_encoding(word) is Encoding.UNICODE


@pytest.mark.parametrize("text", ["", "Aung Kyaw", "123456", "  "])
def test_text_without_burmese_has_probability_zero(text: str) -> None:
    assert zawgyi_probability(text) == 0.0
    assert detect_encoding(text) is Encoding.UNICODE


@pytest.mark.parametrize(
    ("probability", "expected"),
    [
        (1.0, Encoding.ZAWGYI),
        (0.95, Encoding.ZAWGYI),
        (0.9499, Encoding.UNCERTAIN),
        (0.5, Encoding.UNCERTAIN),
        (0.0501, Encoding.UNCERTAIN),
        (0.05, Encoding.UNICODE),
        (0.0, Encoding.UNICODE),
    ],
)
def test_classify_uses_the_documented_thresholds(probability: float, expected: Encoding) -> None:
    assert classify(probability) is expected
