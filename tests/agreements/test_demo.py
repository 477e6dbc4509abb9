from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.agreements import crossing
from haven.agreements.models import Agreement
from haven.config import Settings
from haven.demo.accounts import seed_accounts
from haven.demo.agreements import seed_agreements
from haven.kernel.sensitivity import bind_actor
from haven.security.permissions import Actor


def test_the_demo_has_an_agreement_in_each_stage_and_is_seeded_once(
    db: Session, fast_settings: Settings
) -> None:
    bind_actor(db, Actor.system())  # the demo is seeded by the operator (`haven demo`)
    seed_accounts(db, fast_settings)
    assert seed_agreements(db, settings=fast_settings) == 3
    assert seed_agreements(db, settings=fast_settings) == 0
    states = {a.code_name: a.status for a in db.scalars(select(Agreement))}
    assert sorted(states.values()) == ["completed", "executing", "negotiating"]
    done = next(a for a in db.scalars(select(Agreement)) if a.status == "completed")
    summary = crossing.reconcile(db, Actor.system(), done.id)
    assert (summary.totals.expected, summary.totals.arrived, summary.totals.missing) == (12, 10, 2)
    assert summary.follow_up_flagged
