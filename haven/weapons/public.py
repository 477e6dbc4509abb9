"""The weapons domain's public surface: what allowances read of the weapons actually
received, and the event that tells them it changed."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from haven.reception.public import weapons_by_person
from haven.weapons import repository
from haven.weapons.events import WeaponsReceivedChanged
from haven.weapons.lifecycle import IntakeOutcome

__all__ = ["ReceivedWeapon", "WeaponsReceivedChanged", "weapons_received_by_person"]


@dataclass(frozen=True)
class ReceivedWeapon:
    kind: str
    quantity: int
    serviceable: bool | None
    in_store: bool  # taken into a store (False: waiting for intake)


def weapons_received_by_person(
    session: Session, person_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[ReceivedWeapon]]:
    """What each person handed over, as the stores know it (docs/weapons.md):

    - an item marked not received counts for nothing;
    - an item taken into a store counts with the serviceability assessed at intake (the
      declared one where the store keeper left it unassessed);
    - an item still waiting for intake counts as reception declared it: the reward does not
      wait on the armoury's paperwork, and is corrected when the item is settled.
    """
    handed_over = weapons_by_person(session, person_ids)
    intakes = repository.received_of(session, handed_over)
    found: dict[uuid.UUID, list[ReceivedWeapon]] = {}
    for person_id, items in handed_over.items():
        counted: list[ReceivedWeapon] = []
        for item in items:
            intake = intakes.get(item.id)
            if intake is None:
                counted.append(ReceivedWeapon(item.kind, item.quantity, item.serviceable, False))
            elif intake.outcome == IntakeOutcome.RECEIVED:
                serviceable = item.serviceable if intake.serviceable is None else intake.serviceable
                counted.append(ReceivedWeapon(item.kind, item.quantity, serviceable, True))
        found[person_id] = counted
    return found
