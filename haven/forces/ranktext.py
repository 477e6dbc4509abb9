"""A rank as written, reduced to a key: the same key for every way of writing one rank.

"Lt Col", "Lt. Col.", "lieutenant-colonel" and "LTCOL" give one key; so do "Bo Hmu Gyi",
"bohmugyi" and "Bo Hmu Kyi", and ဒုတိယဗိုလ်မှူးကြီး, "ဒုဗိုလ်မှူးကြီး" and "ဒုတိယ ဗိုလ်မှူးကြီး".
The key is NFC, case-folded, without spaces or punctuation; each Latin word is first
replaced by its usual form (`WORDS`: English rank words by their abbreviation, romanised
Burmese syllables by one spelling); in Burmese, ဒုတိယ ("second, deputy") and its short
form ဒု are one.

The key only matches what a table lists (a rank's names and aliases): it never guesses a
rank from a part of one. Text in the Zawgyi encoding is converted by the caller
(`haven.text.clean_text`) before it comes here.
"""

from __future__ import annotations

import re
import unicodedata

# Spaces (with the zero-width ones), and punctuation people put between the parts of a rank.
_SEPARATORS = re.compile(r"[\s\u200b\u200c\u200d_\-‐–—./\\()\[\]{}'’`:;,#&+၊။]+")

# Each word's usual form. English: the abbreviation of a rank word. Romanised Burmese: one
# spelling of each syllable (ချုပ် is written gyoke, chok, chouk …).
WORDS: dict[str, str] = {
    # English
    "lieutenant": "lt",
    "lieut": "lt",
    "leut": "lt",
    "colonel": "col",
    "captain": "capt",
    "cpt": "capt",
    "major": "maj",
    "general": "gen",
    "genl": "gen",
    "brigadier": "brig",
    "sergeant": "sgt",
    "serjeant": "sgt",
    "sjt": "sgt",
    "corporal": "cpl",
    "lance": "l",
    "private": "pte",
    "pvt": "pte",
    "second": "2nd",
    "first": "1st",
    "senior": "sr",
    "snr": "sr",
    "sen": "sr",
    "deputy": "dy",
    "dep": "dy",
    "police": "pol",
    "commander": "cdr",
    "comd": "cdr",
    "cmdr": "cdr",
    "inspector": "insp",
    "officer": "offr",
    "i": "1",
    "ii": "2",
    # romanised Burmese
    "boh": "bo",
    "kyi": "gyi",
    "gyee": "gyi",
    "ji": "gyi",
    "jee": "gyi",
    "hmue": "hmu",
    "mhu": "hmu",
    "hmoo": "hmu",
    "gyok": "gyoke",
    "gyoak": "gyoke",
    "gyouk": "gyoke",
    "chok": "gyoke",
    "choke": "gyoke",
    "chouk": "gyoke",
    "chote": "gyoke",
    "chup": "gyoke",
    "doo": "du",
    "dutiya": "du",
    "duteya": "du",
    "dootiya": "du",
    "tut": "tat",
    "tatt": "tat",
    "kyut": "kyat",
    "gyat": "kyat",
    "kyet": "kyat",
    "thar": "tha",
    "thah": "tha",
    "yè": "ye",
    "yay": "ye",
    "yei": "ye",
    "oke": "ok",
    "oak": "ok",
    "ouk": "ok",
    "auk": "ok",
    "ayar": "aya",
    "yar": "ya",
    "kan": "khan",
}

_DEPUTY_MY = "ဒုတိယ"
_DEPUTY_MY_SHORT = "ဒု"


def rank_key(text: str) -> str:
    """The key of a written rank (empty for text that holds no letters)."""
    folded = unicodedata.normalize("NFC", text).casefold()
    words = [WORDS.get(word, word) for word in _SEPARATORS.split(folded) if word]
    return "".join(words).replace(_DEPUTY_MY, _DEPUTY_MY_SHORT)
