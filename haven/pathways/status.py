"""The three pathways a person may choose; other domains read the current one through
`current_pathway(session, person_id)` (defined below by the pathways domain)."""

from __future__ import annotations

from enum import StrEnum

from haven.i18n import N_


class Pathway(StrEnum):
    SERVE = "serve"  # serve in the receiving force with rank and position
    HOME = "home"  # go home and live peacefully with the family
    EXILE = "exile"  # be helped to relocate in exile


PATHWAY_LABELS: dict[Pathway, str] = {
    Pathway.SERVE: N_("Serve with rank and position"),
    Pathway.HOME: N_("Go home to the family"),
    Pathway.EXILE: N_("Relocate in exile"),
}
