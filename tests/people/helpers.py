"""A person with a canary in every confidential field, received through the services."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from typing import Any

from PIL import Image
from sqlalchemy import Uuid, bindparam, text
from sqlalchemy.orm import Session

from haven.people import service
from haven.people.models import Person
from haven.people.schemas import FamilyMemberIn, ProfileUpdate
from haven.security.permissions import Actor
from tests import factories as f

CANARY = {
    "religion": "CanaryReligion",
    "nrc": "12/OuKaMa(N)987654",
    "service_number": "BA-CANARY-4242",
    "phone": "09-CANARY-777",
    "contact_notes": "CanaryNotes via the monastery",
}
NRC_CANONICAL = "12/OUKAMA(N)987654"
DISABILITY = {"seeing": "a_lot_of_difficulty"}
WHEREABOUTS = "CanaryVillage, compound 9"
PLAIN_MARKERS = ("Canary", "CANARY", "987654", "a_lot_of_difficulty")


def jpeg() -> bytes:
    raw = io.BytesIO()
    Image.new("RGB", (24, 24), "red").save(raw, format="PNG")
    return raw.getvalue()


@dataclass
class Received:
    person: Person
    member_id: uuid.UUID
    photo: bytes


def received_with_canaries(db: Session, actor: Actor, **names: object) -> Received:
    event = f.receive(db, actor, **(names or {"name_latin": "Kyaw Canary"}))
    pid = event.person_id  # type: ignore[attr-defined]
    service.update_profile(
        db, actor, pid, ProfileUpdate.model_validate({**CANARY, "disability": DISABILITY})
    )
    member = service.add_family_member(
        db,
        actor,
        pid,
        FamilyMemberIn(relationship="mother", name="Daw Mya", whereabouts=WHEREABOUTS),
    )
    photo = service.set_photo(db, actor, pid, jpeg())
    db.flush()
    plain_photo = photo.data
    return Received(
        person=service.get_person(db, actor, pid), member_id=member.id, photo=plain_photo
    )


def raw_row(db: Session, table: str, columns: str, key: str, value: uuid.UUID) -> tuple[Any, ...]:
    statement = text(f"SELECT {columns} FROM {table} WHERE {key} = :v").bindparams(
        bindparam("v", type_=Uuid())
    )
    return tuple(db.execute(statement, {"v": value}).one())
