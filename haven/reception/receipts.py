"""Weapon receipts in two forms (docs/legal-framework.md, "Documents that do not betray").

The receipt handed to the person is the **safe to carry** form, the default: the receipt
number, the date and the quantity, nothing else: no name, no unit, no reception point, no
kind of weapon or serial number, no word saying how the person came. Found on them at a
checkpoint, it says nothing of where they went or what they handed over; the number is all the
office needs to find the full record.

The **full form** is for the files: everything the receipt records, with the reception point,
the unit the person came from and how they came (defector, surrendered…). It is shown only
when asked for explicitly, and every time it is, the choice is audited.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.forces.public import unit_labels
from haven.people.public import Person, get_person
from haven.reception import service
from haven.reception.models import WeaponItem
from haven.reception.schemas import Classification, WeaponKind
from haven.security.permissions import Actor


@dataclass(frozen=True)
class SafeReceipt:
    """What the person carries: nothing that names them, their unit or the place."""

    receipt_number: str
    received_on: date
    quantity: int


@dataclass(frozen=True)
class FullReceipt:
    """The receipt for the files."""

    item: WeaponItem
    kind: WeaponKind
    received_on: date
    person: Person
    site_name: str | None
    unit: str | None
    classification: Classification


def safe_receipt(session: Session, actor: Actor, weapon_id: uuid.UUID) -> SafeReceipt:
    """The safe-to-carry form (the default); it reads nothing about the person."""
    item = service.get_weapon(session, actor, weapon_id)
    event = service.get_event(session, actor, item.reception_id)
    return SafeReceipt(
        receipt_number=item.receipt_number, received_on=event.received_on, quantity=item.quantity
    )


def full_receipt(session: Session, actor: Actor, weapon_id: uuid.UUID) -> FullReceipt:
    """The full form for the files, chosen explicitly; the choice is audited (and reading the
    person's record is audited as any such read is)."""
    item = service.get_weapon(session, actor, weapon_id)
    event = service.get_event(session, actor, item.reception_id)
    person = get_person(session, actor, event.person_id)
    site = accounts.site_by_id(session, event.site_id)
    unit = (
        unit_labels(session, [event.origin_unit_id]).get(event.origin_unit_id)
        if event.origin_unit_id
        else None
    )
    audit.record(
        session,
        actor,
        AuditAction.WEAPON_RECEIPT_FULL_FORM,
        subject_type="weapon",
        subject_id=item.id,
        organisation_id=item.organisation_id,
    )
    return FullReceipt(
        item=item,
        kind=WeaponKind(item.kind),
        received_on=event.received_on,
        person=person,
        site_name=site.name if site else None,
        unit=unit or event.origin_unit_text,
        classification=Classification(event.classification),
    )
