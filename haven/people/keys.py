"""Search keys written beside the names: prefix split off, case folded, both scripts.

The key of a person is `latin|myanmar`, each part the name without honorific, lowercased,
with single spaces. Searches normalise the query the same way, so "U Aung Kyaw", "aung kyaw"
and "ဦးအောင်ကျော်" find the same person. (Spelling variants are the Matching issue's work.)
"""

from __future__ import annotations

from haven.text import has_myanmar
from haven.text.names import split_name


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
