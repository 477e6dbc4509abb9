"""What the allowances domain does when another domain's event happens (docs/architecture.md).

Entitlements are kept current by events: a person received (one, or an import's many), a
pathway chosen, a reception corrected, a birth year corrected (a child) or a vetting decision
recomputes that person's entitlements at once, in the same transaction
(`entitlements.keep_current`: a few queries per person, or per chunk of an import). A change
of the plan itself concerns everyone and stays a reviewed step ("Recompute everyone", a job
for many people).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from haven.agreements.public import AgreementTermsSet
from haven.allowances import entitlements, repository
from haven.allowances.lifecycle import PlanStatus
from haven.errors import ValidationFailed
from haven.i18n import N_
from haven.kernel.events import handles, handles_many
from haven.kernel.plan_choices import PlanChoice, lists
from haven.pathways.public import PathwayChosen
from haven.people.public import FamilyChanged, PersonChanged, PersonErased
from haven.reception.public import PersonReceived, ReceptionCorrected
from haven.security.permissions import Actor
from haven.vetting.public import VettingOutcomeDecided
from haven.weapons.public import WeaponsReceivedChanged


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


@lists
def plan_versions_to_choose(session: Session, actor: Actor) -> Sequence[PlanChoice]:
    """The plan versions an agreement of the actor's organisation may refer to, newest first
    (name, number, date and state only: the agreement's forms offer them)."""
    return [
        PlanChoice(
            id=v.id,
            name=v.name,
            number=v.number,
            effective_from=v.effective_from,
            status_label=PlanStatus(v.status).label,
        )
        for v in repository.PlanVersions(session).listed(actor)
    ]


@handles(PersonReceived)
def entitle_received(session: Session, actor: Actor, event: PersonReceived) -> None:
    """A person just received is owed what the plan in force says, at once."""
    entitlements.keep_current(session, actor, [event.person_id], reason="person received")


@handles_many(PersonReceived, instead_of=entitle_received)
def entitle_received_many(session: Session, actor: Actor, events: Sequence[PersonReceived]) -> None:
    """An import's persons, in one recomputation (a few queries per chunk of persons).

    Before any plan is published nothing is owed, so nothing is loaded: a person received is
    new (no instalments, no agreement yet) and a published version is never withdrawn, so
    with none published the recomputation would write nothing (it cost an import's step
    about 10 ms and 0.5 ms a person)."""
    organisations = {event.organisation_id for event in events}
    if not repository.PlanVersions(session).any_published(organisations):
        return
    ids = [event.person_id for event in events]
    entitlements.keep_current(session, actor, ids, reason="persons received")


@handles(PathwayChosen)
def entitle_on_pathway(session: Session, actor: Actor, event: PathwayChosen) -> None:
    """A pathway decides the relocation and settlement grants (and any component limited to
    a pathway)."""
    entitlements.keep_current(session, actor, [event.person_id], reason="pathway chosen")


@handles(ReceptionCorrected)
def entitle_on_correction(session: Session, actor: Actor, event: ReceptionCorrected) -> None:
    """A corrected rank, classification or weapon changes what is owed."""
    entitlements.keep_current(session, actor, [event.person_id], reason="reception corrected")


@handles(PersonChanged)
def entitle_on_identity(session: Session, actor: Actor, event: PersonChanged) -> None:
    """A corrected birth year may make the person a child (delivered, never cash)."""
    if not any("birth" in name for name in event.fields):
        return
    entitlements.keep_current(session, actor, [event.person_id], reason="identity changed")


@handles(FamilyChanged)
def entitle_on_family(session: Session, actor: Actor, event: FamilyChanged) -> None:
    """A relative added, corrected or removed may change the dependants counted. Before any
    plan is published nothing is owed (a demo or an import records families first)."""
    if not repository.PlanVersions(session).any_published({event.organisation_id}):
        return
    entitlements.keep_current(session, actor, [event.person_id], reason="family changed")


@handles(VettingOutcomeDecided)
def entitle_on_vetting(session: Session, actor: Actor, event: VettingOutcomeDecided) -> None:
    """A referral cancels what is unpaid; a component may be limited to vetting outcomes."""
    entitlements.keep_current(session, actor, [event.person_id], reason="vetting decided")


@handles(WeaponsReceivedChanged)
def entitle_on_weapons(session: Session, actor: Actor, event: WeaponsReceivedChanged) -> None:
    """An item taken into store (serviceability assessed) or marked not received changes the
    weapon reward (docs/weapons.md). Before any plan is published nothing is owed."""
    if not repository.PlanVersions(session).any_published({event.organisation_id}):
        return
    entitlements.keep_current(session, actor, [event.person_id], reason="weapons received")
