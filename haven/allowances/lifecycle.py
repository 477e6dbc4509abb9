"""The allowances domain's lifecycles: the payment batch and the plan version, each with its
states (and their labels) and its transition table (docs/architecture.md, "One shape for
every lifecycle").

A payment batch goes draft → submitted → approved → disbursed → reconciled, or is cancelled
while a draft or submitted; the checker may send a submitted batch back to draft. Each move
writes its own audit action (submitted, returned, approved…), so the lifecycle names none and
`batches` records the event. A plan version is a draft until it is published, then frozen.
"""

from __future__ import annotations

from haven.audit.actions import AuditAction
from haven.i18n import N_
from haven.kernel.labels import Labelled
from haven.kernel.lifecycle import Lifecycle


class BatchStatus(Labelled):
    DRAFT = "draft", N_("Draft")
    SUBMITTED = "submitted", N_("Submitted for approval")
    APPROVED = "approved", N_("Approved")
    DISBURSED = "disbursed", N_("Disbursed")
    RECONCILED = "reconciled", N_("Reconciled")
    CANCELLED = "cancelled", N_("Cancelled")


B = BatchStatus
BATCH = Lifecycle(
    states=BatchStatus,
    transitions={
        B.DRAFT: frozenset({B.SUBMITTED, B.CANCELLED}),
        B.SUBMITTED: frozenset({B.APPROVED, B.DRAFT, B.CANCELLED}),
        B.APPROVED: frozenset({B.DISBURSED}),
        B.DISBURSED: frozenset({B.RECONCILED}),
        B.RECONCILED: frozenset(),
        B.CANCELLED: frozenset(),
    },
    subject_type="allowance_batch",
    action=None,  # one audit action per move: `batches` records it
    what=N_("Payment batch"),
    refusal=N_("A batch that is {current} cannot become {target}."),
    terminal=frozenset({B.RECONCILED, B.CANCELLED}),
)


class PlanStatus(Labelled):
    DRAFT = "draft", N_("Draft")
    PUBLISHED = "published", N_("Published")
    RETIRED = "retired", N_("Retired")


P = PlanStatus
PLAN = Lifecycle(
    states=PlanStatus,
    transitions={
        P.DRAFT: frozenset({P.PUBLISHED}),
        P.PUBLISHED: frozenset(),
        P.RETIRED: frozenset(),
    },
    subject_type="allowance_plan_version",
    action=AuditAction.ALLOWANCE_PLAN_PUBLISHED,
    what=N_("Plan version"),
    terminal=frozenset({P.PUBLISHED, P.RETIRED}),
)
