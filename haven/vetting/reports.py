"""Vetting figures: workload, time to decision, hits by kind. Aggregates only: no names,
no allegations. Vetting officers read them (the programme's aggregate reports may add
these figures later)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from sqlalchemy.orm import Session

from haven.db.types import utcnow
from haven.errors import PermissionDenied
from haven.security.permissions import Actor, Permission
from haven.vetting import repository
from haven.vetting.lifecycle import CaseState


@dataclass(frozen=True)
class VettingReport:
    cases_by_state: dict[str, int]
    outcomes: dict[str, int]
    hits_by_kind: dict[str, int]
    decided: int
    median_days_to_decision: float | None
    mean_days_to_decision: float | None
    longest_open_days: float | None


def report(session: Session, actor: Actor) -> VettingReport:
    if not actor.can(Permission.VETTING_READ):
        raise PermissionDenied
    by_state = dict.fromkeys((str(s) for s in CaseState), 0)
    by_state.update(repository.cases_by_state(session, actor))
    outcomes = repository.outcomes_in_force(session, actor)
    hits = repository.hits_by_kind(session, actor)
    # Time to decision: from the case's opening to its first confirmed decision.
    decided, mean_days, median_days = repository.decision_days(session, actor)
    oldest = repository.oldest_undecided_opening(session, actor)
    longest_open = None
    if oldest is not None:
        if oldest.tzinfo is None:  # SQLite's min() returns the stored text, without the zone
            oldest = oldest.replace(tzinfo=UTC)
        longest_open = (utcnow() - oldest).total_seconds() / 86400
    return VettingReport(
        cases_by_state=by_state,
        outcomes=outcomes,
        hits_by_kind=hits,
        decided=decided,
        median_days_to_decision=round(median_days, 1) if median_days is not None else None,
        mean_days_to_decision=round(mean_days, 1) if mean_days is not None else None,
        longest_open_days=round(longest_open, 1) if longest_open is not None else None,
    )
