"""What the matching domain does when another domain's event happens (docs/architecture.md):
a person received or changed is indexed again and likely duplicates are queued for review."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from haven.kernel.events import handles, handles_many
from haven.matching import service
from haven.people.public import PersonChanged, PersonErased
from haven.reception.public import PersonReceived, ReceptionCorrected
from haven.security.permissions import Actor


@handles(PersonReceived)
def index_received(session: Session, actor: Actor, event: PersonReceived) -> None:
    service.index_person(session, actor, event.person_id, source="reception")


@handles_many(PersonReceived, instead_of=index_received)
def index_many_received(session: Session, actor: Actor, events: Sequence[PersonReceived]) -> None:
    service.index_people(session, actor, [event.person_id for event in events], source="reception")


@handles(PersonChanged)
def index_changed(session: Session, actor: Actor, event: PersonChanged) -> None:
    service.index_person(session, actor, event.person_id, source="profile")


@handles(ReceptionCorrected)
def index_corrected(session: Session, actor: Actor, event: ReceptionCorrected) -> None:
    """A reception's unit (part of the comparison profile) was corrected."""
    if "origin_unit" not in event.fields:
        return
    service.index_person(session, actor, event.person_id, source="profile")


@handles(PersonErased, clears=("match_keys", "match_profiles"))
def forget_erased(session: Session, actor: Actor, event: PersonErased) -> None:
    """The person's comparison profile and name keys are derived from their names: they go.
    (Reviews and merges stay: ids, scores and reason codes, the record of a decision.)"""
    service.forget(session, event.person_id)
