"""Clean text at the boundary: one spelling of every stored string (ARCHITECTURE.md rule 9).

`clean_text` is the one way user text enters Haven. Its result is NFC Unicode without control
or zero-width characters, trimmed, with runs of whitespace collapsed to one space, so that the
same name typed twice, on any keyboard and in either Burmese encoding, is stored identically.

The order of the steps matters:
1. invisible characters go first, because they disturb Zawgyi detection;
2. Zawgyi is converted before NFC, because NFC reorders combining marks by their Unicode
   classes, and in Zawgyi those code points mean other things: reordering would corrupt the
   text before it could be converted.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

from haven.i18n import N_
from haven.text.zawgyi import Encoding, detect_encoding, to_unicode

Assume = Literal["detect", "unicode", "zawgyi"]

_BURMESE_DIGITS = "၀၁၂၃၄၅၆၇၈၉"
_TO_ASCII = str.maketrans(_BURMESE_DIGITS, "0123456789")
_TO_BURMESE = str.maketrans("0123456789", _BURMESE_DIGITS)
# Letter wa (ဝ) and digit zero (၀) look identical and are often typed for each other; where
# only a number can stand, wa can only mean zero.
_NUMBER_TO_ASCII = str.maketrans(_BURMESE_DIGITS + "ဝ", "0123456789" + "0")

_MYANMAR_RANGES = (
    (0x1000, 0x109F),  # Myanmar
    (0xA9E0, 0xA9FF),  # Myanmar Extended-B
    (0xAA60, 0xAA7F),  # Myanmar Extended-A
)


@dataclass(frozen=True)
class CleanText:
    """Text ready to store: NFC Unicode, trimmed, invisible characters removed.

    `converted` says the input was Zawgyi and was converted; `uncertain` says the detector
    could not tell the encoding (so the caller's `assume` decided it).
    """

    text: str
    converted: bool
    uncertain: bool


class UncertainEncoding(ValueError):
    """The text may be Zawgyi or Unicode and the two readings differ: ask the user.

    `args[0]` is a translatable msgid, so schema validation shows it as a field message.
    `as_unicode` and `as_zawgyi` are the two candidate texts, for a form that lets the user
    pick the one that looks right; re-submit with `assume="unicode"` or `assume="zawgyi"`.
    """

    message = N_(
        "This Burmese text may have been typed in the Zawgyi encoding. "
        "Confirm whether it is Zawgyi or Unicode."
    )

    def __init__(self, as_unicode: str, as_zawgyi: str) -> None:
        super().__init__(self.message)
        self.as_unicode = as_unicode
        self.as_zawgyi = as_zawgyi


def _is_invisible(char: str) -> bool:
    # Cf covers zero-width spaces and joiners, the byte-order mark, soft hyphens and bidi
    # controls; Cc covers control characters. Whitespace controls (tab, newline) are kept
    # here and collapsed by the caller.
    category = unicodedata.category(char)
    return category == "Cf" or (category == "Cc" and not char.isspace())


def _collapse(line: str) -> str:
    visible = "".join(char for char in line if not _is_invisible(char))
    return " ".join(visible.split())


def _tidy(value: str, *, multiline: bool) -> str:
    if not multiline:
        return _collapse(value)
    lines: list[str] = []
    for line in value.splitlines():
        cleaned = _collapse(line)
        if cleaned or (lines and lines[-1]):
            lines.append(cleaned)
    return "\n".join(lines).strip("\n")


def clean_text(value: str, *, assume: Assume = "detect", multiline: bool = False) -> CleanText:
    """Clean user text for storage, converting Zawgyi to Unicode.

    `assume="detect"` converts text the detector calls Zawgyi and raises `UncertainEncoding`
    when it cannot tell; `"unicode"` and `"zawgyi"` record the user's answer to that question.
    With `multiline`, line breaks are kept (at most one blank line in a row); otherwise every
    whitespace run, line breaks included, becomes one space.
    """
    tidy = _tidy(value, multiline=multiline)
    encoding = detect_encoding(tidy)
    uncertain = encoding is Encoding.UNCERTAIN
    if assume == "detect":
        if uncertain:
            raise UncertainEncoding(
                as_unicode=unicodedata.normalize("NFC", tidy), as_zawgyi=to_unicode(tidy)
            )
        convert = encoding is Encoding.ZAWGYI
    else:
        convert = assume == "zawgyi"
    text = to_unicode(tidy) if convert else unicodedata.normalize("NFC", tidy)
    return CleanText(
        text=text,
        converted=convert and text != unicodedata.normalize("NFC", tidy),
        uncertain=uncertain,
    )


def has_myanmar(text: str) -> bool:
    """Whether `text` contains any character of the Myanmar script."""
    return any(low <= ord(char) <= high for char in text for low, high in _MYANMAR_RANGES)


def is_latin(text: str) -> bool:
    """Whether every letter in `text` is a Latin letter (and there is at least one letter)."""
    letters = [char for char in text if char.isalpha()]
    return bool(letters) and all(
        unicodedata.name(char, "").startswith("LATIN ") for char in letters
    )


def to_ascii_digits(text: str) -> str:
    """Replace Burmese digits ၀-၉ with ASCII 0-9; every other character is kept."""
    return text.translate(_TO_ASCII)


def to_burmese_digits(text: str) -> str:
    """Replace ASCII digits 0-9 with Burmese digits ၀-၉; every other character is kept."""
    return text.translate(_TO_BURMESE)


def number_to_ascii(text: str) -> str:
    """Like `to_ascii_digits`, and read letter wa (ဝ) as zero: only for fields that hold a number.

    Wa and zero are drawn the same; inside a number a letter cannot stand, so this is a
    correction of a typing slip, not a guess. Do not use it on text that may contain words.
    """
    return text.translate(_NUMBER_TO_ASCII)
