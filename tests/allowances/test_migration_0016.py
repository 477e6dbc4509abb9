"""Revision 0016 on a database with money in it: seniority bands mapped to the receiving
force's ranks of the same places and back; the disbursements table rebuilt (SQLite) under
the ledger entries and reversals that refer to it; a downgrade that would lose a payment to
a guardian refuses."""

from __future__ import annotations

import importlib.util
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from haven.allowances import batches, entitlements
from haven.allowances.models import PlanComponent
from haven.db.engine import make_engine
from haven.db.keyring import Keyring
from haven.db.migrate import upgrade
from haven.people.public import FamilyMemberIn, add_family_member
from tests.allowances import support as s
from tests.conftest import BACKENDS, empty_database_url
from tests.vetting.support import clear_person

VERSIONS = Path(__file__).resolve().parents[2] / "haven" / "db" / "migrations" / "versions"


def _revision() -> ModuleType:
    path = next(VERSIONS.glob("*_0016_*.py"))
    spec = importlib.util.spec_from_file_location("revision_0016", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REVISION = _revision()


@pytest.fixture(params=BACKENDS)
def migrated(request: pytest.FixtureRequest, tmp_path: Path, keyring: Keyring) -> Iterator[Engine]:
    url = empty_database_url(request, tmp_path, "haven_rev0016")
    engine = make_engine(url, keyring=keyring)
    upgrade(url, engine, keyring=keyring)
    yield engine
    engine.dispose()


def _run(engine: Engine, step: str) -> None:
    """Run this revision's `upgrade` or `downgrade` alone, as Alembic would."""
    with engine.begin() as connection:
        context = MigrationContext.configure(connection)
        with Operations.context(context):
            getattr(REVISION, step)()


def _rules(engine: Engine, code: str) -> dict[str, Any]:
    with engine.connect() as connection:
        found = connection.execute(
            sa.select(PlanComponent.rules).where(PlanComponent.code == code)
        ).scalar_one()
    return dict(found)


def _paid_world(db: Session) -> tuple[uuid.UUID, uuid.UUID]:
    """A plan on the receiving force's table, a cleared person paid and one payment reversed;
    returns the person and the paid batch's id."""
    w = s.world(db)
    s.publish_plan(db, w)
    s.fund_everything(db, w)
    pid = s.person(db, w)
    clear_person(db, pid)
    entitlements.recompute(db, w.maker(db), [pid])
    batch = batches.create_batch(db, w.maker(db), title="Cash", currency="MMK")
    batches.add_due(db, w.maker(db), batch, due_by=date(2026, 12, 31))
    batches.submit(db, w.maker(db), batch)
    batches.approve(db, w.checker(db), batch)
    item = batches.items_of(db, batch)[0]
    paid = batches.disburse(
        db,
        w.checker(db),
        item.id,
        idempotency_key="rev0016-1",
        method="cash",
        receipt_reference="R1",
    )
    batches.reverse(db, w.checker(db), paid.disbursement.id, reason="Paid twice by mistake.")
    return pid, batch.id


def test_bands_are_mapped_both_ways_and_payments_survive(
    migrated: Engine, keyring: Keyring
) -> None:
    factory = sessionmaker(bind=migrated, info={"keyring": keyring}, expire_on_commit=False)
    with factory() as db, db.begin():
        _paid_world(db)
    mapped = _rules(migrated, "defection")
    assert mapped["force_id"]
    with migrated.begin() as connection:  # a band no receiving table has (places 40 to 50)
        component = connection.execute(
            sa.select(PlanComponent.plan_version_id).where(PlanComponent.code == "defection")
        ).scalar_one()
        connection.execute(
            sa.insert(PlanComponent).values(
                id=uuid.uuid4(),
                plan_version_id=component,
                code="odd",
                kind="defection_payment",
                name_en="Odd bands",
                currency="MMK",
                position=9,
                rules={"bands": [{"label": "Far", "from": 40, "to": 50, "amount": 1}]},
                eligibility={},
            )
        )
        counts = [
            connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
            for table in (
                "allowance_disbursements",
                "allowance_ledger_entries",
                "allowance_reversals",
            )
        ]

    _run(migrated, "downgrade")
    legacy = _rules(migrated, "defection")
    assert "force_id" not in legacy
    assert [(b["from"], b["to"]) for b in legacy["bands"]] == [(2, 4), (5, 5), (6, 7), (8, 10)]
    assert all("from_rank_id" not in b for b in legacy["bands"])
    with migrated.connect() as connection:
        columns = {c["name"] for c in sa.inspect(connection).get_columns("allowance_disbursements")}
    assert "recipient" not in columns

    _run(migrated, "upgrade")
    assert _rules(migrated, "defection") == mapped  # the same ranks of the same force again
    assert "force_id" not in _rules(migrated, "odd")  # left as it was: no table has 40 to 50
    with migrated.connect() as connection:
        assert [
            connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
            for table in (
                "allowance_disbursements",
                "allowance_ledger_entries",
                "allowance_reversals",
            )
        ] == counts
        recipients = connection.execute(
            sa.text("SELECT DISTINCT recipient FROM allowance_disbursements")
        ).all()
    assert recipients == [("person",)]


def test_a_downgrade_that_would_lose_a_guardian_payment_refuses(
    migrated: Engine, keyring: Keyring
) -> None:
    factory = sessionmaker(bind=migrated, info={"keyring": keyring}, expire_on_commit=False)
    with factory() as db, db.begin():
        w = s.world(db)
        s.publish_plan(db, w)
        s.fund_everything(db, w)
        child = s.person(db, w, classification="child", name="Maung Lay")
        mother = add_family_member(
            db, s.SYSTEM, child, FamilyMemberIn(relationship="mother", name="Daw Hla", age=41)
        )
        entitlements.recompute(db, w.maker(db), [child])
        batch = batches.create_batch(db, w.maker(db), title="Stipends", currency="THB")
        batches.add_due(db, w.maker(db), batch, due_by=date(2026, 12, 31))
        batches.submit(db, w.maker(db), batch)
        batches.approve(db, w.checker(db), batch)
        batches.disburse(
            db,
            w.checker(db),
            batches.items_of(db, batch)[0].id,
            idempotency_key="rev0016-guardian",
            method="cash",
            receipt_reference="G1",
            recipient="guardian",
            guardian_id=mother.id,
        )
    with pytest.raises(RuntimeError, match="to a guardian"):
        _run(migrated, "downgrade")
