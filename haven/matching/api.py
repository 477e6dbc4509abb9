"""JSON endpoints of the matching domain: the review queue and its decisions, and the
possible duplicates of a person being registered."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from haven.matching import service
from haven.matching.schemas import DecisionIn, DuplicateAnswer, DuplicateQuery, ReviewOut
from haven.people.public import PersonSummary
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api")


@router.get("/matching/reviews", tags=["matching"])
def list_reviews(session: DB, actor: ApiActor) -> list[ReviewOut]:
    """Pairs waiting for a decision (no vote yet, or waiting for the second reviewer)."""
    return [ReviewOut.model_validate(r) for r in service.list_reviews(session, actor)]


@router.get("/matching/reviews/{review_id}", tags=["matching"])
def get_review(review_id: uuid.UUID, session: DB, actor: ApiActor) -> ReviewOut:
    return ReviewOut.model_validate(service.get_review(session, actor, review_id))


@router.post("/matching/reviews/{review_id}/decision", tags=["matching"])
def decide(review_id: uuid.UUID, data: DecisionIn, session: DB, actor: ApiActor) -> ReviewOut:
    """Vote; the second vote must come from another reviewer. Two links merge the records."""
    return ReviewOut.model_validate(service.decide(session, actor, review_id, data.decision))


@router.post("/matching/reviews/{review_id}/unmerge", tags=["matching"])
def unmerge(review_id: uuid.UUID, session: DB, actor: ApiActor) -> ReviewOut:
    """Undo a merge; the pair goes back to the queue for two reviewers."""
    return ReviewOut.model_validate(service.unmerge(session, actor, review_id))


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
