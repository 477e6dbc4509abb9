"""What the agreements domain does when another domain's event happens (docs/architecture.md)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from haven.agreements import posting, repository
from haven.agreements.models import RollEntry
from haven.families.public import (
    AgreementPeople,
    finds_agreement_people,
    finds_agreement_references,
)
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


@finds_agreement_people
def people_received_under(session: Session, agreement_id: uuid.UUID) -> AgreementPeople | None:
    """The agreement and the people received under it (its arrivals), for the families
    domain's plans; the families domain checks the actor's scope."""
    agreement = repository.agreement(session, agreement_id)
    if agreement is None:
        return None
    return AgreementPeople(
        agreement_id=agreement.id,
        organisation_id=agreement.organisation_id,
        reference=agreement.reference,
        person_ids=frozenset(a.person_id for a in repository.arrivals_of(session, agreement.id)),
    )


@finds_agreement_references
def agreement_references(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Agreements' references by id (never their code names), batched."""
    return {a.id: a.reference for a in repository.Agreements(session).many(ids).values()}
