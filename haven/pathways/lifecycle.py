"""The lifecycles of the pathways domain (docs/architecture.md, "One shape for every
lifecycle"): the pathways a person may choose, and the states and transition tables of cases,
tasks, referrals and the three tracks (serve, going home, exile steps).

Each state carries its label. An illegal move raises Conflict (409) naming both states, with
the message of the record it concerns; nothing is written.
"""

from __future__ import annotations

from typing import TypeVar

from haven.audit.actions import AuditAction
from haven.i18n import N_, NC_
from haven.kernel.labels import Labelled, labels
from haven.kernel.lifecycle import Lifecycle


class Pathway(Labelled):
    """The three pathways a person may choose."""

    SERVE = "serve", N_("Serve with rank and position")  # in the receiving force
    HOME = "home", N_("Go home to the family")  # and live peacefully with the family
    EXILE = "exile", N_("Relocate in exile")  # be helped to relocate, step by step


PATHWAY_LABELS = labels(Pathway)


class CaseStatus(Labelled):
    OPEN = "open", NC_("state of a case or a task", "Open")
    CLOSED = "closed", N_("Closed")
    REOPENED = "reopened", N_("Reopened")


class TaskStatus(Labelled):
    OPEN = "open", NC_("state of a case or a task", "Open")
    DONE = "done", N_("Done")
    CANCELLED = "cancelled", N_("Cancelled")


class ReferralStatus(Labelled):
    SENT = "sent", N_("Sent")
    ACCEPTED = "accepted", N_("Accepted")
    DECLINED = "declined", N_("Declined")
    COMPLETED = "completed", N_("Completed")


class ServeStatus(Labelled):
    CLAIMED = "claimed", N_("Rank claimed")
    VERIFIED = "verified", N_("Rank verified")
    DISPUTED = "disputed", N_("Rank disputed")
    POSTED = "posted", N_("Posted to a unit")


class HomeStatus(Labelled):
    PLANNING = "planning", N_("Planning")
    ASSESSED = "assessed", N_("Safety assessed")
    RETURNED = "returned", NC_("a person came home", "Returned")
    FOLLOWING_UP = "following_up", N_("Following up")
    COMPLETED = "completed", N_("Completed")


class ExileStepStatus(Labelled):
    PENDING = "pending", N_("Not started")
    IN_PROGRESS = "in_progress", N_("In progress")
    BLOCKED = "blocked", N_("Blocked")
    DONE = "done", N_("Done")


class ExileStepName(Labelled):
    """The steps of an exile plan, in the order they are worked."""

    DOCUMENTS = "documents", N_("Documents")
    TRAVEL = "travel", N_("Travel")
    ARRIVAL = "arrival", N_("Arrival")


S = TypeVar("S", bound=Labelled)


C, T, R = CaseStatus, TaskStatus, ReferralStatus
CASE = Lifecycle(
    states=CaseStatus,
    transitions={
        C.OPEN: frozenset({C.CLOSED}),
        C.CLOSED: frozenset({C.REOPENED}),
        C.REOPENED: frozenset({C.CLOSED}),
    },
    subject_type="case",
    action=AuditAction.CASE_STATUS_CHANGED,
    refusal=N_("The case cannot go from “{current}” to “{target}”."),
)
TASK = Lifecycle(
    states=TaskStatus,
    transitions={
        T.OPEN: frozenset({T.DONE, T.CANCELLED}),
        T.DONE: frozenset(),
        T.CANCELLED: frozenset(),
    },
    subject_type="case_task",
    action=AuditAction.CASE_TASK_CHANGED,
    terminal=frozenset({T.DONE, T.CANCELLED}),
    refusal=N_("The task cannot go from “{current}” to “{target}”."),
)
REFERRAL = Lifecycle(
    states=ReferralStatus,
    transitions={
        R.SENT: frozenset({R.ACCEPTED, R.DECLINED}),
        R.ACCEPTED: frozenset({R.COMPLETED}),
        R.DECLINED: frozenset(),
        R.COMPLETED: frozenset(),
    },
    subject_type="referral",
    action=AuditAction.REFERRAL_CHANGED,
    terminal=frozenset({R.DECLINED, R.COMPLETED}),
    refusal=N_("The referral cannot go from “{current}” to “{target}”."),
)
SERVE = Lifecycle(
    states=ServeStatus,
    transitions={
        ServeStatus.CLAIMED: frozenset({ServeStatus.VERIFIED, ServeStatus.DISPUTED}),
        ServeStatus.DISPUTED: frozenset({ServeStatus.VERIFIED}),
        ServeStatus.VERIFIED: frozenset({ServeStatus.POSTED}),
        ServeStatus.POSTED: frozenset(),
    },
    subject_type="serve_record",
    action=AuditAction.SERVE_CHANGED,
    terminal=frozenset({ServeStatus.POSTED}),
    refusal=N_("The serve record cannot go from “{current}” to “{target}”."),
)
HOME = Lifecycle(
    states=HomeStatus,
    transitions={
        # Going back on a plan (re-assessing the risk) is allowed until the person has left.
        HomeStatus.PLANNING: frozenset({HomeStatus.ASSESSED}),
        HomeStatus.ASSESSED: frozenset({HomeStatus.PLANNING, HomeStatus.RETURNED}),
        HomeStatus.RETURNED: frozenset({HomeStatus.FOLLOWING_UP}),
        HomeStatus.FOLLOWING_UP: frozenset({HomeStatus.COMPLETED}),
        HomeStatus.COMPLETED: frozenset(),
    },
    subject_type="home_plan",
    action=AuditAction.HOME_PLAN_CHANGED,
    terminal=frozenset({HomeStatus.COMPLETED}),
    refusal=N_("The going-home plan cannot go from “{current}” to “{target}”."),
)
EXILE_STEP = Lifecycle(
    states=ExileStepStatus,
    transitions={
        ExileStepStatus.PENDING: frozenset({ExileStepStatus.IN_PROGRESS}),
        ExileStepStatus.IN_PROGRESS: frozenset({ExileStepStatus.BLOCKED, ExileStepStatus.DONE}),
        ExileStepStatus.BLOCKED: frozenset({ExileStepStatus.IN_PROGRESS}),
        ExileStepStatus.DONE: frozenset(),
    },
    subject_type="exile_step",
    action=AuditAction.EXILE_CHANGED,
    terminal=frozenset({ExileStepStatus.DONE}),
    refusal=N_("The exile step cannot go from “{current}” to “{target}”."),
)

EXILE_STEPS = tuple(ExileStepName)
ACTIVE_CASE = frozenset({CaseStatus.OPEN, CaseStatus.REOPENED})
# Referrals the receiving organisation has not finished with: a case is not transferred
# while one is open.
OPEN_REFERRALS = frozenset({ReferralStatus.SENT, ReferralStatus.ACCEPTED})
