"""JSON endpoints of the matching domain: the review queue and its decisions, and the
possible duplicates of a person being registered."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from haven.errors import NotFound
from haven.matching import review_groups, service
from haven.matching.models import MatchReview
from haven.matching.review_groups import ReviewGroup
from haven.matching.schemas import (
    DecisionIn,
    DuplicateAnswer,
    DuplicateQuery,
    GroupDecisionIn,
    GroupDecisionOut,
    GroupOut,
    ReviewOut,
)
from haven.people.public import PersonSummary
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api")


@router.get("/matching/reviews", tags=["matching"])
def list_reviews(session: DB, actor: ApiActor) -> list[ReviewOut]:
    """Pairs waiting for a decision (no vote yet, or waiting for the second reviewer)."""
    return [ReviewOut.model_validate(r) for r in service.list_reviews(session, actor)]


@router.get("/matching/reviews/{review_id}", tags=["matching"])
def get_review(review_id: uuid.UUID, session: DB, actor: ApiActor) -> ReviewOut:
    """One review of a possible duplicate: the two persons, the score and its decision."""
    return ReviewOut.model_validate(service.get_review(session, actor, review_id))


@router.post("/matching/reviews/{review_id}/decision", tags=["matching"])
def decide(review_id: uuid.UUID, data: DecisionIn, session: DB, actor: ApiActor) -> ReviewOut:
    """Vote; the second vote must come from another reviewer. Two links merge the records."""
    return ReviewOut.model_validate(service.decide(session, actor, review_id, data.decision))


@router.post("/matching/reviews/{review_id}/unmerge", tags=["matching"])
def unmerge(review_id: uuid.UUID, session: DB, actor: ApiActor) -> ReviewOut:
    """Undo a merge; the pair goes back to the queue for two reviewers."""
    return ReviewOut.model_validate(service.unmerge(session, actor, review_id))


def _group_out(group: ReviewGroup, reviews: list[MatchReview]) -> GroupOut:
    return GroupOut(
        id=group.id,
        members=list(group.members),
        reviews=[ReviewOut.model_validate(r) for r in reviews],
        strongest=group.strongest,
        state=group.state,
        version=group.version,
    )


@router.get("/matching/groups", tags=["matching"])
def list_groups(
    session: DB,
    actor: ApiActor,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[GroupOut]:
    """Candidate groups waiting for a decision, strongest first: everyone the review band
    links together, to be decided in one step."""
    groups, _total = review_groups.group_page(session, actor, limit=limit, offset=offset)
    reviews = review_groups.reviews_of_groups(session, groups)
    return [_group_out(group, found) for group, found in zip(groups, reviews, strict=True)]


@router.get("/matching/groups/{review_id}", tags=["matching"])
def get_group(review_id: uuid.UUID, session: DB, actor: ApiActor) -> GroupOut:
    """The group a review belongs to (any of its reviews names it); 404 once decided."""
    group = review_groups.group_of(session, actor, review_id)
    if group is None:
        raise NotFound
    return _group_out(group, review_groups.reviews_of(session, group))


@router.post("/matching/groups/{review_id}/decision", tags=["matching"])
def decide_group(
    review_id: uuid.UUID, data: GroupDecisionIn, session: DB, actor: ApiActor
) -> GroupDecisionOut:
    """Decide the group in one step: `partition` lists the people it holds (one list: all
    one person). Cast as a vote on each of its pairs; the second, different reviewer's
    agreeing vote merges. 409 when the group changed since `members`/`reviews`/`version`."""
    outcome = review_groups.decide_group(
        session,
        actor,
        review_id,
        members=data.members,
        reviews=data.reviews,
        partition=data.partition,
        version=data.version,
    )
    return GroupDecisionOut(
        first_votes=outcome.first_votes,
        linked=outcome.linked,
        not_same=outcome.not_same,
        disputed=outcome.disputed,
        merged=outcome.merged,
        closed=outcome.closed,
    )


# Asked while registering a person: listed with reception's endpoints.
@router.post("/people/possible-duplicates", tags=["reception"])
def possible_duplicates(data: DuplicateQuery, session: DB, actor: ApiActor) -> DuplicateAnswer:
    """Persons who may be the same as the one being registered (simple rules). Matches at
    sites the caller may not see are counted, never shown."""
    found = service.possible_duplicates(
        session, actor, **data.model_dump(exclude={"text_encoding"})
    )
    return DuplicateAnswer(
        visible=[PersonSummary.model_validate(p) for p in found.visible],
        hidden_count=found.hidden_count,
    )
