"""Every query of the agreements domain."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from haven.agreements.models import (
    AcknowledgedHit,
    Agreement,
    AgreementApprover,
    AgreementParty,
    Arrival,
    HitAcknowledgement,
    PostingOverride,
    RollEntry,
    ScreeningHit,
)
from haven.db.session import take_write_lock
from haven.db.types import utcnow
from haven.kernel.repository import Repository
from haven.reception.public import ReceptionEvent
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


def party(session: Session, party_id: uuid.UUID) -> AgreementParty | None:
    return session.get(AgreementParty, party_id)


def party_has_hits(session: Session, party_id: uuid.UUID) -> bool:
    found = session.scalar(
        select(ScreeningHit.id).where(ScreeningHit.party_id == party_id).limit(1)
    )
    return found is not None


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


def live_roll_entries_after(
    session: Session, after: uuid.UUID | None, limit: int
) -> Sequence[RollEntry]:
    """At most `limit` roll entries not erased, by id, after the id `after` (batches for
    recomputing derived values, `haven.kernel.reindexing`)."""
    query = select(RollEntry).where(RollEntry.erased_at.is_(None))
    if after is not None:
        query = query.where(RollEntry.id > after)
    return session.scalars(query.order_by(RollEntry.id).limit(limit)).all()


def entries_with_name_index(
    session: Session, agreement_id: uuid.UUID, index: str
) -> Sequence[RollEntry]:
    return session.scalars(
        select(RollEntry).where(
            RollEntry.agreement_id == agreement_id, RollEntry.name_index == index
        )
    ).all()


def roll_entries_by_id(
    session: Session, entry_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, RollEntry]:
    if not entry_ids:
        return {}
    return {e.id: e for e in session.scalars(select(RollEntry).where(RollEntry.id.in_(entry_ids)))}


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
    take_write_lock(session)  # SQLite: the highest row as it is when written
    last = session.scalar(
        select(func.max(RollEntry.row_number)).where(RollEntry.agreement_id == agreement_id)
    )
    return int(last or 0) + 1


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


def latest_arrival_agreements(
    session: Session, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """`latest_arrival_agreement` for many persons (batched): person id -> the agreement of
    their latest arrival, for those who have one."""
    found: dict[uuid.UUID, uuid.UUID] = {}
    wanted = list(dict.fromkeys(person_ids))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        rows = session.execute(
            select(Arrival.person_id, Arrival.agreement_id)
            .where(Arrival.person_id.in_(chunk))
            .order_by(Arrival.person_id, Arrival.created_at)
        ).all()
        for person_id, agreement_id in rows:
            found[person_id] = agreement_id  # the last one, the latest, wins
    return found


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
    session: Session, person_id: uuid.UUID, *, blanked: dict[Any, None]
) -> None:
    """Erasure: the nominal-roll entry the person arrived as keeps its place in the roll
    (the reconciliation counts it) but no longer names them (`blanked`: its classified
    columns, NULL); the explanations of screening hits on it are blanked too."""
    entries = select(Arrival.roll_entry_id).where(
        Arrival.person_id == person_id, Arrival.roll_entry_id.is_not(None)
    )
    session.execute(
        update(RollEntry)
        .where(RollEntry.id.in_(entries), RollEntry.erased_at.is_(None))
        .values({**blanked, RollEntry.erased_at: utcnow()}),
        execution_options={"synchronize_session": "fetch"},
    )
    session.execute(
        update(ScreeningHit)
        .where(ScreeningHit.roll_entry_id.in_(entries))
        .values(explanation_ct=None),
        execution_options={"synchronize_session": "fetch"},
    )


# --- screening of commanders and rolls (screening.py) -----------------------------------


def hit_signatures(session: Session, agreement_id: uuid.UUID) -> set[tuple[uuid.UUID, str]]:
    """(roll entry or party id, signature) of every hit already recorded on the agreement."""
    rows = session.execute(
        select(ScreeningHit.roll_entry_id, ScreeningHit.party_id, ScreeningHit.signature).where(
            ScreeningHit.agreement_id == agreement_id
        )
    ).all()
    found: set[tuple[uuid.UUID, str]] = set()
    for entry_id, party_id, signature in rows:
        subject = entry_id or party_id
        if subject is not None:
            found.add((subject, signature))
    return found


def hits_of(session: Session, agreement_id: uuid.UUID) -> Sequence[ScreeningHit]:
    return session.scalars(
        select(ScreeningHit)
        .where(ScreeningHit.agreement_id == agreement_id)
        .order_by(ScreeningHit.created_at, ScreeningHit.id)
    ).all()


def hit_count(session: Session, agreement_id: uuid.UUID) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(ScreeningHit)
            .where(ScreeningHit.agreement_id == agreement_id)
        )
        or 0
    )


def hits_by_id(
    session: Session, agreement_id: uuid.UUID, hit_ids: Sequence[uuid.UUID]
) -> Sequence[ScreeningHit]:
    if not hit_ids:
        return []
    return session.scalars(
        select(ScreeningHit).where(
            ScreeningHit.agreement_id == agreement_id, ScreeningHit.id.in_(hit_ids)
        )
    ).all()


def acknowledged_hit_ids(
    session: Session, agreement_id: uuid.UUID, user_id: uuid.UUID | None
) -> set[uuid.UUID]:
    """The agreement's hits that `user_id` has acknowledged."""
    if user_id is None:
        return set()
    return set(
        session.scalars(
            select(AcknowledgedHit.hit_id)
            .join(HitAcknowledgement, HitAcknowledgement.id == AcknowledgedHit.acknowledgement_id)
            .where(
                HitAcknowledgement.agreement_id == agreement_id,
                HitAcknowledgement.user_id == user_id,
            )
        )
    )


def acknowledgers_of_hits(
    session: Session, agreement_id: uuid.UUID
) -> dict[uuid.UUID, set[uuid.UUID]]:
    """For each hit of the agreement, the users who acknowledged it (one query)."""
    rows = session.execute(
        select(AcknowledgedHit.hit_id, HitAcknowledgement.user_id)
        .join(HitAcknowledgement, HitAcknowledgement.id == AcknowledgedHit.acknowledgement_id)
        .where(HitAcknowledgement.agreement_id == agreement_id)
    ).all()
    found: dict[uuid.UUID, set[uuid.UUID]] = {}
    for hit_id, user_id in rows:
        found.setdefault(hit_id, set()).add(user_id)
    return found


def acknowledgements_of(session: Session, agreement_id: uuid.UUID) -> Sequence[HitAcknowledgement]:
    return session.scalars(
        select(HitAcknowledgement)
        .where(HitAcknowledgement.agreement_id == agreement_id)
        .order_by(HitAcknowledgement.created_at, HitAcknowledgement.id)
    ).all()


# --- posting overrides (posting.py) -------------------------------------------------------


def overrides_of_agreement(session: Session, agreement_id: uuid.UUID) -> Sequence[PostingOverride]:
    """Every posting override recorded on the agreement, oldest first."""
    return session.scalars(
        select(PostingOverride)
        .where(PostingOverride.agreement_id == agreement_id)
        .order_by(PostingOverride.created_at, PostingOverride.id)
    ).all()


def overrides_of_person(
    session: Session, agreement_id: uuid.UUID, person_id: uuid.UUID
) -> Sequence[PostingOverride]:
    """The person's posting overrides under the agreement, newest first."""
    return session.scalars(
        select(PostingOverride)
        .where(PostingOverride.agreement_id == agreement_id, PostingOverride.person_id == person_id)
        .order_by(PostingOverride.created_at.desc(), PostingOverride.id.desc())
    ).all()


def erase_override_reasons_of(session: Session, person_id: uuid.UUID) -> None:
    """Erasure: an override stays on the agreement's page (who decided, from and to) but its
    reason, which speaks of the person, is blanked."""
    session.execute(
        update(PostingOverride)
        .where(PostingOverride.person_id == person_id)
        .values(reason_ct=None),
        execution_options={"synchronize_session": "fetch"},
    )


# --- report figures (issue 25: haven.reports, counted by the database) ---------------------

CROSSING_MEASURES = (
    "expected",
    "arrived",
    "no_show",
    "unexpected",
    "weapons_expected",
    "weapons_received",
    "family_expected",
    "family_moved",
    "screening_flagged",
)


def crossing_figures(
    session: Session,
    actor: Actor,
    *,
    start: date,
    end: date,
    agreement_id: uuid.UUID | None = None,
    site_id: uuid.UUID | None = None,
) -> list[tuple[uuid.UUID, str, date | None, dict[str, int]]]:
    """Crossing-day results of each agreement in the actor's scope whose expected crossing day
    falls from `start` to `end`, or that had an arrival registered then: `(id, reference,
    expected crossing day, {measure: count})` (measures: CROSSING_MEASURES), one query of
    correlated counts. No-shows are the roll's people without an arrival; screening flags
    count roll entries with a screening hit."""

    def scalar(column: Any, model: Any, *where: Any) -> Any:
        return (
            select(func.coalesce(column, 0))
            .where(model.agreement_id == Agreement.id, *where)
            .correlate(Agreement)
            .scalar_subquery()
        )

    expected = scalar(func.count(), RollEntry)
    arrived = scalar(func.count(), Arrival, Arrival.roll_entry_id.is_not(None))
    crossed_then = (
        select(Arrival.id)
        .join(ReceptionEvent, ReceptionEvent.id == Arrival.reception_id)
        .where(Arrival.agreement_id == Agreement.id, ReceptionEvent.received_on.between(start, end))
        .correlate(Agreement)
        .exists()
    )
    query = select(
        Agreement.id,
        Agreement.reference,
        Agreement.expected_crossing_on,
        expected,
        arrived,
        expected - arrived,
        scalar(func.count(), Arrival, Arrival.roll_entry_id.is_(None)),
        scalar(func.sum(RollEntry.weapons_expected), RollEntry),
        scalar(func.sum(Arrival.weapons_received), Arrival),
        scalar(func.sum(RollEntry.family_expected), RollEntry),
        scalar(func.sum(Arrival.family_moved), Arrival),
        scalar(func.count(func.distinct(ScreeningHit.roll_entry_id)), ScreeningHit),
    ).where(
        visible_to(actor, Agreement),
        or_(Agreement.expected_crossing_on.between(start, end), crossed_then),
    )
    if agreement_id is not None:
        query = query.where(Agreement.id == agreement_id)
    if site_id is not None:
        query = query.where(Agreement.site_id == site_id)
    rows = session.execute(
        query.order_by(
            Agreement.expected_crossing_on.is_(None),  # no day planned: last, on both engines
            Agreement.expected_crossing_on,
            Agreement.reference,
        )
    ).all()
    return [
        (row[0], str(row[1]), row[2], dict(zip(CROSSING_MEASURES, map(int, row[3:]), strict=True)))
        for row in rows
    ]


def agreement_references(session: Session, actor: Actor) -> list[tuple[uuid.UUID, str]]:
    """(id, reference) of every agreement in the actor's scope, newest first: the choices of a
    report's agreement filter (no code names)."""
    rows = session.execute(
        select(Agreement.id, Agreement.reference)
        .where(visible_to(actor, Agreement))
        .order_by(Agreement.created_at.desc())
    ).all()
    return [(row[0], str(row[1])) for row in rows]
