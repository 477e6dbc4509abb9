"""What the complaints domain does when another domain's event happens."""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.complaints import service
from haven.kernel.events import handles
from haven.people.public import PersonErased
from haven.security.permissions import Actor


@handles(PersonErased, clears=("complaints",))
def forget_erased_person(session: Session, actor: Actor, event: PersonErased) -> None:
    """The person's complaints and their relatives' lose the link, the names and every text
    (their keys destroyed), and stay counted in the report (docs/complaints.md)."""
    service.forget_person(session, event.person_id)
