"""The vetting case's lifecycle and the vetting vocabularies, each value with its label.

pending → interview → assessed → proposed → decided; a decided case may be reviewed or
appealed (review → proposed → decided, the decision in force staying in force meanwhile);
new evidence reopens any case that is past the interview back to pending. Every move goes
through `CASE` (`haven.kernel.lifecycle.Lifecycle`), which refuses an illegal move with a 409.
"""

from __future__ import annotations

from haven.i18n import N_
from haven.kernel.labels import Labelled
from haven.kernel.lifecycle import Lifecycle


class CaseState(Labelled):
    PENDING = "pending", N_("Pending")  # screened; waiting for an officer
    INTERVIEW = "interview", N_("Interview")  # the person is being heard
    ASSESSED = "assessed", N_("Assessed")  # hits and hearing weighed; ready for a proposal
    PROPOSED = "proposed", N_("Decision proposed")  # a second officer must confirm it
    DECIDED = "decided", N_("Decided")  # a decision confirmed by two officers is in force
    REVIEW = "review", N_("Under review or appeal")  # of the decision in force


class Outcome(Labelled):
    CLEARED = "cleared", N_("Cleared")
    CLEARED_WITH_CONDITIONS = "cleared_with_conditions", N_("Cleared with conditions")
    REFERRED = "referred", N_("Referred for accountability")


class Protection(Labelled):
    """The status under international law a referred person keeps."""

    PRISONER_OF_WAR = "prisoner_of_war", N_("Prisoner of war (Third Geneva Convention)")
    DETAINEE = "detainee", N_("Detainee (common article 3 and Additional Protocol II)")


class ReviewKind(Labelled):
    REVIEW = "review", N_("Review")
    APPEAL = "appeal", N_("Appeal by the person")
    REOPEN = "reopen", N_("Reopen on new evidence")


class Basis(Labelled):
    """On what a decision was taken; the page names only a review's or an appeal's."""

    INITIAL = "initial"
    REVIEW = "review", N_("Review")
    APPEAL = "appeal", N_("Appeal by the person")


class HitKind(Labelled):
    PERPETRATOR = "perpetrator", N_("Name matches an alleged perpetrator")
    WATCHLIST = "watchlist", N_("Name matches a watchlist entry")
    UNIT_PERIOD = "unit_period", N_("Unit implicated while the person served in it")


TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    CaseState.PENDING: frozenset({CaseState.INTERVIEW, CaseState.ASSESSED}),
    CaseState.INTERVIEW: frozenset({CaseState.ASSESSED, CaseState.PENDING}),
    CaseState.ASSESSED: frozenset({CaseState.PROPOSED, CaseState.INTERVIEW, CaseState.PENDING}),
    CaseState.PROPOSED: frozenset(
        {CaseState.DECIDED, CaseState.ASSESSED, CaseState.REVIEW, CaseState.PENDING}
    ),
    CaseState.DECIDED: frozenset({CaseState.REVIEW, CaseState.PENDING}),
    CaseState.REVIEW: frozenset({CaseState.PROPOSED, CaseState.PENDING}),
}

# Each move writes an audit event of its own kind (opened, assessed, decision proposed…),
# so the lifecycle names no action: `haven.vetting.cases` writes it with the move's details.
CASE = Lifecycle(
    states=CaseState,
    transitions=TRANSITIONS,
    subject_type="vetting_case",
    attribute="state",
    refusal=N_("This vetting case cannot move from “{current}” to “{target}”."),
)
