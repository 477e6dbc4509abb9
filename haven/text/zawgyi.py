"""Detect Burmese text typed in the legacy Zawgyi encoding and convert it to Unicode.

Zawgyi reuses Unicode's Myanmar code points with other meanings, so a string cannot say which
encoding it is in; only a statistical guess can. Google's `myanmartools` detector gives the
probability that a string is Zawgyi; ICU's `Zawgyi-my` transliterator (built from the same
project's rules) converts it.

Invariants:
- a string is called Zawgyi or Unicode only when the detector is confident (see the
  thresholds below); otherwise it is `UNCERTAIN` and the caller must ask the user, never guess;
- a string that reads the same under both interpretations is never uncertain: whichever the
  user meant, the stored Unicode text is the same, so there is nothing to ask;
- `to_unicode` converts unconditionally: deciding whether to call it is the caller's job.
"""

from __future__ import annotations

import math
import threading
import unicodedata
import warnings
from enum import StrEnum
from functools import lru_cache

import icu  # type: ignore[import-untyped]
from myanmartools import ZawgyiDetector  # type: ignore[import-untyped]

# The detector is a Markov model over whole strings: names of a few syllables often score
# between 0.1 and 0.9, while sentences score within 0.001 of 0 or 1. The bands are wide on
# purpose: a wrong silent conversion corrupts a name, a question costs the user one click.
ZAWGYI_AT_LEAST = 0.95
UNICODE_AT_MOST = 0.05

_TRANSLITERATOR_ID = "Zawgyi-my"


class Encoding(StrEnum):
    """How a piece of Burmese text appears to be encoded."""

    UNICODE = "unicode"
    ZAWGYI = "zawgyi"
    UNCERTAIN = "uncertain"


@lru_cache(maxsize=1)
def _detector() -> ZawgyiDetector:
    # Loading the model reads a data file; the detector is read-only afterwards, so one
    # instance is shared by all threads. myanmartools 1.2.1 loads it with an importlib API
    # deprecated in Python 3.11 (and kept in 3.13): the warning is the library's, not ours.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return ZawgyiDetector()


_local = threading.local()


def _transliterator() -> icu.Transliterator:
    # An ICU transliterator keeps scratch state while it runs; one per thread avoids sharing it.
    transliterator = getattr(_local, "transliterator", None)
    if transliterator is None:
        transliterator = icu.Transliterator.createInstance(_TRANSLITERATOR_ID)
        _local.transliterator = transliterator
    return transliterator


def zawgyi_probability(text: str) -> float:
    """The probability (0.0 to 1.0) that `text` is Zawgyi; 0.0 when it has no Burmese letters.

    The detector answers negative infinity for text with nothing to judge (Latin letters,
    digits, empty text); such text is not Zawgyi, and a plain 0.0 keeps comparisons simple.
    """
    probability = float(_detector().get_zawgyi_probability(text))
    if math.isnan(probability) or probability < 0.0:
        return 0.0
    return min(probability, 1.0)


def classify(probability: float) -> Encoding:
    """The decision for a detector probability, using `ZAWGYI_AT_LEAST` and `UNICODE_AT_MOST`."""
    if probability >= ZAWGYI_AT_LEAST:
        return Encoding.ZAWGYI
    if probability <= UNICODE_AT_MOST:
        return Encoding.UNICODE
    return Encoding.UNCERTAIN


def to_unicode(text: str) -> str:
    """Convert Zawgyi text to NFC Unicode (characters outside the Myanmar block pass through)."""
    converted: str = _transliterator().transliterate(text)
    return unicodedata.normalize("NFC", converted)


def detect_encoding(text: str) -> Encoding:
    """The encoding of `text`; `UNCERTAIN` only when the answer would change the stored text."""
    encoding = classify(zawgyi_probability(text))
    if encoding is Encoding.UNCERTAIN and to_unicode(text) == unicodedata.normalize("NFC", text):
        # Short strings such as "ဦး" or "ကို" are spelled with the same code points in both
        # encodings; asking the user which one they used would be a question without a stake.
        return Encoding.UNICODE
    return encoding
