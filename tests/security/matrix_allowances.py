"""The allowances domain's API operations in the authorisation matrix.

Each side has a draft plan version with one component (`{plan_version_id}`, component code
`{code}`), a funder, and a draft batch; `{person_id}` is the side's received person.
Approving, disbursing and reversing need a fresh interactive login and are HTML-only.
"""

from __future__ import annotations

import uuid
from datetime import date

from haven.allowances import batches, funders, plans
from haven.security.permissions import Actor, Permission
from tests.security.matrix import Operation, Side, SideContext

SYSTEM = Actor.system()
COMPONENT = {
    "kind": "settlement_grant",
    "name_en": "Matrix grant",
    "currency": "MMK",
    "rules": {"amount": 1000},
    "eligibility": {},
}

OPERATIONS: list[Operation] = [
    Operation("GET", "/api/allowances/plans", Permission.PLAN_MANAGE),
    Operation(
        "POST",
        "/api/allowances/plans",
        Permission.PLAN_MANAGE,
        json=lambda w: {"name": "Matrix plan", "effective_from": "2030-01-01"},
    ),
    Operation(
        "POST",
        "/api/allowances/plans/import",
        Permission.PLAN_MANAGE,
        json=lambda w: {
            "name": "Imported matrix plan",
            "effective_from": "2031-01-01",
            "components": [{"code": "grant", **COMPONENT}],
        },
    ),
    Operation(
        "GET", "/api/allowances/plans/{plan_version_id}", Permission.PLAN_MANAGE, record=True
    ),
    Operation(
        "PUT",
        "/api/allowances/plans/{plan_version_id}/components/{code}",
        Permission.PLAN_MANAGE,
        record=True,
        json=lambda w: COMPONENT,
    ),
    Operation(
        "DELETE",
        "/api/allowances/plans/{plan_version_id}/components/{code}",
        Permission.PLAN_MANAGE,
        record=True,
    ),
    Operation(
        "POST",
        "/api/allowances/plans/{plan_version_id}/publish",
        Permission.PLAN_MANAGE,
        record=True,
    ),
    Operation("GET", "/api/allowances/funders", Permission.FUNDER_MANAGE),
    Operation(
        "POST",
        "/api/allowances/funders",
        Permission.FUNDER_MANAGE,
        json=lambda w: {"name": f"Matrix funder {uuid.uuid4().hex[:6]}"},
    ),
    Operation(
        "PUT",
        "/api/allowances/funders/{funder_id}/budget-lines",
        Permission.FUNDER_MANAGE,
        record=True,
        json=lambda w: {
            "component_code": "grant",
            "currency": "MMK",
            "share_bp": 10000,
            "budget_minor": 1000000,
        },
    ),
    Operation("GET", "/api/allowances/budgets", Permission.PAYMENT_READ),
    Operation(
        "POST",
        "/api/allowances/entitlements/recompute",
        Permission.PAYMENT_PREPARE,
        json=lambda w: {"person_ids": [str(w.mine.ids["person_id"])]},
    ),
    Operation(
        "GET",
        "/api/allowances/people/{person_id}/preview",
        Permission.PAYMENT_PREPARE,
        record=True,
    ),
    Operation(
        "GET",
        "/api/allowances/people/{person_id}/statement",
        Permission.ENTITLEMENT_READ,
        record=True,
    ),
    Operation("GET", "/api/allowances/batches", Permission.PAYMENT_READ),
    Operation(
        "POST",
        "/api/allowances/batches",
        Permission.PAYMENT_PREPARE,
        json=lambda w: {"title": "Matrix batch", "currency": "MMK"},
    ),
    Operation("GET", "/api/allowances/batches/{batch_id}", Permission.PAYMENT_READ, record=True),
    Operation(
        "POST",
        "/api/allowances/batches/{batch_id}/items",
        Permission.PAYMENT_PREPARE,
        record=True,
        json=lambda w: {"due_by": "2030-01-01"},
    ),
    Operation(
        "POST", "/api/allowances/batches/{batch_id}/submit", Permission.PAYMENT_PREPARE, record=True
    ),
    Operation(
        "POST", "/api/allowances/batches/{batch_id}/return", Permission.PAYMENT_APPROVE, record=True
    ),
    Operation(
        "POST", "/api/allowances/batches/{batch_id}/cancel", Permission.PAYMENT_PREPARE, record=True
    ),
    Operation(
        "POST",
        "/api/allowances/batches/{batch_id}/reconcile",
        Permission.PAYMENT_APPROVE,
        record=True,
    ),
    Operation("GET", "/api/allowances/reports", Permission.PAYMENT_READ),
    Operation("GET", "/api/allowances/ledger/reconciliation", Permission.PAYMENT_READ),
]


def seed(ctx: SideContext, side: Side) -> None:
    """Create this domain's records for one organisation; store their ids in `side.ids`."""
    org = ctx.organisation.id
    version = plans.create_version(
        ctx.db,
        SYSTEM,
        name="Matrix draft",
        effective_from=date(2026, 1, 1),
        organisation_id=org,
    )
    plans.save_component(ctx.db, SYSTEM, version, code="grant", **COMPONENT)  # type: ignore[arg-type]
    funder = funders.save_funder(ctx.db, SYSTEM, name="Matrix funder", organisation_id=org)
    batch = batches.create_batch(
        ctx.db, SYSTEM, title="Matrix batch", currency="MMK", organisation_id=org
    )
    side.ids["plan_version_id"] = version.id
    side.ids["code"] = "grant"  # type: ignore[assignment]
    side.ids["funder_id"] = funder.id
    side.ids["batch_id"] = batch.id
    side.ids["person_id"] = ctx.person_id
