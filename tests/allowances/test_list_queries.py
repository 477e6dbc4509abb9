"""The allowances pages make the same number of queries whatever their row count: the landing
page (plan versions, batches, budgets, persons recently computed), the plan versions, the
funders with their budgets, a batch's items and the report (ledger and outstanding
instalments by funder, component and month)."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from haven.allowances import batches, entitlements, funders, plans
from haven.allowances.models import PaymentBatch
from haven.config import Settings
from haven.security.permissions import Role
from tests import factories as f
from tests.allowances import support as s
from tests.queries import counting
from tests.vetting.support import clear_person


def _count(client: TestClient, engine: Engine, path: str) -> int:
    with counting(engine) as seen:
        response = client.get(path)
    assert response.status_code == 200, response.text
    return seen.count


def _grow(db: Session, w: s.World, batch: PaymentBatch, first: int, count: int) -> None:
    """`count` more of every listed thing: plan versions, funders each with a budget line,
    draft batches, and persons received in different months, computed and paid in `batch`."""
    maker = w.maker(db)
    person_ids: list[uuid.UUID] = []
    for number in range(first, first + count):
        plans.create_version(db, w.admin, name=f"Draft {number}", effective_from=date(2027, 1, 1))
        funder = funders.save_funder(db, w.admin, name=f"Funder {number}")
        funders.save_budget_line(
            db,
            w.admin,
            funder,
            component_code=f"extra_{number}",
            currency="MMK",
            share_bp=10_000,
            budget_minor=1_000_000,
        )
        batches.create_batch(db, maker, title=f"Batch {number}", currency="MMK")
        person_id = s.person(
            db, w, received_on=date(2026, 1 + number % 12, 10), name=f"Person {number}"
        )
        clear_person(db, person_id)
        person_ids.append(person_id)
    entitlements.recompute(db, s.SYSTEM, person_ids)
    batches.add_due(db, maker, batch, due_by=date(2027, 12, 31), person_ids=person_ids)


def test_allowances_pages_make_constant_queries(
    client: TestClient, db: Session, engine: Engine, fast_settings: Settings
) -> None:
    w = s.world(db)
    f.user(
        db,
        organisation=w.org,
        role=Role.FINANCE_OFFICER,
        username="cash.lists",
        settings=fast_settings,
    )
    s.publish_plan(db, w)
    s.fund_everything(db, w)
    batch = batches.create_batch(db, w.maker(db), title="Everyone", currency="MMK")
    f.login(client, username="cash.lists")
    pages = [
        "/allowances",
        "/allowances/plans",
        "/allowances/funders",
        f"/allowances/batches/{batch.id}",
        "/allowances/reports",
    ]

    _grow(db, w, batch, 0, 2)
    for page in pages:  # the first visit of a page may warm caches
        _count(client, engine, page)
    few = [_count(client, engine, page) for page in pages]
    _grow(db, w, batch, 2, 4)
    many = [_count(client, engine, page) for page in pages]

    assert many == few
    assert len(batches.items_of(db, batch)) >= 6
    assert len(batches.list_batches(db, s.SYSTEM)) == 7
    funders_page = client.get("/allowances/funders").text
    assert all(f"Funder {number}" in funders_page for number in range(6))
