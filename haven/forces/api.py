"""JSON endpoints for forces, rank tables, positions (appointments), units and equivalences."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter

from haven.errors import NotFound
from haven.forces import repository, service
from haven.forces.schemas import (
    EquivalenceIn,
    EquivalenceOut,
    ForceIn,
    ForceOut,
    PositionEquivalenceIn,
    PositionEquivalenceOut,
    PositionIn,
    PositionOut,
    PositionUpdate,
    RankIn,
    RankOut,
    RankUpdate,
    UnitOut,
)
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api", tags=["forces"])


@router.get("/forces")
def list_forces(session: DB, actor: ApiActor) -> list[ForceOut]:
    """Every force known to Haven (reference data shared by all organisations)."""
    return [ForceOut.model_validate(f) for f in service.list_forces(session, actor)]


@router.post("/forces", status_code=201)
def create_force(data: ForceIn, session: DB, actor: ApiActor) -> ForceOut:
    """Add a force (administrators)."""
    return ForceOut.model_validate(
        service.create_force(session, actor, name=data.name, name_my=data.name_my, kind=data.kind)
    )


@router.get("/forces/{force_id}/ranks")
def list_ranks(force_id: uuid.UUID, session: DB, actor: ApiActor) -> list[RankOut]:
    """The force's rank table, most senior first."""
    return [RankOut.model_validate(r) for r in service.list_ranks(session, actor, force_id)]


@router.post("/forces/{force_id}/ranks", status_code=201)
def add_rank(force_id: uuid.UUID, data: RankIn, session: DB, actor: ApiActor) -> RankOut:
    """Add a rank to a force's table (administrators)."""
    return RankOut.model_validate(
        service.add_rank(session, actor, force_id=force_id, **data.model_dump())
    )


@router.patch("/ranks/{rank_id}")
def update_rank(rank_id: uuid.UUID, data: RankUpdate, session: DB, actor: ApiActor) -> RankOut:
    """Correct a rank's Burmese name or mark it verified (administrators)."""
    return RankOut.model_validate(
        service.update_rank(session, actor, rank_id, name_my=data.name_my, verified=data.verified)
    )


@router.get("/forces/{force_id}/units")
def list_units(force_id: uuid.UUID, session: DB, actor: ApiActor) -> list[UnitOut]:
    """Units of a force, as normalised from how people wrote them."""
    service.get_force(session, actor, force_id)
    return [UnitOut.model_validate(u) for u in repository.units_of(session, force_id)]


@router.post("/rank-equivalences", status_code=201)
def add_equivalence(data: EquivalenceIn, session: DB, actor: ApiActor) -> EquivalenceOut:
    """Say which rank of a receiving force a source rank becomes, from a date."""
    return EquivalenceOut.model_validate(
        service.add_equivalence(session, actor, **data.model_dump())
    )


@router.get("/rank-equivalences/lookup")
def lookup_equivalence(
    source_rank_id: uuid.UUID, receiving_force_id: uuid.UUID, on: date, session: DB, actor: ApiActor
) -> RankOut:
    """The rank a person keeps in the receiving force on a date; 404 when none is defined."""
    rank = service.equivalent_rank(
        session, actor, source_rank_id=source_rank_id, receiving_force_id=receiving_force_id, on=on
    )
    if rank is None:
        raise NotFound
    return RankOut.model_validate(rank)


@router.get("/forces/{force_id}/positions")
def list_positions(force_id: uuid.UUID, session: DB, actor: ApiActor) -> list[PositionOut]:
    """The force's appointments (English and Burmese names), most senior first."""
    return [PositionOut.model_validate(p) for p in service.list_positions(session, actor, force_id)]


@router.post("/forces/{force_id}/positions", status_code=201)
def add_position(
    force_id: uuid.UUID, data: PositionIn, session: DB, actor: ApiActor
) -> PositionOut:
    """Add an appointment to a force's table (administrators)."""
    return PositionOut.model_validate(
        service.add_position(session, actor, force_id=force_id, **data.model_dump())
    )


@router.patch("/positions/{position_id}")
def update_position(
    position_id: uuid.UUID, data: PositionUpdate, session: DB, actor: ApiActor
) -> PositionOut:
    """Correct a position's Burmese name or mark it verified (administrators)."""
    return PositionOut.model_validate(
        service.update_position(
            session, actor, position_id, name_my=data.name_my, verified=data.verified
        )
    )


@router.post("/position-equivalences", status_code=201)
def add_position_equivalence(
    data: PositionEquivalenceIn, session: DB, actor: ApiActor
) -> PositionEquivalenceOut:
    """Say which position of a receiving force a source position becomes, from a date."""
    return PositionEquivalenceOut.model_validate(
        service.add_position_equivalence(session, actor, **data.model_dump())
    )


@router.get("/position-equivalences/lookup")
def lookup_position_equivalence(
    source_position_id: uuid.UUID,
    receiving_force_id: uuid.UUID,
    on: date,
    session: DB,
    actor: ApiActor,
) -> PositionOut:
    """The position a person keeps in the receiving force on a date; 404 when none is
    defined."""
    position = service.equivalent_position(
        session,
        actor,
        source_position_id=source_position_id,
        receiving_force_id=receiving_force_id,
        on=on,
    )
    if position is None:
        raise NotFound
    return PositionOut.model_validate(position)
