"""The words and the state machine of complaints (docs/complaints.md).

received → acknowledged → responded → closed; a complaint can be escalated to the managers
before it is answered or when the complainant is not satisfied with the answer, and a closed
one reopened. Every move but acknowledging needs a reason, kept in the complaint's log.
"""

from __future__ import annotations

from haven.audit.actions import AuditAction
from haven.i18n import N_, NC_
from haven.kernel.labels import Labelled, labels
from haven.kernel.lifecycle import Lifecycle


class ComplaintKind(Labelled):
    COMPLAINT = "complaint", N_("Complaint")
    FEEDBACK = "feedback", N_("Feedback")


class Complainant(Labelled):
    """Who complains; an anonymous complaint keeps no link, name or contact detail."""

    PERSON = "person", N_("A person in the programme")
    RELATIVE = "relative", N_("A relative of a person in the programme")
    OTHER = "other", N_("Someone else")
    ANONYMOUS = "anonymous", N_("Anonymous")


class Category(Labelled):
    PAYMENT_NOT_RECEIVED = "payment_not_received", N_("Payment not received")
    MISTREATMENT = "mistreatment", N_("Mistreatment")
    DATA_CONCERN = "data_concern", N_("Concern about personal data")
    SAFETY = "safety", N_("Safety or threats")
    LIVING_CONDITIONS = "living_conditions", N_("Food, shelter or living conditions")
    OTHER = "other", NC_("category of a complaint", "Other")


class Channel(Labelled):
    IN_PERSON = "in_person", N_("In person")
    PHONE = "phone", N_("Phone")
    HOTLINE = "hotline", N_("Hotline")
    MESSENGER = "messenger", N_("Messenger")
    LETTER = "letter", N_("Letter")
    COMPLAINT_BOX = "complaint_box", N_("Complaint box")
    COMMUNITY_MEETING = "community_meeting", N_("Community meeting")
    THROUGH_STAFF = "through_staff", N_("Through a staff member")
    OTHER = "other", NC_("channel of a complaint", "Other")


class GivenBy(Labelled):
    """How an acknowledgement or a response reached the complainant."""

    IN_PERSON = "in_person", N_("In person")
    PHONE = "phone", N_("Phone")
    HOTLINE = "hotline", N_("Hotline")
    MESSENGER = "messenger", N_("Messenger")
    LETTER = "letter", N_("Letter")
    COMPLAINT_BOX = "complaint_box", N_("Complaint box")
    COMMUNITY_MEETING = "community_meeting", N_("Community meeting")
    THROUGH_STAFF = "through_staff", N_("Through a staff member")
    OTHER = "other", NC_("channel of a complaint", "Other")
    PUBLIC_NOTICE = "public_notice", N_("Public notice")


class EntryKind(Labelled):
    NOTE = "note", N_("Internal note")
    RESPONSE = "response", N_("Response given")
    ACKNOWLEDGEMENT = "acknowledgement", N_("Acknowledged")
    ESCALATION = "escalation", N_("Escalated")
    CLOSURE = "closure", NC_("a complaint was closed", "Closed")
    REOPENING = "reopening", N_("Reopened")


class ComplaintStatus(Labelled):
    RECEIVED = "received", N_("Received")
    ACKNOWLEDGED = "acknowledged", N_("Acknowledged")
    ESCALATED = "escalated", N_("Escalated")
    RESPONDED = "responded", N_("Responded")
    CLOSED = "closed", NC_("a complaint was closed", "Closed")
    REOPENED = "reopened", N_("Reopened")


S = ComplaintStatus
COMPLAINT = Lifecycle(
    states=ComplaintStatus,
    transitions={
        S.RECEIVED: frozenset({S.ACKNOWLEDGED, S.ESCALATED}),
        S.ACKNOWLEDGED: frozenset({S.RESPONDED, S.ESCALATED}),
        S.ESCALATED: frozenset({S.RESPONDED}),
        # Not satisfied with the answer: to the managers, or closed.
        S.RESPONDED: frozenset({S.CLOSED, S.ESCALATED}),
        S.CLOSED: frozenset({S.REOPENED}),
        S.REOPENED: frozenset({S.RESPONDED, S.ESCALATED}),
    },
    subject_type="complaint",
    action=AuditAction.COMPLAINT_STATUS_CHANGED,
    terminal=frozenset({S.CLOSED}),
    refusal=N_("The complaint cannot go from “{current}” to “{target}”."),
)

# Waiting for an answer: the respond-by date counts; past it the complaint is overdue and
# flagged to the managers whether or not someone escalated it.
AWAITING_RESPONSE = frozenset({S.RECEIVED, S.ACKNOWLEDGED, S.ESCALATED, S.REOPENED})
OPEN = frozenset(set(S) - {S.CLOSED})

# Days to acknowledge and to respond, by category, where the organisation set none
# (docs/complaints.md): mistreatment and threats are urgent.
DEFAULT_DAYS: dict[Category, tuple[int, int]] = {
    Category.PAYMENT_NOT_RECEIVED: (3, 14),
    Category.MISTREATMENT: (1, 7),
    Category.DATA_CONCERN: (3, 14),
    Category.SAFETY: (1, 3),
    Category.LIVING_CONDITIONS: (3, 14),
    Category.OTHER: (3, 14),
}

# Confidential unless someone who may see confidential complaints says otherwise: staff may
# be the ones complained about, and a data concern may be about them.
CONFIDENTIAL_BY_DEFAULT = frozenset({Category.MISTREATMENT, Category.DATA_CONCERN})

# Every value's label, for the pages (a value shared by two enums has the same words).
LABELS: dict[str, str] = {
    **labels(ComplaintKind),
    **labels(Complainant),
    **labels(Category),
    **labels(Channel),
    **labels(GivenBy),
    **labels(EntryKind),
    **labels(ComplaintStatus),
}
