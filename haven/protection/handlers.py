"""What the protection domain does when another domain's event happens (docs/architecture.md)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.kernel.events import handles
from haven.people.public import PersonErased
from haven.protection import service
from haven.security.permissions import Actor


# Also unlinks the person's case from incidents (`protection_incident_cases` holds no person
# data of its own: the case's id) and their relatives (`relative_id`).
@handles(PersonErased, clears=("protection_incident_people", "protection_risk_changes"))
def erase_protection_links(session: Session, actor: Actor, event: PersonErased) -> None:
    """The erased person's links to incidents and their risk history go; an incident that
    concerned them alone loses its account (docs/protection.md, "Erasure")."""
    service.erase_person(session, event.person_id)
