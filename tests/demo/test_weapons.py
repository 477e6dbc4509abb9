"""The demo's weapons stores: two stores, items taken in (one not received), a stock check
with an explained difference, made once."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.demo.accounts import seed_accounts
from haven.demo.people import seed_people
from haven.demo.weapons import seed_weapons
from haven.kernel.sensitivity import bind_actor
from haven.security.permissions import Actor
from haven.weapons.models import CheckLine, WeaponIntake, WeaponStore


def test_demo_weapons(db: Session, fast_settings: Settings) -> None:
    bind_actor(db, Actor.system("demo"))
    demo = seed_accounts(db, fast_settings)
    seed_people(
        db, organisations_sites=list(zip(demo.organisations, demo.sites, strict=True)), count=24
    )
    settled = seed_weapons(db)
    assert settled > 0
    assert db.scalar(select(func.count()).select_from(WeaponStore)) == 2
    assert db.scalar(select(func.count()).select_from(WeaponIntake)) == settled
    outcomes = set(db.scalars(select(WeaponIntake.outcome)))
    assert outcomes == {"received", "not_received"}
    assert seed_weapons(db) == 0  # safe to run twice
    assert db.scalar(select(func.count()).select_from(CheckLine)) in (0, 1)
