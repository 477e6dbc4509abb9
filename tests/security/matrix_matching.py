"""The matching domain's API operations in the authorisation matrix."""

from __future__ import annotations

import uuid

from haven.accounts.models import Site
from haven.matching import service
from haven.people.models import Person
from haven.reception import service as reception
from haven.reception.schemas import ReceptionCreate
from haven.security.permissions import Actor, Permission
from tests import factories as f
from tests.security.matrix import Operation, Side, SideContext

REVIEW = Permission.MATCH_REVIEW

OPERATIONS: list[Operation] = [
    Operation("GET", "/api/matching/reviews", REVIEW),
    Operation("GET", "/api/matching/reviews/{review_id}", REVIEW, record=True, elsewhere=True),
    Operation(
        "POST",
        "/api/matching/reviews/{review_id}/decision",
        REVIEW,
        record=True,
        elsewhere=True,
        json=lambda w: {"decision": "link"},
    ),
    Operation("GET", "/api/matching/groups", REVIEW),
    Operation("GET", "/api/matching/groups/{review_id}", REVIEW, record=True, elsewhere=True),
    # The group as the caller saw it is not sent: the allowed answer is 409 (it changed).
    Operation(
        "POST",
        "/api/matching/groups/{review_id}/decision",
        REVIEW,
        record=True,
        elsewhere=True,
        json=lambda w: {"members": [], "reviews": [], "partition": []},
    ),
    # On an unmerged pair the allowed answer is 409 (nothing to undo); out of scope, 404.
    Operation(
        "POST", "/api/matching/reviews/{review_id}/unmerge", REVIEW, record=True, elsewhere=True
    ),
]


def _person(ctx: SideContext, name: str, site: Site | None = None) -> Person:
    event = reception.receive(
        ctx.db,
        Actor.system(),
        ReceptionCreate.model_validate(
            {
                "name_latin": name,
                "classification": "defector",
                "site_id": str((site or ctx.site).id),
                "received_on": "2026-11-01",
            }
        ),
    )
    person = ctx.db.get(Person, event.person_id)
    assert person is not None
    return person


def _review(ctx: SideContext, one: Person, two: Person) -> uuid.UUID:
    candidate = service.Candidate(two.id, two.organisation_id, 5.0, 0.97, ("same name",))
    [review] = service.queue_for_review(ctx.db, Actor.system(), one, [candidate], source="batch")
    return review.id


def seed(ctx: SideContext, side: Side) -> None:
    """Create this domain's records for one organisation; store their ids in `side.ids`."""
    first = ctx.db.get(Person, ctx.person_id)
    assert first is not None
    side.ids["review_id"] = _review(ctx, first, _person(ctx, "Matrix Twin"))
    # A pair that spans two sites of the organisation: for its organisation-wide reviewers.
    far = f.site(ctx.db, organisation=ctx.organisation, name=f"Far site of {ctx.organisation.name}")
    # Two people of its own: a group joining the pair above would reach the far site, and a
    # site-scoped reviewer sees a group only when they may see everyone in it.
    side.ids["review_id_elsewhere"] = _review(
        ctx, _person(ctx, "Matrix Other"), _person(ctx, "Matrix Other", far)
    )
