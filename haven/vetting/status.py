"""A person's vetting status: the one thing other domains may know about vetting.

Allowances, pathways and the person page read it through `haven.vetting.public`
(`vetting_status`, `vetting_statuses`) and never look at allegations or hits.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.orm import Session

from haven.i18n import N_
from haven.kernel.labels import Labelled, labels
from haven.vetting import repository


class VettingStatus(Labelled):
    # not yet decided: screening, interview, assessment or review under way
    PENDING = "pending", N_("Vetting pending")
    CLEARED = "cleared", N_("Cleared")
    CLEARED_WITH_CONDITIONS = "cleared_with_conditions", N_("Cleared with conditions")
    # referred for accountability: excluded from the programme
    REFERRED = "referred", N_("Referred for accountability")
    # never a member of the force (a civilian or an infiltrator): not a defector
    NOT_ELIGIBLE = "not_eligible", N_("Not eligible: not a member of the force")


PAYABLE = frozenset({VettingStatus.CLEARED, VettingStatus.CLEARED_WITH_CONDITIONS})

# The value → label map, for the pages that look a status up by its stored value.
STATUS_LABELS: dict[str, str] = labels(VettingStatus)


def status_of_outcome(outcome: str | None) -> VettingStatus:
    """The status a case's decision in force gives (PENDING when there is none)."""
    return VettingStatus(outcome) if outcome else VettingStatus.PENDING


def vetting_status(session: Session, person_id: uuid.UUID) -> VettingStatus:
    """The decision in force for the person's vetting case; PENDING when there is none yet
    (no case, or a case not yet decided, or reopened on new evidence).

    A decision under review or appeal stays in force until a new one is confirmed.
    """
    return status_of_outcome(repository.outcome_of_person(session, person_id))


def vetting_statuses(
    session: Session, person_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, VettingStatus]:
    """`vetting_status` for many persons in one query per 500 (every id given is answered)."""
    wanted = list(dict.fromkeys(person_ids))
    found = repository.outcomes_of_persons(session, wanted)
    return {person_id: status_of_outcome(found.get(person_id)) for person_id in wanted}
