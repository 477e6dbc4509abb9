"""Burmese letters and their Latin names, as NRC township codes and service numbers write them.

An NRC township code is a few bare Burmese letters (ဒမဆ), and its official Latin form spells
each letter by its name (DaMaSa). The names are not a transliteration of sounds: ဆ is "Sa"
like စ, ဘ is "Ba" like ဗ, ရ is "Ya" like ယ, and အ is "Ah". So a Burmese code gives exactly one
Latin key, while a Latin code can stand for several Burmese spellings: the key is Latin.

`latin_key` reads a code in either script and returns that key (upper case, letter names
joined: "DAMASA"), or None when the text is not a run of letter names. Latin input is split into
letter names, and the other ways people write some names are read as the official one:
HPA for PHA (ဖ), HSA for SA (ဆ), BHA for BA (ဘ), DHA for DA (ဓ), GHA for GA (ဃ), RA for YA (ရ),
A for AH (အ), U or OO for OU (ဥ). Haven's earlier letter-by-letter spellings of Burmese codes
(PHA, HSA, BHA, DHA, A) are therefore read as the same keys.
"""

from __future__ import annotations

from functools import lru_cache

# The Latin name of each Burmese letter, as the NRC code lists write it.
LETTER_NAMES: dict[str, str] = {
    "က": "KA", "ခ": "KHA", "ဂ": "GA", "ဃ": "GA", "င": "NGA",
    "စ": "SA", "ဆ": "SA", "ဇ": "ZA", "ဈ": "ZA", "ည": "NYA",
    "ဋ": "TA", "ဌ": "HTA", "ဍ": "DA", "ဎ": "DA", "ဏ": "NA",
    "တ": "TA", "ထ": "HTA", "ဒ": "DA", "ဓ": "DA", "န": "NA",
    "ပ": "PA", "ဖ": "PHA", "ဗ": "BA", "ဘ": "BA", "မ": "MA",
    "ယ": "YA", "ရ": "YA", "လ": "LA", "ဝ": "WA", "သ": "THA",
    "ဟ": "HA", "ဠ": "LA", "အ": "AH",
    "ဣ": "I", "ဤ": "I", "ဥ": "OU", "ဦ": "OU", "ဧ": "E", "ဩ": "AW", "ဪ": "AW",
}  # fmt: skip

# Every accepted Latin spelling of a letter name -> the official one.
_LATIN_NAMES: dict[str, str] = {
    **{name: name for name in LETTER_NAMES.values()},
    "HPA": "PHA",
    "HSA": "SA",
    "BHA": "BA",
    "DHA": "DA",
    "GHA": "GA",
    "RA": "YA",
    "A": "AH",
    "U": "OU",
    "OO": "OU",
}
# Longest first, so that KHA is read before KA and HTA before HA.
_BY_LENGTH = sorted(_LATIN_NAMES, key=len, reverse=True)


def is_bare_letters(text: str) -> bool:
    """Whether `text` is one or more Burmese letters with no vowel sign, medial or asat."""
    return bool(text) and all(char in LETTER_NAMES for char in text)


@lru_cache(maxsize=4096)
def latin_names(text: str) -> tuple[str, ...] | None:
    """The official letter names of `text` (either script, any case), or None if it is none.

    Burmese: each bare letter gives its name. Latin: the text is split into letter names,
    longest first with backtracking (OUKAMA is OU KA MA, BAAHNA is BA AH NA), each read as its
    official spelling; text that cannot be split (an abbreviation such as OKM) gives None.
    """
    if is_bare_letters(text):
        return tuple(LETTER_NAMES[char] for char in text)
    upper = text.upper()
    if not upper.isascii() or not upper.isalpha():
        return None
    return _split(upper)


def _split(text: str) -> tuple[str, ...] | None:
    if not text:
        return ()
    for name in _BY_LENGTH:
        if text.startswith(name):
            rest = _split(text[len(name) :])
            if rest is not None:
                return (_LATIN_NAMES[name], *rest)
    return None


def latin_key(text: str) -> str | None:
    """The joined official letter names of a code in either script ("DAMASA"), or None."""
    names = latin_names(text)
    return "".join(names) if names else None


def display_form(names: tuple[str, ...]) -> str:
    """Letter names as the code lists print them: each capitalised ("DaMaSa", "OuKaMa")."""
    return "".join(name.capitalize() for name in names)
