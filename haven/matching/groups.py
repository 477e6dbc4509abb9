"""Review groups: everyone the review band links together, decided in one step.

A pair review asks "are these two one person?". A person registered four times makes six
pairs, and each pair asked on its own costs a decision even when the first answers settle
the rest. The review queue therefore presents candidate groups: the people the review
band's pairs link together (connected components, after the automatic links), which the
reviewers decide in one step, "all one person" or "split as shown", so the decisions grow
with groups, not with pairs.

Nobody can compare forty namesakes at once, and a common name chains namesakes into large
components. `candidate_groups` therefore builds each group by joining the strongest pairs
first and refusing a join that would make a group larger than `GROUP_CAP` people (Kruskal's
order with a size limit). A pair refused that way joins two groups that stay apart, and is
presented as a group of its own two people: every pair in the band is decided by exactly
one group, so nothing the band found is lost.

Pure functions over any sortable key (a person's id in the app, a record id in the
benchmark): the review queue and the benchmark group the same way.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar


class _Sortable(Hashable, Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


K = TypeVar("K", bound=_Sortable)

GROUP_CAP = 8
"""The most people one group shows: a reviewer can still compare them side by side."""


@dataclass(frozen=True)
class Group(Generic[K]):
    """People to decide together, and the band's pairs among them that the decision settles."""

    members: tuple[K, ...]
    pairs: tuple[tuple[K, K], ...]


class _Forest:
    """Union-find with set sizes over the numbers 0..n-1."""

    def __init__(self, count: int) -> None:
        self.parent = list(range(count))
        self.size = [1] * count

    def find(self, item: int) -> int:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, left: int, right: int, cap: int) -> bool:
        """Join the sets of `left` and `right` unless that makes one larger than `cap`."""
        a, b = self.find(left), self.find(right)
        if a == b:
            return True
        if self.size[a] + self.size[b] > cap:
            return False
        if self.size[a] < self.size[b]:
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size[b]
        return True


def _order(key: Any) -> Any:
    """A key's sort order; a UUID by its integer (the same order, without Python-level
    comparisons: the queue groups tens of thousands of pairs of person ids per view)."""
    return getattr(key, "int", key)


def candidate_groups(
    pairs: Iterable[tuple[K, K, float]], *, cap: int = GROUP_CAP
) -> list[Group[K]]:
    """The groups to review for the band's `pairs` (left, right, probability).

    Every pair is settled by exactly one group; a pair of one key with itself is ignored.
    The result is ordered by each group's strongest pair, strongest first (then by members),
    and is the same for the same pairs in any order.
    """
    if cap < 2:
        raise ValueError("a group holds at least two people")
    given = [(left, right, probability) for left, right, probability in pairs if left != right]
    by_order: dict[Any, K] = {}
    for left, right, _ in given:
        by_order[_order(left)] = left
        by_order[_order(right)] = right
    orders = sorted(by_order)
    keys: list[K] = [by_order[order] for order in orders]
    number = {order: index for index, order in enumerate(orders)}
    best: dict[tuple[int, int], float] = {}
    for left, right, probability in given:
        a, b = number[_order(left)], number[_order(right)]
        pair = (a, b) if a < b else (b, a)
        best[pair] = max(probability, best.get(pair, probability))
    ordered = sorted(best.items(), key=lambda item: (-item[1], item[0]))
    forest = _Forest(len(keys))
    refused: list[tuple[tuple[int, int], float]] = []
    for (a, b), probability in ordered:
        if not forest.union(a, b, cap):
            refused.append(((a, b), probability))
    refused_pairs = {pair for pair, _ in refused}
    settled: dict[int, list[tuple[int, int]]] = {}
    strongest: dict[int, float] = {}
    for pair, probability in ordered:
        if pair in refused_pairs:
            continue
        root = forest.find(pair[0])
        settled.setdefault(root, []).append(pair)
        strongest.setdefault(root, probability)
    members: dict[int, list[int]] = {}
    for index in range(len(keys)):
        root = forest.find(index)
        if root in settled:
            members.setdefault(root, []).append(index)
    found: list[tuple[float, tuple[int, ...], list[tuple[int, int]]]] = [
        (strongest[root], tuple(members[root]), settled[root]) for root in settled
    ]
    found.extend((probability, pair, [pair]) for pair, probability in refused)
    found.sort(key=lambda item: (-item[0], item[1]))
    return [
        Group(
            tuple(keys[index] for index in indexes),
            tuple((keys[a], keys[b]) for a, b in sorted(group_pairs)),
        )
        for _, indexes, group_pairs in found
    ]
