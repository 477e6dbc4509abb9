"""The lifecycle of a family-movement plan (docs/families.md): planned, under way, completed;
suspended and cancelled with a reason. An illegal move answers 409 and writes nothing."""

from __future__ import annotations

from haven.audit.actions import AuditAction
from haven.i18n import N_
from haven.kernel.labels import Labelled, labels
from haven.kernel.lifecycle import Lifecycle


class PlanStatus(Labelled):
    PLANNED = "planned", N_("Planned")
    UNDER_WAY = "under_way", N_("Under way")
    COMPLETED = "completed", N_("Completed")
    SUSPENDED = "suspended", N_("Suspended")
    CANCELLED = "cancelled", N_("Cancelled")


class OriginKind(Labelled):
    """Where the relatives are taken from (the place itself is encrypted)."""

    COMPOUND = "compound", N_("A military compound")
    VILLAGE = "village", N_("A village or town")


P = PlanStatus
PLAN = Lifecycle(
    states=PlanStatus,
    transitions={
        P.PLANNED: frozenset({P.UNDER_WAY, P.SUSPENDED, P.CANCELLED}),
        P.UNDER_WAY: frozenset({P.COMPLETED, P.SUSPENDED, P.CANCELLED}),
        # A suspended plan resumes where it was worked from, or is given up.
        P.SUSPENDED: frozenset({P.PLANNED, P.UNDER_WAY, P.CANCELLED}),
        P.COMPLETED: frozenset(),
        P.CANCELLED: frozenset(),
    },
    subject_type="family_plan",
    action=AuditAction.FAMILY_PLAN_STATUS_CHANGED,
    terminal=frozenset({P.COMPLETED, P.CANCELLED}),
    refusal=N_("The movement plan cannot go from “{current}” to “{target}”."),
)
# A move to these needs a reason (kept encrypted with the plan).
NEEDS_REASON = frozenset({P.SUSPENDED, P.CANCELLED})
# Plans whose relatives, steps and figures count (the agreement's board, the list's totals).
ACTIVE = frozenset({P.PLANNED, P.UNDER_WAY, P.SUSPENDED, P.COMPLETED})
# Plans whose steps and relatives may still be changed.
OPEN = frozenset({P.PLANNED, P.UNDER_WAY, P.SUSPENDED})

STATUS_LABELS = labels(PlanStatus)
ORIGIN_LABELS = labels(OriginKind)
