"""What the families domain does when another domain's event happens (docs/architecture.md).

Erasure runs before the people domain deletes the person's relatives (`haven.wiring` loads
this module first), so that an agreement's plans can keep the counts of the relatives they
lose; were it otherwise, the relatives' rows would still leave the plans (the foreign key
cascades) and only the counts would be lost.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.families import service
from haven.kernel.events import handles
from haven.people.public import PersonErased
from haven.security.permissions import Actor


@handles(PersonErased, clears=("family_plans",))
def erase_family_plans(session: Session, actor: Actor, event: PersonErased) -> None:
    """The person's plans go (with their steps, relatives' rows and key); agreements' plans
    drop the person's relatives and keep their counts. (Steps and keys are the plan's own,
    not a person's data; relatives' rows hold ids only.)"""
    service.erase_person(session, event.person_id)
