"""The cards domain's API operations in the authorisation matrix.

Each side gets an active card for the matrix person (`id_card_id`; pow has its own
`card_id`) and one for a person at another site of its organisation (`id_card_id_elsewhere`:
the registrar, site-scoped, may not touch it). The programme's signing key is made once.
"""

from __future__ import annotations

from haven.cards import qr, repository, service, signing
from haven.kernel.sensitivity import Sensitivity, bind_actor
from haven.reception import service as reception
from haven.reception.schemas import ReceptionCreate
from haven.security.permissions import Actor, Permission
from tests import factories as f
from tests.security.matrix import Operation, Side, SideContext

SYSTEM = Actor.system()
ISSUE, VERIFY = Permission.CARD_ISSUE, Permission.CARD_VERIFY
CARD = "/api/cards/{id_card_id}"

OPERATIONS: list[Operation] = [
    Operation("GET", "/api/cards", ISSUE),
    Operation(
        "POST",
        "/api/cards",
        ISSUE,
        record=True,
        elsewhere=True,
        body=lambda w, side: {"person_id": str(side.ids["card_person_id"])},
    ),
    Operation("GET", CARD, ISSUE, record=True, elsewhere=True),
    Operation(
        "GET", CARD + "/pdf", ISSUE, record=True, elsewhere=True, clearance=Sensitivity.CONFIDENTIAL
    ),
    Operation(
        "POST",
        CARD + "/revoke",
        ISSUE,
        record=True,
        elsewhere=True,
        json=lambda w: {"reason": "lost"},
    ),
    Operation("GET", "/api/cards/public-key", VERIFY),
    Operation("GET", "/api/cards/revocations", ISSUE),
    Operation("POST", "/api/cards/verify", VERIFY, json=lambda w: {"payload": "HVC1:NOT-A-CARD"}),
    Operation(
        "POST",
        "/api/cards/verify/image",
        VERIFY,
        upload=lambda w: {"image": ("card.png", qr.png("HVC1:NOT-A-CARD"), "image/png")},
    ),
]


def seed(ctx: SideContext, side: Side) -> None:
    """Create this domain's records for one organisation; store their ids in `side.ids`."""
    bind_actor(ctx.db, SYSTEM)
    if repository.signing_key(ctx.db) is None:
        signing.create_key(ctx.db, SYSTEM)
    far = f.site(
        ctx.db, organisation=ctx.organisation, name=f"Card site of {ctx.organisation.name}"
    )
    event = reception.receive(
        ctx.db,
        SYSTEM,
        ReceptionCreate.model_validate(
            {
                "name_latin": "Matrix Cardholder",
                "classification": "defector",
                "site_id": str(far.id),
            }
        ),
    )
    here = service.issue(ctx.db, SYSTEM, ctx.person_id, validity_days=365)
    there = service.issue(ctx.db, SYSTEM, event.person_id, validity_days=365)
    side.ids.update(
        id_card_id=here.id,
        card_person_id=ctx.person_id,
        id_card_id_elsewhere=there.id,
        card_person_id_elsewhere=event.person_id,
    )
