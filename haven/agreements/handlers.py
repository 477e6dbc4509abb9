"""What the agreements domain does when another domain's event happens (docs/architecture.md)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.agreements import repository
from haven.kernel.events import handles
from haven.kernel.keys import name_key
from haven.people.public import ERASED_NAME, PersonErased
from haven.security.permissions import Actor


@handles(PersonErased, clears=("agreement_roll_entries",))
def erase_roll_entries(session: Session, actor: Actor, event: PersonErased) -> None:
    """The roll entry the person arrived as is blanked like the person's own name."""
    repository.erase_roll_entries_of(
        session, event.person_id, erased_name=ERASED_NAME, erased_key=name_key(None, None)
    )
