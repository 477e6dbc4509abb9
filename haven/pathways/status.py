"""The three pathways a person may choose; other domains read the current one through
`current_pathway(session, person_id)` (defined below by the pathways domain)."""

from __future__ import annotations

import uuid
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

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


def current_pathway(session: Session, person_id: uuid.UUID) -> Pathway | None:
    """The pathway the person has currently chosen (None if they have not chosen yet).

    A contract for other domains (allowances, cards): no permission check, no audit; the
    caller has already checked that its actor may see the person.
    """
    from haven.pathways.models import PathwayChoice

    value = session.scalar(
        select(PathwayChoice.pathway).where(
            PathwayChoice.person_id == person_id, PathwayChoice.superseded_at.is_(None)
        )
    )
    return Pathway(value) if value is not None else None
