"""JSON endpoints for forces, rank tables, positions (appointments), units and equivalences."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from haven.errors import NotFound, ValidationFailed
from haven.forces import repository, service
from haven.forces.models import Rank
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
from haven.i18n import N_
from haven.text import UncertainEncoding, clean_text
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


def _ranks_out(session: Session, ranks: list[Rank]) -> list[RankOut]:
    aliases = service.rank_aliases(session, [r.id for r in ranks])
    return [
        RankOut.model_validate(r).model_copy(update={"aliases": aliases.get(r.id, [])})
        for r in ranks
    ]


@router.get("/forces/{force_id}/ranks")
def list_ranks(force_id: uuid.UUID, session: DB, actor: ApiActor) -> list[RankOut]:
    """The force's rank table, most senior first, with the other ways each rank is written."""
    return _ranks_out(session, list(service.list_ranks(session, actor, force_id)))


@router.get("/ranks/lookup")
def lookup_rank(
    session: DB,
    actor: ApiActor,
    text: Annotated[str, Query(min_length=1, max_length=100)],
    force_id: uuid.UUID | None = None,
) -> RankOut:
    """The rank written so (a name, an abbreviation such as Lt Col or ဗမက, a short form such
    as ဒုဗိုလ်မှူးကြီး, a romanisation such as Bo Gyi) in the force's table (default: the
    Myanmar military); 404 when no rank of the table is written so."""
    force = force_id or service.ensure_reference_data(session).id
    try:
        written = clean_text(text).text
    except UncertainEncoding as error:
        raise ValidationFailed(fields={"text": error.message}) from None
    rank = service.find_rank(session, actor, force, written)
    if rank is None:
        raise NotFound(N_("No rank of this force is written so."))
    return _ranks_out(session, [rank])[0]


@router.post("/forces/{force_id}/ranks", status_code=201)
def add_rank(force_id: uuid.UUID, data: RankIn, session: DB, actor: ApiActor) -> RankOut:
    """Add a rank to a force's table (administrators)."""
    return _ranks_out(
        session, [service.add_rank(session, actor, force_id=force_id, **data.model_dump())]
    )[0]


@router.patch("/ranks/{rank_id}")
def update_rank(rank_id: uuid.UUID, data: RankUpdate, session: DB, actor: ApiActor) -> RankOut:
    """Correct a rank's Burmese name, mark it verified, or replace the other ways it is
    written (`aliases`) (administrators)."""
    aliases = None if data.aliases is None else [a for a in data.aliases if a]
    rank = service.update_rank(
        session, actor, rank_id, name_my=data.name_my, verified=data.verified, aliases=aliases
    )
    return _ranks_out(session, [rank])[0]


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
