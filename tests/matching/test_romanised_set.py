"""The second evaluation set (`bench.matching.romanised`): published tables, seeds, sizes."""

from __future__ import annotations

import random
from collections import Counter
from functools import lru_cache

import pytest

from bench.matching.generator import Registration
from bench.matching.romanised import (
    Person,
    _fold,
    generate,
    informal_spellings,
    parse,
    people,
    romanise,
)
from haven.text import zawgyi_probability

RECORDS, SEED = 1200, 11

# (syllable, MLCTS, BGN/PCGN 1970, ALA-LC): the systems' tables applied to name syllables.
PUBLISHED = [
    ("ထွန်း", "htwan:", "tun", "thvanʺ"),
    ("မြင့်", "mrang.", "myin", "mraṅʹ"),
    ("ရွှေ", "hrwe", "shwe", "rvhe"),
    ("ကျော်", "kyau", "kyaw", "kyoʻ"),
    ("ခိုင်", "hkuing", "kaing", "khuiṅ"),
    ("သိန်း", "sin:", "thein", "sinʺ"),
    ("လှိုင်", "hluing", "hlaing", "lhuiṅ"),
    ("ချစ်", "hkyac", "chit", "khyac"),
    ("ဦး", "u:", "u", "ūʺ"),
    ("ဒေါ်", "dau", "daw", "doʻ"),
    ("ညွန့်", "nywan.", "nyun", "ññvanʹ"),
    ("အေး", "e:", "e", "eʺ"),
]

# Informal families: the spellings people use for their own names must all be reachable.
FAMILIES = {
    "ထွန်း": {"htun", "tun", "htoon"},
    "သိန်း": {"thein", "thane"},
    "ကျော်": {"kyaw"},
    "မြင့်": {"myint", "myin"},
    "အေး": {"aye", "ay"},
    "ဦး": {"u", "oo"},
    "လှ": {"hla"},
    "လှိုင်": {"hlaing", "hline"},
    "ဝင်း": {"win", "winn", "wyn"},
    "ခိုင်": {"khaing", "khine", "khain"},
    "စိုး": {"soe"},
    "ညွန့်": {"nyunt", "nyun"},
}

NOISY = {"typo", "joined", "hyphen", "doubled_final", "h_dropped", "h_added"}


@lru_cache(maxsize=1)
def _sample() -> tuple[list[Registration], dict[int, Person]]:
    records = generate(RECORDS, SEED)
    truth = {person.entity: person for person, _ in people(RECORDS, SEED)}
    return records, truth


@pytest.mark.parametrize(("syllable", "mlcts", "bgn", "alalc"), PUBLISHED)
def test_published_systems(syllable: str, mlcts: str, bgn: str, alalc: str) -> None:
    rng = random.Random(0)  # noqa: S311 (deterministic test data)
    assert romanise(syllable, "mlcts", rng) == mlcts
    assert romanise(syllable, "bgn", rng) == bgn
    assert romanise(syllable, "alalc", rng) == alalc


def test_informal_families() -> None:
    for syllable, family in FAMILIES.items():
        spellings = informal_spellings(syllable)
        assert family <= spellings, (syllable, family - spellings)
        drawn = {romanise(syllable, "informal", random.Random(i)) for i in range(200)}  # noqa: S311
        assert drawn <= spellings
    assert parse("ထွန်း").rime == "ွန်"
    assert parse("လွင်").medials == "ွ"


def test_deterministic_by_seed() -> None:
    assert generate(150, 5) == generate(150, 5)
    assert generate(150, 5) != generate(150, 6)


def test_sizes_and_duplicates() -> None:
    records, truth = _sample()
    assert len(records) == RECORDS
    assert len({r.record_id for r in records}) == RECORDS
    per_person = Counter(r.entity for r in records)
    assert set(per_person) == set(truth)
    assert 0.74 < len(per_person) / RECORDS < 0.86  # geometric: about 1.25 a person
    repeated = sum(count > 1 for count in per_person.values()) / len(per_person)
    assert 0.14 < repeated < 0.26
    brothers = [p for p in truth.values() if p.brother_of is not None]
    assert brothers
    assert all(truth[p.brother_of].father == p.father for p in brothers)


def test_latin_names_come_from_the_burmese_through_a_table() -> None:
    records, truth = _sample()
    checked = Counter()
    for record in records:
        notes = set(record.corruptions)
        if record.name_latin is None or notes & NOISY:
            continue
        syllables = truth[record.entity].name
        words = record.name_latin.lower().split()[-len(syllables) :]
        system = next(n for n in record.corruptions if n in ("informal", "bgn", "mlcts", "alalc"))
        rng = random.Random(0)  # noqa: S311
        for word, syllable in zip(words, syllables, strict=True):
            if system == "informal":
                assert word in informal_spellings(syllable), (record, word, syllable)
            else:
                exact = romanise(syllable, system, rng)
                typed = {exact, _fold(exact), exact.replace(".", "").replace(":", "")}
                assert word in typed, (record, word, syllable)
        checked[system] += 1
    assert all(checked[s] > 10 for s in ("informal", "bgn", "mlcts", "alalc")), checked


def test_myanmar_script_and_zawgyi_shares() -> None:
    records, _ = _sample()
    burmese = [r for r in records if r.name_my]
    assert 0.5 < len(burmese) / RECORDS < 0.7
    zawgyi = [r.name_my for r in burmese if "zawgyi" in r.corruptions and r.name_my]
    assert 0.15 < len(zawgyi) / len(burmese) < 0.35
    assert sum(zawgyi_probability(name) > 0.5 for name in zawgyi) > 0.9 * len(zawgyi)
