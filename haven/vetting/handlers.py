"""What the vetting domain does when another domain's event happens (docs/architecture.md).

A person received, or a change to a person's record, screens the person again: their case
is opened on first screening and reopened when a new hit arrives past the interview.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from haven.kernel.events import handles, handles_many
from haven.people.public import PersonChanged, PersonErased
from haven.reception.public import PersonReceived
from haven.security.permissions import Actor
from haven.vetting import repository
from haven.vetting.screening import screen_person, screen_set


@handles(PersonReceived)
def screen_on_reception(session: Session, actor: Actor, event: PersonReceived) -> None:
    screen_person(session, event.person_id, requested_by=actor)


@handles_many(PersonReceived, instead_of=screen_on_reception)
def screen_many_on_reception(
    session: Session, actor: Actor, events: Sequence[PersonReceived]
) -> None:
    screen_set(session, [event.person_id for event in events], requested_by=actor)


@handles(PersonChanged)
def screen_on_change(session: Session, actor: Actor, event: PersonChanged) -> None:
    screen_person(session, event.person_id, requested_by=actor)


@handles(
    PersonErased,
    clears=(
        "vetting_cases",
        "vetting_decisions",
        "vetting_hearings",
        "vetting_hits",
        "vetting_reviews",
    ),
)
def erase_vetting_records(session: Session, actor: Actor, event: PersonErased) -> None:
    """Blank the assessments, reasons, statements and grounds recorded about the person."""
    repository.erase_person(session, event.person_id)
