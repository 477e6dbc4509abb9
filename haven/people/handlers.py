"""What the people domain does when another domain's event happens (docs/architecture.md).

Erasure is published by this domain and handled here like in every other domain, so that
the test of erasure coverage sees one eraser per table.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.kernel.events import handles
from haven.people import erasure, repository
from haven.people.events import PersonErased
from haven.security.permissions import Actor


@handles(PersonErased, clears=("persons", "person_keys", "family_members", "person_photos"))
def erase_identity(session: Session, actor: Actor, event: PersonErased) -> None:
    """Shred the key, blank the person's identity, delete relatives and photo."""
    person = repository.person_by_id(session, event.person_id)
    if person is not None:
        erasure.shred(session, person)
