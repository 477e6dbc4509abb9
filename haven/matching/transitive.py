"""Transitive closure of the review queue: reviews that other decisions answer are closed.

When records become one person (a pair's or a group's decision by two reviewers, or the
batch's automatic links), an undecided review between two records of that one person asks
a question already answered: it is closed as `moot_linked`, with no reviewer. Likewise an
undecided review between someone of that person and someone of another person whom two
reviewers decided is not the same (a `not_same` or `moot_not_same` review between any of
their records) is answered "not the same" by the same reasoning (A is B, B is not C, so A is
not C): it is closed as `moot_not_same`.

A person here is a root of the active merges (`repository.roots_of`): a record and everyone
merged into it, at any depth. Each closed review names the review whose decision made it
moot (`closed_by_id`); undoing that review's merge opens those reviews again (`reopen`), as
the reasoning that closed them no longer holds. Every closure is audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.matching import repository
from haven.matching.lifecycle import OPEN_STATES, REVIEW, ReviewState
from haven.matching.models import MatchReview
from haven.security.permissions import Actor

NOT_SAME_STATES = frozenset({ReviewState.NOT_SAME, ReviewState.MOOT_NOT_SAME})


def close_moot(
    session: Session, actor: Actor, causes: Mapping[uuid.UUID, uuid.UUID]
) -> list[MatchReview]:
    """Close the undecided reviews that the decisions on these people answered.

    `causes`: a person touched by a decision -> the review that decided it. Everyone who is
    now the same person as one of them is looked at (one query per hop of the merges and one
    per 500 people for their reviews). Returns the reviews closed.
    """
    if not causes:
        return []
    seeds = repository.roots_of(session, causes)
    cause_of_root: dict[uuid.UUID, uuid.UUID] = {}
    for person, review_id in sorted(causes.items(), key=lambda item: str(item[0])):
        cause_of_root.setdefault(seeds[person], review_id)
    root = repository.merged_under(session, cause_of_root)
    undecided = repository.reviews_touching(session, root, [str(s) for s in OPEN_STATES])
    refused = repository.reviews_touching(session, root, [str(s) for s in NOT_SAME_STATES])
    others = {
        person
        for review in (*undecided, *refused)
        for person in (review.person_a_id, review.person_b_id)
        if person not in root
    }
    root = {**repository.roots_of(session, others), **root}
    apart = {frozenset((root[r.person_a_id], root[r.person_b_id])) for r in refused}
    now = utcnow()
    closed: list[tuple[MatchReview, str]] = []
    for review in undecided:
        a, b = root[review.person_a_id], root[review.person_b_id]
        if a == b:
            target = ReviewState.MOOT_LINKED
        elif frozenset((a, b)) in apart:
            target = ReviewState.MOOT_NOT_SAME
        else:
            continue
        cause = cause_of_root.get(a) or cause_of_root.get(b)
        before = REVIEW.move(session, actor, review, target)
        review.closed_by_id = cause
        review.decided_at = now
        closed.append((review, before.value))
    if not closed:
        return []
    _audit_moves(
        session,
        actor,
        AuditAction.MATCH_REVIEW_CLOSED_MOOT,
        [(review, before, {"after": str(review.closed_by_id)}) for review, before in closed],
    )
    return [review for review, _before in closed]


def _audit_moves(
    session: Session,
    actor: Actor,
    action: AuditAction,
    moves: list[tuple[MatchReview, str, dict[str, str | None]]],
) -> None:
    """One audit event per review moved: its state before and after, and what closed it."""
    session.flush()
    audit.record_many(
        session,
        actor,
        [
            audit.Entry(
                action,
                subject_type="match_review",
                subject_id=review.id,
                organisation_id=review.organisation_id,
                changes={
                    "state": {"before": before, "after": review.state},
                    "closed_by": closed_by,
                },
            )
            for review, before, closed_by in moves
        ],
    )


def reopen(session: Session, actor: Actor, review_id: uuid.UUID) -> list[MatchReview]:
    """The reviews this review's decision closed as moot, opened again for two reviewers
    (its merge was undone: the reasoning that closed them no longer holds)."""
    opened: list[tuple[MatchReview, str]] = []
    for review in repository.reviews_closed_by(session, review_id):
        if review.state not in (ReviewState.MOOT_LINKED, ReviewState.MOOT_NOT_SAME):
            continue
        before = REVIEW.move(session, actor, review, ReviewState.OPEN)
        review.closed_by_id = None
        review.decided_at = None
        review.first_reviewer_id = None
        review.first_decision = None
        review.first_decided_at = None
        opened.append((review, before.value))
    if not opened:
        return []
    _audit_moves(
        session,
        actor,
        AuditAction.MATCH_REVIEW_REOPENED,
        [(review, before, {"before": str(review_id), "after": None}) for review, before in opened],
    )
    return [review for review, _before in opened]
