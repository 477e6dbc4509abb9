"""The pathways domain's public surface: the only module other domains may import
(docs/architecture.md, "Between domains")."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from haven.pathways import repository
from haven.pathways.events import PathwayChosen
from haven.pathways.lifecycle import PATHWAY_LABELS, Pathway
from haven.pathways.references import find_by_reference
from haven.pathways.repository import (
    choice_progress,
    choices_by_pathway,
    choices_in_windows,
    pathway_changes,
)

__all__ = [
    "PATHWAY_LABELS",
    "CaseRef",
    "Pathway",
    "PathwayChosen",
    "cases_of_people",
    "choice_progress",
    "choices_by_pathway",
    "choices_in_windows",
    "current_pathway",
    "current_pathways",
    "find_by_reference",
    "pathway_changes",
    "without_choice",
]


def current_pathway(session: Session, person_id: uuid.UUID) -> Pathway | None:
    """The pathway the person has currently chosen (None if they have not chosen yet).

    A contract for other domains (allowances, cards): no permission check, no audit; the
    caller has already checked that its actor may see the person.
    """
    value = repository.current_pathway(session, person_id)
    return Pathway(value) if value is not None else None


def current_pathways(session: Session, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Pathway]:
    """`current_pathway` for many persons in a few queries: person id -> their pathway, for
    those who have chosen one (the others are absent). The same contract: no permission
    check, no audit."""
    return {
        person_id: Pathway(value)
        for person_id, value in repository.current_pathways(session, person_ids).items()
    }


@dataclass(frozen=True)
class CaseRef:
    """A case as another domain names it: its id, reference and person."""

    id: uuid.UUID
    reference: str
    person_id: uuid.UUID


def cases_of_people(session: Session, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, CaseRef]:
    """Person id -> their case, for those who have one (protection links an incident to the
    cases of the people it concerns). No permission check, no audit: the caller has checked
    its actor's right to the persons."""
    return {
        person_id: CaseRef(id=case.id, reference=case.reference, person_id=case.person_id)
        for person_id, case in repository.cases_of_people(session, person_ids).items()
    }


def without_choice(session: Session, person_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    """The persons among these who have not chosen a pathway yet, in the order given."""
    chosen = repository.persons_with_choice(session, person_ids)
    return [person_id for person_id in person_ids if person_id not in chosen]
