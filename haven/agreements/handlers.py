"""What the agreements domain does when another domain's event happens (docs/architecture.md)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.agreements import posting, repository
from haven.agreements.models import RollEntry
from haven.kernel.erasure import blanked
from haven.kernel.events import handles
from haven.people.public import PersonErased
from haven.security.permissions import Actor


@handles(PersonErased, clears=("agreement_roll_entries",))
def erase_roll_entries(session: Session, actor: Actor, event: PersonErased) -> None:
    """The roll entry the person arrived as keeps its place but no longer names them: its
    encrypted identity and name index go, and it is marked erased."""
    repository.erase_roll_entries_of(session, event.person_id, blanked=blanked(RollEntry))


@handles(PersonErased, clears=("agreement_posting_overrides",))
def erase_override_reasons(session: Session, actor: Actor, event: PersonErased) -> None:
    """An override of the person's posting stays listed on the agreement (who decided, from
    and to); its reason is blanked."""
    posting.erase_override_reasons_of(session, event.person_id)
