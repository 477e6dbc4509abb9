"""The demo's protection records: one of each part of issue 24 that needs no fresh sign-in,
made once."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.cards.models import Card
from haven.complaints.models import Complaint
from haven.config import Settings
from haven.contacts.models import Contact
from haven.demo.accounts import seed_accounts
from haven.demo.people import seed_people
from haven.demo.protection import seed_protection
from haven.families.models import FamilyPlan
from haven.kernel.sensitivity import bind_actor
from haven.people.models import Person
from haven.protection.models import Incident
from haven.security.permissions import Actor


def test_demo_protection(db: Session, fast_settings: Settings) -> None:
    bind_actor(db, Actor.system("demo"))
    demo = seed_accounts(db, fast_settings)
    seed_people(
        db, organisations_sites=list(zip(demo.organisations, demo.sites, strict=True)), count=24
    )
    assert seed_protection(db) == 5
    for model in (Card, Incident, FamilyPlan, Complaint, Contact):
        assert db.scalar(select(func.count()).select_from(model)) == 1, model
    # The threat raised the risk of the person it touches.
    assert db.scalar(select(func.count()).where(Person.risk_level != "normal")) == 1
    assert seed_protection(db) == 0  # safe to run twice
