"""The families domain's API operations in the authorisation matrix (and the relative's own
endpoints added to the people API by issue 24).

Each side gets one movement plan for the matrix person's relative (`plan_id`), made by its
case worker, with one step (`step_id`).
"""

from __future__ import annotations

from haven.accounts.sessions import actor_for
from haven.families import service
from haven.families.schemas import PlanIn, StepIn
from haven.security.permissions import Permission, Role
from tests.security.matrix import Operation, Side, SideContext

P = Permission


def _plan(path: str, method: str, permission: Permission, json: object = None) -> Operation:
    return Operation(
        method, path, permission, record=True, json=(lambda w: json) if json is not None else None
    )


OPERATIONS: list[Operation] = [
    Operation("GET", "/api/people/{person_id}/family/{member_id}", P.PERSON_READ, record=True),
    Operation(
        "PATCH",
        "/api/people/{person_id}/family/{member_id}",
        P.PERSON_WRITE,
        record=True,
        json=lambda w: {"at_risk": True, "area": "regime_held"},
    ),
    Operation("GET", "/api/families/plans", P.FAMILY_MOVE_READ),
    Operation(
        "POST",
        "/api/families/plans",
        P.FAMILY_MOVE_WRITE,
        json=lambda w: {
            "person_id": str(w.mine.ids["person_id"]),
            "origin_kind": "village",
            "origin": "Matrix village",
            "destination": "Matrix safe place",
            "relative_ids": [str(w.mine.ids["member_id"])],
        },
    ),
    _plan("/api/families/plans/{plan_id}", "GET", P.FAMILY_MOVE_READ),
    _plan("/api/families/plans/{plan_id}", "PATCH", P.FAMILY_MOVE_WRITE, {"unnamed_relatives": 2}),
    _plan(
        "/api/families/plans/{plan_id}/status",
        "POST",
        P.FAMILY_MOVE_WRITE,
        {"status": "suspended", "reason": "Matrix: checkpoint closed"},
    ),
    _plan(
        "/api/families/plans/{plan_id}/steps",
        "POST",
        P.FAMILY_MOVE_WRITE,
        {"title": "Matrix step", "planned_on": "2099-01-01"},
    ),
    _plan("/api/families/plans/{plan_id}/steps/{step_id}/done", "POST", P.FAMILY_MOVE_WRITE, {}),
    Operation(
        "POST",
        "/api/families/plans/{plan_id}/moved",
        P.FAMILY_MOVE_WRITE,
        record=True,
        body=lambda w, side: {"relative_ids": [str(side.ids["member_id"])]},
    ),
]


def seed(ctx: SideContext, side: Side) -> None:
    """Create this domain's records for one organisation; store their ids in `side.ids`."""
    worker = actor_for(ctx.users[Role.CASE_WORKER])
    plan = service.create_plan(
        ctx.db,
        worker,
        PlanIn.model_validate(
            {
                "person_id": str(ctx.person_id),
                "origin_kind": "compound",
                "origin": "Matrix compound",
                "destination": "Matrix safe place",
                "relative_ids": [str(side.ids["member_id"])],
            }
        ),
    )
    side.ids["plan_id"] = plan.id
    side.ids["step_id"] = service.add_step(ctx.db, worker, plan.id, StepIn(title="Matrix step")).id
