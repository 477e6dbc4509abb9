"""Myanmar military units written many ways, reduced to one (kind, number).

"LIB 531", "lib531", "Light Infantry Battalion (531)", "531st LIB", "Kha Ma Ya 531" and
"ခမရ ၅၃၁" are all `UnitCode("LIB", "531")`. Input that matches no known form gives `None`:
a unit is evidence in vetting, so an unrecognised one is kept as typed, never guessed.

The forms live in `UNIT_KINDS`, one data table, so that a wrong or missing form is a one-line
correction. Burmese abbreviations are included only where they are the initials of a
well-known Burmese name:
- ခမရ = ခြေမြန်တပ်ရင်း ("fast-foot" battalion) = Light Infantry Battalion;
- ခလရ = ခြေလျင်တပ်ရင်း ("foot" battalion) = Infantry Battalion;
- တမခ = ခြေမြန်တပ်မ = Light Infantry Division;
- စကခ = စစ်ဆင်ရေးကွပ်ကဲမှုဌာနချုပ် = Military Operations Command.
No Burmese abbreviation of Regional Military Command is included: none is verified here.
Regional commands are usually named (Northern Command) rather than numbered, so in practice
only "RMC <number>" style input reads as one.

Beyond infantry (so that they too are screened by unit and period): Tactical Operations
Commands (နည်းဗျူဟာ; numbered within their division or command, so "TOC 2" names the
second TOC of every division alike: a hit on it is for the vetting officer to check),
Regional Operations Commands, artillery battalions (အမြောက်တပ်ရင်း) and Artillery
Operations Commands, police battalions (ရဲတပ်ရင်း) and security police battalions (Lon Htein,
လုံထိန်း), People's Militia (ပြည်သူ့စစ်) and Pyusawhti (ပျူစောထီး) units. A militia named by
its village rather than a number is kept as written, like any unrecognised unit.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from haven.i18n import N_
from haven.text.normalise import Assume, clean_text, number_to_ascii, to_ascii_digits


@dataclass(frozen=True)
class UnitKind:
    """A kind of unit: its English name (a msgid) and every accepted way of writing it."""

    name: str
    forms: tuple[str, ...]


UNIT_KINDS: dict[str, UnitKind] = {
    "LIB": UnitKind(
        N_("Light Infantry Battalion"),
        ("LIB", "Light Infantry Battalion", "Kha Ma Ya", "ခမရ", "ခြေမြန်တပ်ရင်း"),
    ),
    "IB": UnitKind(
        N_("Infantry Battalion"),
        ("IB", "Infantry Battalion", "Kha La Ya", "ခလရ", "ခြေလျင်တပ်ရင်း"),
    ),
    "LID": UnitKind(
        N_("Light Infantry Division"),
        ("LID", "Light Infantry Division", "Ta Ma Kha", "Chay Myan Tat Ma", "တမခ", "ခြေမြန်တပ်မ"),
    ),
    "MOC": UnitKind(
        N_("Military Operations Command"),
        (
            "MOC",
            "Military Operations Command",
            "Military Operation Command",
            "Sa Ka Kha",
            "စကခ",
            "စစ်ဆင်ရေးကွပ်ကဲမှုဌာနချုပ်",
        ),
    ),
    "RMC": UnitKind(N_("Regional Military Command"), ("RMC", "Regional Military Command")),
    "BGF": UnitKind(
        N_("Border Guard Force"),
        (
            "BGF",
            "BGF Battalion",
            "Border Guard Force",
            "Border Guard Force Battalion",
            "နယ်ခြားစောင့်တပ်",
            "နယ်ခြားစောင့်တပ်ရင်း",
        ),
    ),
    "TOC": UnitKind(
        N_("Tactical Operations Command"),
        (
            "TOC",
            "Tactical Operations Command",
            "Tactical Operation Command",
            "Tactical Command",
            "နည်းဗျူဟာ",
        ),
    ),
    "ROC": UnitKind(
        N_("Regional Operations Command"),
        ("ROC", "Regional Operations Command", "Regional Operation Command"),
    ),
    "ARTY": UnitKind(
        N_("Artillery Battalion"),
        (
            "ARTY",
            "Arty Bn",
            "Artillery Battalion",
            "Field Artillery Battalion",
            "Light Artillery Battalion",
            "အမြောက်တပ်ရင်း",
        ),
    ),
    "AOC": UnitKind(
        N_("Artillery Operations Command"),
        ("AOC", "Artillery Operations Command", "Artillery Operation Command"),
    ),
    "PB": UnitKind(N_("Police Battalion"), ("PB", "Police Battalion", "Police Bn", "ရဲတပ်ရင်း")),
    "SPB": UnitKind(
        N_("Security Police Battalion"),
        (
            "SPB",
            "Security Police Battalion",
            "Lon Htein",
            "Lon Htein Battalion",
            "လုံထိန်း",
            "လုံထိန်းတပ်ရင်း",
        ),
    ),
    "PMF": UnitKind(
        N_("People's Militia unit"),
        ("PMF", "People's Militia", "People's Militia Force", "Pyithu Sit", "ပြည်သူ့စစ်"),
    ),
    "PSH": UnitKind(
        N_("Pyusawhti militia"),
        ("PSH", "Pyusawhti", "Pyu Saw Htee", "Pyu Saw Hti", "ပျူစောထီး"),
    ),
}

MESSAGE = N_("Enter the unit as a type and a number, for example LIB-531.")

# Punctuation people put between the parts: "LIB-531", "L.I.B. 531", "LIB (531)", "LIB #531".
_SEPARATORS = re.compile(r"[\s\-_.,:;/#()\[\]{}'\"]+")
_NUMBER = re.compile(r"[0-9][0-9ဝ]*")
_MAX_DIGITS = 4  # battalions run to the hundreds, BGF battalions to 10xx


def _key(form: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFC", form).upper())


def _kinds_by_key() -> dict[str, str]:
    keys: dict[str, str] = {}
    for kind, unit in UNIT_KINDS.items():
        for form in unit.forms:
            keys[_key(form)] = kind
    return keys


_KINDS_BY_KEY = _kinds_by_key()
_KIND_PATTERN = "|".join(re.escape(key) for key in sorted(_KINDS_BY_KEY, key=len, reverse=True))
# "No." in English and အမှတ် ("number") in Burmese may stand before the number.
_NUMBER_WORD = r"(?:NO|NUMBER|အမှတ်)?"
_KIND_FIRST = re.compile(rf"(?P<kind>{_KIND_PATTERN}){_NUMBER_WORD}(?P<number>[0-9]+)")
_NUMBER_FIRST = re.compile(
    rf"{_NUMBER_WORD}(?P<number>[0-9]+)(?:ST|ND|RD|TH)?(?P<kind>{_KIND_PATTERN})"
)


class UnitCodeError(ValueError):
    """A unit that matches no known form; `args[0]` is the translatable msgid."""

    def __init__(self) -> None:
        super().__init__(MESSAGE)
        self.message = MESSAGE


@dataclass(frozen=True)
class UnitCode:
    """A unit as kind (a key of `UNIT_KINDS`) and number without leading zeros."""

    kind: str
    number: str

    @property
    def label(self) -> str:
        return f"{self.kind}-{self.number}"

    @property
    def name(self) -> str:
        """The English name of the kind, a msgid to translate for display."""
        return UNIT_KINDS[self.kind].name

    def __str__(self) -> str:
        return self.label


def parse_unit(value: str, *, assume: Assume = "detect") -> UnitCode | None:
    """The unit written in `value`, or `None` when it is not a recognised form.

    Raises `UncertainEncoding` (from `clean_text`) when Burmese text may be Zawgyi.
    """
    text = clean_text(value, assume=assume).text
    text = to_ascii_digits(unicodedata.normalize("NFKC", text)).upper()
    spaced = _SEPARATORS.sub(" ", text)
    numbers = _NUMBER.findall(spaced)
    if len(numbers) != 1:
        # "LIB 53 1" or "LIB 531 / IB 12" is not one unit; joining the parts would be a guess.
        return None
    compact = _SEPARATORS.sub("", spaced).replace(numbers[0], number_to_ascii(numbers[0]))
    match = _KIND_FIRST.fullmatch(compact) or _NUMBER_FIRST.fullmatch(compact)
    if match is None:
        return None
    number = match.group("number").lstrip("0")
    if not number or len(number) > _MAX_DIGITS:
        return None
    return UnitCode(kind=_KINDS_BY_KEY[match.group("kind")], number=number)


def require_unit(value: str, *, assume: Assume = "detect") -> UnitCode:
    """Like `parse_unit` for a field that must hold a unit: raise `UnitCodeError` if not."""
    unit = parse_unit(value, assume=assume)
    if unit is None:
        raise UnitCodeError()
    return unit
