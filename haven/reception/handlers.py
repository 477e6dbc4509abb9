"""What the reception domain does when another domain's event happens (docs/architecture.md)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.kernel.events import handles
from haven.people.public import PersonErased
from haven.reception import repository
from haven.security.permissions import Actor


@handles(PersonErased, clears=("reception_events", "reception_corrections"))
def erase_receptions(session: Session, actor: Actor, event: PersonErased) -> None:
    """The events stay, anonymous, for aggregate statistics; what was written of the person
    (position, the unit as written, the values and reasons of corrections) goes."""
    repository.erase_person(session, event.person_id)
