"""Service numbers: the Burmese and Latin ways of writing one number meet."""

from __future__ import annotations

import pytest

from haven.kernel.keys import canonical_service_number
from haven.text.service_numbers import service_number_key


@pytest.mark.parametrize(
    "typed",
    [
        "BA-482913",
        "ba 482913",
        "BA/482913",
        "BA482913",
        "ဗ-၄၈၂၉၁၃",  # ဗ is the letter BA
        "ဗ/၄၈၂၉၁၃",
        "ဗ ၄၈၂ ၉၁၃",
        "ဗ482913",
        "ＢＡ－４８２９１３",  # full-width
    ],
)
def test_one_number_however_written(typed: str) -> None:
    assert service_number_key(typed) == "BA482913"
    assert canonical_service_number(typed) == "BA482913"  # what blind indexes are made from


def test_letter_wa_among_digits_is_zero() -> None:
    assert service_number_key("ဗ-၄၈၂ဝ၁၃") == "BA482013"


def test_other_numbers_stay_apart() -> None:
    assert service_number_key("BC-12345") == "BC12345"
    assert service_number_key("BA-482914") != service_number_key("ဗ-၄၈၂၉၁၃")
    assert service_number_key("123456") == "123456"
    assert service_number_key("") is None
    assert service_number_key(" - ") is None


def test_a_burmese_word_is_kept_as_written() -> None:
    # No romanisation of ဗိုလ် is verified, so it is not turned into letters.
    assert service_number_key("ဗိုလ်-၁၂၃") == "ဗိုလ်123"
