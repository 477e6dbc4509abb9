"""What the allowances domain does when another domain's event happens (docs/architecture.md)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from haven.agreements.public import AgreementTermsSet
from haven.allowances import repository
from haven.errors import ValidationFailed
from haven.i18n import N_
from haven.kernel.events import handles
from haven.people.public import PersonErased
from haven.security.permissions import Actor


@handles(AgreementTermsSet)
def refuse_unknown_plan_version(session: Session, actor: Actor, event: AgreementTermsSet) -> None:
    """An agreement may refer only to a version of the defection plan that exists."""
    if event.plan_version_id is None:
        return
    if repository.PlanVersions(session).get(event.plan_version_id) is None:
        raise ValidationFailed(
            fields={"plan_version_id": N_("Choose a version of the defection plan.")}
        )


@handles(PersonErased, clears=("allowance_disbursements",))
def erase_receipt_photos(session: Session, actor: Actor, event: PersonErased) -> None:
    """The photos of the person's signed receipts go; the payments stay in the ledger."""
    repository.Disbursements(session).erase_person(event.person_id)
