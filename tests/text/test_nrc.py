"""NRC numbers: the forms people type, the canonical form, and field-level refusals."""

from __future__ import annotations

import pytest

from haven.text.normalise import to_burmese_digits
from haven.text.nrc import MESSAGES, STATE_NAMES, Nrc, NrcError, is_valid_nrc, parse_nrc
from haven.text.places import TOWNSHIPS, Township


@pytest.mark.parametrize(
    "typed",
    [
        "12/OuKaMa(N)123456",
        "12/OUKAMA(N)123456",
        "12/oukama(n)123456",
        "12 / Ou Ka Ma (N) 123456",
        "12/OuKaMa N 123456",
        "12/OuKaMa (Naing) 123 456",
        "12-OuKaMa-N-123456",
        "12/Ou.Ka.Ma[N]123456",
        "１２／ＯｕＫａＭａ（Ｎ）１２３４５６",  # full-width, as some phone keyboards type
        "၁၂/OuKaMa(N)၁၂၃၄၅၆",
        "  12/OuKaMa(N)123456\u200b ",
    ],
)
def test_latin_township_forms_give_one_canonical_number(typed: str) -> None:
    assert parse_nrc(typed) == Nrc(state=12, township="OUKAMA", citizenship="N", number="123456")
    assert parse_nrc(typed).canonical == "12/OUKAMA(N)123456"


@pytest.mark.parametrize(
    "typed",
    [
        "၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆",
        "12/ဥကမ(နိုင်)123456",
        "၁၂/ဥကမ(N)၁၂၃၄၅၆",
        "၁၂/ဥကမ နိုင် ၁၂၃၄၅၆",
        "၁၂/ဥကမနိုင်၁၂၃၄၅၆",
        "၁၂ / ဥ က မ (နိုင်) ၁၂၃ ၄၅၆",
    ],
)
def test_burmese_script_forms_give_one_canonical_number(typed: str) -> None:
    nrc = parse_nrc(typed)
    assert nrc == Nrc(state=12, township="OUKAMA", citizenship="N", number="123456")
    assert nrc.canonical == "12/OUKAMA(N)123456"
    assert nrc.canonical == parse_nrc("12/OuKaMa(N)123456").canonical  # both scripts meet


def test_burmese_digits_and_latin_digits_give_equal_canonical_forms() -> None:
    assert parse_nrc("၉/ပမန(ဧ)၀၁၂၃၄၅").canonical == parse_nrc("9/ပမန(E)012345").canonical
    assert parse_nrc("၁/MaKaNa(N)၁၂၃၄၅၆") == parse_nrc("1/MaKaNa(N)123456")


def test_zawgyi_typed_nrc_is_converted_first() -> None:
    # ၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆ typed on a Zawgyi keyboard: ႏ is a Zawgyi-only form of na.
    zawgyi = "၁၂/ဥကမ(\u108f\u102d\u102f\u1004\u1039)၁၂၃၄၅၆"
    assert parse_nrc(zawgyi).canonical == "12/OUKAMA(N)123456"


def test_letter_wa_in_numbers_reads_as_zero() -> None:
    assert parse_nrc("၁၂/ဥကမ(နိုင်)ဝ၁၂၃၄ဝ").number == "012340"
    assert parse_nrc("၁ဝ/မလမ(နိုင်)၁၂၃၄၅၆").state == 10
    # A wa after a Burmese letter is part of the township code.
    assert parse_nrc("၁၂/ဥကဝ(နိုင်)၁၂၃၄၅၆").township == "OUKAWA"


@pytest.mark.parametrize(
    ("typed", "citizenship"),
    [
        ("12/OKM(N)123456", "N"),
        ("12/OKM(NAING)123456", "N"),
        ("12/OKM(E)123456", "E"),
        ("12/OKM(AE)123456", "E"),
        ("12/ဥကမ(ဧ)123456", "E"),
        ("12/ဥကမ(ဧည့်)123456", "E"),
        ("12/OKM(P)123456", "P"),
        ("12/OKM(Pyu)123456", "P"),
        ("12/ဥကမ(ပ)123456", "P"),
        ("12/ဥကမ(ပြု)123456", "P"),
    ],
)
def test_accepted_citizenship_types(typed: str, citizenship: str) -> None:
    assert parse_nrc(typed).citizenship == citizenship


def test_states_map_to_names() -> None:
    assert parse_nrc("1/MKN(N)123456").state_name == "Kachin"
    assert parse_nrc("14/PTN(N)123456").state_name == "Ayeyarwady"
    assert parse_nrc("12/OKM(N)123456").state_name == "Yangon"
    assert sorted(STATE_NAMES) == list(range(1, 15))


@pytest.mark.parametrize(
    ("typed", "field"),
    [
        ("0/OKM(N)123456", "state"),
        ("15/OKM(N)123456", "state"),
        ("၀/ဥကမ(နိုင်)၁၂၃၄၅၆", "state"),
        ("၁၅/ဥကမ(နိုင်)၁၂၃၄၅၆", "state"),
        ("OKM(N)123456", "state"),
        ("12/(N)123456", "township"),
        ("12/O(N)123456", "township"),
        ("12/OKM2(N)123456", "township"),
        ("12/OKM(X)123456", "citizenship"),
        ("12/OKM()123456", "citizenship"),
        ("12/OUKAMAN123456", "citizenship"),
        ("12/OKM 123456", "citizenship"),
        ("12/OKM(N)12345", "number"),
        ("12/OKM(N)1234567", "number"),
        ("၁၂/ဥကမ(နိုင်)၁၂၃၄၅", "number"),
        ("၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆၇", "number"),
        ("12/OKM(N)12345X", "number"),
        ("12/OKM(N)", "number"),
        ("", "format"),
        ("not a card", "format"),
    ],
)
def test_wrong_parts_are_refused_with_a_message_for_that_part(typed: str, field: str) -> None:
    with pytest.raises(NrcError) as raised:
        parse_nrc(typed)
    assert raised.value.field == field
    assert raised.value.args[0] == MESSAGES[raised.value.field]
    assert not is_valid_nrc(typed)


def test_messages_are_the_documented_msgids() -> None:
    assert MESSAGES["state"] == "Enter the state or region number, 1 to 14."
    assert MESSAGES["number"] == "Enter the 6-digit number."


def test_str_is_canonical() -> None:
    assert str(parse_nrc("5/MaYaNa(N)654321")) == "5/MAYANA(N)654321"


@pytest.mark.parametrize(
    "township", [t for t in TOWNSHIPS if t.nrc_state], ids=lambda t: f"{t.nrc_state}/{t.nrc_latin}"
)
def test_every_township_code_in_the_table_meets_across_scripts(township: Township) -> None:
    state = township.nrc_state
    assert state is not None
    assert township.nrc_latin
    assert township.nrc_my
    latin = parse_nrc(f"{state}/{township.nrc_latin}(N)123456")
    upper = parse_nrc(f"{state}/{township.nrc_latin.upper()}(N)123456")
    burmese = parse_nrc(
        f"{to_burmese_digits(str(state))}/{township.nrc_my}(နိုင်){to_burmese_digits('123456')}"
    )
    assert latin.canonical == upper.canonical == burmese.canonical
    assert latin.canonical == f"{state}/{township.nrc_key}(N)123456"
    assert latin.township_place == burmese.township_place == township


@pytest.mark.parametrize(
    ("burmese", "latin", "name"),
    [
        ("၂/ဒမဆ(နိုင်)၁၂၃၄၅၆", "2/DaMaSa(N)123456", "Demoso"),
        ("၂/ဖရဆ(နိုင်)၁၂၃၄၅၆", "2/PhaYaSa(N)123456", "Hpruso"),
        ("၂/ဖဆန(နိုင်)၁၂၃၄၅၆", "2/PhaSaNa(N)123456", "Hpasawng"),
        ("၂/မစန(နိုင်)၁၂၃၄၅၆", "2/MaSaNa(N)123456", "Mese"),
        ("၂/ဘလခ(နိုင်)၁၂၃၄၅၆", "2/BaLaKha(N)123456", "Bawlakhe"),
        ("၂/လကန(နိုင်)၁၂၃၄၅၆", "2/LaKaNa(N)123456", "Loikaw"),
        ("၂/ရတန(နိုင်)၁၂၃၄၅၆", "2/YaTaNa(N)123456", "Shadaw"),
    ],
)
def test_karenni_codes_are_one_number_in_both_scripts(burmese: str, latin: str, name: str) -> None:
    assert parse_nrc(burmese) == parse_nrc(latin)
    place = parse_nrc(burmese).township_place
    assert place is not None
    assert place.name_en == name
    assert place.region == "kayah"


@pytest.mark.parametrize(
    "typed",
    [
        "2/HpaSaNa(N)123456",  # Hp for ဖ, as in the township's own name
        "2/PHAHSANA(N)123456",  # Haven's earlier letter-by-letter form of ဖဆန
        "2/Pha Hsa Na (N) 123456",
        "2/PSN(N)123456",  # initials: one Kayah township has them
    ],
)
def test_other_spellings_of_a_code_give_its_key(typed: str) -> None:
    assert parse_nrc(typed).canonical == "2/PHASANA(N)123456"


def test_earlier_letter_by_letter_forms_read_as_the_official_keys() -> None:
    assert parse_nrc("2/DAMAHSA(N)123456").canonical == "2/DAMASA(N)123456"
    assert parse_nrc("2/BHALAKHA(N)123456").canonical == "2/BALAKHA(N)123456"
    assert parse_nrc("9/AMAYA(N)123456").canonical == "9/AHMAYA(N)123456"


def test_initials_are_kept_as_typed_when_not_one_township() -> None:
    assert parse_nrc("2/YTN(N)123456").township == "YTN"  # Shadaw and Ywarthit share them
    assert parse_nrc("12/OKM(N)123456").township == "OKM"  # Yangon is not listed completely
    assert parse_nrc("2/DMS(N)123456").township == "DAMASA"


def test_codes_not_in_the_table_are_still_accepted() -> None:
    nrc = parse_nrc("13/KaLaNa(N)123456")
    assert nrc.canonical == "13/KALANA(N)123456"
    assert nrc.township_place is None
    assert nrc.region is not None
    assert nrc.region.key == "shan"


def test_a_burmese_zero_typed_for_wa_in_a_code() -> None:
    assert parse_nrc("၁/ပ၀န(နိုင်)၁၂၃၄၅၆").canonical == parse_nrc("1/PaWaNa(N)123456").canonical
