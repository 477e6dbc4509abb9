"""JSON endpoints of the matching domain: the review queue and its decisions."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from haven.matching import service
from haven.matching.schemas import DecisionIn, ReviewOut
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api/matching", tags=["matching"])


@router.get("/reviews")
def list_reviews(session: DB, actor: ApiActor) -> list[ReviewOut]:
    """Pairs waiting for a decision (no vote yet, or waiting for the second reviewer)."""
    return [ReviewOut.model_validate(r) for r in service.list_reviews(session, actor)]


@router.get("/reviews/{review_id}")
def get_review(review_id: uuid.UUID, session: DB, actor: ApiActor) -> ReviewOut:
    return ReviewOut.model_validate(service.get_review(session, actor, review_id))


@router.post("/reviews/{review_id}/decision")
def decide(review_id: uuid.UUID, data: DecisionIn, session: DB, actor: ApiActor) -> ReviewOut:
    """Vote; the second vote must come from another reviewer. Two links merge the records."""
    return ReviewOut.model_validate(service.decide(session, actor, review_id, data.decision))


@router.post("/reviews/{review_id}/unmerge")
def unmerge(review_id: uuid.UUID, session: DB, actor: ApiActor) -> ReviewOut:
    """Undo a merge; the pair goes back to the queue for two reviewers."""
    return ReviewOut.model_validate(service.unmerge(session, actor, review_id))
