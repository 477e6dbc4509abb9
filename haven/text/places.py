"""Myanmar's states, regions and townships in both scripts, with the NRC township codes.

One reference table, `data/places.json` (what each field means and where the entries come
from: docs/places.md):
- `REGIONS`: the 14 states and regions (NRC state numbers 1 to 14) and the Nay Pyi Taw Union
  Territory (no NRC number of its own: its townships' cards carry 9, Mandalay's);
- `TOWNSHIPS`: every township of Kayah (Karenni) State, which the table marks `complete`, and
  others elsewhere (capitals, Kayah's neighbours, Yangon). Each has its NRC code in Latin
  letters (the official form, "DaMaSa") and in Burmese letters ("ဒမဆ"); `verified` is False
  where the code or a spelling could not be confirmed.

NRC parsing (`haven.text.nrc`) finds a card's township here; forms offer these names as
choices (free text stays accepted); pages and reports show a place by its name in the
reader's language when the text typed is one of the table's names (`display_name`).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from haven.i18n import current_language
from haven.text.letters import latin_key

DATA = Path(__file__).resolve().parent / "data" / "places.json"

RegionKind = Literal["state", "region", "union_territory"]
TownshipKind = Literal["township", "sub-township"]


@dataclass(frozen=True)
class Region:
    """A state, a region or the union territory."""

    key: str
    kind: RegionKind
    nrc: int | None
    name_en: str
    short_en: str
    name_my: str
    short_my: str
    other_names: tuple[str, ...]
    complete: bool  # every township of it is in the table

    def name(self, language: str | None = None) -> str:
        return self.name_my if (language or current_language.get()) == "my" else self.name_en


@dataclass(frozen=True)
class Township:
    """A township (or a sub-township with its own NRC code) and its NRC township code."""

    region: str
    kind: TownshipKind
    name_en: str
    name_my: str
    nrc_state: int | None
    nrc_latin: str | None
    nrc_my: str | None
    verified: bool
    other_names: tuple[str, ...]
    note: str | None = None

    def name(self, language: str | None = None) -> str:
        return self.name_my if (language or current_language.get()) == "my" else self.name_en

    @property
    def nrc_key(self) -> str | None:
        """The code's key, the same for its Latin and its Burmese form ("DAMASA")."""
        return latin_key(self.nrc_latin) if self.nrc_latin else None


def _load() -> tuple[tuple[Region, ...], tuple[Township, ...]]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    regions = tuple(
        Region(
            key=r["key"],
            kind=r["kind"],
            nrc=r["nrc"],
            name_en=r["name_en"],
            short_en=r["short_en"],
            name_my=r["name_my"],
            short_my=r["short_my"],
            other_names=tuple(r["other_names"]),
            complete=r["complete"],
        )
        for r in data["regions"]
    )
    townships = tuple(
        Township(
            region=t["region"],
            kind=t["kind"],
            name_en=t["name_en"],
            name_my=t["name_my"],
            nrc_state=t["nrc_state"],
            nrc_latin=t["nrc_latin"],
            nrc_my=t["nrc_my"],
            verified=t["verified"],
            other_names=tuple(t["other_names"]),
            note=t.get("note"),
        )
        for t in data["townships"]
    )
    return regions, townships


REGIONS, TOWNSHIPS = _load()
_REGION_BY_KEY = {region.key: region for region in REGIONS}
_REGION_BY_NRC = {region.nrc: region for region in REGIONS if region.nrc is not None}
_BY_CODE = {(t.nrc_state, t.nrc_key): t for t in TOWNSHIPS if t.nrc_state is not None and t.nrc_key}

# Words that may follow a name without changing the place ("Loikaw Township", "လွိုင်ကော်မြို့နယ်").
_SUFFIXES = (
    "union territory",
    "township",
    "state",
    "region",
    "division",
    "ပြည်ထောင်စုနယ်မြေ",
    "တိုင်းဒေသကြီး",
    "မြို့နယ်",
    "ပြည်နယ်",
    "တိုင်း",
    "မြို့",
)


def _fold(text: str) -> str:
    """Compare names without case, spaces, hyphens and dots, NFC."""
    folded = unicodedata.normalize("NFC", text).casefold()
    return "".join(char for char in folded if char not in " -.'’\u200b")


def _bare(text: str) -> str:
    folded = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    for suffix in _SUFFIXES:
        if folded.endswith(suffix) and len(folded) > len(suffix):
            return _fold(folded[: -len(suffix)])
    return _fold(folded)


def _names(place: Region | Township) -> tuple[str, ...]:
    extra = (place.short_en, place.short_my) if isinstance(place, Region) else ()
    return (place.name_en, place.name_my, *extra, *place.other_names)


@lru_cache(maxsize=1)
def _by_name() -> dict[str, Region | Township]:
    index: dict[str, Region | Township] = {}
    every: tuple[Region | Township, ...] = (*REGIONS, *TOWNSHIPS)
    # Regions first, then townships: a township named like its region (Bago, Sagaing,
    # Magway) is found as the township, the finer place; "Bago Region" is the region.
    for place in every:
        for name in _names(place):
            index[_fold(name)] = place
    return index


def region(key: str) -> Region:
    """The region with this key ("kayah"); KeyError if there is none."""
    return _REGION_BY_KEY[key]


def region_of_nrc(number: int) -> Region | None:
    """The state or region whose NRC number this is (1 to 14)."""
    return _REGION_BY_NRC.get(number)


def townships_of(region_key: str) -> tuple[Township, ...]:
    """The table's townships of one region, in the table's order."""
    return tuple(t for t in TOWNSHIPS if t.region == region_key)


def nrc_township(state: int, key: str) -> Township | None:
    """The township whose NRC code in `state` has this key (`haven.text.letters.latin_key`)."""
    return _BY_CODE.get((state, key))


def find_place(text: str | None) -> Region | Township | None:
    """The region or township `text` names, in either script or a listed other spelling.

    Case, spaces, hyphens and a trailing "Township", "State", "Region" (or မြို့နယ်, ပြည်နယ်,
    တိုင်းဒေသကြီး…) do not matter: "loikaw", "Loikaw Township" and "လွိုင်ကော်မြို့နယ်" are
    Loikaw. Text that names no place in the table gives None.
    """
    if not text or not text.strip():
        return None
    index = _by_name()
    return index.get(_fold(text)) or index.get(_bare(text))


def display_name(text: str | None, language: str | None = None) -> str:
    """A stored place as the reader sees it: the table's name in the reader's language when
    `text` names a place in the table, otherwise `text` as typed (free text stays free)."""
    if not text:
        return ""
    place = find_place(text)
    return place.name(language) if place is not None else text


def choices(language: str | None = None) -> tuple[tuple[str, str], ...]:
    """Township names to offer in a form, Kayah's first: (the name in the reader's language,
    the name in the other script), each once."""
    lang = language or current_language.get()
    other = "en" if lang == "my" else "my"
    ordered = sorted(TOWNSHIPS, key=lambda t: (t.region != "kayah", t.region, t.name_en))
    pairs = {t.name(lang): t.name(other) for t in ordered}
    return tuple(pairs.items())


def region_choices(language: str | None = None) -> tuple[str, ...]:
    """The states, regions and the union territory, by NRC number, in the reader's language."""
    return tuple(r.name(language) for r in REGIONS)
