"""Pydantic field types whose text enters through `haven.text` (ARCHITECTURE.md rule 9).

Names: NFC Unicode, Zawgyi detected and converted; when detection is uncertain the value is
refused with a message asking the user to say which encoding it is (never guessed).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, ValidationInfo

from haven.i18n import N_
from haven.text import UncertainEncoding, clean_text
from haven.text.nrc import NrcError, parse_nrc

Encoding = Literal["detect", "unicode", "zawgyi"]


def _encoding(info: ValidationInfo) -> Encoding:
    value = (info.data or {}).get("text_encoding", "detect")
    return value if value in ("detect", "unicode", "zawgyi") else "detect"


def clean_optional(value: object, info: ValidationInfo) -> str | None:
    """Trimmed NFC Unicode text, or None for blank."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(N_("Enter text."))  # noqa: TRY004 - Pydantic reports ValueErrors per field
    try:
        cleaned = clean_text(value, assume=_encoding(info))
    except UncertainEncoding:
        raise ValueError(
            N_(
                "We cannot tell whether this was typed in Zawgyi or in Unicode. "
                "Check the text and say which it is."
            )
        ) from None
    return cleaned.text or None


def canonical_nrc(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return parse_nrc(value).canonical
    except NrcError as error:
        raise ValueError(error.message) from None


CleanText = Annotated[str | None, BeforeValidator(clean_optional)]
NrcText = Annotated[str | None, BeforeValidator(clean_optional), AfterValidator(canonical_nrc)]
