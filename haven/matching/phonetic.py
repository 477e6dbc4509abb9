"""One phonetic key space for Burmese names in Burmese script and in Latin spellings.

A name becomes a tuple of syllable keys, in order (order matters: Aung Kyaw is not Kyaw
Aung). Each syllable key is an onset class, a medial (y or w) and a rime class, for example
"tun", "caw", "myin", "aung". Both scripts land in the same space:

- Burmese script: Zawgyi converted to Unicode (`haven.text`), the honorific or ethnic prefix
  split off (`split_name`), a few spellings rewritten to how names say them (final ည် as
  [i], ဝတ်/ဝန် as [wʊ]), then ICU's `my-my_FONIPA` transliterator gives IPA with syllables
  separated by dots; tone, aspiration, voicelessness and the glottal onset are dropped and
  the onset and rime are mapped to their classes.
- Latin: a table of whole-word variants (Htun/Tun, Oo/U, Thein/Thane, Myint/Myin,
  Win/Winn, Mg/Maung, ...) and spelling rules, then each word is cut into syllables
  (onset, vowels, coda) and mapped to the same classes. Joined syllables ("Tayza", "Sithu")
  are cut like split ones ("Tay Za", "Si Thu"); the comparisons also look at the keys
  without spaces.

The Latin rules cover the published systems and the informal spellings of names
(tests/matching/test_romanisation.py pins the families): MLCTS and ALA-LC aspirates (hk, hp,
ht, kh, ph, th) and medial r (Mrat is Myat), BGN/PCGN without aspiration (Tun, Kin, Pyo), a
doubled final letter (Zaww, Myintt), y as the vowel i (Wyn, Lynn), English vowel spellings
(Sou/Soe, Khine/Khaing, Nyane/Nyein, Aoung/Awng/Oung/Aung), and two syllables joined
without a consonant between them ("Yeaung").

The classes deliberately merge sounds Latin spellings do not tell apart (t/th/ht/θ, k/kh,
ky/gy/ch, s/hs/sh, p/b), and after the first syllable the voiced and voiceless onsets
(t/d, k/g, s/z: BGN/PCGN writes the voicing of speech, Thida for သီတာ): the keys are for
recall, the scoring decides. Different syllables keep different keys (Tun/Tin, Myint/Myat,
Win/Wai, Aye/Aung).

Everything is cached per distinct string: a run over a million people sees far fewer
distinct names than records, so normalisation never dominates.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import icu  # type: ignore[import-untyped]

from haven.text import to_unicode, zawgyi_probability
from haven.text.names import split_name

SyllableKeys = tuple[str, ...]

_local = threading.local()


def _ipa_transliterator() -> icu.Transliterator:
    transliterator = getattr(_local, "ipa", None)
    if transliterator is None:
        transliterator = icu.Transliterator.createInstance("my-my_FONIPA")
        _local.ipa = transliterator
    return transliterator


# --- Burmese script through IPA ---------------------------------------------------------

_IPA_DROP = dict.fromkeys(
    map(
        ord,
        "\u0300\u0301\u0302\u0304\u030c\u0330\u032f\u0325\u030a\u0361\u035c\u02b0\u02c0ˑː",
    )
)
_IPA_ONSETS: tuple[tuple[str, str], ...] = (
    ("tɕ", "c"),
    ("dʑ", "c"),
    ("ɕ", "s"),
    ("ʑ", "z"),
    ("ʔ", ""),
    ("θ", "t"),
    ("ð", "d"),
    ("ɲ", "ny"),
    ("ŋ", "ng"),
    ("ʃ", "s"),
    ("ʍ", "w"),
    ("t", "t"),
    ("d", "d"),
    ("p", "p"),
    ("b", "p"),
    ("k", "k"),
    ("g", "g"),
    ("ɡ", "g"),
    ("s", "s"),
    ("z", "z"),
    ("m", "m"),
    ("n", "n"),
    ("l", "l"),
    ("w", "w"),
    ("j", "y"),
    ("h", "h"),
    ("ɹ", "y"),
    ("r", "y"),
)
_IPA_RIMES: dict[str, str] = {
    "a": "a",
    "ə": "a",
    "aɴ": "an",
    "an": "an",
    "am": "an",
    "aʔ": "at",
    "i": "i",
    "ɪɴ": "in",
    "in": "in",
    "ɪʔ": "it",
    "eɪɴ": "ein",
    "eɪʔ": "eik",
    "e": "e",
    "ɛ": "e",
    "ɛɴ": "e",
    "ɛʔ": "et",
    "ɔ": "aw",
    "ɔɴ": "aw",
    "aʊɴ": "aung",
    "aʊʔ": "auk",
    "aɪɴ": "aing",
    "aɪʔ": "aik",
    "o": "o",
    "oʊɴ": "on",
    "oʊʔ": "ok",
    "u": "u",
    "ʊɴ": "un",
    "ʊʔ": "ok",
    "uɴ": "un",
}


@lru_cache(maxsize=20_000)
def _ipa_syllable(raw: str) -> str | None:
    text = unicodedata.normalize("NFD", raw).translate(_IPA_DROP).strip()
    if not text:
        return None
    onset = ""
    for form, cls in _IPA_ONSETS:
        if text.startswith(form):
            onset, text = cls, text[len(form) :]
            break
    medial = ""
    while text[:1] in ("j", "w") and text[1:]:
        medial += "y" if text[0] == "j" else "w"
        text = text[1:]
    rime = _IPA_RIMES.get(text)
    if rime is None:
        # An unexpected rime keeps its letters, lightly folded: still comparable by fuzz.
        rime = text.replace("ɪ", "i").replace("ʊ", "u").replace("ɴ", "n").replace("ʔ", "t")
    if onset == "ng" and medial.startswith("y"):
        # ငြ (MLCTS ngr) is pronounced and spelled ny: ငြိမ်း is Nyein.
        onset = "ny"
    if onset in ("c", "ny") and medial.startswith("y"):
        medial = medial[1:]
    return onset + medial + rime


def bare_name(name: str) -> str:
    """The name without its prefix; a second prefix too ("Sai U Tun Htoo", "ကိုမောင်...")."""
    first = split_name(name)
    if first.prefix is None:
        return first.name
    second = split_name(first.name)
    return second.name if second.prefix is not None else first.name


# Spellings the transliterator reads otherwise than names are said: the final ည် is [i] in
# the names it is common in (ကြည် Kyi, ရည် Yi, ပြည် Pyi, စည်သူ Sithu, ဇာနည် Zarni; ICU reads
# ɛ; ည့် stays: ပြည့် is Pyae), and ဝ before a final t or n is [wʊ] (ဝတ်ရည် Wut Yee, ဝဏ္ဏ
# Wunna; ICU reads wa). Each is rewritten to a spelling ICU reads that way.
_BURMESE_READINGS = {"ည်": "ီ", "ဝတ်": "ဝွတ်", "ဝန်": "ဝွန်", "ဝဏ္ဏ": "ဝွန်န"}
_BURMESE_READING = re.compile("|".join(map(re.escape, _BURMESE_READINGS)))


def _reading(match: re.Match[str]) -> str:
    return _BURMESE_READINGS[match.group()]


# After the first syllable a voiceless onset is voiced in speech and often in spelling
# (BGN/PCGN 1970: k, s, t, p are written g, z, d, b after a vowel or nasal: သီတာ is Thida,
# ရတနာ Yadana, ရွှေစင် Shwe Zin), so there the pairs share a class (p/b do everywhere).
_VOICED_AFTER_FIRST = {"d": "t", "g": "k", "z": "s"}


def _voicing(keys: list[str]) -> SyllableKeys:
    for index in range(1, len(keys)):
        key = keys[index]
        if key[:1] in _VOICED_AFTER_FIRST:
            keys[index] = _VOICED_AFTER_FIRST[key[0]] + key[1:]
    return tuple(keys)


@lru_cache(maxsize=200_000)
def burmese_keys(name: str) -> SyllableKeys:
    """Syllable keys of a Burmese-script name (prefix split off)."""
    bare = _BURMESE_READING.sub(_reading, bare_name(name))
    ipa: str = _ipa_transliterator().transliterate(bare)
    keys: list[str] = []
    for word in ipa.split():
        for part in word.split("."):
            key = _ipa_syllable(part)
            if key:
                keys.append(key)
    return _voicing(keys)


# --- Latin spellings --------------------------------------------------------------------

# Whole words first: common names whose spellings the generic rules would cut differently.
LATIN_VARIANTS: dict[str, str] = {
    "htun": "tun",
    "htoon": "tun",
    "thun": "tun",
    "toon": "tun",
    "oo": "u",
    "u": "u",
    "ooh": "u",
    "thane": "tein",
    "thein": "tein",
    "thain": "tein",
    "myint": "myin",
    "myin": "myin",
    "winn": "win",
    "wynn": "win",
    "mg": "maung",
    "maung": "maung",
    "mung": "maung",
    "khain": "kaing",
    "aye": "e",
    "aie": "e",
    "ei": "e",
    "kyee": "ci",
    "gyi": "ci",
    "gyee": "ci",
    "kyi": "ci",
    "chi": "ci",
    "soe": "so",
    "swe": "swe",
    "shwe": "swe",
    "hswe": "swe",
    "zaw": "zaw",
    "zaww": "zaw",
    "phyo": "pyo",
    "pyo": "pyo",
    "nyein": "nyein",
    "nyane": "nyein",
    "hnin": "nin",
    "hla": "la",
    "hlaing": "laing",
    "hmu": "mu",
    "moe": "mo",
    "khaing": "kaing",
    "naing": "naing",
    "nai": "naing",
    "sai": "saing",
    "tay": "te",
    "tae": "te",
    "htay": "te",
    "htet": "tet",
    "thet": "tet",
    "nyi": "nyi",
    "nyee": "nyi",
    "yee": "yi",
    "lwin": "lwin",
    "lwinn": "lwin",
    # Mon is မွန် [mʊ̀ɴ] in names (Myat Mon, Hnin Mon); "on" is otherwise ုန် (Phone, Sone).
    "mon": "mun",
}

_LATIN_RIMES: tuple[tuple[str, str], ...] = (
    ("aung", "aung"),
    ("awng", "aung"),
    ("aoung", "aung"),
    ("aun", "aung"),
    ("auk", "auk"),
    ("aing", "aing"),
    ("ain", "ein"),
    ("aik", "aik"),
    ("ai", "e"),
    ("ike", "aik"),
    ("ite", "aik"),
    ("ine", "aing"),
    ("eing", "ein"),
    ("ein", "ein"),
    ("eaint", "ein"),
    ("eain", "ein"),
    ("ane", "ein"),
    ("eik", "eik"),
    ("ei", "e"),
    ("ake", "eik"),
    ("aww", "aw"),
    ("aw", "aw"),
    ("au", "aw"),
    ("or", "aw"),
    ("ar", "a"),
    ("ah", "a"),
    ("ann", "an"),
    ("an", "an"),
    ("at", "at"),
    ("a", "a"),
    ("ee", "i"),
    ("ii", "i"),
    ("inn", "in"),
    ("int", "in"),
    ("ing", "in"),
    ("in", "in"),
    ("it", "it"),
    ("ik", "it"),
    ("i", "i"),
    ("ay", "e"),
    ("ae", "e"),
    ("eh", "e"),
    ("et", "et"),
    ("ey", "e"),
    ("e", "e"),
    ("oung", "aung"),
    ("ount", "un"),
    ("oun", "on"),
    ("one", "on"),
    ("own", "on"),
    ("ohn", "on"),
    ("on", "on"),
    ("ote", "ok"),
    ("oke", "ok"),
    ("ok", "ok"),
    ("ot", "ok"),
    ("oon", "un"),
    ("oo", "u"),
    ("oe", "o"),
    ("oh", "o"),
    ("ou", "o"),
    ("o", "o"),
    ("unn", "un"),
    ("une", "un"),
    ("un", "un"),
    ("ut", "ok"),
    ("ue", "u"),
    ("uu", "u"),
    ("u", "u"),
)
_LATIN_RIME_MAP = dict(_LATIN_RIMES)
_LATIN_ONSETS: tuple[tuple[str, str], ...] = (
    ("hny", "ny"),
    ("hk", "k"),
    ("hp", "p"),
    ("hc", "s"),
    ("ky", "c"),
    ("gy", "c"),
    ("ch", "c"),
    ("j", "c"),
    ("c", "c"),
    ("ny", "ny"),
    ("ng", "ng"),
    ("hl", "l"),
    ("hm", "m"),
    ("hn", "n"),
    ("hw", "w"),
    ("ht", "t"),
    ("th", "t"),
    ("hs", "s"),
    ("sh", "s"),
    ("ph", "p"),
    ("kh", "k"),
    ("dh", "d"),
    ("t", "t"),
    ("s", "s"),
    ("z", "z"),
    ("p", "p"),
    ("f", "p"),
    ("k", "k"),
    ("q", "k"),
    ("x", "s"),
    ("b", "p"),
    ("d", "d"),
    ("g", "g"),
    ("m", "m"),
    ("n", "n"),
    ("l", "l"),
    ("w", "w"),
    ("v", "w"),
    ("y", "y"),
    ("r", "y"),
    ("h", "h"),
)
# One Latin syllable: consonants (with a medial y or w), vowels, and a coda that is not the
# start of the next syllable (a coda consonant followed by a vowel belongs to the next one,
# and t, k followed by h begin the next one: "Sithu" is Si Thu, "Minthu" is Min Thu).
_LATIN_SYLLABLE = re.compile(
    r"(?P<onset>[b-df-hj-np-tv-xz]*[yw]?)"
    r"(?P<vowel>[aeiou]+(?:y(?![aeiou]))?)"
    r"(?P<coda>ng(?=[aeiou])|w(?=au)"
    r"|(?:wng|ng|nt(?!h[aeiouwy])|nn|ww|hn|n|k(?!h[aeiouwy])|t(?!h[aeiouwy])|w|r|h|m)"
    r"e?(?![aeiouy])|t(?=y)|e(?![aeiouy]))?"
)
_LETTERS = re.compile(r"[a-z]+")
# A consonant letter written twice where it closes a syllable (Zaww, Myintt, Naingg): the
# doubling is decoration, not a sound. Doubled before a vowel ("Zayya") it is kept.
_DOUBLED_CODA = re.compile(r"([b-df-hj-np-tv-z])\1+(?![aeiou])")
# y between consonants, or after one at the end, is the vowel i (Wyn, Lwyn, Lynn).
_Y_AS_VOWEL = re.compile(r"(?<=[b-df-hj-np-tv-xz])y(?![aeiouy])")


def _latin_onset(onset: str) -> str:
    if not onset:
        return ""
    medial = ""
    rest = onset
    for form, cls in _LATIN_ONSETS:
        if rest == form:
            return cls
    if rest.endswith(("w",)) and len(rest) > 1:
        medial, rest = "w", rest[:-1]
    if rest.endswith(("y", "r")) and len(rest) > 1 and rest not in ("ky", "gy", "ny", "hny"):
        # The medial ျ/ြ: y in common spellings, r in MLCTS and ALA-LC (Mrat is Myat).
        medial, rest = "y" + medial, rest[:-1]
    for form, cls in _LATIN_ONSETS:
        if rest == form:
            return cls + medial
    # An unusual cluster: keep its first recognised consonant.
    for form, cls in _LATIN_ONSETS:
        if rest.startswith(form):
            return cls + medial
    return rest + medial


@lru_cache(maxsize=100_000)
def _latin_word(word: str) -> tuple[str, ...]:
    known = LATIN_VARIANTS.get(word)
    if known is None:
        word = _Y_AS_VOWEL.sub("i", _DOUBLED_CODA.sub(r"\1", word))
        known = LATIN_VARIANTS.get(word)
    if known is not None:
        return (known,)
    keys: list[str] = []
    position = 0
    while position < len(word):
        match = _LATIN_SYLLABLE.match(word, position)
        if match is None or match.end() == position:
            # Trailing consonants without a vowel ("mg" handled above): attach as they are.
            tail = word[position:]
            if keys:
                keys[-1] += tail
            else:
                keys.append(tail)
            break
        onset = _latin_onset(match.group("onset"))
        rime_text = match.group("vowel") + (match.group("coda") or "")
        rime = _LATIN_RIME_MAP.get(rime_text)
        if rime is None:
            parts = _two_rimes(match.group("vowel"), match.group("coda") or "")
            if parts is not None:
                # Two syllables joined without a consonant between them: "Yeaung", "Eiei".
                keys.append(onset + parts[0])
                onset, rime = "", parts[1]
            else:
                rime = _latin_rime_fallback(rime_text)
        if onset in ("c", "ny") and rime.startswith("y"):
            rime = rime[1:]
        keys.append(onset + rime)
        position = match.end()
    return tuple(keys)


def _two_rimes(vowels: str, coda: str) -> tuple[str, str] | None:
    """A run of three or more vowel letters read as an open syllable and a second rime."""
    if len(vowels) < 3:
        return None
    for cut in range(len(vowels) - 1, 0, -1):
        head = _LATIN_RIME_MAP.get(vowels[:cut])
        tail = _LATIN_RIME_MAP.get(vowels[cut:] + coda)
        if head is not None and tail is not None:
            return head, tail
    return None


def _latin_rime_fallback(text: str) -> str:
    for form, cls in _LATIN_RIMES:
        if text.startswith(form):
            return cls
    return text


@lru_cache(maxsize=200_000)
def latin_keys(name: str) -> SyllableKeys:
    """Syllable keys of a Latin-script name (prefix split off)."""
    bare = bare_name(name)
    folded = bare.casefold()
    if not folded.isascii():  # accents dropped ("Oó" is "Oo"); most names are plain ASCII
        folded = unicodedata.normalize("NFKD", folded)
        folded = "".join(char for char in folded if not unicodedata.combining(char))
    keys: list[str] = []
    for word in _LETTERS.findall(folded):
        keys.extend(_latin_word(word))
    return _voicing(keys)


# --- Either script ----------------------------------------------------------------------


# Zawgyi tells: a vowel sign e, medial or kinzi-like sign where Unicode cannot have it
# (at the start or after a non-consonant), Zawgyi-only code points, a virama used as asat,
# stacked consonants. Valid Unicode names almost never show one, so the (slower) detector
# runs only on text that shows one; a Zawgyi name without any tell reads the same either way
# for matching purposes.
_ZAWGYI_TELL = re.compile(
    r"(?:^|[^\u1000-\u1021\u103b-\u103e\u1039])[\u1031\u103b\u1084]"
    r"|[\u1060-\u1097\u1033\u1034\u105a]|\u1039"
)


_MYANMAR = re.compile("[\u1000-\u109f\ua9e0-\ua9ff\uaa60-\uaa7f]")


@lru_cache(maxsize=200_000)
def as_unicode(text: str) -> str:
    """Burmese text in Unicode: converted when the detector leans to Zawgyi.

    Matching is not storage: where the reception form would ask the user, matching takes the
    more probable reading (probability above one half), since a wrong guess only costs a
    comparison, and stored text is already Unicode.
    """
    if _ZAWGYI_TELL.search(text) and zawgyi_probability(text) > 0.5:
        return to_unicode(text)
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=400_000)
def name_keys(name: str | None) -> SyllableKeys:
    """Syllable keys of a name in either script; empty for no name."""
    if not name or not name.strip():
        return ()
    if _MYANMAR.search(name):
        return burmese_keys(as_unicode(" ".join(name.split())))
    return latin_keys(" ".join(name.split()))


def joined(keys: SyllableKeys) -> str:
    """The keys as one string with spaces: the form compared with order."""
    return " ".join(keys)


def as_later_syllables(key: str) -> str:
    """A joined key with its first onset as it is keyed after another syllable (voiceless).

    A run of syllables looked up inside longer names ("Zaw" in "Min Zaw", keyed "min saw")
    is keyed there as later syllables; the people search looks up both forms.
    """
    voiceless = _VOICED_AFTER_FIRST.get(key[:1])
    return key if voiceless is None else voiceless + key[1:]
