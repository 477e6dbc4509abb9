"""clean_text: one stored spelling for the same text, whatever the keyboard or encoding."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError, field_validator

from haven.text.normalise import (
    CleanText,
    UncertainEncoding,
    clean_text,
    has_myanmar,
    is_latin,
    number_to_ascii,
    to_ascii_digits,
    to_burmese_digits,
)
from haven.validation import fields_from_errors

MAUNG_AUNG_KYAW_ZAWGYI = (
    "\u1031\u1019\u102c\u1004\u1039\u1031\u1021\u102c\u1004\u1039\u1031\u1000\u103a\u102c\u1039"
)
MAUNG_AUNG_KYAW = "မောင်အောင်ကျော်"


def test_the_same_name_in_zawgyi_and_unicode_is_stored_identically() -> None:
    from_zawgyi = clean_text(MAUNG_AUNG_KYAW_ZAWGYI)
    from_unicode = clean_text(MAUNG_AUNG_KYAW)
    assert from_zawgyi.text == from_unicode.text == MAUNG_AUNG_KYAW
    assert from_zawgyi.converted is True
    assert from_unicode.converted is False
    assert not from_zawgyi.uncertain
    assert not from_unicode.uncertain


def test_the_same_name_with_stray_spaces_and_invisible_characters_is_stored_identically() -> None:
    messy = "\ufeff  မောင်\u200bအောင်\u200cကျော်\u00a0 \n"
    assert clean_text(messy).text == MAUNG_AUNG_KYAW


def test_zawgyi_with_invisible_characters_is_still_detected_and_converted() -> None:
    messy = "\u200b" + MAUNG_AUNG_KYAW_ZAWGYI.replace("\u1039", "\u1039\u200b") + " "
    assert clean_text(messy) == CleanText(MAUNG_AUNG_KYAW, converted=True, uncertain=False)


def test_whitespace_is_trimmed_and_collapsed() -> None:
    assert clean_text("  Aung \t\t Kyaw \r\n Oo  ").text == "Aung Kyaw Oo"


def test_control_characters_are_removed() -> None:
    assert clean_text("Aung\x00 Ky\x07aw\x1b").text == "Aung Kyaw"


def test_multiline_keeps_line_breaks_and_at_most_one_blank_line() -> None:
    value = "\n  first   line \r\n\n\n\nsecond\u200b line  \n\n"
    assert clean_text(value, multiline=True).text == "first line\n\nsecond line"


def test_result_is_nfc() -> None:
    # U+1025 U+102E composes to U+1026 (ဦ); e + combining acute composes to é.
    assert clean_text("\u1025\u102e\u1038 Rene\u0301").text == "\u1026\u1038 Ren\u00e9"
    # Dot below typed after asat is put before it, the order Zawgyi conversion also produces.
    assert clean_text("\u1019\u103c\u1004\u103a\u1037").text == "\u1019\u103c\u1004\u1037\u103a"


def test_empty_text_is_empty() -> None:
    assert clean_text(" \u200b\n ") == CleanText("", converted=False, uncertain=False)


def test_uncertain_text_is_not_converted_silently() -> None:
    with pytest.raises(UncertainEncoding) as raised:
        clean_text(" ဥက္ကလာပ ")
    assert raised.value.args[0] == UncertainEncoding.message
    assert raised.value.as_unicode == "ဥက္ကလာပ"
    assert raised.value.as_zawgyi == "ဥက်ကလာပ"


def test_the_users_answer_decides_uncertain_text() -> None:
    assert clean_text("ဥက္ကလာပ", assume="unicode") == CleanText(
        "ဥက္ကလာပ", converted=False, uncertain=True
    )
    assert clean_text("ဥက္ကလာပ", assume="zawgyi") == CleanText(
        "ဥက်ကလာပ", converted=True, uncertain=True
    )


def test_assume_unicode_keeps_zawgyi_looking_text_as_typed() -> None:
    result = clean_text(MAUNG_AUNG_KYAW_ZAWGYI, assume="unicode")
    assert result.converted is False
    assert result.text != MAUNG_AUNG_KYAW


class _Person(BaseModel):
    name: str

    @field_validator("name")
    @classmethod
    def _clean(cls, value: str) -> str:
        return clean_text(value).text


def test_a_schema_reports_uncertain_text_as_a_translatable_field_message() -> None:
    with pytest.raises(ValidationError) as raised:
        _Person(name="ဥက္ကလာပ")
    assert fields_from_errors(raised.value.errors()) == {"name": UncertainEncoding.message}
    assert _Person(name=MAUNG_AUNG_KYAW_ZAWGYI).name == MAUNG_AUNG_KYAW


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("မောင်အောင်ကျော်", True),
        ("Saw ထူးထူး", True),
        ("ꩠ", True),  # Myanmar Extended-A (Khamti Shan)
        ("Aung Kyaw", False),
        ("123", False),
        ("", False),
    ],
)
def test_has_myanmar(text: str, expected: bool) -> None:
    assert has_myanmar(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Aung Kyaw", True),
        ("Mg. Aung-Kyaw (2)", True),
        ("Nguyễn", True),
        ("Saw ထူးထူး", False),
        ("မောင်အောင်ကျော်", False),
        ("Алексей", False),
        ("123 - 456", False),
        ("", False),
    ],
)
def test_is_latin(text: str, expected: bool) -> None:
    assert is_latin(text) is expected


def test_burmese_digits_convert_both_ways() -> None:
    assert to_ascii_digits("၀၁၂၃၄၅၆၇၈၉") == "0123456789"
    assert to_burmese_digits("0123456789") == "၀၁၂၃၄၅၆၇၈၉"
    assert to_ascii_digits("ခမရ ၅၃၁") == "ခမရ 531"
    assert to_burmese_digits("LIB-531") == "LIB-၅၃၁"
    assert to_ascii_digits(to_burmese_digits("12/OKM(N)123456")) == "12/OKM(N)123456"


def test_letter_wa_is_zero_only_in_numbers() -> None:
    assert to_ascii_digits("၁ဝ") == "1ဝ"
    assert number_to_ascii("၁ဝ၀") == "100"
