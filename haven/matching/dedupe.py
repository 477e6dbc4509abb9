"""Batch deduplication over the live database: automatic links and the review band.

`haven matching dedupe` runs `run` for each organisation (reviews and merges stay inside
one organisation, like the interactive path). It reads the match profiles only (phonetic
name keys, blind indexes of NRC and service number, canonical unit: nothing confidential is
decrypted), lets the blocking keys of `haven.matching.batch` propose pairs, scores them with
the trained model (`model.json`, the weights the reception form uses) on DuckDB, and then:

- links automatically every pair at or above `AUTO_LINK` with a hard identifier agreeing
  (same NRC or service number, or the same full birth date and father's name). Within each
  cluster of such links the oldest record survives and every other one is marked merged
  into it, through a review in state "linked" with source "batch" and no reviewer; `unmerge`
  reopens it for two reviewers like any other link;
- queues the other pairs from `REVIEW_FROM` for two reviewers;
- links an open review of the reception form's hook the same way when nobody has voted on it
  yet; never touches a review people have voted on or decided, never makes again a link
  people undid, never touches a person already merged.

A second run over unchanged data links and queues nothing.
"""

from __future__ import annotations

import json
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import PermissionDenied
from haven.matching import repository
from haven.matching.batch import AUTO_LINK, BLOCKING_RULES, REVIEW_FROM, add_blocking_keys, derived
from haven.matching.lifecycle import ReviewState
from haven.matching.model import MODEL_PATH, load
from haven.matching.models import MatchProfile, MatchReview
from haven.matching.service import auto_link, merge, ordered
from haven.matching.transitive import close_moot
from haven.security.permissions import Actor

Row = dict[str, Any]
SOURCE = "batch"


@dataclass(frozen=True)
class Result:
    """What one run did, in counts only (nothing personal)."""

    profiles: int
    pairs_scored: int
    linked: int
    queued: int
    already_reviewed: int


@dataclass(frozen=True)
class Profile:
    person_id: uuid.UUID
    created_at: datetime
    row: Row


@dataclass(frozen=True)
class Pair:
    a: uuid.UUID
    b: uuid.UUID
    weight: float
    probability: float


def _row(profile: MatchProfile) -> Row:
    name2 = profile.name2 or profile.name1
    return {
        **derived(profile.name1, name2, profile.father, profile.birth_year),
        "birth_date": profile.birth_date,
        "nrc": profile.nrc_index,
        "service_number": profile.service_number_index,
        "unit": profile.unit,
        "rank": None,  # not in the profile (reception stores a rank id per force)
    }


def _profiles(session: Session, organisation_id: uuid.UUID) -> list[Profile]:
    """Current profiles of the organisation's people: not erased, not merged away."""
    return [
        Profile(profile.person_id, created, _row(profile))
        for profile, created in repository.organisation_profiles(session, organisation_id)
    ]


TF_FROM = 10_000
"""The fewest profiles from which the batch weighs an exact name by how common it is."""


def _settings(profiles: int) -> dict[str, Any]:
    """The trained model, with today's blocking rules (the saved ones may be older)."""
    settings: dict[str, Any] = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    settings["blocking_rules_to_generate_predictions"] = [
        {"blocking_rule": rule, "sql_dialect": "duckdb"} for rule in BLOCKING_RULES
    ]
    settings["retain_matching_columns"] = False
    settings["retain_intermediate_calculation_columns"] = False
    if profiles >= TF_FROM:
        # Enough people to say how common a name is: an exact common name weighs less, as in
        # the benchmark that chose the review band (without it, a common name and a birth
        # year reach the band with every namesake: docs/benchmarks.md, issue 23).
        return settings
    # No term-frequency adjustment: a small organisation's people are too few to say how
    # common a name is (in a small one every name looks common).
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            level.pop("tf_adjustment_column", None)
            level.pop("tf_adjustment_weight", None)
    return settings


def score(profiles: Sequence[Profile], review_from: float = REVIEW_FROM) -> list[Pair]:
    """The pairs the blocking keys propose that reach `review_from`, scored on DuckDB."""
    if len(profiles) < 2:
        return []
    import duckdb  # noqa: PLC0415 - heavy, loaded for the batch only
    import pandas as pd  # type: ignore[import-untyped]  # noqa: PLC0415 - heavy, loaded for the batch only
    from splink import DuckDBAPI, Linker  # noqa: PLC0415 - heavy, loaded for the batch only

    frame = add_blocking_keys(
        pd.DataFrame.from_records(
            [{"unique_id": str(profile.person_id), **profile.row} for profile in profiles]
        )
    )
    with duckdb.connect() as con:
        linker = Linker(
            DuckDBAPI(con).register(frame, table_name="haven_profiles"),
            _settings(len(profiles)),
            log_level=None,
        )
        predictions = linker.inference.predict(threshold_match_probability=review_from)
        table = predictions.physical_name  # Splink's own table name
        query = f"SELECT unique_id_l, unique_id_r, match_weight, match_probability FROM {table}"  # noqa: S608
        found = con.execute(query).fetchall()
    return [
        Pair(uuid.UUID(left), uuid.UUID(right), float(weight), float(probability))
        for left, right, weight, probability in found
    ]


def hard_agreement(left: Row, right: Row) -> bool:
    """A hard identifier agrees: NRC or service number, or full birth date and father."""

    def same(field: str) -> bool:
        return left.get(field) is not None and left.get(field) == right.get(field)

    return same("nrc") or same("service_number") or (same("birth_date") and same("father"))


def _reviews(
    session: Session, organisation_id: uuid.UUID
) -> tuple[dict[tuple[uuid.UUID, uuid.UUID], MatchReview], set[uuid.UUID]]:
    """The organisation's reviews by pair, and the reviews whose link people undid."""
    reviews = repository.organisation_reviews(session, organisation_id)
    undone = repository.undone_review_ids(session, organisation_id)
    return {(r.person_a_id, r.person_b_id): r for r in reviews}, undone


def _clusters(
    edges: Sequence[Pair], by_id: dict[uuid.UUID, Profile]
) -> list[tuple[uuid.UUID, list[tuple[uuid.UUID, Pair]]]]:
    """Each cluster of automatic links: its survivor (the oldest record) and, for every
    other member, the link through which a breadth-first walk from the survivor reached it."""
    graph: dict[uuid.UUID, list[Pair]] = {}
    for edge in edges:
        graph.setdefault(edge.a, []).append(edge)
        graph.setdefault(edge.b, []).append(edge)
    seen: set[uuid.UUID] = set()
    clusters = []
    for start in sorted(graph, key=str):
        if start in seen:
            continue
        members, queue = {start}, deque([start])
        while queue:
            node = queue.popleft()
            for edge in graph[node]:
                other = edge.b if edge.a == node else edge.a
                if other not in members:
                    members.add(other)
                    queue.append(other)
        seen |= members
        survivor = min(members, key=lambda pid: (by_id[pid].created_at, str(pid)))
        reached: list[tuple[uuid.UUID, Pair]] = []
        visited, queue = {survivor}, deque([survivor])
        while queue:
            node = queue.popleft()
            for edge in sorted(graph[node], key=lambda e: (-e.probability, str(e.a), str(e.b))):
                other = edge.b if edge.a == node else edge.a
                if other not in visited:
                    visited.add(other)
                    reached.append((other, edge))
                    queue.append(other)
        clusters.append((survivor, reached))
    return clusters


def _review(
    session: Session,
    actor: Actor,
    organisation_id: uuid.UUID,
    pair: Pair,
    *,
    linked: bool,
    existing: MatchReview | None = None,
) -> MatchReview:
    """A new review (open, or linked automatically), or an untouched open one linked now."""
    if existing is not None:
        before = auto_link(session, actor, existing)
        session.flush()
        audit.record(
            session,
            actor,
            AuditAction.MATCH_AUTO_LINKED,
            subject_type="match_review",
            subject_id=existing.id,
            organisation_id=organisation_id,
            changes={"state": {"before": before, "after": existing.state}},
        )
        return existing
    a, b = ordered(pair.a, pair.b)
    review = MatchReview(
        organisation_id=organisation_id,
        person_a_id=a,
        person_b_id=b,
        weight=round(pair.weight, 3),
        probability=round(pair.probability, 6),
        reasons=[],
        source=SOURCE,
        state=(ReviewState.LINKED if linked else ReviewState.OPEN).value,
        decided_at=utcnow() if linked else None,
    )
    session.add(review)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.MATCH_AUTO_LINKED if linked else AuditAction.MATCH_REVIEW_OPENED,
        subject_type="match_review",
        subject_id=review.id,
        organisation_id=organisation_id,
        changes={"state": {"before": None, "after": review.state}, "source": {"after": SOURCE}},
    )
    return review


def _untouched(review: MatchReview | None, undone: set[uuid.UUID]) -> bool:
    """No review yet, or an open one nobody has voted on and whose link nobody undid."""
    if review is None:
        return True
    return (
        review.state == ReviewState.OPEN
        and review.first_reviewer_id is None
        and review.id not in undone
    )


@dataclass(frozen=True)
class Link:
    """An automatic link to make: `member` merged into its cluster's `survivor` through
    `pair`, with the model's reasons."""

    survivor: uuid.UUID
    member: uuid.UUID
    pair: Pair
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Candidate:
    """A pair to queue for two reviewers, with the model's reasons."""

    pair: Pair
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """What a run will do, decided from one reading of the profiles and reviews: the links
    cluster by cluster (in order), the pairs to queue, and the counts."""

    profiles: int
    pairs_scored: int
    already_reviewed: int
    links: list[Link]
    queue: list[Candidate]


def plan(session: Session, actor: Actor, organisation_id: uuid.UUID) -> Plan:
    """Read and score one organisation's people and decide the links and the queue; writes
    nothing (the slow part of a run: a job does it holding no lock)."""
    if not actor.is_system:
        raise PermissionDenied  # the operator at the machine runs it (`haven matching dedupe`)
    profiles = _profiles(session, organisation_id)
    by_id = {profile.person_id: profile for profile in profiles}
    pairs = score(profiles)
    reviews, undone = _reviews(session, organisation_id)
    auto = [
        pair
        for pair in pairs
        if pair.probability >= AUTO_LINK
        and hard_agreement(by_id[pair.a].row, by_id[pair.b].row)
        and _untouched(reviews.get(ordered(pair.a, pair.b)), undone)
    ]
    model = load()

    def reasons(pair: Pair) -> tuple[str, ...]:
        return tuple(model.score(by_id[pair.a].row, by_id[pair.b].row)[2])

    links = [
        Link(survivor, member, edge, reasons(edge))
        for survivor, reached in _clusters(auto, by_id)
        for member, edge in reached
    ]
    cluster_of = {link.member: link.survivor for link in links}
    cluster_of |= {link.survivor: link.survivor for link in links}
    queue = []
    for pair in pairs:
        if ordered(pair.a, pair.b) in reviews:
            continue  # people have it (or an automatic link will take it)
        together = cluster_of.get(pair.a)
        if together is not None and together == cluster_of.get(pair.b):
            continue  # one person through the automatic links
        queue.append(Candidate(pair, reasons(pair)))
    return Plan(
        profiles=len(profiles),
        pairs_scored=len(pairs),
        already_reviewed=sum(1 for pair in pairs if ordered(pair.a, pair.b) in reviews),
        links=links,
        queue=queue,
    )


def apply_links(
    session: Session, actor: Actor, organisation_id: uuid.UUID, links: Sequence[Link]
) -> int:
    """Make the links (a part of a plan, in order); a pair people have voted on, decided or
    unlinked since the plan was made is left alone. Returns how many were made."""
    reviews, undone = _reviews(session, organisation_id)
    made = 0
    causes: dict[uuid.UUID, uuid.UUID] = {}
    for link in links:
        existing = reviews.get(ordered(link.pair.a, link.pair.b))
        if not _untouched(existing, undone):
            continue
        review = _review(session, actor, organisation_id, link.pair, linked=True, existing=existing)
        review.reasons = list(link.reasons)
        merge(session, actor, review, link.survivor, link.member, automatic=True)
        causes.setdefault(link.survivor, review.id)
        made += 1
    session.flush()
    # Reviews people still had between records the links made one person are answered.
    close_moot(session, actor, causes)
    return made


def apply_queue(
    session: Session, actor: Actor, organisation_id: uuid.UUID, candidates: Sequence[Candidate]
) -> int:
    """Queue the pairs (a part of a plan) that nobody has a review of yet; returns how many."""
    reviews, _undone = _reviews(session, organisation_id)
    queued = 0
    for candidate in candidates:
        if ordered(candidate.pair.a, candidate.pair.b) in reviews:
            continue
        review = _review(session, actor, organisation_id, candidate.pair, linked=False)
        review.reasons = list(candidate.reasons)
        reviews[ordered(candidate.pair.a, candidate.pair.b)] = review
        queued += 1
    session.flush()
    return queued


def run(session: Session, actor: Actor, organisation_id: uuid.UUID) -> Result:
    """Deduplicate one organisation's people in one transaction (see the module docstring);
    `haven matching dedupe --background` does the same as a job, a part at a time."""
    decided = plan(session, actor, organisation_id)
    linked = apply_links(session, actor, organisation_id, decided.links)
    queued = apply_queue(session, actor, organisation_id, decided.queue)
    return Result(
        profiles=decided.profiles,
        pairs_scored=decided.pairs_scored,
        linked=linked,
        queued=queued,
        already_reviewed=decided.already_reviewed,
    )
