"""Translation of user-facing text (English and Burmese) through Babel message catalogs.

Text that reaches a user is written as an English msgid and translated as late as possible,
when the language of the reader is known. `Text` carries a msgid with its parameters, so
that a service can raise an error without knowing who will read it.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, Self, TypeVar

from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"
LANGUAGES: dict[str, str] = {"en": "English", "my": "မြန်မာ"}
DEFAULT_LANGUAGE = "en"

current_language: ContextVar[str] = ContextVar("current_language", default=DEFAULT_LANGUAGE)


def N_(msgid: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for extraction without translating it now."""
    return msgid


class Msgid(str):
    """An English msgid that carries its message context (`pgettext`'s first argument).

    One English word can mean different things ("State" of a record, not a rank; "Due" as a
    date, not "to be sent"): the context tells the translator which, and the catalog keeps one
    translation per (context, msgid). A `Msgid` is the plain English string everywhere English
    is shown, so labels, exports and comparisons are unchanged; `gettext` sees its context.
    """

    __slots__ = ("context",)
    context: str | None

    def __new__(cls, msgid: str, context: str | None = None) -> Self:
        value = str.__new__(cls, msgid)
        value.context = context
        return value


def NC_(context: str, msgid: str) -> str:  # noqa: N802 - the marker name, like N_
    """Mark a msgid with a message context for extraction (`-k NC_:1c,2`), translating later:
    the result is the English msgid and translates in its context."""
    return Msgid(msgid, context)


class Labelled(StrEnum):
    """A `StrEnum` whose members carry their translatable label: `NAME = value, N_("Label")`.

    `Colour.RED == "red"`, `Colour("red") is Colour.RED` and `Colour.RED.label == "Red"` (a
    msgid: templates translate it with `_()`). Defined here, at the bottom of the layers, so
    that every package (permissions' roles included) can label its enums;
    `haven.kernel.labels` is where domains import it from.
    """

    _label: str

    def __new__(cls, value: str, label: str | None = None) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member._label = label if label is not None else value
        return member

    @property
    def label(self) -> str:
        return self._label


E = TypeVar("E", bound=Labelled)


def labels(enum: type[E]) -> dict[str, str]:
    """The value → label map of a labelled enum, in declaration order."""
    return {member.value: member.label for member in enum}


@dataclass(frozen=True)
class Text:
    """A translatable message: an English msgid and the values for its `{placeholders}`."""

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, language: str | None = None) -> str:
        """The message in `language`; parameters that are themselves `Text` (a state's label,
        a field's name) are translated into the same language."""
        if not self.params:
            return gettext(self.msgid, language)
        values = {
            name: value.render(language) if isinstance(value, Text) else value
            for name, value in self.params.items()
        }
        return gettext(self.msgid, language).format(**values)

    def __str__(self) -> str:
        return self.render(DEFAULT_LANGUAGE)


@lru_cache(maxsize=8)
def translations_for(language: str) -> NullTranslations:
    if language == DEFAULT_LANGUAGE or language not in LANGUAGES:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [language], domain="messages")


def gettext(msgid: str, language: str | None = None) -> str:
    """`msgid` in the reader's language; a msgid marked with a context (`NC_`) translates in
    that context."""
    context = getattr(msgid, "context", None)
    if context is not None:
        return pgettext(context, msgid, language)
    return translations_for(language or current_language.get()).gettext(msgid)


def ngettext(singular: str, plural: str, n: int, language: str | None = None) -> str:
    return translations_for(language or current_language.get()).ngettext(singular, plural, n)


def pgettext(context: str, msgid: str, language: str | None = None) -> str:
    """`msgid` as meant in `context` (one English word, several meanings), in the reader's
    language; the English msgid when the catalog has no translation in that context."""
    translations = translations_for(language or current_language.get())
    return str(translations.pgettext(context, str(msgid)))


def npgettext(context: str, singular: str, plural: str, n: int, language: str | None = None) -> str:
    """`ngettext` in a message context."""
    translations = translations_for(language or current_language.get())
    return str(translations.npgettext(context, singular, plural, n))


def render(message: Text | str, language: str | None = None) -> str:
    """Translate a `Text` or a plain msgid into the reader's language."""
    if isinstance(message, Text):
        return message.render(language)
    return gettext(message, language)


def pick_language(*candidates: str | None, accept_language: str | None = None) -> str:
    """The first supported language among explicit choices, then the Accept-Language header."""
    for candidate in candidates:
        if candidate in LANGUAGES:
            return candidate
    if accept_language:
        for part in accept_language.split(","):
            code = part.split(";")[0].strip().lower()[:2]
            if code in LANGUAGES:
                return code
    return DEFAULT_LANGUAGE
