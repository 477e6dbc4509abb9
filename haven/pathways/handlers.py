"""What the pathways domain does when another domain's event happens (docs/architecture.md)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.kernel.events import handles
from haven.pathways import repository, service, work
from haven.people.public import PersonErased
from haven.reception.public import ChildHandedOver, Classification, PersonReceived
from haven.security.permissions import Actor
from haven.vetting.public import Outcome, VettingOutcomeDecided


@handles(PersonReceived)
def open_a_childs_case(session: Session, actor: Actor, event: PersonReceived) -> None:
    """A child received: their case opens (unassigned) with the child-protection task, due
    with reception's 48-hour handover deadline."""
    if event.classification == Classification.CHILD:
        service.on_child_received(session, actor, event.person_id, event.organisation_id)


@handles(ChildHandedOver)
def close_child_protection_task(session: Session, actor: Actor, event: ChildHandedOver) -> None:
    """The child was handed over to child protection: the case's 48-hour task is done."""
    work.close_child_protection_task(session, actor, event.person_id)


@handles(VettingOutcomeDecided)
def end_serving_when_excluded(session: Session, actor: Actor, event: VettingOutcomeDecided) -> None:
    """A person who chose to serve and is then referred for accountability, or found not a
    member of the force, may serve no longer (docs/standing.md): their case gets a task to
    record what they choose now."""
    if event.outcome in (Outcome.REFERRED, Outcome.NOT_ELIGIBLE):
        service.on_serving_closed(
            session, actor, event.person_id, not_eligible=event.outcome == Outcome.NOT_ELIGIBLE
        )


@handles(
    PersonErased,
    clears=(
        "cases",
        "pathway_choices",
        "case_notes",
        "referrals",
        "serve_records",
        "home_plans",
        "home_visits",
        "exile_plans",
        "exile_steps",
    ),
)
def erase_case_records(session: Session, actor: Actor, event: PersonErased) -> None:
    """Blank what the case records say about the person (statements, notes, places, plans)."""
    repository.erase_person(session, event.person_id)
