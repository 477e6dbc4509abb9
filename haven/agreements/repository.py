"""Every query of the agreements domain."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from haven.agreements.models import (
    Agreement,
    AgreementApprover,
    AgreementParty,
    Arrival,
    RollEntry,
)
from haven.security.permissions import Actor, visible_to


def agreements(session: Session, actor: Actor) -> Sequence[Agreement]:
    return session.scalars(
        select(Agreement).where(visible_to(actor, Agreement)).order_by(Agreement.created_at.desc())
    ).all()


def counts_by_status(session: Session, actor: Actor) -> dict[str, int]:
    # The board counts the whole organisation, whatever the reader's site: counts reveal
    # no agreement, and a registrar's site would otherwise hide agreements not yet placed.
    rows = session.execute(
        select(Agreement.status, func.count())
        .where(visible_to(actor, Agreement, site_column=None))
        .group_by(Agreement.status)
    ).all()
    return {str(k): int(v) for k, v in rows}


def executing_at(session: Session, actor: Actor) -> Sequence[Agreement]:
    return session.scalars(
        select(Agreement)
        .where(visible_to(actor, Agreement), Agreement.status == "executing")
        .order_by(Agreement.expected_crossing_on, Agreement.code_name)
    ).all()


def parties_of(session: Session, agreement_id: uuid.UUID) -> Sequence[AgreementParty]:
    return session.scalars(
        select(AgreementParty)
        .where(AgreementParty.agreement_id == agreement_id)
        .order_by(AgreementParty.created_at)
    ).all()


def approvers_of(session: Session, agreement_id: uuid.UUID) -> Sequence[AgreementApprover]:
    return session.scalars(
        select(AgreementApprover)
        .where(AgreementApprover.agreement_id == agreement_id)
        .order_by(AgreementApprover.created_at)
    ).all()


def approver(
    session: Session, agreement_id: uuid.UUID, user_id: uuid.UUID | None
) -> AgreementApprover | None:
    if user_id is None:
        return None
    return session.scalars(
        select(AgreementApprover).where(
            AgreementApprover.agreement_id == agreement_id, AgreementApprover.user_id == user_id
        )
    ).first()


def roll_of(session: Session, agreement_id: uuid.UUID) -> Sequence[RollEntry]:
    return session.scalars(
        select(RollEntry)
        .where(RollEntry.agreement_id == agreement_id)
        .order_by(RollEntry.row_number)
    ).all()


def roll_size(session: Session, agreement_id: uuid.UUID) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(RollEntry)
            .where(RollEntry.agreement_id == agreement_id)
        )
        or 0
    )


def next_row_number(session: Session, agreement_id: uuid.UUID) -> int:
    last = session.scalar(
        select(func.max(RollEntry.row_number)).where(RollEntry.agreement_id == agreement_id)
    )
    return int(last or 0) + 1


def search_roll(
    session: Session, agreement_id: uuid.UUID, key: str, *, limit: int = 15
) -> Sequence[RollEntry]:
    """Entries whose name (either script), unit or company contains the query's key."""
    pattern = f"%{key}%"
    return session.scalars(
        select(RollEntry)
        .where(
            RollEntry.agreement_id == agreement_id,
            or_(
                RollEntry.name_key.like(pattern),
                func.lower(RollEntry.unit_text).like(pattern),
                func.lower(RollEntry.company).like(pattern),
            ),
        )
        .order_by(RollEntry.row_number)
        .limit(limit)
    ).all()


def arrivals_of(session: Session, agreement_id: uuid.UUID) -> Sequence[Arrival]:
    return session.scalars(
        select(Arrival).where(Arrival.agreement_id == agreement_id).order_by(Arrival.created_at)
    ).all()


def claimed_entries(session: Session, entry_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    if not entry_ids:
        return set()
    return {
        entry_id
        for entry_id in session.scalars(
            select(Arrival.roll_entry_id).where(Arrival.roll_entry_id.in_(entry_ids))
        )
        if entry_id is not None
    }


def arrival_for_entry(session: Session, entry_id: uuid.UUID) -> Arrival | None:
    return session.scalars(select(Arrival).where(Arrival.roll_entry_id == entry_id)).first()


def arrival_by_key(session: Session, agreement_id: uuid.UUID, key: str) -> Arrival | None:
    return session.scalars(
        select(Arrival).where(Arrival.agreement_id == agreement_id, Arrival.idempotency_key == key)
    ).first()


def arrival_of_person(
    session: Session, agreement_id: uuid.UUID, person_id: uuid.UUID
) -> Arrival | None:
    return session.scalars(
        select(Arrival).where(Arrival.agreement_id == agreement_id, Arrival.person_id == person_id)
    ).first()


def arrival_counts(
    session: Session, agreement_ids: Sequence[uuid.UUID], user_id: uuid.UUID | None
) -> tuple[dict[uuid.UUID, int], dict[uuid.UUID, int]]:
    """Arrivals per agreement, and those recorded by `user_id` (the desk's running count)."""
    if not agreement_ids:
        return {}, {}
    rows = session.execute(
        select(Arrival.agreement_id, Arrival.recorded_by_id, func.count())
        .where(Arrival.agreement_id.in_(agreement_ids))
        .group_by(Arrival.agreement_id, Arrival.recorded_by_id)
    ).all()
    total: dict[uuid.UUID, int] = {}
    mine: dict[uuid.UUID, int] = {}
    for agreement_id, recorder, count in rows:
        total[agreement_id] = total.get(agreement_id, 0) + int(count)
        if user_id is not None and recorder == user_id:
            mine[agreement_id] = mine.get(agreement_id, 0) + int(count)
    return total, mine
