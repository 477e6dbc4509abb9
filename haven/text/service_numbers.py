"""Military service numbers: one key for the ways one number is written.

A service number is a short letter prefix and digits ("BA-482913"). People write the prefix in
Latin letters or in Burmese script (ဗ-၄၈၂၉၁၃), the digits in ASCII or Burmese, with or without
separators. `service_number_key` gives one key for all of them ("BA482913"):
- Burmese digits become ASCII digits, and letter wa (ဝ) inside a run of digits is read as zero
  (the two are drawn alike);
- a bare Burmese letter (no vowel sign, medial or asat after it) becomes its Latin name as NRC
  codes spell it (`haven.text.letters`): ဗ is BA, so "ဗ-၄၈၂၉၁၃" and "BA-482913" meet;
- letters are upper-cased (after NFKC, so full-width input works);
- spaces, hyphens and dashes, slashes, dots and underscores are dropped.
Burmese words with vowel signs (ဗိုလ်) are kept as written: no romanisation of them is
verified here. Empty input gives None.
"""

from __future__ import annotations

import re
import unicodedata

from haven.text.letters import LETTER_NAMES
from haven.text.normalise import number_to_ascii, to_ascii_digits

# Spaces, hyphens and dashes, slashes, dots, underscores (never letters or vowel signs).
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015/._]")
# A run of digits in which a wa stands for zero: at least one real digit, wa only beside them.
_DIGIT_RUN = re.compile(r"[0-9၀-၉ဝ]*[0-9၀-၉][0-9၀-၉ဝ]*")
# A Burmese letter with nothing combining after it.
_BARE_LETTER = re.compile(rf"[{''.join(LETTER_NAMES)}](?![\u102b-\u103e\u1056-\u1059])")


def service_number_key(value: str) -> str | None:
    """The comparable form of a service number (see the module docstring), or None if empty."""
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", value))
    text = _DIGIT_RUN.sub(lambda run: number_to_ascii(run.group()), text)
    text = _BARE_LETTER.sub(lambda letter: LETTER_NAMES[letter.group()], text)
    key = to_ascii_digits(text).upper()
    return key or None
