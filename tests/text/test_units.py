"""Military units: many spellings, one UnitCode; anything unrecognised is None."""

from __future__ import annotations

import pytest

from haven.text.units import (
    MESSAGE,
    UNIT_KINDS,
    UnitCode,
    UnitCodeError,
    parse_unit,
    require_unit,
)


@pytest.mark.parametrize(
    "typed",
    [
        "LIB 531",
        "LIB-531",
        "lib531",
        "L.I.B. 531",
        "LIB No. 531",
        "LIB #531",
        "531st LIB",
        "Light Infantry Battalion 531",
        "Light Infantry Battalion (531)",
        "light infantry battalion-531",
        "Kha Ma Ya 531",
        "KhaMaYa-531",
        "ခမရ ၅၃၁",
        "ခမရ-၅၃၁",
        "ခမရ(၅၃၁)",
        "ခမရ 531",
        "ခမရ အမှတ် ၅၃၁",
        "ခြေမြန်တပ်ရင်း ၅၃၁",
        "အမှတ်(၅၃၁) ခြေမြန်တပ်ရင်း",
        "LIB ５３１",
    ],
)
def test_one_light_infantry_battalion_written_many_ways(typed: str) -> None:
    unit = parse_unit(typed)
    assert unit == UnitCode("LIB", "531")
    assert unit is not None
    assert unit.label == "LIB-531"


@pytest.mark.parametrize(
    "typed",
    ["IB 12", "IB-12", "ib12", "Infantry Battalion 12", "Kha La Ya 12", "ခလရ ၁၂", "ခလရ-12"],
)
def test_infantry_battalion_forms(typed: str) -> None:
    assert parse_unit(typed) == UnitCode("IB", "12")


@pytest.mark.parametrize(
    ("typed", "label"),
    [
        ("LID 33", "LID-33"),
        ("33rd LID", "LID-33"),
        ("88th Light Infantry Division", "LID-88"),
        ("Ta Ma Kha 77", "LID-77"),
        ("တမခ ၉၉", "LID-99"),
        ("ခြေမြန်တပ်မ ၁၀၁", "LID-101"),
        ("MOC 8", "MOC-8"),
        ("MOC-08", "MOC-8"),
        ("Military Operations Command 15", "MOC-15"),
        ("Sa Ka Kha 8", "MOC-8"),
        ("စကခ ၈", "MOC-8"),
        ("RMC 3", "RMC-3"),
        ("BGF 1004", "BGF-1004"),
        ("BGF Battalion 1004", "BGF-1004"),
        ("Border Guard Force 1004", "BGF-1004"),
        ("နယ်ခြားစောင့်တပ် ၁၀၀၄", "BGF-1004"),
        ("နယ်ခြားစောင့်တပ်ရင်း ၁၀၀၄", "BGF-1004"),
        ("ခမရ ၅ဝ", "LIB-50"),  # letter wa typed for zero
    ],
)
def test_other_kinds(typed: str, label: str) -> None:
    unit = parse_unit(typed)
    assert unit is not None
    assert unit.label == label


def test_zawgyi_input_is_converted_before_matching() -> None:
    # ခြေမြန်တပ်ရင်း ၅၃၁ typed on a Zawgyi keyboard.
    zawgyi = (
        "\u1031\u103b\u1001\u103b\u1019\u1014\u1039\u1010\u1015\u1039\u101b\u1004\u1039\u1038 ၅၃၁"
    )
    assert parse_unit(zawgyi) == UnitCode("LIB", "531")


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "LIB",
        "531",
        "XYZ 531",
        "LIB 53 1",
        "LIB 531 IB 12",
        "LIB 0",
        "LIB 12345",
        "Light Infantry 531",
        "Battalion 531",
        "LIB 531 Company 2",
        "ခ 531",
    ],
)
def test_unrecognised_input_is_none_never_a_guess(typed: str) -> None:
    assert parse_unit(typed) is None


def test_require_unit_raises_a_translatable_message() -> None:
    assert require_unit("IB 12") == UnitCode("IB", "12")
    with pytest.raises(UnitCodeError) as raised:
        require_unit("somewhere near Loikaw")
    assert raised.value.args[0] == MESSAGE


def test_every_kind_has_a_name_and_its_code_as_a_form() -> None:
    for kind, unit in UNIT_KINDS.items():
        assert kind in unit.forms
        assert unit.name
    assert UnitCode("LIB", "531").name == "Light Infantry Battalion"
