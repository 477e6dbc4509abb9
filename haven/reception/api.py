"""JSON endpoints for receiving people and the weapons they hand over."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from haven.people.public import get_person
from haven.reception import service
from haven.reception.schemas import ReceptionCreate, ReceptionOut, WeaponIn, WeaponOut
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api", tags=["reception"])


@router.post("/receptions", status_code=201)
def receive(data: ReceptionCreate, session: DB, actor: ApiActor) -> ReceptionOut:
    """Receive a person: minimum identity, classification, unit, rank, site, weapons."""
    return ReceptionOut.model_validate(service.receive(session, actor, data))


@router.get("/receptions/{reception_id}")
def get_reception(reception_id: uuid.UUID, session: DB, actor: ApiActor) -> ReceptionOut:
    """One reception event."""
    return ReceptionOut.model_validate(service.get_event(session, actor, reception_id))


@router.get("/people/{person_id}/receptions")
def receptions_of(person_id: uuid.UUID, session: DB, actor: ApiActor) -> list[ReceptionOut]:
    """Every reception of a person, oldest first."""
    person = get_person(session, actor, person_id)
    return [ReceptionOut.model_validate(e) for e in service.events_of(session, actor, person)]


@router.get("/receptions/{reception_id}/weapons")
def list_weapons(reception_id: uuid.UUID, session: DB, actor: ApiActor) -> list[WeaponOut]:
    """Weapons and equipment handed over at this reception."""
    event = service.get_event(session, actor, reception_id)
    return [WeaponOut.model_validate(w) for w in service.weapons_of(session, actor, event)]


@router.post("/receptions/{reception_id}/weapons", status_code=201)
def add_weapon(reception_id: uuid.UUID, data: WeaponIn, session: DB, actor: ApiActor) -> WeaponOut:
    """Record one more weapon or piece of equipment; it gets its own receipt number."""
    event = service.get_event(session, actor, reception_id)
    return WeaponOut.model_validate(service.add_weapon(session, actor, event, data))
