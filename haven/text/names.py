"""Burmese personal names: honorific or ethnic prefix, and syllables in order.

Burmese names have no family name; they are 1 to 4 syllables whose order matters
(Aung Kyaw is not Kyaw Aung). An honorific (U, Daw, Ko, Ma, Maung) or an ethnic prefix
(Saw, Naw, Mahn, Nant, Sai, Nang, Sao, Khun, Khu, Salai, Mi, Nai), the title Bo or the
title Dr often precedes the name and changes with age and setting, so matching compares
names without it. `PREFIXES` lists them in both scripts (docs/places.md, "Names") with the
other Latin spellings found for them: Oo for U (ဦး is the vowel u; accents are ignored, so
"Oó" too), MLCTS "au" for ော (Dau, Sau, Nau), an English h after the vowel (Koh, Mah,
Boh), Mg/Moung/Mung for Maung, Sy/Sae for Sai, Hkun/Khune for Khun. Military ranks are not
prefixes: a rank has its own field and table (`haven.forces`), and splitting it here would
move it into the honorific at reception.

Prefix rule (`split_name`): the first word (Latin) or syllable (Burmese script) is split off
when it is a form listed in `PREFIXES` and
- at least one word or syllable remains after it ("Ma" alone is a name), and
- the next word is not the same prefix (in any of its spellings): doubled syllables are
  common in names ("Ko Ko Gyi", "Maung Maung", "Ma Ma Lay"), so a doubled prefix word is
  kept as the name, and
- the next word does not make the two a title or a name (`Prefix.not_before`): "Bo Gyi"
  and ဗိုလ်မှူး are ranks, not the prefix Bo; "Nan Dar" is the name Nanda, not the prefix Nan.
Only the first word can be a prefix: the same word later in a name is a name syllable
("Aung Sai", "Kyaw Nan Oo"), and a prefix is a whole word ("Khun" is not "Khu", "Saing" is not
"Sai"). Only one prefix is split off. Store the full name as typed as well: the split is for
matching and display, and a prefix can be part of a name in ways no rule catches.
Input is expected to be clean (`clean_text`); only whitespace is tidied here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Prefix:
    """One prefix: its Latin spelling, its Burmese spelling, other Latin forms.

    `burmese` is None where no Burmese form can be split off safely; `burmese_verified` is
    False where the Burmese spelling could not be confirmed from a published source (it is
    still split off: a wrong spelling only fails to match). `not_before` lists the next words
    or syllables (either script) with which the word is a title or a name, not this prefix.
    """

    latin: str
    burmese: str | None
    meaning: str
    variants: tuple[str, ...] = ()
    burmese_verified: bool = True
    not_before: tuple[str, ...] = ()


# Mon "Mi" and "Nai" have no Burmese form here: their usual Burmese spellings (မိ, နိုင်) are
# also ordinary name syllables (နိုင် is "Naing"), so splitting them in Burmese script would
# cut real names. Latin "Nai" and "Naing" are spelled differently, so the Latin forms are safe.
# "Min" and "Sa" are not prefixes here: Min (မင်း) begins a great many Burmese names, and no
# use of Sa as a prefix could be confirmed. "Dr" (ဒေါက်တာ) is a title in either script and
# never a name syllable (Latin "Dr" has no vowel).
PREFIXES: tuple[Prefix, ...] = (
    Prefix("U", "ဦး", "older or respected man", ("Oo", "Ooh")),
    Prefix("Daw", "ဒေါ်", "older or respected woman", ("Dau",)),
    Prefix("Ko", "ကို", "young man", ("Koh",)),
    Prefix("Ma", "မ", "young woman", ("Mah",)),
    Prefix("Maung", "မောင်", "boy or young man", ("Mg", "Moung", "Mung")),
    Prefix("Saw", "စော", "Karen (Sgaw) man", ("Sau",)),
    Prefix("Naw", "နော်", "Karen (Sgaw) woman", ("Nau",)),
    Prefix("Mahn", "မန်း", "Karen (Pwo) man"),
    Prefix("Nant", "နန့်", "Karen (Pwo) woman", burmese_verified=False),
    Prefix("Sai", "စိုင်း", "Shan man", ("Sy", "Sae")),
    Prefix("Nang", "နန်း", "Shan or Pa-O woman", ("Nan",), not_before=("Da", "Dar", "Dah")),
    Prefix("Sao", "စဝ်", "Shan noble, man or woman"),
    Prefix("Khun", "ခွန်", "Pa-O or Shan man", ("Hkun", "Khune")),
    Prefix("Khu", "ခူး", "Karenni (Kayah) man", burmese_verified=False),
    Prefix("Salai", "ဆလိုင်း", "Chin man"),
    Prefix(
        "Bo",
        "ဗိုလ်",
        "officer, or a leader's title",
        ("Boh",),
        not_before=("Gyi", "Kyi", "Hmu", "Hmu-Gyi", "Chok", "Chouk", "Gyoke", "ကြီး", "မှူး", "ချုပ်"),
    ),
    Prefix("Mi", None, "Mon woman"),
    Prefix("Nai", None, "Mon man"),
    Prefix("Dr", "ဒေါက်တာ", "doctor", burmese_verified=False),
)

_BY_LATIN: dict[str, Prefix] = {prefix.latin: prefix for prefix in PREFIXES}


def _fold(word: str) -> str:
    """A Latin word case- and accent-folded, as prefixes are looked up ("Oó" is "oo")."""
    if word.isascii():
        return word.casefold()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_LATIN_FORMS: dict[str, str] = {
    _fold(form): prefix.latin for prefix in PREFIXES for form in (prefix.latin, *prefix.variants)
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


@lru_cache(maxsize=1)
def _burmese_forms() -> tuple[tuple[tuple[str, ...], Prefix], ...]:
    """Each Burmese prefix as its syllables (ဆလိုင်း is ဆ + လိုင်း), longest first."""
    forms = [(tuple(syllables(p.burmese)), p) for p in PREFIXES if p.burmese is not None]
    return tuple(sorted(forms, key=lambda form: -len(form[0])))


def _is_title(prefix: Prefix, next_word: str) -> bool:
    return next_word.casefold() in {word.casefold() for word in prefix.not_before}


def _split_burmese(name: str) -> SplitName:
    parts = syllables(name)
    for form, prefix in _burmese_forms():
        size = len(form)
        if tuple(parts[:size]) != form or len(parts) <= size:
            continue
        rest = parts[size:]
        if tuple(rest[:size]) == form or _is_title(prefix, rest[0]):
            return SplitName(None, name)  # a doubled prefix word, or a title
        end = 0
        for syllable in form:
            end = name.index(syllable, end) + len(syllable)
        return SplitName(prefix.burmese, name[end:].strip())
    return SplitName(None, name)


def _split_latin(name: str) -> SplitName:
    match = _FIRST_LATIN_WORD.fullmatch(name)
    if match is None or not match.group(2):
        return SplitName(None, name)
    # "Mg." and "Mg" are the same abbreviation; the dot is not part of the form.
    prefix = _LATIN_FORMS.get(_fold(match.group(1).rstrip(".")))
    next_word = match.group(2).split()[0].rstrip(".")
    if prefix is None or _LATIN_FORMS.get(_fold(next_word)) == prefix:
        return SplitName(None, name)
    if _is_title(_BY_LATIN[prefix], next_word):
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
