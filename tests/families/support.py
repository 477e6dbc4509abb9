"""Builders for families tests (synthetic data only)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.agreements import crossing
from haven.agreements.models import RollEntry
from haven.agreements.schemas import DeskRegistration
from haven.config import Settings
from haven.people.public import FamilyMemberIn, add_family_member
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor
from tests import factories as f
from tests.agreements import helpers

SYSTEM = Actor.system()


@dataclass
class Family:
    person_id: uuid.UUID
    spouse_id: uuid.UUID
    child_id: uuid.UUID


def received(db: Session, t: helpers.Team, name: str = "Aung Kyaw") -> uuid.UUID:
    event = f.receive(db, t.registrar, name_latin=name, site_id=str(t.site.id))
    assert isinstance(event, ReceptionEvent)
    return event.person_id


def family(db: Session, person_id: uuid.UUID) -> Family:
    """A spouse at risk in a regime-held area, to be moved, and a young child."""
    spouse = add_family_member(
        db,
        SYSTEM,
        person_id,
        FamilyMemberIn.model_validate(
            {
                "relationship": "wife",
                "name": "Ma Hla",
                "whereabouts": "Family quarters, compound 12",
                "area": "regime_held",
                "at_risk": True,
                "to_move": True,
            }
        ),
    )
    child = add_family_member(
        db,
        SYSTEM,
        person_id,
        FamilyMemberIn.model_validate({"relationship": "child", "name": "Mg Mg", "age": 6}),
    )
    return Family(person_id=person_id, spouse_id=spouse.id, child_id=child.id)


def arrived(db: Session, t: helpers.Team, agreement_id: uuid.UUID, row: int) -> uuid.UUID:
    """The roll's `row`-th entry registered at the desk: their person id."""
    entries = db.scalars(
        select(RollEntry)
        .where(RollEntry.agreement_id == agreement_id)
        .order_by(RollEntry.row_number)
    ).all()
    done = crossing.register_arrival(
        db,
        t.registrar,
        agreement_id,
        DeskRegistration(
            idempotency_key=f"families-{row}-{agreement_id.hex[:8]}", roll_entry_id=entries[row].id
        ),
    )
    event = db.get(ReceptionEvent, done.arrival.reception_id)
    assert event is not None
    return event.person_id


def team(db: Session, settings: Settings) -> helpers.Team:
    return helpers.team(db, settings)
