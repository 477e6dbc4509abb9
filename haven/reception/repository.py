"""Every query about reception events and weapons."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.reception.models import ReceptionEvent, WeaponItem
from haven.security.permissions import Actor, visible_to


def events_of(session: Session, person_id: uuid.UUID) -> Sequence[ReceptionEvent]:
    return session.scalars(
        select(ReceptionEvent)
        .where(ReceptionEvent.person_id == person_id)
        .order_by(ReceptionEvent.received_on, ReceptionEvent.created_at)
    ).all()


def weapons_of(session: Session, reception_id: uuid.UUID) -> Sequence[WeaponItem]:
    return session.scalars(
        select(WeaponItem)
        .where(WeaponItem.reception_id == reception_id)
        .order_by(WeaponItem.created_at)
    ).all()


def recent(session: Session, actor: Actor, limit: int = 20) -> Sequence[ReceptionEvent]:
    return session.scalars(
        select(ReceptionEvent)
        .where(visible_to(actor, ReceptionEvent))
        .order_by(ReceptionEvent.created_at.desc())
        .limit(limit)
    ).all()


def counts_by_classification(session: Session, actor: Actor) -> dict[str, int]:
    rows = session.execute(
        select(ReceptionEvent.classification, func.count())
        .where(visible_to(actor, ReceptionEvent))
        .group_by(ReceptionEvent.classification)
    ).all()
    return {str(k): int(v) for k, v in rows}


def children_awaiting_handover(session: Session, actor: Actor) -> Sequence[ReceptionEvent]:
    return session.scalars(
        select(ReceptionEvent)
        .where(
            visible_to(actor, ReceptionEvent),
            ReceptionEvent.classification == "child",
            ReceptionEvent.child_protection_handed_over_at.is_(None),
        )
        .order_by(ReceptionEvent.child_protection_due_at)
    ).all()
