"""What the cards domain does when another domain's event happens (docs/architecture.md)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.cards import repository
from haven.db.types import utcnow
from haven.kernel.events import handles
from haven.people.public import PersonErased
from haven.security.permissions import Actor


@handles(PersonErased, clears=("cards",))
def revoke_and_blank_cards(session: Session, actor: Actor, event: PersonErased) -> None:
    """An erased person's cards are revoked (left the programme) and their signed payloads,
    which hold the names, blanked; the numbers stay so that revocation lists still name them."""
    repository.erase_person(session, event.person_id, utcnow())
