"""The agreement's lifecycle: its states (each with its label), the transition table, and the
sets of states the other rules read (docs/architecture.md, "One shape for every lifecycle").

draft → negotiating → finalized → executing → completed, or collapsed / cancelled.
Finalization is never a plain move: it happens when the second of two different named
approvers approves (`service.approve`).
"""

from __future__ import annotations

from haven.audit.actions import AuditAction
from haven.i18n import N_
from haven.kernel.labels import Labelled, labels
from haven.kernel.lifecycle import Lifecycle


class AgreementStatus(Labelled):
    DRAFT = "draft", N_("Draft")
    NEGOTIATING = "negotiating", N_("Negotiating")
    FINALIZED = "finalized", N_("Finalized")
    EXECUTING = "executing", N_("Executing")
    COMPLETED = "completed", N_("Completed")
    COLLAPSED = "collapsed", N_("Collapsed")
    CANCELLED = "cancelled", N_("Cancelled")


STATUS_LABELS = labels(AgreementStatus)


S = AgreementStatus
AGREEMENT = Lifecycle(
    states=AgreementStatus,
    transitions={
        S.DRAFT: frozenset({S.NEGOTIATING, S.CANCELLED}),
        S.NEGOTIATING: frozenset({S.FINALIZED, S.COLLAPSED, S.CANCELLED}),
        S.FINALIZED: frozenset({S.EXECUTING, S.COLLAPSED, S.CANCELLED}),
        S.EXECUTING: frozenset({S.COMPLETED, S.COLLAPSED}),
        S.COMPLETED: frozenset(),
        S.COLLAPSED: frozenset(),
        S.CANCELLED: frozenset(),
    },
    subject_type="agreement",
    action=AuditAction.AGREEMENT_STATUS_CHANGED,
    refusal=N_("An agreement cannot go from {current} to {target}."),
    terminal=frozenset({S.COMPLETED, S.COLLAPSED, S.CANCELLED}),
)

# Terms, parties (commanders), plan version, overrides and headcount change only while
# drafting or negotiating: once finalized they are the promise the approvers signed.
EDITABLE = frozenset({S.DRAFT, S.NEGOTIATING})
# Where and when the crossing happens is logistics, not a promise: the reception point and the
# expected date may still change once the terms are fixed, until the crossing starts.
LOGISTICS_EDITABLE = EDITABLE | {S.FINALIZED}
LOGISTICS_FIELDS = frozenset({"site_id", "expected_crossing_on"})
# A roll is imported before the crossing, never after it.
IMPORTABLE = frozenset({S.DRAFT, S.NEGOTIATING, S.FINALIZED, S.EXECUTING})
# Someone received individually may be linked to an agreement that took effect.
LINKABLE = frozenset({S.FINALIZED, S.EXECUTING, S.COMPLETED})
# Agreements whose terms bind: a draft, a negotiation or a cancelled agreement promises
# nothing, so the plan's defaults apply. Someone who crossed under an agreement that later
# collapsed (the rest of the unit never came) keeps what they were promised.
BINDING_STATES = frozenset({S.FINALIZED, S.EXECUTING, S.COMPLETED})
BINDING_FOR_ARRIVALS = BINDING_STATES | {S.COLLAPSED}
