"""Search keys written beside the names, and canonical forms of blind-indexed numbers.

Names: prefix split off, case folded, both scripts.

The key of a person is `latin|myanmar`, each part the name without honorific, lowercased,
with single spaces. Searches normalise the query the same way, so "U Aung Kyaw", "aung kyaw"
and "ဦးအောင်ကျော်" find the same person. (Spelling variants are the Matching issue's work.)
"""

from __future__ import annotations

from haven.text import has_myanmar, service_number_key
from haven.text.names import split_name
from haven.text.nrc import NrcError, parse_nrc


def name_part(name: str | None) -> str:
    if not name:
        return ""
    return " ".join(split_name(name).name.casefold().split())


def name_key(name_latin: str | None, name_my: str | None) -> str:
    return f"{name_part(name_latin)}|{name_part(name_my)}"


def query_part(query: str) -> str:
    return name_part(query)


def is_myanmar_query(query: str) -> bool:
    return has_myanmar(query)


def canonical_nrc(value: str) -> str | None:
    """The NRC's canonical form (either script, either digits), or None if it is no NRC."""
    try:
        return parse_nrc(value).canonical
    except NrcError:
        return None


def canonical_service_number(value: str) -> str | None:
    """Service numbers compare by their letters and digits only: upper case, ASCII digits,
    no spaces or separators, a bare Burmese letter by its Latin name ("BA-482913",
    "ba 482913", "BA/482913" and "ဗ-၄၈၂၉၁၃" are one number; `haven.text.service_numbers`)."""
    return service_number_key(value)
