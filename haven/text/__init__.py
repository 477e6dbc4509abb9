"""Myanmar text handling: the one way text enters Haven (ARCHITECTURE.md rule 9).

Pure functions, no database: Zawgyi detection and conversion (`zawgyi`), cleaning for storage
(`normalise`), NRC numbers (`nrc`), military units (`units`) and personal names (`names`).
"""

from haven.text.names import PREFIXES, Prefix, SplitName, split_name, syllables
from haven.text.normalise import (
    Assume,
    CleanText,
    UncertainEncoding,
    clean_text,
    has_myanmar,
    is_latin,
    number_to_ascii,
    to_ascii_digits,
    to_burmese_digits,
)
from haven.text.nrc import (
    CITIZENSHIP_NAMES,
    STATE_NAMES,
    Nrc,
    NrcError,
    is_valid_nrc,
    parse_nrc,
)
from haven.text.units import UNIT_KINDS, UnitCode, UnitCodeError, parse_unit, require_unit
from haven.text.zawgyi import (
    UNICODE_AT_MOST,
    ZAWGYI_AT_LEAST,
    Encoding,
    classify,
    detect_encoding,
    to_unicode,
    zawgyi_probability,
)

__all__ = [
    "CITIZENSHIP_NAMES",
    "PREFIXES",
    "STATE_NAMES",
    "UNICODE_AT_MOST",
    "UNIT_KINDS",
    "ZAWGYI_AT_LEAST",
    "Assume",
    "CleanText",
    "Encoding",
    "Nrc",
    "NrcError",
    "Prefix",
    "SplitName",
    "UncertainEncoding",
    "UnitCode",
    "UnitCodeError",
    "classify",
    "clean_text",
    "detect_encoding",
    "has_myanmar",
    "is_latin",
    "is_valid_nrc",
    "number_to_ascii",
    "parse_nrc",
    "parse_unit",
    "require_unit",
    "split_name",
    "syllables",
    "to_ascii_digits",
    "to_burmese_digits",
    "to_unicode",
    "zawgyi_probability",
]
