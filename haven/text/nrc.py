"""Myanmar National Registration Card (NRC) numbers: `state/TOWNSHIP(citizenship)number`.

`parse_nrc` reads a number typed in any common way and gives its parts in one canonical form,
so that the same card typed in Latin letters or in Burmese script, with ASCII or Burmese digits,
is one number for search, duplicate detection and matching.

What is accepted, after `clean_text` (Zawgyi input is converted, or `UncertainEncoding` raised)
and NFKC (full-width characters), case-insensitive:
- state or region: 1 to 14, ASCII or Burmese digits (`haven.text.places.REGIONS` names them);
- a separator `/` (or `\\ | , . : -`, or none);
- township code: 2 to 12 Latin letters, optionally split by spaces ("DaMaSa", "DAMASA",
  "Da Ma Sa"), or 2 to 6 bare Burmese letters ("ဒမဆ": consonants and independent vowels, no
  vowel signs; a Burmese zero typed between them is read as the letter wa);
- citizenship in brackets, or separated by spaces when the brackets are missing; a Burmese
  word with vowel signs (နိုင်, ဧည့်, ပြု) may also follow the township without a space;
- exactly 6 digits, ASCII or Burmese, spaces allowed.
Letter wa (ဝ) counts as zero in the state and the number, where no letter can stand (wa and
zero are drawn alike), but not right after a Burmese letter, where it belongs to the township.

Citizenship kinds accepted (`CITIZENSHIP_FORMS`): N / NAING / နိုင် (citizen), E / AE / ဧ /
ဧည့် (associate citizen), P / PYU / ပ / ပြု (naturalised citizen). Other cards exist
(for example for temporary residents and religious orders) but their codes are not verified
here, so they are refused rather than guessed; add them to the table when verified.

The township code is kept as one key for both scripts (`haven.text.letters`): the official
Latin code spells each Burmese letter by its name, so ၂/ဒမဆ and 2/DaMaSa both give DAMASA.
Latin spellings other than the code lists' (HpaSaNa for PhaSaNa, HSA for SA, A for AH, U or
OO for OU, RA for YA) give the same key. A Latin code that is not a run of letter names (an
abbreviation such as "DMS") is resolved through the township table only in a state the table
lists completely (Kayah) and only when one township has those initials; otherwise it is kept
as typed. Codes missing from the table are accepted (the table is not complete outside Kayah);
`Nrc.township_place` gives the table's township when there is one.

Canonical form (`Nrc.canonical`): `2/DAMASA(N)123456` - ASCII digits, the township key in
capital letters, spaces removed, and the Latin citizenship letter. Refusals raise `NrcError`
naming the part to correct (`field`), with a translatable message (`MESSAGES`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from haven.i18n import N_
from haven.text.letters import is_bare_letters, latin_key, latin_names
from haven.text.normalise import Assume, clean_text, number_to_ascii, to_ascii_digits
from haven.text.places import TOWNSHIPS, Region, Township, nrc_township, region_of_nrc

STATE_NAMES: dict[int, str] = {
    1: N_("Kachin"),
    2: N_("Kayah"),
    3: N_("Kayin"),
    4: N_("Chin"),
    5: N_("Sagaing"),
    6: N_("Tanintharyi"),
    7: N_("Bago"),
    8: N_("Magway"),
    9: N_("Mandalay"),
    10: N_("Mon"),
    11: N_("Rakhine"),
    12: N_("Yangon"),
    13: N_("Shan"),
    14: N_("Ayeyarwady"),
}

CITIZENSHIP_NAMES: dict[str, str] = {
    "N": N_("Citizen"),
    "E": N_("Associate citizen"),
    "P": N_("Naturalised citizen"),
}

# Every accepted spelling (Latin upper case, Burmese NFC) -> canonical letter.
CITIZENSHIP_FORMS: dict[str, str] = {
    "N": "N",
    "NAING": "N",
    "နိုင်": "N",
    "E": "E",
    "AE": "E",
    "ဧ": "E",
    "ဧည့်": "E",
    "P": "P",
    "PYU": "P",
    "ပ": "P",
    "ပြု": "P",
}

NrcField = Literal["format", "state", "township", "citizenship", "number"]

MESSAGES: dict[NrcField, str] = {
    "format": N_(
        "Enter the NRC number as state/township(citizenship)number, for example 12/OuKaMa(N)123456."
    ),
    "state": N_("Enter the state or region number, 1 to 14."),
    "township": N_("Enter the township code in Latin or Burmese letters, for example OuKaMa."),
    "citizenship": N_("Enter the citizenship type in brackets: N, E or P, for example (N)."),
    "number": N_("Enter the 6-digit number."),
}

_BURMESE_LETTERS = "\u1000-\u102a"  # consonants and independent vowels, no signs
_STATE = re.compile(r"([0-9][0-9ဝ]*)\s*[/\\|,.:\-]?\s*")
# The number starts at the first digit, or at a wa typed for zero in front of it; a wa right
# after a Burmese letter belongs to the township code instead.
_NUMBER_START = re.compile(rf"(?<![{_BURMESE_LETTERS}])ဝ*[0-9]")
_BRACKETED = re.compile(r"(.*?)\s*[(\[{]\s*([^)\]}]*?)\s*[)\]}]?\s*$")
_LATIN_TOWNSHIP = re.compile(r"[A-Z]{2,12}")
_BURMESE_TOWNSHIP = re.compile(rf"[{_BURMESE_LETTERS}]{{2,6}}")
# Burmese citizenship words carry vowel signs, which township codes never do, so they can be
# told apart even when typed with no space: "ဥကမနိုင်" is ဥကမ + နိုင်. Bare ဧ and ပ cannot.
_GLUED_BURMESE = re.compile(rf"([{_BURMESE_LETTERS}]+?)(နိုင်|ဧည့်|ပြု)")


class NrcError(ValueError):
    """An NRC number that cannot be read; `field` names the part to correct.

    `args[0]` is the translatable msgid, so schema validation shows it as the field message.
    """

    def __init__(self, field: NrcField) -> None:
        super().__init__(MESSAGES[field])
        self.field: NrcField = field
        self.message = MESSAGES[field]


@dataclass(frozen=True)
class Nrc:
    """A valid NRC number in canonical parts (see the module docstring)."""

    state: int
    township: str
    citizenship: str
    number: str

    @property
    def canonical(self) -> str:
        return f"{self.state}/{self.township}({self.citizenship}){self.number}"

    @property
    def state_name(self) -> str:
        """The English name of the state or region, a msgid to translate for display."""
        return STATE_NAMES[self.state]

    @property
    def region(self) -> Region | None:
        """The state or region in the reference table (`haven.text.places`)."""
        return region_of_nrc(self.state)

    @property
    def township_place(self) -> Township | None:
        """The township whose code this is, when the reference table has it."""
        return nrc_township(self.state, self.township)

    def __str__(self) -> str:
        return self.canonical


def _split_middle(middle: str) -> tuple[str, str]:
    """Split what lies between state and number into (township, citizenship)."""
    bracketed = _BRACKETED.fullmatch(middle)
    if bracketed:
        return bracketed.group(1), bracketed.group(2)
    glued = _GLUED_BURMESE.fullmatch(middle)
    if glued:
        return glued.group(1), glued.group(2)
    head, space, tail = middle.rpartition(" ")
    return (head, tail) if space else (middle, "")


def _initials(township: Township) -> str:
    names = latin_names(township.nrc_latin or "") or ()
    return "".join(name[0] for name in names)


def _abbreviation(state: int, letters: str) -> str | None:
    """The key of the one township of a completely listed state with these initials."""
    region = region_of_nrc(state)
    if region is None or not region.complete:
        return None
    found = {t.nrc_key for t in TOWNSHIPS if t.nrc_state == state and _initials(t) == letters}
    return found.pop() if len(found) == 1 else None


def township_key(state: int, code: str) -> str:
    """The key of a Latin township code as `parse_nrc` keeps it ("HpaSaNa" -> "PHASANA"), for
    callers that hold an NRC already split into parts."""
    compact = "".join(code.split()).upper()
    return latin_key(compact) or _abbreviation(state, compact) or compact


def _township(raw: str, state: int) -> str:
    compact = "".join(raw.split())
    if _BURMESE_TOWNSHIP.fullmatch(compact.replace("0", "ဝ")):
        compact = compact.replace("0", "ဝ")  # a Burmese zero typed for the letter wa
    if _LATIN_TOWNSHIP.fullmatch(compact):
        return township_key(state, compact)
    if _BURMESE_TOWNSHIP.fullmatch(compact) and is_bare_letters(compact):
        key = latin_key(compact)
        if key:
            return key
    raise NrcError("township")


def parse_nrc(value: str, *, assume: Assume = "detect") -> Nrc:
    """Read an NRC number typed in any common way; raise `NrcError` naming the wrong part.

    Raises `UncertainEncoding` (from `clean_text`) when Burmese text may be Zawgyi.
    """
    text = clean_text(value, assume=assume).text
    text = to_ascii_digits(unicodedata.normalize("NFKC", text)).upper()
    if not text:
        raise NrcError("format")
    state_match = _STATE.match(text)
    if state_match is None:
        # Without a leading number this may not be an NRC at all, or only the state is missing.
        raise NrcError("state" if "(" in text or _NUMBER_START.search(text) else "format")
    state = int(number_to_ascii(state_match.group(1)))
    if not 1 <= state <= 14:
        raise NrcError("state")

    rest = text[state_match.end() :]
    # The number follows the citizenship: after its closing bracket when there is one, so a
    # digit typed into the township code is reported there and not taken as the number.
    after_bracket = max(rest.rfind(bracket) for bracket in ")]}") + 1
    number_start = _NUMBER_START.search(rest, after_bracket)
    cut = number_start.start() if number_start else len(rest)
    # Dashes or dots between the parts ("12-OKM-N-123456") count as spaces.
    middle = " ".join(re.sub(r"[\-/.,:]", " ", rest[:cut]).split())
    number_raw = rest[cut:]
    township_raw, citizenship_raw = _split_middle(middle)

    township = _township(township_raw, state)
    citizenship = CITIZENSHIP_FORMS.get("".join(citizenship_raw.split()).strip("()[]{}"))
    if citizenship is None:
        raise NrcError("citizenship")

    number = number_to_ascii("".join(number_raw.split()))
    if not re.fullmatch(r"[0-9]{6}", number):
        raise NrcError("number")
    return Nrc(state=state, township=township, citizenship=citizenship, number=number)


def is_valid_nrc(value: str) -> bool:
    """Whether `value` reads as an NRC number (Zawgyi-uncertain text counts as not valid)."""
    try:
        parse_nrc(value)
    except ValueError:
        return False
    return True
