"""A second evaluation set: names born in Myanmar script, romanised through published tables.

Haven's matching was tuned on `bench.matching.generator` (the first set). This set is built
a different way, without reading that generator's variant logic or Haven's phonetic tables,
so that its figures say how Haven does on data it was not tuned to.

How a record is made:

1. **People are born in Myanmar script.** A name is 1-4 syllables from `SYLLABLES`, written in
   Unicode Myanmar script: 110 common name syllables in frequency order (အောင်, ကျော်,
   မင်း, ထွန်း, ...), each marked male, female or both, followed by 360 rarer syllables
   composed from `_TAIL_ONSETS` x `_TAIL_RIMES` (a fixed draw, the same for every seed). The
   syllables follow a Zipf law (exponent `ZIPF`), so a few are very common and most are rare.
   Karen, Shan, Kayah, Pa-O and Mon people carry their prefix (စော/နော်, စိုင်း/နန်း, ခူး, ခွန်,
   နိုင်/မိ) and draw some syllables from a small ethnic list (approximate, synthetic).
   Fathers are made the same way. Brothers (same father and unit, birth years 1-6 apart, often a
   syllable in common) and copied namesakes are the hard negatives.
2. **Every Latin name is the Burmese one romanised.** Each syllable is parsed into onset,
   medials (ျ ြ ွ ှ), rime and tone (`parse`), and each registration draws one system
   (`SYSTEMS`): the MLC Transcription System (1980; orthographic, aspiration as a leading h,
   tones as "." and ":"), BGN/PCGN 1970 (no aspiration, ရှ sh, ချ ch, rimes ein/aing/aung/ôn,
   voicing k>g, s>z, t>d, p>b inside a joined word), ALA-LC (kh/th/ph, ṅ, ā, v for ဝ, medial h
   after the consonant, tones ʹ ʺ; typed with or without diacritics), or the informal English
   spellings people use for their own names (Htun/Tun/Htoon, Thein/Thane, Kyaw, Myint, Aye, Oo,
   Hla, Hlaing/Hline, creaky nasals written with a t: Myint, Nyunt, Khant). Informal spellings
   are weighted choices per onset and per (rime, tone) (`_INFORMAL_ONSETS`, `_INFORMAL_RIMES`);
   a person has a habitual spelling that half of their informal registrations reuse.
   Honorifics (ဦး ဒေါ် ကို မ မောင်) follow age and sex and vary between registrations.
3. **Then the clerk's noise**: a final letter doubled (Winn), an h dropped or added (Tun/Htun,
   Kin/Khin), syllables joined (Kyawzaw) or hyphenated, capitals, one-letter typos, honorifics
   spelled U/Oo/U., Mg/Mg., or dropped.

Burmese script appears on `MYANMAR_SHARE` (60 %) of registrations and a Latin name on 85 %
(both on 45 %). A quarter of the clerks type Burmese in Zawgyi (name and father alike), made
with ICU's "my-Zawgyi" transliterator from PyICU one syllable at a time (`haven.text` only
converts Zawgyi to Unicode; across some syllable boundaries ICU misplaces a medial ra).

Published tables followed (as summarised by Wikipedia's "MLC Transcription System",
"BGN/PCGN romanization of Burmese" and "Romanization of Burmese", the UNGEGN report on the
BGN/PCGN 1970 agreement, and the ALA-LC Burmese table): initials, medials and rimes in
`_CONSONANTS` and `_RIMES`. Simplifications: no stacked consonants or kinzi (names here do not
use them), BGN/PCGN ည် always "i", asat not written in ALA-LC; BGN/PCGN ôn/ôk for ုန် ုံ ုတ်
ုပ် follow its place names (Mônywa). The informal tables are this module's own reading of
how names are commonly spelled (the DOMAIN.md list and Wikipedia's Win/Winn/Wynn and
Khaing/Khine/Khain examples), not taken from Haven.

Deliberate differences from the first set:
- duplicates: the number of registrations per person is geometric (p = 0.8: 80 % once, 16 %
  twice, 3 % three times, ...), about 1.25 a person, so 100,000 records hold ~80,000 people;
- identifiers: NRC on ~33 % of registrations (75 % of people hold one, half the registrations
  give it; Latin or Burmese code, Burmese digits, spaced, typos), service number on ~38 %
  (soldiers only, prefix BA/ဗ, TA/တ or YA/ရ), full birth date on 35 %, year only 30 %, age only
  20 % (the year is then registration year minus age: one late half the time), none 15 %;
  father's name on 55 % (Latin in his son's system, or Burmese); units on 50 % in up to
  eleven written forms a kind (3 % unparseable, "150th Inf Bn"); 8 % of NRCs in forms Haven
  refuses ("12/KaMaYaN123456"); ranks in English abbreviation, English or Burmese on 31 %;
- names: composed from onset, rime and tone, never from a list of whole Latin names.

Deterministic for a seed: `generate(n, seed)` always returns the same records.
"""

from __future__ import annotations

import bisect
import random
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import icu  # type: ignore[import-untyped]

from bench.matching.generator import Registration
from haven.text.places import TOWNSHIPS

ZIPF = 1.0
MYANMAR_SHARE = 0.6
ZAWGYI_SHARE = 0.25
STAY_PROBABILITY = 0.2  # geometric registrations per person: P(another one) after each
REGISTRATION_YEARS = (2021, 2026)

Weighted = tuple[tuple[str, float], ...]

# --- Syllables --------------------------------------------------------------------------

# Common name syllables, most frequent first; m = male names, f = female, b = both.
_COMMON: tuple[tuple[str, str], ...] = (
    ("အောင်", "m"), ("ကျော်", "m"), ("မင်း", "m"), ("ထွန်း", "m"), ("စိုး", "m"),
    ("ဝင်း", "b"), ("မြင့်", "b"), ("ဇော်", "m"), ("ထက်", "m"), ("နိုင်", "m"),
    ("ခင်", "f"), ("အေး", "b"), ("လင်း", "b"), ("သိန်း", "b"), ("ခိုင်", "b"),
    ("ဖြိုး", "b"), ("သူ", "b"), ("ရဲ", "m"), ("ညွန့်", "b"), ("လွင်", "b"),
    ("မောင်", "m"), ("သန်း", "b"), ("ဆွေ", "b"), ("တင်", "b"), ("ဟိန်း", "m"),
    ("နေ", "b"), ("ရန်", "m"), ("ပြည့်", "b"), ("ဖြူ", "f"), ("လှ", "b"),
    ("လှိုင်", "b"), ("မြတ်", "b"), ("ဇင်", "b"), ("ကောင်း", "m"), ("သက်", "b"),
    ("ချစ်", "b"), ("ကြည်", "f"), ("စန်း", "f"), ("မာ", "f"), ("မိုး", "b"),
    ("နွယ်", "f"), ("မြ", "f"), ("ယု", "f"), ("ချို", "f"), ("ဇာ", "f"),
    ("နှင်း", "f"), ("သွယ်", "f"), ("ယဉ်", "f"), ("စု", "f"), ("ငြိမ်း", "b"),
    ("ချမ်း", "b"), ("သာ", "b"), ("ရီ", "f"), ("ဆု", "f"), ("မေ", "f"),
    ("ပန်း", "f"), ("ရွှေ", "b"), ("ဘ", "m"), ("ထွေး", "f"), ("တိုး", "m"),
    ("ဘို", "m"), ("စိန်", "b"), ("ဆန်း", "b"), ("ညို", "f"), ("ငွေ", "b"),
    ("ဟန်", "m"), ("သော်", "m"), ("ထင်", "m"), ("ကြီး", "m"), ("ငယ်", "b"),
    ("မျိုး", "m"), ("သစ်", "b"), ("ခန့်", "m"), ("ပေါ်", "m"), ("ထူး", "b"),
    ("ဖေ", "m"), ("လေး", "b"), ("ချော", "f"), ("သဲ", "f"), ("အိ", "f"),
    ("ဝါ", "f"), ("ဝတ်", "f"), ("မွန်", "f"), ("လတ်", "m"), ("ရှင်", "b"),
    ("ကျင်", "m"), ("သီ", "f"), ("ဦး", "m"), ("ပြည်", "b"), ("နီ", "f"),
    ("ထိုက်", "m"), ("ဇွဲ", "m"), ("ညီ", "m"), ("အုန်း", "m"), ("ဖုန်း", "m"),
    ("ရည်", "f"), ("စံ", "m"), ("မှူး", "m"), ("ဝေ", "b"), ("ကို", "m"),
    ("ပြုံး", "f"), ("ယမ်း", "m"), ("ဆင့်", "m"), ("ရင်", "f"), ("ကြူ", "f"),
    ("ပိုင်", "m"), ("ဒေး", "m"), ("လွန်း", "f"), ("သင်း", "f"), ("ချိုး", "m"),
)  # fmt: skip

# A few syllables frequent in Karen, Shan and Kayah names (approximate, for synthetic data).
_ETHNIC: dict[str, tuple[str, ...]] = {
    "karen": ("အဲ", "ထူး", "ပေါ", "မူ", "စေ", "ဖော"),
    "shan": ("ခမ်း", "ဆိုင်", "လိုင်", "ဟုမ်", "မောင်း", "ယွန်း"),
    "kayah": ("ရယ်", "မဲ", "ထဲ", "ဘူ", "ဖူ"),
    "pao": ("ဖိုး", "ခမ်း", "ထွန်း"),
    "mon": ("ဇင်", "မွန်", "ဂျာ"),
}

_TAIL_ONSETS = (
    "က", "ခ", "ဂ", "င", "စ", "ဆ", "ဇ", "ည", "တ", "ထ", "ဒ", "န", "ပ", "ဖ", "ဗ", "ဘ",
    "မ", "ယ", "ရ", "လ", "ဝ", "သ", "ဟ", "အ", "ကျ", "ကြ", "ချ", "ခြ", "ဂျ", "ပြ", "ဖြ",
    "မြ", "ဗျ", "လှ", "မှ", "နှ", "ရှ", "ညှ",
)  # fmt: skip
# Rimes with the tone marks each may take ("" = none, "့" creaky, "း" high).
_TAIL_RIMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ာ", ("", "း")), ("ိ", ("",)), ("ီ", ("", "း")), ("ု", ("",)), ("ူ", ("", "း")),
    ("ေ", ("", "့", "း")), ("ဲ", ("", "့")), ("ယ်", ("",)), ("ော", ("", "့")), ("ော်", ("",)),
    ("ို", ("", "့", "း")), ("က်", ("",)), ("ိုက်", ("",)), ("ောက်", ("",)),
    ("င်", ("", "့", "း")), ("ိုင်", ("", "့", "း")), ("ောင်", ("", "့", "း")), ("စ်", ("",)),
    ("ည်", ("", "့", "း")), ("တ်", ("",)), ("ိတ်", ("",)), ("ုတ်", ("",)), ("န်", ("", "့", "း")),
    ("ိန်", ("", "့", "း")), ("ုန်", ("", "့", "း")), ("ပ်", ("",)), ("မ်", ("", "း")),
    ("ိမ်", ("", "့", "း")), ("ုံ", ("", "း")),
)  # fmt: skip
_TAIL_SIZE = 360
_TAIL_SEED = 2023  # fixed: the inventory is the same for every seed

# Honorifics and ethnic prefixes in Myanmar script.
U, DAW, KO, MA, MAUNG = "ဦး", "ဒေါ်", "ကို", "မ", "မောင်"
ETHNIC_PREFIX: dict[str, tuple[str, str]] = {  # group -> (male, female)
    "karen": ("စော", "နော်"),
    "shan": ("စိုင်း", "နန်း"),
    "kayah": ("ခူး", "နန်း"),  # no verified Kayah female prefix here: Nang as in Shan use
    "pao": ("ခွန်", "နန်း"),
    "mon": ("နိုင်", "မိ"),
}
_ETHNIC_SHARE = (
    ("bamar", 0.70), ("karen", 0.09), ("shan", 0.09), ("kayah", 0.03), ("pao", 0.04),
    ("mon", 0.05),
)  # fmt: skip

_MEDIALS = "ျြွှ"
_WA_FINALS = "နတမယ"  # ွန် ွတ် ွမ် ွယ် are rimes; လွင် is l-w-in
_INDEPENDENT = "ဣဤဥဦဧဩဪ"
CREAKY, HIGH = "\u1037", "\u1038"
ASAT = "\u103a"


@dataclass(frozen=True)
class Syllable:
    """One syllable parsed: onset consonant (or independent vowel), medial signs, rime, tone."""

    text: str
    onset: str
    medials: str
    rime: str  # vowel and final, tone marks removed, tall aa (ါ) read as aa (ာ)
    tone: str  # "low", "creaky" or "high"


def _wa_in_rime(text: str, index: int) -> bool:
    """Whether the wa sign at `index` starts a rime: a final with asat (and tone) follows."""
    after = text[index + 1 : index + 4]
    return after[:1] == "ံ" or (after[:1] in _WA_FINALS and ASAT in after[1:3] and after[:1] != "")


def parse(text: str) -> Syllable:
    """Split a one-syllable Myanmar-script string into its parts (module docstring, step 2).

    Medial wa (ွ) before a final (ွန် ွတ် ွယ်) belongs to the rime, as the tables write
    ထွန်း htwan:/tun/thvanʺ; before a vowel (ရွှေ, ဆွေ) it is a medial.
    """
    if text[0] in _INDEPENDENT:
        rest = text[1:]
        tone = "high" if HIGH in rest else "creaky" if CREAKY in rest else "low"
        return Syllable(text, "", "", text[0], tone)
    onset, index = text[0], 1
    medials = ""
    while index < len(text) and text[index] in _MEDIALS:
        if text[index] == "ွ" and _wa_in_rime(text, index):
            break
        medials += text[index]
        index += 1
    rest = text[index:]
    tone = "high" if HIGH in rest else "creaky" if CREAKY in rest else "low"
    rime = rest.replace(HIGH, "").replace(CREAKY, "").replace("ါ", "ာ")
    return Syllable(text, onset, medials, rime, tone)


# --- Published systems --------------------------------------------------------------------

# Per consonant: MLCTS, BGN/PCGN 1970, ALA-LC.
_CONSONANTS: dict[str, tuple[str, str, str]] = {
    "က": ("k", "k", "k"), "ခ": ("hk", "k", "kh"), "ဂ": ("g", "g", "g"), "ဃ": ("gh", "g", "gh"),
    "င": ("ng", "ng", "ṅ"), "စ": ("c", "s", "c"), "ဆ": ("hc", "s", "ch"), "ဇ": ("j", "z", "j"),
    "ဈ": ("jh", "z", "jh"), "ည": ("ny", "ny", "ññ"), "တ": ("t", "t", "t"), "ထ": ("ht", "t", "th"),
    "ဒ": ("d", "d", "d"), "ဓ": ("dh", "d", "dh"), "န": ("n", "n", "n"), "ပ": ("p", "p", "p"),
    "ဖ": ("hp", "p", "ph"), "ဗ": ("b", "b", "b"), "ဘ": ("bh", "b", "bh"), "မ": ("m", "m", "m"),
    "ယ": ("y", "y", "y"), "ရ": ("r", "y", "r"), "လ": ("l", "l", "l"), "ဝ": ("w", "w", "v"),
    "သ": ("s", "th", "s"), "ဟ": ("h", "h", "h"), "အ": ("", "", ""),
}  # fmt: skip

# Per rime: MLCTS (with its tone rule), BGN/PCGN, ALA-LC. MLCTS tone rules: "t" adds "." for
# creaky and ":" for high; "c" the rime is creaky by itself (a. i. u.); "h" high unless marked
# creaky (ai: / ai., au: / au.); "-" a stop final, no tone.
_RIMES: dict[str, tuple[str, str, str, str]] = {
    "": ("a", "c", "a", "a"), "ာ": ("a", "t", "a", "ā"), "ိ": ("i", "c", "i", "i"),
    "ီ": ("i", "t", "i", "ī"), "ု": ("u", "c", "u", "u"), "ူ": ("u", "t", "u", "ū"),
    "ေ": ("e", "t", "e", "e"), "ဲ": ("ai", "h", "è", "ai"), "ယ်": ("ai", "t", "è", "ay"),
    "ော": ("au", "h", "aw", "o"), "ော်": ("au", "t", "aw", "oʻ"), "ို": ("ui", "t", "o", "ui"),
    "က်": ("ak", "-", "et", "ak"), "ိုက်": ("uik", "-", "aik", "uik"),
    "ောက်": ("auk", "-", "auk", "ok"), "င်": ("ang", "t", "in", "aṅ"),
    "ိုင်": ("uing", "t", "aing", "uiṅ"), "ောင်": ("aung", "t", "aung", "oṅ"),
    "စ်": ("ac", "-", "it", "ac"), "ည်": ("any", "t", "i", "aññ"), "ဉ်": ("any", "t", "in", "añ"),
    "တ်": ("at", "-", "at", "at"), "ိတ်": ("it", "-", "eik", "it"), "ုတ်": ("ut", "-", "ôk", "ut"),
    "ွတ်": ("wat", "-", "ut", "vat"), "န်": ("an", "t", "an", "an"),
    "ိန်": ("in", "t", "ein", "in"), "ုန်": ("un", "t", "ôn", "un"),
    "ွန်": ("wan", "t", "un", "van"), "ပ်": ("ap", "-", "at", "ap"),
    "ိပ်": ("ip", "-", "eik", "ip"), "ုပ်": ("up", "-", "ôk", "up"), "မ်": ("am", "t", "an", "am"),
    "ံ": ("am", "t", "an", "aṃ"), "ိမ်": ("im", "t", "ein", "im"), "ုံ": ("um", "t", "ôn", "uṃ"),
    "ုမ်": ("um", "t", "ôn", "um"), "ွယ်": ("wai", "t", "wè", "vay"),
    "ွမ်": ("wam", "t", "un", "vam"), "ွံ": ("wam", "t", "un", "vaṃ"),
    "ဥ": ("u", "c", "u", "u"), "ဦ": ("u", "t", "u", "ū"), "ဧ": ("e", "t", "e", "e"),
    "ဣ": ("i", "c", "i", "i"), "ဤ": ("i", "t", "i", "ī"), "ဩ": ("au", "h", "aw", "o"),
    "ဪ": ("au", "t", "aw", "oʻ"),
}  # fmt: skip

# Informal English-style spellings: weighted choices per onset (with its medials) ...
_INFORMAL_ONSETS: dict[str, Weighted] = {
    "က": (("k", 0.9), ("g", 0.1)), "ခ": (("kh", 0.85), ("k", 0.1), ("hk", 0.05)),
    "ဂ": (("g", 1.0),), "ဃ": (("g", 1.0),), "င": (("ng", 1.0),),
    "စ": (("s", 0.85), ("z", 0.15)), "ဆ": (("hs", 0.45), ("s", 0.45), ("sh", 0.1)),
    "ဇ": (("z", 0.9), ("j", 0.1)), "ည": (("ny", 1.0),), "တ": (("t", 0.9), ("d", 0.1)),
    "ထ": (("ht", 0.7), ("t", 0.22), ("th", 0.08)), "ဒ": (("d", 1.0),), "ဓ": (("d", 1.0),),
    "န": (("n", 1.0),), "ပ": (("p", 0.9), ("b", 0.1)),
    "ဖ": (("ph", 0.7), ("p", 0.2), ("hp", 0.1)), "ဗ": (("b", 1.0),),
    "ဘ": (("b", 0.95), ("bh", 0.05)), "မ": (("m", 1.0),), "ယ": (("y", 1.0),),
    "ရ": (("y", 0.8), ("r", 0.2)), "လ": (("l", 1.0),), "ဝ": (("w", 1.0),),
    "သ": (("th", 0.95), ("t", 0.05)), "ဟ": (("h", 1.0),), "အ": (("", 1.0),),
    "ကျ": (("ky", 0.8), ("gy", 0.12), ("ch", 0.05), ("j", 0.03)),
    "ချ": (("ch", 0.8), ("khy", 0.1), ("gy", 0.1)),
    "ဂျ": (("gy", 0.6), ("j", 0.4)),
    "ဖျ": (("phy", 0.75), ("py", 0.2), ("hpy", 0.05)),
    "ရှ": (("sh", 1.0),), "လျှ": (("sh", 1.0),), "သျှ": (("sh", 1.0),),
}  # fmt: skip
_SH = ("ရှ", "လျှ", "သျှ")
_SAME_ONSET = {"ကြ": "ကျ", "ခြ": "ချ", "ဂြ": "ဂျ", "ဖြ": "ဖျ"}

# ... and per (rime, tone), falling back to (rime, "").
_INFORMAL_RIMES: dict[tuple[str, str], Weighted] = {
    ("", ""): (("a", 0.6), ("ah", 0.3), ("ar", 0.1)),
    ("ာ", ""): (("ar", 0.5), ("a", 0.4), ("ah", 0.1)),
    ("ိ", ""): (("i", 0.7), ("ee", 0.2), ("e", 0.1)),
    ("ီ", ""): (("i", 0.5), ("ee", 0.4), ("ey", 0.1)),
    ("ု", ""): (("u", 0.5), ("oo", 0.4), ("ou", 0.1)),
    ("ူ", ""): (("u", 0.5), ("oo", 0.5)),
    ("ေ", ""): (("ay", 0.45), ("e", 0.25), ("ae", 0.15), ("aye", 0.1), ("ai", 0.05)),
    ("ေ", "high"): (("ay", 0.4), ("aye", 0.3), ("e", 0.15), ("ae", 0.15)),
    ("ဲ", ""): (("e", 0.45), ("eh", 0.2), ("ae", 0.2), ("ay", 0.15)),
    ("ယ်", ""): (("e", 0.4), ("ae", 0.25), ("eh", 0.15), ("ai", 0.1), ("ay", 0.1)),
    ("ွယ်", ""): (("we", 0.6), ("wae", 0.3), ("weh", 0.1)),
    ("ော", ""): (("aw", 0.85), ("or", 0.1), ("au", 0.05)),
    ("ော်", ""): (("aw", 0.85), ("or", 0.1), ("au", 0.05)),
    ("ို", ""): (("o", 0.6), ("oe", 0.25), ("oh", 0.15)),
    ("ို", "high"): (("oe", 0.55), ("o", 0.3), ("oh", 0.1), ("oo", 0.05)),
    ("က်", ""): (("et", 0.8), ("ek", 0.1), ("eck", 0.1)),
    ("ိုက်", ""): (("aik", 0.8), ("ike", 0.2)),
    ("ောက်", ""): (("auk", 0.8), ("ouk", 0.2)),
    ("င်", ""): (("in", 0.6), ("inn", 0.2), ("ing", 0.12), ("yn", 0.05), ("ynn", 0.03)),
    ("င်", "creaky"): (("int", 0.65), ("in", 0.3), ("inn", 0.05)),
    ("ိုင်", ""): (("aing", 0.55), ("ine", 0.3), ("ain", 0.15)),
    ("ောင်", ""): (("aung", 0.85), ("oung", 0.1), ("aong", 0.05)),
    ("စ်", ""): (("it", 0.85), ("yit", 0.15)),
    ("ည်", ""): (("i", 0.35), ("ee", 0.2), ("e", 0.15), ("ae", 0.2), ("ay", 0.1)),
    ("ည်", "creaky"): (("ae", 0.5), ("i", 0.2), ("e", 0.2), ("ay", 0.1)),
    ("ဉ်", ""): (("in", 0.8), ("inn", 0.2)),
    ("တ်", ""): (("at", 0.8), ("ut", 0.2)),
    ("ိတ်", ""): (("eik", 0.7), ("ate", 0.15), ("ake", 0.15)),
    ("ုတ်", ""): (("ok", 0.6), ("oke", 0.3), ("out", 0.1)),
    ("ွတ်", ""): (("ut", 0.7), ("wut", 0.2), ("oot", 0.1)),
    ("န်", ""): (("an", 0.85), ("ann", 0.15)),
    ("န်", "creaky"): (("ant", 0.7), ("an", 0.3)),
    ("ိန်", ""): (("ein", 0.6), ("ane", 0.2), ("ain", 0.1), ("eain", 0.1)),
    ("ုန်", ""): (("one", 0.35), ("on", 0.35), ("ohn", 0.2), ("oon", 0.1)),
    ("ွန်", ""): (("un", 0.6), ("oon", 0.3), ("unn", 0.1)),
    ("ွန်", "creaky"): (("unt", 0.7), ("un", 0.3)),
    ("ွမ်", ""): (("un", 0.6), ("wam", 0.2), ("oon", 0.2)),
    ("ွံ", ""): (("un", 0.6), ("wan", 0.2), ("oon", 0.2)),
    ("ပ်", ""): (("at", 0.8), ("ut", 0.2)),
    ("ိပ်", ""): (("eik", 0.8), ("ake", 0.2)),
    ("ုပ်", ""): (("ok", 0.7), ("oke", 0.3)),
    ("မ်", ""): (("an", 0.6), ("am", 0.25), ("ann", 0.15)),
    ("ံ", ""): (("an", 0.6), ("am", 0.25), ("un", 0.15)),
    ("ိမ်", ""): (("ein", 0.7), ("ane", 0.2), ("eim", 0.1)),
    ("ုံ", ""): (("on", 0.4), ("ohn", 0.3), ("oun", 0.3)),
    ("ုမ်", ""): (("on", 0.5), ("om", 0.3), ("oom", 0.2)),
    ("ဥ", ""): (("u", 0.6), ("oo", 0.4)),
    ("ဦ", ""): (("u", 0.6), ("oo", 0.4)),
    ("ဧ", ""): (("ay", 0.5), ("e", 0.5)),
    ("ဣ", ""): (("i", 1.0),), ("ဤ", ""): (("i", 1.0),),
    ("ဩ", ""): (("aw", 1.0),), ("ဪ", ""): (("aw", 1.0),),
}  # fmt: skip

# Honorifics as people write them, whatever the system of the rest of the name.
_INFORMAL_HONORIFICS: dict[str, Weighted] = {
    U: (("U", 0.7), ("Oo", 0.2), ("U.", 0.05), ("OO", 0.05)),
    DAW: (("Daw", 0.9), ("Daw.", 0.05), ("D.", 0.05)),
    KO: (("Ko", 0.8), ("Koh", 0.15), ("Ko.", 0.05)),
    MA: (("Ma", 0.85), ("Mah", 0.1), ("Ma.", 0.05)),
    MAUNG: (("Maung", 0.6), ("Mg", 0.3), ("Mg.", 0.1)),
    "စော": (("Saw", 1.0),),
    "နော်": (("Naw", 0.95), ("Nor", 0.05)),
    "စိုင်း": (("Sai", 0.85), ("Saing", 0.1), ("Sine", 0.05)),
    "နန်း": (("Nang", 0.6), ("Nan", 0.35), ("Nann", 0.05)),
    "ခူး": (("Khu", 0.6), ("Khoo", 0.3), ("Ku", 0.1)),
    "ခွန်": (("Khun", 0.8), ("Khon", 0.1), ("Khoon", 0.1)),
    "နိုင်": (("Nai", 0.8), ("Naing", 0.2)),
    "မိ": (("Mi", 0.8), ("Mee", 0.2)),
}

# Informal spellings are what people and clerks mostly write; the published systems appear
# where a name was copied from a document or typed by someone trained in one.
SYSTEMS: Weighted = (("informal", 0.7), ("bgn", 0.12), ("mlcts", 0.1), ("alalc", 0.08))


# Totals of the weight tables, by identity; the table is kept in the entry so that its id
# cannot be reused while the entry exists.
_TOTALS: dict[int, tuple[Weighted, float]] = {}


def _pick(rng: random.Random, options: Weighted) -> str:
    if len(options) == 1:
        return options[0][0]
    entry = _TOTALS.get(id(options))
    if entry is None or entry[0] is not options:
        entry = _TOTALS[id(options)] = (options, sum(weight for _, weight in options))
    roll = rng.random() * entry[1]
    for value, weight in options:
        roll -= weight
        if roll < 0:
            return value
    return options[-1][0]


def _onset_key(syllable: Syllable) -> str:
    """The onset with its y/r medial, as the informal table keys it (ကြ read as ကျ); ရှ, လျှ
    and သျှ (said sh) keep their h."""
    key = syllable.onset + "".join(m for m in syllable.medials if m in "ျြ")
    if "ှ" in syllable.medials and key in ("ရ", "လျ", "သျ"):
        key += "ှ"
    return _SAME_ONSET.get(key, key)


def _mlcts(s: Syllable) -> str:
    onset = _CONSONANTS[s.onset][0] if s.onset else ""
    if "ှ" in s.medials:
        onset = "h" + onset
    onset += "y" * ("ျ" in s.medials) + "r" * ("ြ" in s.medials) + "w" * ("ွ" in s.medials)
    base, rule, _, _ = _RIMES[s.rime]
    if rule == "c" or (rule in "th" and s.tone == "creaky"):
        mark = "."
    elif (rule == "t" and s.tone == "high") or (rule == "h" and s.tone != "creaky"):
        mark = ":"
    else:
        mark = ""
    return onset + base + mark


def _bgn(s: Syllable) -> str:
    key = _onset_key(s)
    if key in _SH:
        onset = "sh"
    elif key == "ချ":
        onset = "ch"
    else:
        onset = _CONSONANTS[s.onset][1] if s.onset else ""
        onset += "y" * any(m in s.medials for m in "ျြ")
        if "ှ" in s.medials:
            onset = "h" + onset
    onset += "w" * ("ွ" in s.medials)
    return onset + _RIMES[s.rime][2]


def _alalc(s: Syllable) -> str:
    onset = _CONSONANTS[s.onset][2] if s.onset else ""
    onset += "y" * ("ျ" in s.medials) + "r" * ("ြ" in s.medials) + "v" * ("ွ" in s.medials)
    onset += "h" * ("ှ" in s.medials)
    tone = {"creaky": "ʹ", "high": "ʺ"}.get(s.tone, "")
    return onset + _RIMES[s.rime][3] + tone


def _informal(s: Syllable, rng: random.Random) -> str:
    key = _onset_key(s)
    options = _INFORMAL_ONSETS.get(key)
    if options is not None:
        onset = _pick(rng, options)
    else:  # a y/r medial on another consonant: the informal onset of the consonant + y
        onset = _pick(rng, _INFORMAL_ONSETS[s.onset]) if s.onset else ""
        onset += "y" * any(m in s.medials for m in "ျြ")
    if "ှ" in s.medials and key not in _SH:
        onset = ("h" + onset) if rng.random() < 0.85 else onset  # hm, hl, hn, hny
    onset += "w" * ("ွ" in s.medials)
    rime = _INFORMAL_RIMES.get((s.rime, s.tone)) or _INFORMAL_RIMES[(s.rime, "")]
    return onset + _pick(rng, rime)


def informal_spellings(text: str) -> set[str]:
    """Every informal spelling `romanise(text, "informal", ...)` can give (lower case)."""
    s = _parsed(text)
    key = _onset_key(s)
    if key in _INFORMAL_ONSETS:
        onsets = {value for value, _ in _INFORMAL_ONSETS[key]}
    elif s.onset:
        medial_y = "y" * any(m in s.medials for m in "ျြ")
        onsets = {value + medial_y for value, _ in _INFORMAL_ONSETS[s.onset]}
    else:
        onsets = {""}
    if "ှ" in s.medials and key not in _SH:
        onsets |= {"h" + onset for onset in onsets}
    onsets = {onset + "w" * ("ွ" in s.medials) for onset in onsets}
    rimes = _INFORMAL_RIMES.get((s.rime, s.tone)) or _INFORMAL_RIMES[(s.rime, "")]
    return {onset + rime for onset in onsets for rime, _ in rimes}


def romanise(text: str, system: str, rng: random.Random) -> str:
    """One syllable in `system` ("mlcts", "bgn", "alalc", "informal"), lower case."""
    syllable = _parsed(text)
    if system == "mlcts":
        return _mlcts(syllable)
    if system == "bgn":
        return _bgn(syllable)
    if system == "alalc":
        return _alalc(syllable)
    return _informal(syllable, rng)


@cache
def _parsed(text: str) -> Syllable:
    return parse(text)


def _fold(text: str) -> str:
    """Diacritics dropped as a clerk without them types: ā > a, ṅ > n, è > e, ʹ ʺ ʻ gone."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c in " .:-"))


_VOICED = {"k": "g", "s": "z", "t": "d", "p": "b", "ch": "gy", "ky": "gy"}


def _bgn_join(parts: list[str]) -> str:
    """BGN/PCGN note 2: inside a word, k s t p (ch) are voiced after a vowel, n or ng."""
    word = parts[0]
    for part in parts[1:]:
        voiced = part
        if word and (word[-1] in "aeiouèôwn" or word.endswith("ng")):
            for plain in ("ch", "ky", "k", "s", "t", "p"):
                if part.startswith(plain) and not part.startswith("th"):
                    voiced = _VOICED[plain] + part[len(plain) :]
                    break
        word += voiced
    return word


# --- Inventory ---------------------------------------------------------------------------


def _tail() -> list[str]:
    rng = random.Random(_TAIL_SEED)
    common = {text for text, _ in _COMMON}
    candidates = []
    for onset in _TAIL_ONSETS:
        for rime, tones in _TAIL_RIMES:
            for tone in tones:
                if tone == CREAKY and rime.endswith(ASAT):
                    text = rime[:-1] + CREAKY + ASAT
                else:
                    text = rime + tone
                candidates.append(onset + text)
    candidates = [text for text in candidates if text not in common]
    return sorted(rng.sample(candidates, _TAIL_SIZE), key=lambda _: rng.random())


SYLLABLES: tuple[tuple[str, str], ...] = _COMMON + tuple((text, "b") for text in _tail())


def _cumulative(sex: str) -> tuple[list[str], list[float]]:
    names, totals, total = [], [], 0.0
    for rank, (text, kind) in enumerate(SYLLABLES):
        if kind in ("b", sex):
            total += 1.0 / (rank + 1) ** ZIPF
            names.append(text)
            totals.append(total)
    return names, totals


_BY_SEX = {"m": _cumulative("m"), "f": _cumulative("f")}


def _syllable(rng: random.Random, sex: str) -> str:
    names, totals = _BY_SEX[sex]
    return names[bisect.bisect_left(totals, rng.random() * totals[-1])]


# --- People ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """The truth about one synthetic person (the Myanmar-script name is the original)."""

    entity: int
    sex: str  # "m" or "f"
    group: str  # "bamar", "karen", ...
    name: tuple[str, ...]  # Myanmar-script syllables, without honorific or prefix
    father: tuple[str, ...]
    birth: tuple[int, int, int]
    nrc: (
        tuple[int, int, str, str, str] | None
    )  # state, township index, letters, citizenship, digits
    service_number: str | None  # canonical "BA123456"
    unit: tuple[str, int] | None
    rank: int | None  # index into RANKS
    brother_of: int | None
    habit_seed: int  # the person's own informal spelling


RANKS: tuple[tuple[str, ...], ...] = (
    ("Pte", "Private", "တပ်သား"),
    ("L/Cpl", "Lance Corporal", "ဒုတပ်ကြပ်"),
    ("Cpl", "Corporal", "တပ်ကြပ်"),
    ("Sgt", "Sergeant", "တပ်ကြပ်ကြီး"),
    ("WO", "Warrant Officer", "အရာခံဗိုလ်"),
    ("2Lt", "Second Lieutenant", "ဒုဗိုလ်"),
    ("Lt", "Lieutenant", "ဗိုလ်"),
    ("Capt", "Captain", "ဗိုလ်ကြီး"),
    ("Maj", "Major", "ဗိုလ်မှူး"),
)
_RANK_WEIGHTS: Weighted = tuple(
    (str(index), float(weight)) for index, weight in enumerate((30, 14, 16, 14, 6, 6, 6, 5, 3))
)
_NAME_LENGTHS: Weighted = (("1", 0.05), ("2", 0.45), ("3", 0.4), ("4", 0.1))
_POLICE_RANKS = (("Const", "Police Constable", "ရဲတပ်သား"), ("PSgt", "Police Sergeant", "ရဲတပ်ကြပ်ကြီး"))

# Unit kinds with numbers in use and how each may be written ({n} ASCII, {my} Burmese digits).
_UNITS: tuple[tuple[str, float, tuple[int, int]], ...] = (
    ("LIB", 0.45, (1, 599)),
    ("IB", 0.33, (1, 299)),
    ("MOC", 0.05, (1, 21)),
    ("ARTY", 0.05, (301, 399)),
    ("LID", 0.03, (11, 101)),
    ("BGF", 0.04, (1001, 1023)),
    ("SPB", 0.05, (1, 15)),
)
_UNIT_FORMS: dict[str, tuple[tuple[str, float], ...]] = {
    "LIB": (
        ("LIB {n}", 0.3), ("LIB-{n}", 0.15), ("lib{n}", 0.05),
        ("Light Infantry Battalion {n}", 0.1), ("Light Infantry Battalion ({n})", 0.05),
        ("{n} LIB", 0.08), ("ခမရ {my}", 0.1), ("ခမရ-{n}", 0.05), ("Kha Ma Ya {n}", 0.07),
        ("No.{n} LIB", 0.02), ("{n}th Lt Inf Bn", 0.03),
    ),
    "IB": (
        ("IB {n}", 0.3), ("IB-{n}", 0.15), ("ib{n}", 0.05), ("Infantry Battalion {n}", 0.12),
        ("{n} IB", 0.08), ("ခလရ {my}", 0.12), ("ခလရ-{n}", 0.05), ("Kha La Ya {n}", 0.08),
        ("{n}th Inf Bn", 0.05),
    ),
    "MOC": (("MOC {n}", 0.5), ("MOC-{n}", 0.2), ("စကခ {my}", 0.2), ("Sa Ka Kha {n}", 0.1)),
    "ARTY": (("Arty Bn {n}", 0.4), ("ARTY-{n}", 0.3), ("အမြောက်တပ်ရင်း {my}", 0.3)),
    "LID": (("LID {n}", 0.5), ("တမခ {my}", 0.3), ("Light Infantry Division {n}", 0.2)),
    "BGF": (("BGF {n}", 0.5), ("BGF Battalion {n}", 0.3), ("နယ်ခြားစောင့်တပ် {my}", 0.2)),
    "SPB": (("SPB {n}", 0.4), ("Lon Htein {n}", 0.3), ("လုံထိန်း {my}", 0.3)),
}  # fmt: skip

_SERVICE_PREFIXES = (("BA", "ဗ", 0.7), ("TA", "တ", 0.2), ("YA", "ရ", 0.1))
_BURMESE_DIGITS = str.maketrans("0123456789", "၀၁၂၃၄၅၆၇၈၉")
# NRC letter names for township codes not in Haven's township table (a few spellings each).
_CODE_LETTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("က", ("Ka",)), ("ခ", ("Kha",)), ("ဂ", ("Ga",)), ("စ", ("Sa",)), ("ဆ", ("Sa", "Hsa")),
    ("ဇ", ("Za",)), ("တ", ("Ta",)), ("ထ", ("Hta", "Tha")), ("ဒ", ("Da",)), ("န", ("Na",)),
    ("ပ", ("Pa",)), ("ဖ", ("Pha", "Hpa")), ("ဗ", ("Ba",)), ("မ", ("Ma",)), ("ယ", ("Ya",)),
    ("ရ", ("Ya", "Ra")), ("လ", ("La",)), ("ဝ", ("Wa",)), ("သ", ("Tha",)), ("ဟ", ("Ha",)),
    ("အ", ("Ah", "A")),
)  # fmt: skip
_CITIZENSHIP = (("N", "နိုင်", 0.95), ("E", "ဧည့်", 0.03), ("P", "ပြု", 0.02))
_CITIZENSHIP_WEIGHTS: Weighted = tuple((c, w) for c, _, w in _CITIZENSHIP)
_SERVICE_WEIGHTS: Weighted = tuple((p, w) for p, _, w in _SERVICE_PREFIXES)
_ARMY_UNIT_WEIGHTS: Weighted = tuple((kind, weight) for kind, weight, _ in _UNITS if kind != "SPB")


def _codes() -> list[tuple[int, str, tuple[str, ...]]]:
    """NRC township codes: (state, Burmese letters, Latin spellings), from Haven's table and
    composed ones (three letters) for the other states."""
    codes = [
        (t.nrc_state, t.nrc_my, (t.nrc_latin,))
        for t in TOWNSHIPS
        if t.nrc_state and t.nrc_my and t.nrc_latin
    ]
    rng = random.Random(_TAIL_SEED)
    for state in range(1, 15):
        for _ in range(12):
            letters = [rng.choice(_CODE_LETTERS) for _ in range(3)]
            burmese = "".join(letter for letter, _ in letters)
            spellings = {"".join(spell[0] for _, spell in letters)}
            spellings.add("".join(spell[-1] for _, spell in letters))
            codes.append((state, burmese, tuple(sorted(spellings))))
    return codes


_NRC_CODES = _codes()


class _Population:
    """Makes people: names, fathers, brothers, namesakes, identifiers."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.people: list[Person] = []

    def name(self, sex: str, group: str, length: int | None = None) -> tuple[str, ...]:
        rng = self.rng
        if length is None:
            length = int(_pick(rng, _NAME_LENGTHS))
        ethnic = _ETHNIC.get(group, ())
        return tuple(
            rng.choice(ethnic) if ethnic and rng.random() < 0.3 else _syllable(rng, sex)
            for _ in range(length)
        )

    def person(self) -> Person:
        rng = self.rng
        entity = len(self.people) + 1
        brother = None
        if self.people and rng.random() < 1 / 6:
            recent = [p for p in self.people[-60:] if p.sex == "m" and p.brother_of is None]
            brother = rng.choice(recent) if recent else None
        person = self._fresh(entity) if brother is None else self._brother(entity, brother)
        if brother is None and self.people and rng.random() < 0.03:  # a copied namesake
            other = rng.choice(self.people[-2000:])
            if other.sex == person.sex:
                person = _replace(person, name=other.name, group=other.group)
        self.people.append(person)
        return person

    def _fresh(self, entity: int) -> Person:
        rng = self.rng
        sex = "m" if rng.random() < 0.72 else "f"
        group = _pick(rng, _ETHNIC_SHARE)
        year = rng.randint(1955, 2006)
        soldier = rng.random() < (0.7 if sex == "m" else 0.15)
        unit = self._unit(police=False) if soldier else None
        if not soldier and rng.random() < 0.2:
            unit = self._unit(police=True)
        return Person(
            entity=entity,
            sex=sex,
            group=group,
            name=self.name(sex, group),
            father=self.name("m", group),
            birth=(year, rng.randint(1, 12), rng.randint(1, 28)),
            nrc=self._nrc() if rng.random() < 0.75 else None,
            service_number=self._service_number() if soldier else None,
            unit=unit,
            rank=int(_pick(rng, _RANK_WEIGHTS)) if soldier else None,
            brother_of=None,
            habit_seed=rng.getrandbits(32),
        )

    def _brother(self, entity: int, brother: Person) -> Person:
        rng = self.rng
        name = list(self.name("m", brother.group, len(brother.name)))
        if rng.random() < 0.5:  # brothers often share a syllable, in the same place
            at = rng.randrange(min(len(name), len(brother.name)))
            name[at] = brother.name[at]
        gap = rng.randint(1, 6) * rng.choice((-1, 1))
        soldier = brother.service_number is not None and rng.random() < 0.8
        nrc = None
        if brother.nrc and rng.random() < 0.8:  # same township, another number
            state, township, letters, citizenship, _ = brother.nrc
            nrc = (state, township, letters, citizenship, f"{rng.randint(0, 999999):06d}")
        return Person(
            entity=entity,
            sex="m",
            group=brother.group,
            name=tuple(name),
            father=brother.father,
            birth=(brother.birth[0] + gap, rng.randint(1, 12), rng.randint(1, 28)),
            nrc=nrc,
            service_number=self._service_number() if soldier else None,
            unit=brother.unit if soldier else None,
            rank=int(_pick(rng, _RANK_WEIGHTS)) if soldier else None,
            brother_of=brother.entity,
            habit_seed=rng.getrandbits(32),
        )

    def _unit(self, police: bool) -> tuple[str, int]:
        rng = self.rng
        if police:
            return ("SPB", rng.randint(1, 15))
        kind = _pick(rng, _ARMY_UNIT_WEIGHTS)
        low, high = next(span for k, _, span in _UNITS if k == kind)
        return (kind, rng.randint(low, high))

    def _nrc(self) -> tuple[int, int, str, str, str]:
        rng = self.rng
        township = rng.randrange(len(_NRC_CODES))
        citizenship = _pick(rng, _CITIZENSHIP_WEIGHTS)
        state = _NRC_CODES[township][0]
        return (state, township, "", citizenship, f"{rng.randint(0, 999999):06d}")

    def _service_number(self) -> str:
        rng = self.rng
        prefix = _pick(rng, _SERVICE_WEIGHTS)
        digits = rng.randint(5, 6)
        return prefix + str(rng.randint(10 ** (digits - 1), 10**digits - 1))


def _replace(person: Person, **changes: object) -> Person:
    fields = {**person.__dict__, **changes}
    return Person(**fields)  # type: ignore[arg-type]


# --- Registrations -----------------------------------------------------------------------


# ASCII labels of the honorifics and prefixes, for the notes (`Registration.corruptions`).
_TITLE_LABELS = {
    U: "U", DAW: "Daw", KO: "Ko", MA: "Ma", MAUNG: "Maung", "စော": "Saw", "နော်": "Naw",
    "စိုင်း": "Sai", "နန်း": "Nang", "ခူး": "Khu", "ခွန်": "Khun", "နိုင်": "Nai", "မိ": "Mi",
}  # fmt: skip


def _honorifics(person: Person, age: int, rng: random.Random) -> list[str]:
    """Honorific and ethnic prefix in Myanmar script, as this registration gives them."""
    words: list[str] = []
    male = person.sex == "m"
    if person.group != "bamar" and rng.random() < 0.88:
        prefix = ETHNIC_PREFIX[person.group][0 if male else 1]
        if rng.random() < 0.12:
            words.append(U if male else DAW)
        words.append(prefix)
        return words
    if rng.random() < 0.3:
        return words  # honorific dropped
    if age >= 40 or (age >= 30 and rng.random() < 0.5):
        words.append(U if male else DAW)
    elif male:
        words.append(MAUNG if age < 22 and rng.random() < 0.6 else KO)
    else:
        words.append(MA)
    return words


def _latin_syllables(
    syllables: list[str], system: str, rng: random.Random, folded: bool
) -> list[str]:
    out = [romanise(text, system, rng) for text in syllables]
    if system == "mlcts" and not folded:
        return out
    if system == "mlcts":
        return [part.replace(".", "").replace(":", "") for part in out]
    if system in ("alalc", "bgn") and folded:
        return [_fold(part) for part in out]
    return out


def _noise(parts: list[str], rng: random.Random, notes: list[str]) -> list[str]:
    """The clerk's per-syllable noise: a doubled final, an h dropped or added."""
    out = []
    for part in parts:
        word = part
        if word[-1:] in ("n", "t") and word[-2:-1] != word[-1] and rng.random() < 0.08:
            word += word[-1]
            notes.append("doubled_final")
        if rng.random() < 0.05:
            aspirated = next(
                (a for a in ("ht", "kh", "ph", "hl", "hm", "hn", "hs") if word.startswith(a)), None
            )
            if aspirated:
                word = word.replace("h", "", 1)
                notes.append("h_dropped")
            elif word[:1] in ("t", "k", "p") and not word.startswith("th"):
                word = "h" + word if word[0] == "t" else word[0] + "h" + word[1:]
                notes.append("h_added")
        out.append(word)
    return out


def _typo(text: str, rng: random.Random) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 3:
        return text
    at = rng.choice(letters[1:])
    kind = rng.randrange(3)
    if kind == 0:
        return text[:at] + text[at + 1 :]
    if kind == 1:
        return text[:at] + text[at] + text[at:]
    return text[: at - 1] + text[at] + text[at - 1] + text[at + 1 :]


def _latin_name(
    honorifics: list[str],
    syllables: list[str],
    rng: random.Random,
    system: str,
    notes: list[str],
) -> str:
    folded = rng.random() < (0.7 if system == "mlcts" else 0.6 if system == "alalc" else 0.5)
    parts = _latin_syllables(syllables, system, rng, folded)
    if system == "informal":
        parts = _noise(parts, rng, notes)
    join = rng.random()
    if system == "bgn" and join < 0.3:
        words = [_bgn_join(parts).capitalize()]
        notes.append("joined")
    elif join < 0.12 and len(parts) > 1:
        words = ["".join(part.capitalize() if rng.random() < 0.3 else part for part in parts)]
        words[0] = words[0][:1].upper() + words[0][1:]
        notes.append("joined")
    elif join < 0.18 and len(parts) > 2:
        words = [part.capitalize() for part in parts]
        at = rng.randrange(len(words) - 1)
        words[at : at + 2] = [words[at] + words[at + 1].lower()]
        notes.append("joined")
    else:
        words = [part.capitalize() for part in parts]
    if rng.random() < 0.02 and len(words) > 1:
        words = ["-".join(words)]
        notes.append("hyphen")
    titles = []
    for word in honorifics:
        if system == "informal" or rng.random() < 0.7:
            titles.append(_pick(rng, _INFORMAL_HONORIFICS[word]))
        else:
            titles.append(_latin_syllables([word], system, rng, folded)[0].capitalize())
    text = " ".join(titles + words)
    if rng.random() < 0.03:
        text = _typo(text, rng)
        notes.append("typo")
    case = rng.random()
    if case < 0.15:
        text = text.upper()
    elif case < 0.2:
        text = text.lower()
    return text


@lru_cache(maxsize=1)
def _to_zawgyi() -> icu.Transliterator:
    return icu.Transliterator.createInstance("my-Zawgyi")


def _myanmar_name(words: list[str], rng: random.Random, zawgyi: bool) -> str:
    """Syllables written together, or spaced, or the honorific apart; in Zawgyi if the clerk's
    keyboard is. Zawgyi is made syllable by syllable: ICU's transliterator misplaces a
    following syllable's medial ra across some syllable boundaries (ငွေမြတ်), which a
    Zawgyi typist would not."""
    if zawgyi:
        words = [_zawgyi_syllable(word) for word in words]
    if rng.random() < 0.3:
        return " ".join(words)
    if len(words) > 1 and rng.random() < 0.4:  # honorific apart, name together
        return words[0] + " " + "".join(words[1:])
    return "".join(words)


@lru_cache(maxsize=4096)
def _zawgyi_syllable(text: str) -> str:
    return str(_to_zawgyi().transliterate(text))


def _nrc_text(person: Person, rng: random.Random, notes: list[str]) -> str:
    assert person.nrc is not None
    state, township, _, citizenship, digits = person.nrc
    _, burmese, latin = _NRC_CODES[township]
    if rng.random() < 0.04:  # a digit mistyped or two swapped
        at = rng.randrange(5)
        if rng.random() < 0.5:
            digits = digits[:at] + digits[at + 1] + digits[at] + digits[at + 2 :]
        else:
            digits = digits[:at] + str(rng.randrange(10)) + digits[at + 1 :]
        notes.append("nrc_typo")
    citizen_my = next(my for c, my, _ in _CITIZENSHIP if c == citizenship)
    form = rng.random()
    if form < 0.25:  # all Burmese
        notes.append("nrc_burmese")
        state_my, digits_my = (
            str(state).translate(_BURMESE_DIGITS),
            digits.translate(_BURMESE_DIGITS),
        )
        return f"{state_my}/{burmese}({citizen_my}){digits_my}"
    code = rng.choice(latin)
    if form < 0.5:
        return f"{state}/{code}({citizenship}){digits}"
    if form < 0.62:
        return f"{state}/{code.upper()}({citizenship}){digits}"
    if form < 0.72:
        spaced = " ".join(_split_code(code))
        return f"{state}/{spaced} ({citizenship}) {digits}"
    if form < 0.82:
        return f"{state}/{code}({citizenship}){digits.translate(_BURMESE_DIGITS)}"
    if form < 0.9:
        return f"{state}/{code}{citizenship}{digits}"
    return f"{state} {code} ({citizenship}) {digits[:3]} {digits[3:]}"


def _split_code(code: str) -> list[str]:
    parts: list[str] = []
    for char in code:
        if char.isupper() or not parts:
            parts.append(char)
        else:
            parts[-1] += char
    return parts


def _service_text(number: str, rng: random.Random, notes: list[str]) -> str:
    prefix, digits = number[:2], number[2:]
    if rng.random() < 0.03:
        at = rng.randrange(len(digits))
        digits = digits[:at] + str(rng.randrange(10)) + digits[at + 1 :]
        notes.append("service_typo")
    form = rng.random()
    if form < 0.2:
        notes.append("service_burmese")
        letter = next(my for p, my, _ in _SERVICE_PREFIXES if p == prefix)
        return f"{letter}-{digits.translate(_BURMESE_DIGITS)}"
    if form < 0.5:
        return f"{prefix}-{digits}"
    if form < 0.7:
        return f"{prefix}{digits}"
    if form < 0.85:
        return f"{prefix} {digits}"
    if form < 0.95:
        return f"{prefix.lower()}-{digits}"
    return f"{prefix}/{digits}"


def _unit_text(unit: tuple[str, int], rng: random.Random) -> str:
    kind, number = unit
    form = _pick(rng, _UNIT_FORMS[kind])
    return form.format(n=number, my=str(number).translate(_BURMESE_DIGITS))


def _names(
    person: Person, age: int, rng: random.Random, habit: dict[int, list[str]], notes: list[str]
) -> tuple[str | None, str | None, str | None]:
    """(Latin name, Myanmar-script name, father's name) as this registration writes them."""
    honorifics = _honorifics(person, age, rng)
    notes.append("titles:" + ("+".join(_TITLE_LABELS[word] for word in honorifics) or "none"))
    system = _pick(rng, SYSTEMS)
    notes.append(system)
    syllables = list(person.name)
    name_latin = None
    has_myanmar = rng.random() < MYANMAR_SHARE
    if not has_myanmar or rng.random() < 0.75:
        if system == "informal" and rng.random() < 0.5:
            if person.entity not in habit:  # the person's own spelling, drawn once
                own = random.Random(person.habit_seed)
                habit[person.entity] = [_informal(_parsed(s), own) for s in syllables]
            words = [part.capitalize() for part in _noise(list(habit[person.entity]), rng, notes)]
            titles = [_pick(rng, _INFORMAL_HONORIFICS[word]) for word in honorifics]
            name_latin = " ".join(titles + words)
            notes.append("habitual")
        else:
            name_latin = _latin_name(honorifics, syllables, rng, system, notes)
    zawgyi = rng.random() < ZAWGYI_SHARE  # the clerk's keyboard, for every Burmese field
    name_my = _myanmar_name(honorifics + syllables, rng, zawgyi) if has_myanmar else None
    father = None
    if rng.random() < 0.55:
        titles = [U] if rng.random() < 0.6 else []
        if rng.random() < 0.3:
            father = _myanmar_name(titles + list(person.father), rng, zawgyi)
        else:
            father = _latin_name(titles, list(person.father), rng, system, notes)
    if zawgyi and (name_my or (father and any("\u1000" <= c <= "\u109f" for c in father))):
        notes.append("zawgyi")
    return name_latin, name_my, father


def _birth(person: Person, rng: random.Random, notes: list[str]) -> tuple[int | None, str | None]:
    """(birth year, ISO birth date): full date, year only, year from the age given, or none."""
    born, month, day = person.birth
    form = rng.random()
    if form < 0.35:
        if rng.random() < 0.03 and day <= 12:
            month, day = day, month
            notes.append("day_month_swap")
        return born, f"{born:04d}-{month:02d}-{day:02d}"
    if form < 0.65:
        notes.append("year_only")
        return born + (rng.choice((-1, 1)) if rng.random() < 0.05 else 0), None
    if form < 0.85:
        notes.append("age_only")
        # The registration year minus the age given: one year late if the birthday is still
        # to come that year (about half the time).
        return born + (1 if rng.random() < 0.5 else 0), None
    notes.append("no_birth")
    return None, None


def _rank(person: Person, rng: random.Random, notes: list[str]) -> str | None:
    if person.rank is not None and rng.random() < 0.5:
        index = person.rank
        if rng.random() < 0.08:
            index = max(0, min(len(RANKS) - 1, index + rng.choice((-1, 1))))
            notes.append("rank_changed")
        return rng.choice(RANKS[index])
    if person.unit and person.unit[0] == "SPB" and rng.random() < 0.5:
        return rng.choice(rng.choice(_POLICE_RANKS))
    return None


def _registration(
    person: Person, record_id: int, rng: random.Random, habit: dict[int, list[str]]
) -> Registration:
    notes: list[str] = []
    year = rng.randint(*REGISTRATION_YEARS)
    name_latin, name_my, father = _names(person, year - person.birth[0], rng, habit, notes)
    birth_year, birth_date = _birth(person, rng, notes)
    nrc = _nrc_text(person, rng, notes) if person.nrc and rng.random() < 0.45 else None
    service = None
    if person.service_number and rng.random() < 0.7:
        service = _service_text(person.service_number, rng, notes)
    unit = _unit_text(person.unit, rng) if person.unit and rng.random() < 0.8 else None
    return Registration(
        record_id=record_id,
        entity=person.entity,
        name_my=name_my,
        name_latin=name_latin,
        father_name=father,
        birth_year=birth_year,
        birth_date=birth_date,
        nrc=nrc,
        service_number=service,
        unit=unit,
        rank=_rank(person, rng, notes),
        corruptions=tuple(notes),
    )


def people(count: int, seed: int) -> list[tuple[Person, int]]:
    """(person, number of registrations) until the registrations reach `count`."""
    rng = random.Random(seed)
    population = _Population(rng)
    out: list[tuple[Person, int]] = []
    total = 0
    while total < count:
        person = population.person()
        times = 1
        while rng.random() < STAY_PROBABILITY:
            times += 1
        times = min(times, count - total)
        out.append((person, times))
        total += times
    return out


def generate(records: int, seed: int) -> list[Registration]:
    """`records` registrations of synthetic people, romanised per registration; same seed,
    same records. `entity` is the person, `record_id` unique (1..records, shuffled order)."""
    rng = random.Random(seed * 7919 + 23)
    population = people(records, seed)
    slots = [person for person, times in population for _ in range(times)]
    rng.shuffle(slots)
    habit: dict[int, list[str]] = {}
    return [_registration(person, index + 1, rng, habit) for index, person in enumerate(slots)]
