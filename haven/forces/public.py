"""The forces domain's public surface: the only module other domains may import
(docs/architecture.md, "Between domains").

`Force`, `Rank`, `Position` and `Unit` are here for other domains' repositories to join on;
prefer the read functions. A rank written as text (a roll's, an import's, a form's) is
found with `rank_lookup` (read once, then `find` per row) or `find_rank`, and the force a
roll names with `force_lookup`: names, abbreviations, Burmese short forms and
romanisations. Forces are reference data shared by every organisation: the unchecked reads
(`rank_by_id`, `ranks_by_id`, `positions_by_id`, `units_by_id`, …) serve
services that checked the actor already. Equivalences (`equivalent_rank`,
`equivalent_position`) are looked up on a date the caller chooses: the date the person's
terms were fixed, never "today" by default.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy.orm import Session

from haven.forces.models import Force, Position, Rank, Unit
from haven.forces.ranktext import rank_key
from haven.forces.reference import MYANMAR_ARMY, REFERENCE_FORCES
from haven.forces.repository import (
    equivalences_of_ranks,
    force_by_name,
    position_by_id,
    positions_by_force,
    positions_by_id,
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
    ForceLookup,
    RankLookup,
    add_equivalence,
    add_position,
    add_position_equivalence,
    add_rank,
    create_force,
    ensure_reference_data,
    equivalent_position,
    equivalent_rank,
    find_rank,
    force_lookup,
    get_force,
    get_position,
    get_rank,
    list_forces,
    list_positions,
    list_ranks,
    rank_aliases,
    rank_lookup,
    resolve_position,
    resolve_unit,
    resolve_units,
    update_rank,
)


def unit_labels(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, str]:
    """Each unit's label ("LIB-531"), batched."""
    return {unit_id: unit.label for unit_id, unit in units_by_id(session, ids).items()}


@lru_cache(maxsize=1)
def _reference_rank_keys() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for table in REFERENCE_FORCES:
        for row in table.ranks:
            for written in (row.name_en, row.name_my, *row.aliases):
                if written and rank_key(written):
                    found.setdefault(rank_key(written), set()).add(row.name_en)
    return {key: frozenset(names) for key, names in found.items()}


def reference_rank_names(written: str | None) -> frozenset[str]:
    """The reference tables' ranks (English names) a rank so written may be, in any force:
    "Capt", "ဗိုလ်ကြီး" and "Bo Gyi" give {"Captain", "Police Captain", …} where a police
    table writes it so too; empty for text no table lists. Pure: no database (screening
    compares the ranks of a list entry and a person with it)."""
    return _reference_rank_keys().get(rank_key(written), frozenset()) if written else frozenset()


__all__ = [
    "MYANMAR_ARMY",
    "Force",
    "ForceKind",
    "ForceLookup",
    "Position",
    "Rank",
    "RankLookup",
    "Unit",
    "add_equivalence",
    "add_position",
    "add_position_equivalence",
    "add_rank",
    "create_force",
    "ensure_reference_data",
    "equivalences_of_ranks",
    "equivalent_position",
    "equivalent_rank",
    "find_rank",
    "force_by_name",
    "force_lookup",
    "get_force",
    "get_position",
    "get_rank",
    "list_forces",
    "list_positions",
    "list_ranks",
    "position_by_id",
    "positions_by_force",
    "positions_by_id",
    "rank_aliases",
    "rank_by_id",
    "rank_key",
    "rank_lookup",
    "ranks_by_force",
    "ranks_by_id",
    "ranks_of",
    "receiving_forces",
    "reference_rank_names",
    "resolve_position",
    "resolve_unit",
    "resolve_units",
    "unit_ids_by_code",
    "unit_labels",
    "units_by_id",
    "units_of",
    "update_rank",
]
