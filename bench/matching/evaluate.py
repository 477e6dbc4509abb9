"""One evaluator for every configuration: pairwise, cluster and blocking figures.

Definitions (pairs are unordered pairs of records):
- true pairs: pairs of records of the same person;
- blocking recall: true pairs among the pairs the blocking rules generate;
- auto-link precision/recall: of the pairs linked automatically (edges, before clustering);
- cluster precision/recall/F1: pairs inside the predicted clusters (connected components of
  the automatic links) against the true pairs;
- recall with review: cluster recall when the review band's true pairs are also linked
  (reviewers are assumed right; their wrong answers are not modelled);
- review pairs: pairs in the review band that are not automatic links;
- review groups (reviewer decisions): the band's pairs between the automatic clusters,
  grouped as the review queue groups them (`haven.matching.groups.candidate_groups`, at most
  `GROUP_CAP` clusters a group); one decision (by two reviewers) settles a group. Recall with
  review by groups: the reviewers join the group's clusters that are one person (a cluster's
  person is the one most of its records belong to); pairs the cap set apart are groups of
  their own, so they count as decisions too;
- hard-identifier ceiling: the cluster recall if every true pair the blocking found with a
  hard identifier agreeing were linked automatically. The automatic-link rule cannot do
  better than this whatever the model, so it says how much the data allows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from haven.matching.groups import candidate_groups


@dataclass(frozen=True)
class Scores:
    auto_precision: float
    auto_recall: float
    cluster_precision: float
    cluster_recall: float
    cluster_f1: float
    review_recall: float
    review_pairs: int
    blocking_recall: float
    comparisons_per_record: float
    pairs_scored: int
    review_groups: int = 0
    group_recall: float = 0.0
    hard_ceiling: float | None = None
    # Review band from `threshold`: the operating point by pairs and by groups.
    review_curve: tuple[ReviewPoint, ...] = ()


@dataclass(frozen=True)
class ReviewPoint:
    threshold: float
    pair_recall: float
    pairs: int
    group_recall: float
    groups: int


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        parent = self.parent.setdefault(item, item)
        root = item
        while parent != root:
            root = parent
            parent = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, left: str, right: str) -> None:
        a, b = self.find(left), self.find(right)
        if a != b:
            self.parent[a] = b


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def cluster_scores(
    edges: Iterable[tuple[str, str]], truth: dict[str, int]
) -> tuple[float, float, float]:
    """Precision, recall and F1 of the pairs inside the clusters the edges form."""
    forest = UnionFind()
    for left, right in edges:
        forest.union(left, right)
    clusters: Counter[str] = Counter()
    both: Counter[tuple[str, int]] = Counter()
    for record in forest.parent:
        root = forest.find(record)
        clusters[root] += 1
        both[(root, truth[record])] += 1
    predicted = sum(_pairs(size) for size in clusters.values())
    correct = sum(_pairs(size) for size in both.values())
    actual = sum(_pairs(size) for size in Counter(truth.values()).values())
    precision = correct / predicted if predicted else 1.0
    recall = correct / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _majority(forest: UnionFind, truth: dict[str, int]) -> dict[str, int]:
    """Each automatic cluster's person: the one most of its records belong to."""
    votes: dict[str, Counter[int]] = {}
    for record in list(forest.parent):
        votes.setdefault(forest.find(record), Counter())[truth[record]] += 1
    return {root: counter.most_common(1)[0][0] for root, counter in votes.items()}


def review_point(
    auto: list[tuple[str, str]],
    band: list[tuple[str, str, float, bool]],
    threshold: float,
    truth: dict[str, int],
) -> ReviewPoint:
    """Recall with review and the work it takes if the band started at `threshold`.

    `band` holds the scored pairs that are not automatic links: (left, right, probability,
    same person). By pairs, every true pair in the band is linked; by groups, the reviewers
    join the clusters of each group that are one person.
    """
    rows = [row for row in band if row[2] >= threshold]
    _, pair_recall, _ = cluster_scores(auto + [(a, b) for a, b, _, same in rows if same], truth)
    forest = UnionFind()
    for left, right in auto:
        forest.union(left, right)
    between = [(forest.find(a), forest.find(b), p) for a, b, p, _ in rows]
    groups = candidate_groups([(a, b, p) for a, b, p in between if a != b])
    person = _majority(forest, truth)
    joined: list[tuple[str, str]] = []
    for group in groups:
        first: dict[int, str] = {}
        for member in group.members:
            entity = person.get(member, truth[member])
            joined.append((first.setdefault(entity, member), member))
    _, group_recall, _ = cluster_scores(auto + joined, truth)
    return ReviewPoint(threshold, pair_recall, len(rows), group_recall, len(groups))


def evaluate_pairs(
    con: Any,
    table: str,
    truth: dict[str, int],
    *,
    auto_sql: str,
    review_sql: str,
    records_table: str,
    hard_sql: str | None = None,
    review_from: float = 0.5,
    curve_from: tuple[float, ...] = (),
) -> Scores:
    """Score the predictions table `table` (Splink output) in DuckDB connection `con`.

    The conditions may refer to the pair's input rows in `records_table` as fl and fr.
    """
    truth_frame = pd.DataFrame({"uid": list(truth), "entity": list(truth.values())})
    con.register("bench_truth", truth_frame)
    # The table names and conditions come from the benchmark's code, never from input.
    labelled = f"""
        SELECT p.unique_id_l AS l, p.unique_id_r AS r, p.match_probability,
               tl.entity = tr.entity AS same, coalesce(({auto_sql}), false) AS auto,
               coalesce(({review_sql}), false) AS band,
               coalesce(({hard_sql or "false"}), false) AS hard
        FROM {table} p
        JOIN bench_truth tl ON tl.uid = p.unique_id_l
        JOIN bench_truth tr ON tr.uid = p.unique_id_r
        JOIN {records_table} fl ON fl.unique_id = p.unique_id_l
        JOIN {records_table} fr ON fr.unique_id = p.unique_id_r
    """  # noqa: S608
    # Counts in DuckDB; only the linked and reviewed pairs come back to Python (at a million
    # records the scored pairs are tens of millions).
    scored, blocked_true = con.execute(
        f"SELECT count(*), coalesce(sum(same::INTEGER), 0) FROM ({labelled})"  # noqa: S608
    ).fetchone()
    frame = con.execute(f"SELECT * FROM ({labelled}) WHERE auto OR band").df()  # noqa: S608
    actual = sum(_pairs(size) for size in Counter(truth.values()).values())
    auto = frame[frame["auto"]]
    auto_true = int(auto["same"].sum())
    review = frame[frame["band"] & ~frame["auto"]]
    cluster_p, cluster_r, cluster_f1 = cluster_scores(zip(auto["l"], auto["r"], strict=True), truth)
    reviewed = review[review["same"]]
    _, review_r, _ = cluster_scores(
        list(zip(auto["l"], auto["r"], strict=True))
        + list(zip(reviewed["l"], reviewed["r"], strict=True)),
        truth,
    )
    auto_edges = list(zip(auto["l"], auto["r"], strict=True))
    lowest = min((review_from, *curve_from))
    band_rows = [
        (left, right, float(probability), bool(same))
        for left, right, probability, same in con.execute(
            f"SELECT l, r, match_probability, same FROM ({labelled}) "  # noqa: S608
            f"WHERE NOT auto AND match_probability >= {float(lowest)}"
        ).fetchall()
    ]
    operating = review_point(auto_edges, band_rows, review_from, truth)
    curve = tuple(review_point(auto_edges, band_rows, threshold, truth) for threshold in curve_from)
    hard_ceiling = None
    if hard_sql is not None:
        hard = con.execute(
            f"SELECT l, r FROM ({labelled}) WHERE same AND hard"  # noqa: S608
        ).fetchall()
        _, hard_ceiling, _ = cluster_scores(hard, truth)
    return Scores(
        hard_ceiling=hard_ceiling,
        review_curve=curve,
        review_groups=operating.groups,
        group_recall=operating.group_recall,
        auto_precision=auto_true / len(auto) if len(auto) else 1.0,
        auto_recall=auto_true / actual if actual else 1.0,
        cluster_precision=cluster_p,
        cluster_recall=cluster_r,
        cluster_f1=cluster_f1,
        review_recall=review_r,
        review_pairs=len(review),
        blocking_recall=int(blocked_true) / actual if actual else 1.0,
        comparisons_per_record=int(scored) / len(truth),
        pairs_scored=int(scored),
    )
