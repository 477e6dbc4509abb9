"""The lifecycle of a first contact and the labelled values a contact is recorded with.

A contact opens when a soldier still inside reaches the programme; a meeting is set (and may
be set again); at crossing the contact is linked to the reception and is crossed for good.
Contact may be lost, the channel compromised, or the soldier may withdraw; a lost or
withdrawn contact may be reopened. A compromised contact is never reopened: its channel is
burnt, so a renewed approach is a new contact under a new code name (docs/contacts.md).
"""

from __future__ import annotations

from haven.audit.actions import AuditAction
from haven.i18n import N_
from haven.kernel.labels import Labelled, labels
from haven.kernel.lifecycle import Lifecycle


class ContactStatus(Labelled):
    OPEN = "open", N_("Open")
    MEETING_SET = "meeting_set", N_("Meeting set")
    CROSSED = "crossed", N_("Crossed")
    LOST = "lost", N_("Contact lost")
    COMPROMISED = "compromised", N_("Compromised")
    WITHDRAWN = "withdrawn", N_("Withdrawn")


class Channel(Labelled):
    PHONE = "phone", N_("Phone")
    MESSENGER = "messenger", N_("Messenger app")
    INTERMEDIARY = "intermediary", N_("Through an intermediary")
    IN_PERSON = "in_person", N_("In person")


class CompanionsBand(Labelled):
    """How many people the soldier says will come with him: a band, never a count."""

    UNKNOWN = "unknown", N_("Not said")
    ALONE = "alone", N_("Alone")
    FEW = "1-5", N_("1 to 5 others")
    SOME = "6-20", N_("6 to 20 others")
    MANY = "21-50", N_("21 to 50 others")
    MORE = "50+", N_("More than 50 others")


class FamilyBand(Labelled):
    """How many family members he says are to be moved: a band, never a count."""

    UNKNOWN = "unknown", N_("Not said")
    NONE = "none", N_("None")
    FEW = "1-3", N_("1 to 3 people")
    SOME = "4-10", N_("4 to 10 people")
    MORE = "10+", N_("More than 10 people")


S = ContactStatus
CONTACT = Lifecycle(
    states=ContactStatus,
    transitions={
        S.OPEN: frozenset({S.MEETING_SET, S.CROSSED, S.LOST, S.COMPROMISED, S.WITHDRAWN}),
        S.MEETING_SET: frozenset({S.OPEN, S.CROSSED, S.LOST, S.COMPROMISED, S.WITHDRAWN}),
        S.LOST: frozenset({S.OPEN, S.COMPROMISED}),
        S.WITHDRAWN: frozenset({S.OPEN, S.COMPROMISED}),
        S.COMPROMISED: frozenset(),
        S.CROSSED: frozenset(),
    },
    subject_type="contact",
    action=AuditAction.CONTACT_STATUS_CHANGED,
    terminal=frozenset({S.CROSSED, S.COMPROMISED}),
    refusal=N_("The contact cannot go from “{current}” to “{target}”."),
)

# Moves made by their own forms (a meeting, the link to a reception), not by the status form.
OWN_FORM = frozenset({S.MEETING_SET, S.CROSSED})
# A move chosen on the status form needs a reason.
CHOSEN_MOVES = tuple(s for s in ContactStatus if s not in OWN_FORM)
ACTIVE = frozenset({S.OPEN, S.MEETING_SET})

CONTACT_LABELS: dict[str, str] = {
    **labels(ContactStatus),
    **labels(Channel),
    **labels(CompanionsBand),
    **labels(FamilyBand),
}
