"""The demo seed queues spelling variants of demo people for review, once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.demo.accounts import seed_accounts
from haven.demo.matching import seed_matching
from haven.demo.people import seed_people
from haven.kernel.sensitivity import bind_actor
from haven.matching.models import MatchReview
from haven.security.permissions import Actor


def test_demo_seed_queues_reviews_once(db: Session, fast_settings: Settings) -> None:
    # The demo is seeded by the operator (`haven demo`), who reads every field.
    bind_actor(db, Actor.system("demo"))
    result = seed_accounts(db, fast_settings)
    seed_people(
        db,
        organisations_sites=list(zip(result.organisations, result.sites, strict=True)),
        count=12,
    )
    assert seed_matching(db) > 0
    assert seed_matching(db) == 0  # safe to run twice
    states = set(db.scalars(select(MatchReview.state)))
    assert "awaiting_second" in states
