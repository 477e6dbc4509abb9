"""The phonetic key space: Burmese script and Latin spellings of one name meet."""

from __future__ import annotations

import pytest

from haven.matching.phonetic import name_keys

SAME = [
    ("အောင်ကျော်", "Aung Kyaw"),
    ("ထွန်းဝင်း", "Htun Win"),
    ("ထွန်းဝင်း", "Tun Winn"),
    ("သိန်းမြင့်", "Thane Myin"),
    ("သိန်းမြင့်", "Thein Myint"),
    ("ဦးထွန်းဦး", "U Tun Oo"),
    ("တေဇ", "Tayza"),
    ("တေဇ", "Tay Za"),
    ("ဖြိုးဝေ", "Phyo Wai"),
    ("ခင်မောင်ကြီး", "Khin Maung Gyi"),
    ("ဘုန်းမြင့်", "Phone Myint"),
    ("မောင်မောင်", "Maung Maung"),
]


@pytest.mark.parametrize(("burmese", "latin"), SAME)
def test_scripts_meet(burmese: str, latin: str) -> None:
    assert name_keys(burmese) == name_keys(latin)


def test_prefix_and_abbreviation_are_dropped() -> None:
    assert name_keys("Mg Aung Kyaw") == name_keys("Aung Kyaw") == name_keys("Maung Aung Kyaw")
    assert name_keys("မောင်အောင်ကျော်") == name_keys("အောင်ကျော်")


def test_order_is_kept() -> None:
    assert name_keys("Aung Kyaw") != name_keys("Kyaw Aung")
    assert name_keys("Aung Kyaw") == ("aung", "caw")


def test_zawgyi_is_converted() -> None:
    zawgyi = "ေအာင္ေက်ာ္"  # အောင်ကျော် typed in Zawgyi
    assert name_keys(zawgyi) == name_keys("အောင်ကျော်")


def test_empty() -> None:
    assert name_keys(None) == ()
    assert name_keys("  ") == ()
