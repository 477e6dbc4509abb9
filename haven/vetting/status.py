"""A person's vetting status: the one thing other domains may know about vetting.

Allowances, pathways and the person page read it through `vetting_status(session, person_id)`
(defined below by the vetting domain) and never look at allegations or hits.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.i18n import N_


class VettingStatus(StrEnum):
    PENDING = "pending"  # not yet decided: screening, interview, assessment or review under way
    CLEARED = "cleared"
    CLEARED_WITH_CONDITIONS = "cleared_with_conditions"
    REFERRED = "referred"  # referred for accountability: excluded from the programme


PAYABLE = frozenset({VettingStatus.CLEARED, VettingStatus.CLEARED_WITH_CONDITIONS})

STATUS_LABELS: dict[VettingStatus, str] = {
    VettingStatus.PENDING: N_("Vetting pending"),
    VettingStatus.CLEARED: N_("Cleared"),
    VettingStatus.CLEARED_WITH_CONDITIONS: N_("Cleared with conditions"),
    VettingStatus.REFERRED: N_("Referred for accountability"),
}


def vetting_status(session: Session, person_id: uuid.UUID) -> VettingStatus:
    """The decision in force for the person's vetting case; PENDING when there is none yet
    (no case, or a case not yet decided, or reopened on new evidence).

    A decision under review or appeal stays in force until a new one is confirmed.
    """
    from haven.vetting.models import VettingCase

    outcome = session.scalar(select(VettingCase.outcome).where(VettingCase.person_id == person_id))
    return VettingStatus(outcome) if outcome else VettingStatus.PENDING


def vetting_statuses(
    session: Session, person_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, VettingStatus]:
    """`vetting_status` for many persons in one query (every id given is in the answer)."""
    from haven.vetting.models import VettingCase

    wanted = list(dict.fromkeys(person_ids))
    found: dict[uuid.UUID, VettingStatus] = dict.fromkeys(wanted, VettingStatus.PENDING)
    for start in range(0, len(wanted), 500):
        rows = session.execute(
            select(VettingCase.person_id, VettingCase.outcome).where(
                VettingCase.person_id.in_(wanted[start : start + 500])
            )
        ).all()
        for person_id, outcome in rows:
            if outcome:
                found[person_id] = VettingStatus(outcome)
    return found
