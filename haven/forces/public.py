"""The forces domain's public surface: the only module other domains may import
(docs/architecture.md, "Between domains").

`Force`, `Rank` and `Unit` are here for other domains' repositories to join on; prefer the
read functions. Forces are reference data shared by every organisation: the unchecked reads
(`rank_by_id`, `ranks_by_id`, `units_by_id`, …) serve services that checked the actor already.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.orm import Session

from haven.forces.models import Force, Rank, Unit
from haven.forces.reference import MYANMAR_ARMY
from haven.forces.repository import (
    force_by_name,
    rank_by_id,
    ranks_by_force,
    ranks_by_id,
    ranks_of,
    receiving_forces,
    unit_ids_by_code,
    units_by_id,
    units_of,
)
from haven.forces.schemas import ForceKind
from haven.forces.service import (
    add_equivalence,
    add_rank,
    create_force,
    ensure_reference_data,
    equivalent_rank,
    get_force,
    get_rank,
    list_forces,
    list_ranks,
    resolve_unit,
    update_rank,
)


def unit_labels(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Each unit's label ("LIB-531"), batched."""
    return {unit_id: unit.label for unit_id, unit in units_by_id(session, ids).items()}


__all__ = [
    "MYANMAR_ARMY",
    "Force",
    "ForceKind",
    "Rank",
    "Unit",
    "add_equivalence",
    "add_rank",
    "create_force",
    "ensure_reference_data",
    "equivalent_rank",
    "force_by_name",
    "get_force",
    "get_rank",
    "list_forces",
    "list_ranks",
    "rank_by_id",
    "ranks_by_force",
    "ranks_by_id",
    "ranks_of",
    "receiving_forces",
    "resolve_unit",
    "unit_ids_by_code",
    "unit_labels",
    "units_by_id",
    "units_of",
    "update_rank",
]
