"""Every query about forces, ranks, positions, units and their equivalences."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from haven.forces.models import (
    Force,
    Position,
    PositionEquivalence,
    Rank,
    RankAlias,
    RankEquivalence,
    Unit,
)
from haven.kernel.repository import Repository


class Forces(Repository[Force]):
    model = Force
    site_column = None


class Ranks(Repository[Rank]):
    model = Rank
    site_column = None


class RankAliases(Repository[RankAlias]):
    model = RankAlias
    site_column = None


class Units(Repository[Unit]):
    model = Unit
    site_column = None


class Equivalences(Repository[RankEquivalence]):
    model = RankEquivalence
    site_column = None


class Positions(Repository[Position]):
    model = Position
    site_column = None


class PositionEquivalences(Repository[PositionEquivalence]):
    model = PositionEquivalence
    site_column = None


def forces(session: Session) -> Sequence[Force]:
    return session.scalars(select(Force).order_by(Force.is_receiving, Force.name)).all()


def force_by_name(session: Session, name: str) -> Force | None:
    return session.scalar(select(Force).where(Force.name == name))


def forces_by_name(session: Session, names: Iterable[str]) -> dict[str, Force]:
    """Forces by exact name, batched."""
    return Forces(session).many_by(Force.name, names)


def force_by_id(session: Session, force_id: uuid.UUID) -> Force | None:
    return Forces(session).get(force_id)


def receiving_forces(session: Session) -> Sequence[Force]:
    """The receiving forces, by name."""
    return session.scalars(
        select(Force).where(Force.is_receiving.is_(True)).order_by(Force.name)
    ).all()


def rank_by_id(session: Session, rank_id: uuid.UUID) -> Rank | None:
    return Ranks(session).get(rank_id)


def ranks_by_id(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, Rank]:
    """Ranks by id, batched."""
    return Ranks(session).many(ids)


def ranks_by_force(
    session: Session, force_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, list[Rank]]:
    """Each force's rank table, most senior first, batched."""
    groups = Ranks(session).grouped_by(Rank.force_id, force_ids)
    for ranks in groups.values():
        ranks.sort(key=lambda r: r.seniority)
    return groups


def aliases_by_force(
    session: Session, force_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, list[RankAlias]]:
    """Each force's rank aliases, batched."""
    groups = RankAliases(session).grouped_by(RankAlias.force_id, force_ids)
    for found in groups.values():
        found.sort(key=lambda a: (a.rank_id, a.text))
    return groups


def aliases_by_rank(
    session: Session, rank_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, list[RankAlias]]:
    """Each rank's aliases in the order they were written, batched."""
    groups = RankAliases(session).grouped_by(RankAlias.rank_id, rank_ids)
    for found in groups.values():
        found.sort(key=lambda a: a.id)  # UUIDv7: the order they were added
    return groups


def units_by_id(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, Unit]:
    """Units by id, batched."""
    return Units(session).many(ids)


def ranks_of(session: Session, force_id: uuid.UUID) -> Sequence[Rank]:
    return session.scalars(
        select(Rank).where(Rank.force_id == force_id).order_by(Rank.seniority)
    ).all()


def unit_by_code(session: Session, force_id: uuid.UUID, kind: str, number: str) -> Unit | None:
    return session.scalar(
        select(Unit).where(Unit.force_id == force_id, Unit.kind == kind, Unit.number == number)
    )


def units_by_code(
    session: Session, force_id: uuid.UUID, codes: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], Unit]:
    """The force's units with these (kind, number) codes, in one query."""
    wanted = set(codes)
    if not wanted:
        return {}
    numbers = sorted({number for _kind, number in wanted})
    found: dict[tuple[str, str], Unit] = {}
    for start in range(0, len(numbers), 500):
        for unit in session.scalars(
            select(Unit).where(
                Unit.force_id == force_id, Unit.number.in_(numbers[start : start + 500])
            )
        ):
            if (unit.kind, unit.number) in wanted:
                found[(unit.kind, unit.number)] = unit
    return found


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


def equivalences_of_ranks(
    session: Session, source_rank_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, list[RankEquivalence]]:
    """Every equivalence of each source rank (all receiving forces), earliest first, batched."""
    groups = Equivalences(session).grouped_by(RankEquivalence.source_rank_id, source_rank_ids)
    for found in groups.values():
        found.sort(key=lambda e: (e.effective_from, e.id))
    return groups


def unit_ids_by_code(session: Session, kind: str, number: str) -> Sequence[uuid.UUID]:
    """Units of any force with this kind and number (a search does not know the force)."""
    return session.scalars(select(Unit.id).where(Unit.kind == kind, Unit.number == number)).all()


# --- positions (appointments) -------------------------------------------------------------


def position_by_id(session: Session, position_id: uuid.UUID) -> Position | None:
    return Positions(session).get(position_id)


def positions_by_id(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, Position]:
    """Positions by id, batched."""
    return Positions(session).many(ids)


def positions_of(session: Session, force_id: uuid.UUID) -> Sequence[Position]:
    """A force's appointments, most senior first (then by English name)."""
    return session.scalars(
        select(Position)
        .where(Position.force_id == force_id)
        .order_by(Position.grade, Position.name_en)
    ).all()


def positions_by_force(
    session: Session, force_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, list[Position]]:
    """Each force's appointments, most senior first, batched."""
    groups = Positions(session).grouped_by(Position.force_id, force_ids)
    for found in groups.values():
        found.sort(key=lambda p: (p.grade, p.name_en))
    return groups


def position_equivalences(
    session: Session, receiving_force_id: uuid.UUID, source_position_id: uuid.UUID
) -> Sequence[PositionEquivalence]:
    return session.scalars(
        select(PositionEquivalence)
        .where(
            PositionEquivalence.receiving_force_id == receiving_force_id,
            PositionEquivalence.source_position_id == source_position_id,
        )
        .order_by(PositionEquivalence.effective_from)
    ).all()


def position_equivalence_on(
    session: Session, receiving_force_id: uuid.UUID, source_position_id: uuid.UUID, on: date
) -> PositionEquivalence | None:
    return session.scalar(
        select(PositionEquivalence).where(
            PositionEquivalence.receiving_force_id == receiving_force_id,
            PositionEquivalence.source_position_id == source_position_id,
            PositionEquivalence.effective_from <= on,
            or_(PositionEquivalence.effective_to.is_(None), PositionEquivalence.effective_to > on),
        )
    )


def equivalences_of_positions(
    session: Session, source_position_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, list[PositionEquivalence]]:
    """Every equivalence of each source position (all receiving forces), earliest first,
    batched."""
    groups = PositionEquivalences(session).grouped_by(
        PositionEquivalence.source_position_id, source_position_ids
    )
    for found in groups.values():
        found.sort(key=lambda e: (e.effective_from, e.id))
    return groups
