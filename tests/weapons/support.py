"""A small world for the weapons tests: an organisation, a site, a registrar who keeps the
stores' keys, a manager, a receiving force, and a person received with weapons."""

from __future__ import annotations

import base64
import io
import uuid
from dataclasses import dataclass

from PIL import Image
from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site
from haven.accounts.sessions import actor_for
from haven.forces.public import Force, create_force, force_by_name
from haven.kernel.sensitivity import bind_actor
from haven.reception.public import ReceptionEvent
from haven.security.permissions import Actor, Role
from haven.weapons import service
from haven.weapons.models import WeaponStore
from haven.weapons.schemas import StoreIn
from tests import factories as f

SYSTEM = Actor.system()
FORCE = "Weapons Test Receiving Force"
WEAPONS = [
    {"kind": "rifle", "serial_number": "R-001", "serviceable": True},
    {"kind": "rifle", "serial_number": "R-002", "serviceable": True},
    {"kind": "rifle", "serial_number": "R-003"},
    {"kind": "pistol", "serial_number": "P-001"},
    {"kind": "machine_gun", "serial_number": "MG-01", "serviceable": False},
    {"kind": "ammunition", "quantity": 500, "calibre": "7.62x39"},
    {"kind": "ammunition", "quantity": 300, "calibre": "7.62x39"},
    {"kind": "ammunition", "quantity": 200, "calibre": "9x19"},
]


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (120, 30, 30)).save(out, format="PNG")
    return out.getvalue()


PNG_B64 = base64.b64encode(png()).decode()


@dataclass
class World:
    org: Organisation
    site: Site
    keeper: Actor
    manager: Actor
    force: Force
    reception: ReceptionEvent


def receiving_force(db: Session) -> Force:
    return force_by_name(db, FORCE) or create_force(db, SYSTEM, name=FORCE, kind="receiving")


def world(db: Session, weapons: list[dict[str, object]] | None = None) -> World:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    keeper = actor_for(f.registrar(db, organisation=org, site=site))
    manager = actor_for(f.user(db, organisation=org, role=Role.MANAGER))
    bind_actor(db, keeper)
    event = f.receive(db, keeper, site_id=str(site.id), weapons=weapons or WEAPONS)
    assert isinstance(event, ReceptionEvent)
    return World(org, site, keeper, manager, receiving_force(db), event)


def store(db: Session, w: World, name: str = "Armoury A", kind: str = "armoury") -> WeaponStore:
    return service.open_store(
        db,
        w.keeper,
        StoreIn(name=name, kind=kind, location="Behind the clinic"),  # type: ignore[arg-type]
    )


def ids(xs: list[object]) -> list[uuid.UUID]:
    return [x.id for x in xs]  # type: ignore[attr-defined]
