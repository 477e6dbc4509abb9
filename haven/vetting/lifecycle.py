"""The vetting case's lifecycle as a transition table (ARCHITECTURE.md rule 4).

pending → interview → assessed → proposed → decided; a decided case may be reviewed or
appealed (review → proposed → decided, the decision in force staying in force meanwhile);
new evidence reopens any case that is past the interview back to pending.
"""

from __future__ import annotations

from enum import StrEnum

from haven.errors import Conflict
from haven.i18n import N_, Text


class CaseState(StrEnum):
    PENDING = "pending"  # screened; waiting for an officer
    INTERVIEW = "interview"  # the person is being heard
    ASSESSED = "assessed"  # hits and hearing weighed; ready for a proposed decision
    PROPOSED = "proposed"  # one officer proposed a decision; a second must confirm it
    DECIDED = "decided"  # a decision confirmed by two officers is in force
    REVIEW = "review"  # a review or appeal of the decision in force is under way


class Outcome(StrEnum):
    CLEARED = "cleared"
    CLEARED_WITH_CONDITIONS = "cleared_with_conditions"
    REFERRED = "referred"


class Protection(StrEnum):
    """The status under international law a referred person keeps."""

    PRISONER_OF_WAR = "prisoner_of_war"  # Geneva Convention III
    DETAINEE = "detainee"  # Additional Protocol II art. 4-6, common article 3


class ReviewKind(StrEnum):
    REVIEW = "review"
    APPEAL = "appeal"
    REOPEN = "reopen"


class Basis(StrEnum):
    INITIAL = "initial"
    REVIEW = "review"
    APPEAL = "appeal"


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

STATE_LABELS: dict[CaseState, str] = {
    CaseState.PENDING: N_("Pending"),
    CaseState.INTERVIEW: N_("Interview"),
    CaseState.ASSESSED: N_("Assessed"),
    CaseState.PROPOSED: N_("Decision proposed"),
    CaseState.DECIDED: N_("Decided"),
    CaseState.REVIEW: N_("Under review or appeal"),
}

OUTCOME_LABELS: dict[Outcome, str] = {
    Outcome.CLEARED: N_("Cleared"),
    Outcome.CLEARED_WITH_CONDITIONS: N_("Cleared with conditions"),
    Outcome.REFERRED: N_("Referred for accountability"),
}

PROTECTION_LABELS: dict[Protection, str] = {
    Protection.PRISONER_OF_WAR: N_("Prisoner of war (Third Geneva Convention)"),
    Protection.DETAINEE: N_("Detainee (common article 3 and Additional Protocol II)"),
}


def check_move(current: str, target: CaseState) -> None:
    """Raise Conflict unless the case may move from `current` to `target`."""
    if target not in TRANSITIONS.get(CaseState(current), frozenset()):
        raise Conflict(
            Text(
                N_("This vetting case cannot move from “{current}” to “{target}”."),
                {"current": current, "target": str(target)},
            )
        )
