"""Burmese personal names: honorific or ethnic prefix, and syllables in order.

Burmese names have no family name; they are 1 to 4 syllables whose order matters
(Aung Kyaw is not Kyaw Aung). An honorific (U, Daw, Ko, Ma, Maung) or an ethnic prefix
(Saw, Naw, Sai, Nang, Khun, Mi, Nai) often precedes the name and changes with age and
setting, so matching compares names without it.

Prefix rule (`split_name`): the first word (Latin) or syllable (Burmese script) is split off
when it is a form listed in `PREFIXES` and
- at least one word or syllable remains after it ("Ma" alone is a name), and
- the next word is not the same prefix: doubled syllables are common in names
  ("Ko Ko Gyi", "Maung Maung", "Ma Ma Lay"), so a doubled prefix word is kept as the name.
Only one prefix is split off. Store the full name as typed as well: the split is for
matching and display, and a prefix can be part of a name in ways no rule catches.
Input is expected to be clean (`clean_text`); only whitespace is tidied here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Prefix:
    """One prefix: its Latin spelling, its Burmese spelling if verified, other Latin forms."""

    latin: str
    burmese: str | None
    meaning: str
    variants: tuple[str, ...] = ()


# Mon "Mi" and "Nai" have no Burmese form here: their usual Burmese spellings (မိ, နိုင်) are
# also ordinary name syllables (နိုင် is "Naing"), so splitting them in Burmese script would
# cut real names. Latin "Nai" and "Naing" are spelled differently, so the Latin forms are safe.
PREFIXES: tuple[Prefix, ...] = (
    Prefix("U", "ဦး", "older or respected man"),
    Prefix("Daw", "ဒေါ်", "older or respected woman"),
    Prefix("Ko", "ကို", "young man"),
    Prefix("Ma", "မ", "young woman"),
    Prefix("Maung", "မောင်", "boy or young man", ("Mg",)),
    Prefix("Saw", "စော", "Karen man"),
    Prefix("Naw", "နော်", "Karen woman"),
    Prefix("Sai", "စိုင်း", "Shan man"),
    Prefix("Nang", "နန်း", "Shan woman"),
    Prefix("Khun", "ခွန်", "Kayan, Karenni or Pa-O man"),
    Prefix("Mi", None, "Mon woman"),
    Prefix("Nai", None, "Mon man"),
)

_LATIN_FORMS: dict[str, str] = {
    form.casefold(): prefix.latin
    for prefix in PREFIXES
    for form in (prefix.latin, *prefix.variants)
}
_BURMESE_FORMS: dict[str, str] = {
    prefix.burmese: prefix.burmese for prefix in PREFIXES if prefix.burmese is not None
}

# Syllable breaking after the widely used rule for Myanmar Unicode (as in Ye Kyaw Thu's
# "sylbreak"): a syllable starts at a consonant that is neither stacked under the previous
# one (preceded by virama U+1039) nor a final (followed by asat U+103A or virama, possibly
# after dot below U+1037, which NFC places before asat), and at every independent vowel,
# digit or Myanmar punctuation mark.
_CONSONANTS = (
    "\u1000-\u1021"  # Burmese consonants
    "\u1050-\u1051\u105a-\u105d\u1061\u1065-\u1066\u106e-\u1070\u1075-\u1081\u108e"  # others
)
_STANDALONE = "\u1023-\u102a\u103f\u1040-\u104f"  # independent vowels, great sa, digits, signs
_SYLLABLE_START = re.compile(
    rf"(?<!\u1039)[{_CONSONANTS}](?!\u1037?[\u103a\u1039])|[{_STANDALONE}]"
)
_MYANMAR_RUN = re.compile(r"[\u1000-\u109f\ua9e0-\ua9ff\uaa60-\uaa7f]+")
_FIRST_LATIN_WORD = re.compile(r"([^\W\d_]+\.?)\s*(.*)", re.DOTALL)


@dataclass(frozen=True)
class SplitName:
    """A name without its prefix; `prefix` is the canonical spelling in the script used."""

    prefix: str | None
    name: str


def _myanmar_syllables(run: str) -> list[str]:
    starts = [match.start() for match in _SYLLABLE_START.finditer(run)]
    if not starts or starts[0] != 0:
        # A run that begins with a sign (a typing slip) keeps it on the first syllable.
        starts.insert(0, 0)
    ends = [*starts[1:], len(run)]
    return [run[start:end] for start, end in zip(starts, ends, strict=True)]


def syllables(name: str) -> list[str]:
    """The syllables of `name` in order: Latin words as written, Burmese script segmented.

    "Aung Kyaw" gives ["Aung", "Kyaw"]; "မောင်အောင်ကျော်" gives ["မောင်", "အောင်", "ကျော်"].
    Joined Latin syllables ("Tayza") cannot be told apart and stay one word.
    """
    parts: list[str] = []
    for word in name.split():
        position = 0
        for run in _MYANMAR_RUN.finditer(word):
            if run.start() > position:
                parts.append(word[position : run.start()])
            parts.extend(_myanmar_syllables(run.group()))
            position = run.end()
        if position < len(word):
            parts.append(word[position:])
    return parts


def _split_burmese(name: str) -> SplitName:
    parts = syllables(name)
    prefix = _BURMESE_FORMS.get(parts[0]) if len(parts) > 1 else None
    if prefix is None or _BURMESE_FORMS.get(parts[1]) == prefix:
        return SplitName(None, name)
    return SplitName(prefix, name[len(parts[0]) :].strip())


def _split_latin(name: str) -> SplitName:
    match = _FIRST_LATIN_WORD.fullmatch(name)
    if match is None or not match.group(2):
        return SplitName(None, name)
    # "Mg." and "Mg" are the same abbreviation; the dot is not part of the form.
    prefix = _LATIN_FORMS.get(match.group(1).rstrip(".").casefold())
    next_word = match.group(2).split()[0].rstrip(".")
    if prefix is None or _LATIN_FORMS.get(next_word.casefold()) == prefix:
        return SplitName(None, name)
    return SplitName(prefix, match.group(2))


def split_name(name: str) -> SplitName:
    """Split an honorific or ethnic prefix off `name` by the rule in the module docstring."""
    tidy = " ".join(name.split())
    if not tidy:
        return SplitName(None, "")
    if _MYANMAR_RUN.match(tidy):
        return _split_burmese(tidy)
    return _split_latin(tidy)
