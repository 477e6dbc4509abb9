"""What the contacts domain does when another domain's event happens (docs/architecture.md)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.contacts import service
from haven.kernel.events import handles
from haven.people.public import PersonErased
from haven.security.permissions import Actor


@handles(PersonErased, clears=("contacts",))
def forget_erased_person(session: Session, actor: Actor, event: PersonErased) -> None:
    """A contact linked to the erased person loses the link and its encrypted details."""
    service.on_person_erased(session, actor, event.person_id)
