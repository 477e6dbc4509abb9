"""Every query about forces, ranks, units and rank equivalences."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from haven.forces.models import Force, Rank, RankEquivalence, Unit


def forces(session: Session) -> Sequence[Force]:
    return session.scalars(select(Force).order_by(Force.is_receiving, Force.name)).all()


def force_by_name(session: Session, name: str) -> Force | None:
    return session.scalar(select(Force).where(Force.name == name))


def ranks_of(session: Session, force_id: uuid.UUID) -> Sequence[Rank]:
    return session.scalars(
        select(Rank).where(Rank.force_id == force_id).order_by(Rank.seniority)
    ).all()


def unit_by_code(session: Session, force_id: uuid.UUID, kind: str, number: str) -> Unit | None:
    return session.scalar(
        select(Unit).where(Unit.force_id == force_id, Unit.kind == kind, Unit.number == number)
    )


def units_of(session: Session, force_id: uuid.UUID) -> Sequence[Unit]:
    return session.scalars(
        select(Unit).where(Unit.force_id == force_id).order_by(Unit.kind, Unit.number)
    ).all()


def equivalences(
    session: Session, receiving_force_id: uuid.UUID, source_rank_id: uuid.UUID
) -> Sequence[RankEquivalence]:
    return session.scalars(
        select(RankEquivalence)
        .where(
            RankEquivalence.receiving_force_id == receiving_force_id,
            RankEquivalence.source_rank_id == source_rank_id,
        )
        .order_by(RankEquivalence.effective_from)
    ).all()


def equivalence_on(
    session: Session, receiving_force_id: uuid.UUID, source_rank_id: uuid.UUID, on: date
) -> RankEquivalence | None:
    return session.scalar(
        select(RankEquivalence).where(
            RankEquivalence.receiving_force_id == receiving_force_id,
            RankEquivalence.source_rank_id == source_rank_id,
            RankEquivalence.effective_from <= on,
            or_(RankEquivalence.effective_to.is_(None), RankEquivalence.effective_to > on),
        )
    )


def unit_ids_by_code(session: Session, kind: str, number: str) -> Sequence[uuid.UUID]:
    """Units of any force with this kind and number (a search does not know the force)."""
    return session.scalars(select(Unit.id).where(Unit.kind == kind, Unit.number == number)).all()
