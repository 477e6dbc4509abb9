"""The standing domain's public surface: the only module other domains may import
(docs/architecture.md, "Between domains").

Every domain that acts on a person asks here what the person's standing allows (docs/
standing.md): the pathway choice, the serve track's posting, allowances, transfers, release
and printed documents.
"""

from __future__ import annotations

from haven.standing.rules import PATHWAYS, REASONS, Path, Standing, StandingState
from haven.standing.schemas import RefusedPath, StandingOut
from haven.standing.service import (
    require_may_choose,
    require_may_serve,
    standing_of,
    standings,
)

__all__ = [
    "PATHWAYS",
    "REASONS",
    "Path",
    "RefusedPath",
    "Standing",
    "StandingOut",
    "StandingState",
    "require_may_choose",
    "require_may_serve",
    "standing_of",
    "standings",
]
