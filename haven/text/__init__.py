"""Myanmar text handling: the one way text enters Haven (ARCHITECTURE.md rule 9).

Pure functions, no database: Zawgyi detection and conversion (`zawgyi`), cleaning for storage
(`normalise`), NRC numbers (`nrc`, with the letter names of `letters`), states, regions and
townships (`places`, a reference table), service numbers (`service_numbers`), military units
(`units`) and personal names (`names`).
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
    township_key,
)
from haven.text.places import (
    REGIONS,
    TOWNSHIPS,
    Region,
    Township,
    display_name,
    find_place,
    nrc_township,
    region_of_nrc,
    townships_of,
)
from haven.text.service_numbers import service_number_key
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
    "REGIONS",
    "STATE_NAMES",
    "TOWNSHIPS",
    "UNICODE_AT_MOST",
    "UNIT_KINDS",
    "ZAWGYI_AT_LEAST",
    "Assume",
    "CleanText",
    "Encoding",
    "Nrc",
    "NrcError",
    "Prefix",
    "Region",
    "SplitName",
    "Township",
    "UncertainEncoding",
    "UnitCode",
    "UnitCodeError",
    "classify",
    "clean_text",
    "detect_encoding",
    "display_name",
    "find_place",
    "has_myanmar",
    "is_latin",
    "is_valid_nrc",
    "nrc_township",
    "number_to_ascii",
    "parse_nrc",
    "parse_unit",
    "region_of_nrc",
    "require_unit",
    "service_number_key",
    "split_name",
    "syllables",
    "to_ascii_digits",
    "to_burmese_digits",
    "to_unicode",
    "township_key",
    "townships_of",
    "zawgyi_probability",
]
