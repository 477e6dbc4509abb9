"""What synchronisation does when another domain's event happens: a person erased takes
their conflicts with them (both values are the person's data); a laptop reported lost or
seized in a security incident is revoked at once (`haven.sync.seizure`)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.kernel.events import handles
from haven.people.public import PersonErased
from haven.protection.public import DeviceCompromised
from haven.security.permissions import Actor
from haven.sync import repository, seizure


@handles(PersonErased, clears=("sync_conflicts",))
def forget_conflicts(session: Session, actor: Actor, event: PersonErased) -> None:
    repository.delete_conflicts_of_person(session, event.person_id)


@handles(DeviceCompromised)
def revoke_compromised_laptop(session: Session, actor: Actor, event: DeviceCompromised) -> None:
    seizure.revoke_for_incident(session, actor, event)
