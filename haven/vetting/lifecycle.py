"""The vetting case's lifecycle and the vetting vocabularies, each value with its label.

pending → interview → assessed → proposed → decided; a decided case may be reviewed or
appealed (review → proposed → decided, the decision in force staying in force meanwhile);
new evidence reopens any case that is past the interview back to pending. Every move goes
through `CASE` (`haven.kernel.lifecycle.Lifecycle`), which refuses an illegal move with a 409.

The law these labels name: in a non-international armed conflict such as Myanmar's, common
article 3 of the Geneva Conventions and customary international humanitarian law bind every
party. Myanmar is not a party to the second Additional Protocol of 1977, so Haven does not
cite it.
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
    # Screening found the person was never a member of the force they claim to leave (a
    # civilian, or an infiltrator): not a defector, so no serve pathway and no defection
    # allowances; going home and exile stay open to them as a civilian (docs/standing.md).
    NOT_ELIGIBLE = "not_eligible", N_("Not eligible: not a member of the force")


class StandardOfProof(Labelled):
    """The standard of proof a decision's findings meet, recorded with every decision.

    Vetting is an administrative procedure, not a criminal trial: Haven offers the standards
    used in vetting and exclusion practice, from the lowest, and not "beyond reasonable doubt",
    which is a criminal court's (a referral sends that question to a court)."""

    # UN commissions of inquiry and fact-finding missions (Myanmar's included).
    REASONABLE_GROUNDS = "reasonable_grounds", N_("Reasonable grounds to believe")
    # Exclusion for war crimes (1951 Refugee Convention, art. 1F).
    SERIOUS_REASONS = "serious_reasons", N_("Serious reasons for considering")
    # The civil and administrative standard of most vetting bodies.
    BALANCE_OF_PROBABILITIES = (
        "balance_of_probabilities",
        N_("Balance of probabilities (more likely than not)"),
    )
    CLEAR_AND_CONVINCING = "clear_and_convincing", N_("Clear and convincing evidence")


class Protection(Labelled):
    """The status under international law a referred person keeps."""

    # In a non-international conflict the Convention's status does not apply as such: the
    # armed group applies its standards by commitment (docs/legal-framework.md).
    PRISONER_OF_WAR = (
        "prisoner_of_war",
        N_("Prisoner of war (Third Geneva Convention, or its standards applied by commitment)"),
    )
    DETAINEE = (
        "detainee",
        N_("Detainee (common article 3 and customary international humanitarian law)"),
    )


class ReviewKind(Labelled):
    REVIEW = "review", N_("Review")
    APPEAL = "appeal", N_("Appeal by the person")
    REOPEN = "reopen", N_("Reopen on new evidence")


class Basis(Labelled):
    """On what a decision was taken; the page names only a review's or an appeal's."""

    INITIAL = "initial"
    REVIEW = "review", N_("Review")
    APPEAL = "appeal", N_("Appeal by the person")


class AppealState(Labelled):
    """Where the person's right to appeal the decision in force stands (the queue shows it)."""

    NO_DECISION = "no_decision", N_("No decision in force")
    NOT_APPEALABLE = "not_appealable", N_("Nothing to appeal: the person is cleared")
    FINAL = "final", N_("Decided on appeal: no further appeal")
    NOT_NOTIFIED = "not_notified", N_("The person has not been told yet: time not running")
    OPEN = "open", N_("Open for appeal")
    CLOSED = "closed", N_("Time limit for appealing passed")
    LODGED = "lodged", N_("Appeal lodged")


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
