"""The agreements domain's API operations in the authorisation matrix.

`{agreement_id}` is an executing agreement at the side's site (crossing desks, reconciliation,
links); `{agreement_id}` is under negotiation with the side's manager named as approver.
The manager of each side is named on that side's agreements only: a named approver of one
organisation is still 404 on another's.
"""

from __future__ import annotations

import uuid

from haven.agreements import roll, service
from haven.agreements.schemas import AgreementCreate, AgreementStatus
from haven.reception.importing import ImportRow
from haven.security.permissions import Actor, Permission, Role
from tests import factories as f
from tests.security.matrix import Operation, Side, SideContext, World

ROLL_CSV = b"name_latin,rank,unit\nMatrix Soldier,Private,LIB 531\n"


def _arrival(w: World) -> dict[str, object]:
    return {"idempotency_key": f"matrix-{uuid.uuid4().hex}", "name_latin": "Matrix Arrival"}


OPERATIONS: list[Operation] = [
    Operation("GET", "/api/agreements/board", Permission.DASHBOARD_VIEW),
    Operation("GET", "/api/agreements", Permission.AGREEMENT_READ),
    Operation(
        "POST",
        "/api/agreements",
        Permission.AGREEMENT_WRITE,
        json=lambda w: {"code_name": f"Matrix {uuid.uuid4().hex[:8]}"},
    ),
    Operation("GET", "/api/agreements/{agreement_id}", Permission.AGREEMENT_READ, record=True),
    Operation(
        "PATCH",
        "/api/agreements/{agreement_id}",
        Permission.AGREEMENT_WRITE,
        record=True,
        json=lambda w: {"expected_headcount": 12},
    ),
    Operation(
        "POST",
        "/api/agreements/{agreement_id}/parties",
        Permission.AGREEMENT_WRITE,
        record=True,
        json=lambda w: {"name": "Matrix Commander"},
    ),
    Operation(
        "POST",
        "/api/agreements/{agreement_id}/approvers",
        Permission.AGREEMENT_WRITE,
        record=True,
        json=lambda w: {"user_id": str(w.mine.ids["matrix_manager_id"])},
    ),
    Operation(
        "POST",
        "/api/agreements/{agreement_id}/transition",
        Permission.AGREEMENT_WRITE,
        record=True,
        json=lambda w: {"to": "collapsed"},
    ),
    Operation(
        "GET", "/api/agreements/{agreement_id}/overrides", Permission.AGREEMENT_READ, record=True
    ),
    Operation(
        "GET",
        "/api/agreements/{agreement_id}/approval",
        Permission.AGREEMENT_APPROVE,
        record=True,
    ),
    Operation(
        "POST",
        "/api/agreements/{agreement_id}/approve",
        Permission.AGREEMENT_APPROVE,
        record=True,
        fresh=True,
    ),
    Operation(
        "GET",
        "/api/agreements/{agreement_id}/screening",
        Permission.AGREEMENT_APPROVE,
        record=True,
    ),
    Operation(
        "POST",
        "/api/agreements/{agreement_id}/screening/acknowledgements",
        Permission.AGREEMENT_APPROVE,
        record=True,
        json=lambda w: {"hit_ids": [str(uuid.uuid4())], "note": "Matrix acknowledgement"},
    ),
    Operation(
        "POST",
        "/api/agreements/{agreement_id}/roll",
        Permission.AGREEMENT_WRITE,
        record=True,
        upload=lambda w: {"file": ("roll.csv", ROLL_CSV, "text/csv")},
    ),
    Operation("GET", "/api/agreements/{agreement_id}/roll", Permission.AGREEMENT_READ, record=True),
    Operation(
        "GET",
        "/api/agreements/{agreement_id}/reconciliation",
        Permission.AGREEMENT_READ,
        record=True,
    ),
    Operation(
        "POST",
        "/api/agreements/{agreement_id}/links",
        Permission.AGREEMENT_WRITE,
        record=True,
        json=lambda w: {"person_id": str(w.mine.ids["person_id"])},
    ),
    Operation("GET", "/api/crossing", Permission.CROSSING_DESK),
    Operation(
        "POST",
        "/api/crossing/{agreement_id}/search",
        Permission.CROSSING_DESK,
        record=True,
        json=lambda w: {"q": "matrix"},
    ),
    Operation(
        "POST",
        "/api/crossing/{agreement_id}/arrivals",
        Permission.CROSSING_DESK,
        record=True,
        json=_arrival,
    ),
]


def seed(ctx: SideContext, side: Side) -> None:
    """Create this domain's records for one organisation; store their ids in `side.ids`."""
    negotiator = Actor.for_user(
        user_id=ctx.users[Role.NEGOTIATOR].id,
        username=ctx.users[Role.NEGOTIATOR].username,
        organisation_id=ctx.organisation.id,
        site_id=None,
        role=Role.NEGOTIATOR,
    )

    def agreement(name: str) -> uuid.UUID:
        created = service.create(
            ctx.db,
            negotiator,
            AgreementCreate.model_validate(
                {
                    "code_name": f"{name} {ctx.organisation.name}",
                    "site_id": str(ctx.site.id),
                    "parties": [{"name": "Matrix Commander"}],
                }
            ),
        )
        return created.id

    executing = agreement("Matrix executing")
    rows = [ImportRow(number=2, values={"name_latin": "Matrix Soldier", "rank": "Private"})]
    roll.import_roll(ctx.db, negotiator, executing, rows, dry_run=False)
    service.transition(ctx.db, negotiator, executing, AgreementStatus.NEGOTIATING)
    second = ctx.users[Role.MANAGER]
    service.name_approver(ctx.db, negotiator, executing, second.id)
    service.approve(ctx.db, f.fresh(ctx.db, _manager(second.id, ctx)), executing)
    # A second approver: another manager of the side, made for the seed only.
    other_manager = f.user(
        ctx.db, organisation=ctx.organisation, role=Role.MANAGER, settings=ctx.settings
    )
    service.name_approver(ctx.db, negotiator, executing, other_manager.id)
    service.approve(ctx.db, f.fresh(ctx.db, _manager(other_manager.id, ctx)), executing)
    service.transition(ctx.db, negotiator, executing, AgreementStatus.EXECUTING)
    side.ids["agreement_id"] = executing
    side.ids["matrix_manager_id"] = other_manager.id


def _manager(user_id: uuid.UUID, ctx: SideContext) -> Actor:
    return Actor.for_user(
        user_id=user_id,
        username="seed",
        organisation_id=ctx.organisation.id,
        site_id=None,
        role=Role.MANAGER,
    )
