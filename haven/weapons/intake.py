"""Taking into store what was received at reception or crossing (docs/weapons.md).

Each item received waits "not yet in a store" until a key holder of a store takes it in,
assessing its serviceability there, or marks it not received (declared at reception but
never handed in), with the reason. Either settles the item once; the person's weapon reward
follows (`WeaponsReceivedChanged`).
"""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import new_id, utcnow
from haven.errors import Conflict, NotFound, ValidationFailed
from haven.i18n import N_
from haven.kernel.events import publish
from haven.reception.public import WeaponItem, WeaponKind, receptions_by_id
from haven.security.permissions import Actor, Permission, in_scope, require
from haven.weapons import repository
from haven.weapons.events import WeaponsReceivedChanged
from haven.weapons.ledger import Line, described, document, require_open, store_for, write
from haven.weapons.lifecycle import DocumentKind, IntakeOutcome, MovementKind
from haven.weapons.models import WeaponDocument, WeaponIntake
from haven.weapons.schemas import WRITE_CALIBRE, IntakeIn, IntakeLine
from haven.weapons.service import require_key_holder

SETTLED = N_("This item was already taken in or marked not received.")
GIVE_REASON = N_("Say why the item was not received.")
NOTHING_WAITING = N_("Nothing of this reception is waiting to be taken in.")


def _lines(session: Session, actor: Actor, data: IntakeIn) -> list[IntakeLine]:
    if data.lines:
        return data.lines
    items = repository.items_of_reception(session, data.reception_id) if data.reception_id else []
    if not items or not all(in_scope(actor, item) for item in items):
        raise NotFound
    settled = repository.intakes_of(session, (i.id for i in items))
    waiting = [IntakeLine(item_id=i.id) for i in items if i.id not in settled]
    if not waiting:
        raise Conflict(NOTHING_WAITING)
    return waiting


def _moved(lines: list[IntakeLine], items: dict[uuid.UUID, WeaponItem]) -> list[Line]:
    """The movements into the store of the received lines; a reason for the others."""
    moved: list[Line] = []
    for index, line in enumerate(lines):
        item = items[line.item_id]
        if not line.received:
            if not line.reason:
                raise ValidationFailed(
                    fields={f"reason-{index}": GIVE_REASON, "reason": GIVE_REASON}
                )
            continue
        if item.kind == WeaponKind.AMMUNITION:
            calibre = line.calibre or item.calibre
            if not calibre:
                raise ValidationFailed(
                    fields={f"calibre-{index}": WRITE_CALIBRE, "calibre": WRITE_CALIBRE}
                )
            moved.append(Line(item.id, calibre, item.quantity))
        else:
            moved.append(Line(item.id, None, item.quantity))
    return moved


def take_in(
    session: Session, actor: Actor, store_id: uuid.UUID, data: IntakeIn
) -> WeaponDocument | None:
    """Settle the items: received ones enter the store (one intake document), the others are
    marked not received. All are checked before anything is written."""
    store = store_for(session, actor, store_id)
    require(actor, Permission.WEAPON_CUSTODY, store)
    require_open(store)
    require_key_holder(session, actor, store)
    lines = _lines(session, actor, data)
    items = repository.items_by_id(session, (line.item_id for line in lines))
    if len({line.item_id for line in lines}) != len(lines):
        raise Conflict(SETTLED)
    for line in lines:
        item = items.get(line.item_id)
        if (
            item is None
            or not in_scope(actor, item)
            or item.organisation_id != store.organisation_id
        ):
            raise NotFound
    if repository.intakes_of(session, items):
        raise Conflict(SETTLED)
    moved = _moved(lines, items)
    doc = None
    if moved:
        doc = document(session, actor, store, str(DocumentKind.INTAKE), data.occurred_on)
        session.flush()
        write(session, actor, store, doc, MovementKind.INTAKE, moved, sign=1)
    now = utcnow()
    for line in lines:
        item = items[line.item_id]
        intake = WeaponIntake(
            id=new_id(),
            item_id=item.id,
            organisation_id=item.organisation_id,
            site_id=item.site_id,
            outcome=str(IntakeOutcome.RECEIVED if line.received else IntakeOutcome.NOT_RECEIVED),
            store_id=store.id if line.received else None,
            document_id=doc.id if line.received and doc is not None else None,
            serviceable=line.serviceable if line.received else None,
            recorded_by_id=actor.user_id,
            recorded_at=now,
        )
        session.add(intake)
        if not line.received:
            intake.reason = line.reason
        _audit_item(session, actor, item, intake, line)
    session.flush()
    _announce(session, actor, list(items.values()))
    return doc


def _audit_item(
    session: Session, actor: Actor, item: WeaponItem, intake: WeaponIntake, line: IntakeLine
) -> None:
    audit.record(
        session,
        actor,
        AuditAction.WEAPON_INTAKE_RECORDED if line.received else AuditAction.WEAPON_NOT_RECEIVED,
        subject_type="weapon_item",
        subject_id=item.id,
        organisation_id=item.organisation_id,
        changes={
            "store_id": str(intake.store_id) if intake.store_id else None,
            "serviceable": intake.serviceable,
            "declared_serviceable": item.serviceable,
            "reason": "given" if line.reason and not line.received else None,
            **(described([Line(item.id, None, item.quantity)]) if line.received else {}),
        },
    )


def _announce(session: Session, actor: Actor, items: list[WeaponItem]) -> None:
    """Each person whose items were settled: their weapon reward is recomputed."""
    receptions = receptions_by_id(session, {item.reception_id for item in items})
    people = {(r.person_id, r.organisation_id) for r in receptions.values()}
    for person_id, organisation_id in sorted(people, key=lambda p: str(p[0])):
        publish(session, actor, WeaponsReceivedChanged(person_id, organisation_id))
