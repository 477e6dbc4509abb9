"""The demo seed: choices of each pathway, referrals to the partner at each stage, safe twice."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.demo.accounts import seed_accounts
from haven.demo.pathways import seed_pathways
from haven.demo.people import seed_people
from haven.kernel.sensitivity import bind_actor
from haven.pathways.models import CaseTask, PathwayChoice, Referral
from haven.security.permissions import Actor


def test_demo_pathways(db: Session, fast_settings: Settings) -> None:
    # The demo is seeded by the operator (`haven demo`), who reads every field.
    bind_actor(db, Actor.system("demo"))
    accounts = seed_accounts(db, fast_settings)
    seed_people(
        db,
        organisations_sites=list(zip(accounts.organisations, accounts.sites, strict=True)),
        count=40,
    )
    assert seed_pathways(db) == 9
    assert seed_pathways(db) == 0
    pathways = set(db.scalars(select(PathwayChoice.pathway)))
    assert pathways == {"serve", "home", "exile"}
    assert sorted(db.scalars(select(Referral.status))) == ["accepted", "completed", "sent"]
    children_tasks = db.scalar(
        select(func.count()).select_from(CaseTask).where(CaseTask.kind == "child_protection")
    )
    assert children_tasks
