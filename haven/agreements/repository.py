"""Every query of the agreements domain."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from haven.agreements.models import (
    Agreement,
    AgreementApprover,
    AgreementParty,
    Arrival,
    RollEntry,
)
from haven.kernel.repository import Repository
from haven.security.permissions import Actor, visible_to


class Agreements(Repository[Agreement]):
    model = Agreement


def agreement(session: Session, agreement_id: uuid.UUID) -> Agreement | None:
    return Agreements(session).get(agreement_id)


def organisation_has_agreements(session: Session, organisation_id: uuid.UUID) -> bool:
    found = session.scalars(
        select(Agreement.id).where(Agreement.organisation_id == organisation_id).limit(1)
    ).first()
    return found is not None


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


def approvals_of_user(
    session: Session, agreement_ids: Sequence[uuid.UUID], user_id: uuid.UUID | None
) -> set[uuid.UUID]:
    """Of these agreements, those on which `user_id` is a named approver (one query)."""
    if user_id is None or not agreement_ids:
        return set()
    return set(
        session.scalars(
            select(AgreementApprover.agreement_id).where(
                AgreementApprover.agreement_id.in_(agreement_ids),
                AgreementApprover.user_id == user_id,
            )
        )
    )


def roll_entry(session: Session, entry_id: uuid.UUID) -> RollEntry | None:
    return session.get(RollEntry, entry_id)


def lock_roll_entry(session: Session, entry_id: uuid.UUID) -> RollEntry | None:
    """The roll entry, its row locked until the transaction ends (`FOR UPDATE` on
    PostgreSQL; SQLite's IMMEDIATE transactions serialise writers anyway)."""
    return session.scalars(
        select(RollEntry).where(RollEntry.id == entry_id).with_for_update()
    ).first()


def entries_with_name_key(
    session: Session, agreement_id: uuid.UUID, key: str
) -> Sequence[RollEntry]:
    return session.scalars(
        select(RollEntry).where(RollEntry.agreement_id == agreement_id, RollEntry.name_key == key)
    ).all()


def roll_sizes(session: Session, agreement_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """People on the roll of each agreement (one query)."""
    if not agreement_ids:
        return {}
    rows = session.execute(
        select(RollEntry.agreement_id, func.count())
        .where(RollEntry.agreement_id.in_(agreement_ids))
        .group_by(RollEntry.agreement_id)
    ).all()
    return {agreement_id: int(count) for agreement_id, count in rows}


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


def latest_arrival_agreement(session: Session, person_id: uuid.UUID) -> uuid.UUID | None:
    """The agreement of the person's latest arrival (crossing desk or linked afterwards)."""
    return session.scalars(
        select(Arrival.agreement_id)
        .where(Arrival.person_id == person_id)
        .order_by(Arrival.created_at.desc())
        .limit(1)
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


def erase_roll_entries_of(
    session: Session, person_id: uuid.UUID, *, erased_name: str, erased_key: str
) -> None:
    """Erasure: the nominal-roll entry the person arrived as keeps its place in the roll
    (the reconciliation counts it) but no longer names them."""
    entries = select(Arrival.roll_entry_id).where(
        Arrival.person_id == person_id, Arrival.roll_entry_id.is_not(None)
    )
    session.execute(
        update(RollEntry)
        .where(RollEntry.id.in_(entries))
        .values(
            prefix=None, name_my=None, name_latin=erased_name, name_key=erased_key, birth_year=None
        ),
        execution_options={"synchronize_session": "fetch"},
    )
