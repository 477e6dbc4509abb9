"""Review groups (`haven.matching.groups`): components of the band, capped, every pair once."""

from __future__ import annotations

import itertools
import random

import pytest

from haven.matching.groups import candidate_groups


def test_a_person_registered_four_times_is_one_group_for_six_pairs() -> None:
    pairs = [(a, b, 0.7) for a, b in itertools.combinations("abcd", 2)]
    groups = candidate_groups(pairs)
    assert len(groups) == 1
    assert groups[0].members == ("a", "b", "c", "d")
    assert len(groups[0].pairs) == 6


def test_chains_join_and_separate_components_stay_apart() -> None:
    groups = candidate_groups([("a", "b", 0.6), ("b", "c", 0.9), ("x", "y", 0.8)])
    assert [group.members for group in groups] == [("a", "b", "c"), ("x", "y")]


def test_a_large_component_is_cut_at_its_weakest_pairs_and_no_pair_is_lost() -> None:
    # Two tight clusters of five joined by one weak pair: with a cap of 5 they stay apart
    # and the weak pair is a group of its own two people.
    left = [(f"l{i}", f"l{j}", 0.9) for i, j in itertools.combinations(range(5), 2)]
    right = [(f"r{i}", f"r{j}", 0.9) for i, j in itertools.combinations(range(5), 2)]
    groups = candidate_groups([*left, *right, ("l0", "r0", 0.55)], cap=5)
    assert sorted(len(group.members) for group in groups) == [2, 5, 5]
    assert ("l0", "r0") in {pair for group in groups for pair in group.pairs}
    assert all(len(group.members) <= 5 for group in groups)


def test_every_pair_is_settled_by_exactly_one_group_whatever_the_order() -> None:
    rng = random.Random(3)  # noqa: S311 - a repeatable sample, not a secret
    people = [f"p{i:02}" for i in range(40)]
    pairs = [(*rng.sample(people, 2), rng.random()) for _ in range(120)]
    groups = candidate_groups(pairs, cap=4)
    settled = [pair for group in groups for pair in group.pairs]
    distinct = {tuple(sorted((a, b))) for a, b, _ in pairs}
    assert sorted(settled) == sorted(distinct)
    assert all(set(pair) <= set(group.members) for group in groups for pair in group.pairs)
    assert all(2 <= len(group.members) <= 4 for group in groups)
    rng.shuffle(pairs)
    assert candidate_groups(pairs, cap=4) == groups


def test_self_pairs_are_ignored_and_a_cap_below_two_is_refused() -> None:
    assert candidate_groups([("a", "a", 0.9)]) == []
    with pytest.raises(ValueError, match="two people"):
        candidate_groups([("a", "b", 0.9)], cap=1)
