"""The demo seed: a published plan, a draft revision, funders, entitlements of demo people."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.allowances import ledger
from haven.allowances.models import Instalment, PlanVersion
from haven.config import Settings
from haven.demo.accounts import seed_accounts
from haven.demo.allowances import seed_allowances
from haven.demo.people import seed_people
from haven.kernel.sensitivity import bind_actor
from haven.security.permissions import Actor


def test_demo_seed_loads_once_and_reconciles(db: Session, fast_settings: Settings) -> None:
    # The demo is seeded by the operator (`haven demo`), who reads every field.
    bind_actor(db, Actor.system("demo"))
    result = seed_accounts(db, fast_settings)
    seed_people(
        db,
        organisations_sites=list(zip(result.organisations, result.sites, strict=True)),
        count=6,
    )
    assert seed_allowances(db) > 0
    assert seed_allowances(db) == 0  # safe to run twice
    statuses = sorted(db.scalars(select(PlanVersion.status)).all())
    assert statuses == ["draft", "published"]
    assert db.scalar(select(func.count()).select_from(Instalment)) > 0
    # The demo plan's bands are set on the demo receiving force: banded by equivalent rank.
    details = db.scalars(
        select(Instalment.detail).where(Instalment.component_code == "defection")
    ).all()
    assert any(detail.get("equivalent") for detail in details)
    assert ledger.reconcile(db) == []
