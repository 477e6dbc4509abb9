"""The benchmark's generator: every corruption appears, hard negatives exist, seeds repeat."""

from __future__ import annotations

from collections import Counter

from bench.matching.generator import generate, people
from haven.text import zawgyi_probability

CORRUPTIONS = {
    "zawgyi",
    "latin_variant",
    "prefix",
    "joined",
    "latin_typo",
    "year_only",
    "year_off",
    "no_birth",
    "day_month_swap",
    "nrc_typo",
    "nrc_burmese_digits",
    "unit_written_differently",
    "unit_changed",
    "rank_changed",
}


def test_every_corruption_appears() -> None:
    records = generate(4000, seed=3)
    seen = Counter(note for record in records for note in record.corruptions)
    assert set(seen) >= CORRUPTIONS, CORRUPTIONS - set(seen)
    zawgyi = [r.name_my for r in records if "zawgyi" in r.corruptions and r.name_my]
    assert sum(zawgyi_probability(name) > 0.5 for name in zawgyi) > 0.9 * len(zawgyi)


def test_duplicates_and_hard_negatives_exist() -> None:
    records = generate(4000, seed=3)
    sizes = Counter(Counter(r.entity for r in records).values())
    assert sizes[1]
    assert sizes[2]
    assert sizes[3]
    population = list(people(3000, seed=3))
    brothers = [p for p in population if p.brother_of is not None]
    assert brothers
    by_id = {p.entity: p for p in population}
    for brother in brothers[:50]:
        other = by_id[brother.brother_of]  # type: ignore[index]
        assert brother.father == other.father
        assert brother.unit == other.unit
        assert brother.name != other.name
    names = Counter(p.name for p in population)
    assert names.most_common(1)[0][1] >= 10  # common names are shared by many people


def test_deterministic_with_seed() -> None:
    assert generate(500, seed=11) == generate(500, seed=11)
    assert generate(500, seed=11) != generate(500, seed=12)
