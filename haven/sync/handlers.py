"""What synchronisation does when another domain's event happens: a person erased takes
their conflicts with them (both values are the person's data)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.kernel.events import handles
from haven.people.public import PersonErased
from haven.security.permissions import Actor
from haven.sync import repository


@handles(PersonErased, clears=("sync_conflicts",))
def forget_conflicts(session: Session, actor: Actor, event: PersonErased) -> None:
    repository.delete_conflicts_of_person(session, event.person_id)
