"""Vetting figures: workload, time to decision, hits by kind. Aggregates only: no names,
no allegations. Vetting officers read them (the programme's aggregate reports may add
these figures later)."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.errors import PermissionDenied
from haven.security.permissions import Actor, Permission, visible_to
from haven.vetting.lifecycle import CaseState
from haven.vetting.models import Decision, ScreeningHit, VettingCase


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
    scope = visible_to(actor, VettingCase, site_column=None)
    by_state = dict.fromkeys((str(s) for s in CaseState), 0)
    for state, count in session.execute(
        select(VettingCase.state, func.count()).where(scope).group_by(VettingCase.state)
    ):
        by_state[state] = count
    outcomes: dict[str, int] = {}
    for outcome, count in session.execute(
        select(VettingCase.outcome, func.count())
        .where(scope, VettingCase.outcome.is_not(None))
        .group_by(VettingCase.outcome)
    ):
        outcomes[str(outcome)] = count
    hits: dict[str, int] = {}
    for kind, count in session.execute(
        select(ScreeningHit.kind, func.count())
        .where(visible_to(actor, ScreeningHit, site_column=None))
        .group_by(ScreeningHit.kind)
    ):
        hits[kind] = count
    # Time to decision: from the case's opening to its first confirmed decision.
    first = (
        select(Decision.case_id, func.min(Decision.confirmed_at).label("at"))
        .where(Decision.confirmed_at.is_not(None))
        .group_by(Decision.case_id)
        .subquery()
    )
    days = [
        (at - opened).total_seconds() / 86400
        for opened, at in session.execute(
            select(VettingCase.created_at, first.c.at)
            .join(first, first.c.case_id == VettingCase.id)
            .where(scope)
        )
        if at is not None
    ]
    from haven.db.types import utcnow

    now = utcnow()
    open_days = [
        (now - opened).total_seconds() / 86400
        for (opened,) in session.execute(
            select(VettingCase.created_at).where(scope, VettingCase.outcome.is_(None))
        )
    ]
    return VettingReport(
        cases_by_state=by_state,
        outcomes=outcomes,
        hits_by_kind=hits,
        decided=len(days),
        median_days_to_decision=round(median(days), 1) if days else None,
        mean_days_to_decision=round(sum(days) / len(days), 1) if days else None,
        longest_open_days=round(max(open_days), 1) if open_days else None,
    )
