"""Life in internment: medical inspections (Art. 31), personal effects (Art. 18),
correspondence (Art. 71), ICRC visits (Art. 126) and advances of pay (Art. 60)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import Conflict, ValidationFailed
from haven.i18n import N_
from haven.pow import repository
from haven.pow.deadlines import local_today
from haven.pow.lifecycle import PowStatus
from haven.pow.models import (
    Correspondence,
    IcrcVisit,
    MedicalInspection,
    PayRate,
    PersonalEffect,
)
from haven.pow.schemas import (
    CardOccasion,
    CorrespondenceIn,
    EffectIn,
    InspectionIn,
    NoticeKind,
    PayCategory,
    PayRateIn,
    PlaceKind,
    VisitIn,
)
from haven.pow.service import add_card, add_notice, check_examiner, get_record
from haven.security.permissions import Actor, Permission, in_scope, require

# Art. 60: monthly advances in Swiss francs (minor units: centimes), by rank category; the
# keys are the `pay_group` of the forces' rank tables.
DEFAULT_PAY_RATES: tuple[tuple[PayCategory, str, int], ...] = (
    (PayCategory.BELOW_SERGEANT, "Category I: prisoners ranking below sergeant", 800),
    (
        PayCategory.SERGEANT,
        "Category II: sergeants and other non-commissioned officers",
        1200,
    ),
    (
        PayCategory.WARRANT_TO_CAPTAIN,
        "Category III: warrant officers and commissioned officers below major",
        5000,
    ),
    (PayCategory.MAJOR_TO_COLONEL, "Category IV: majors, lieutenant-colonels, colonels", 6000),
    (PayCategory.GENERAL, "Category V: general officers", 7500),
)


def _interned(record_status: str) -> None:
    if record_status != PowStatus.INTERNED:
        raise Conflict(N_("This prisoner is no longer interned."))


def record_inspection(
    session: Session, actor: Actor, pow_id: uuid.UUID, data: InspectionIn
) -> MedicalInspection:
    """A monthly inspection, with the state of health found and who examined the person.

    Becoming seriously ill owes a new capture card (Art. 70) and puts the prisoner on the
    weekly health report. Being newly admitted to hospital owes a new card and a notice
    (Art. 70, 122), unless the prisoner is already held at a hospital (the transfer there
    owed both); record the transfer to the hospital to give the card its present address."""
    record = get_record(session, actor, pow_id, Permission.POW_WRITE)
    _interned(record.status)
    if data.inspected_on < record.captured_on:
        raise ValidationFailed(
            fields={"inspected_on": N_("The inspection cannot be before the capture.")}
        )
    check_examiner(data.state_of_health, data.examined_by)
    previous = repository.inspections_of(session, record.id)
    was_in_hospital = bool(previous) and previous[0].hospitalised
    place = repository.place_by_id(session, record.place_id) if record.place_id else None
    at_hospital = place is not None and place.kind == PlaceKind.HOSPITAL
    inspection = MedicalInspection(
        pow_id=record.id,
        person_id=record.person_id,
        organisation_id=record.organisation_id,
        inspected_on=data.inspected_on,
        weight_grams=data.weight_grams,
        state_of_health=str(data.state_of_health) if data.state_of_health else None,
        examined_by=data.examined_by,
        seriously_ill=data.seriously_ill,
        hospitalised=data.hospitalised,
    )
    session.add(inspection)
    inspection.findings = data.findings
    admitted = data.hospitalised and not was_in_hospital and not at_hospital
    if admitted:
        add_card(session, record, CardOccasion.HOSPITAL, data.inspected_on)
    elif data.seriously_ill and not record.seriously_ill:
        add_card(session, record, CardOccasion.ILLNESS, data.inspected_on)
    if admitted:
        add_notice(session, record, NoticeKind.HOSPITAL_ADMISSION, data.inspected_on, None)
    before = record.seriously_ill
    record.seriously_ill = data.seriously_ill
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POW_INSPECTED,
        subject_type="pow",
        subject_id=record.id,
        organisation_id=record.organisation_id,
        changes={
            "inspected_on": data.inspected_on.isoformat(),
            "seriously_ill": {"before": before, "after": data.seriously_ill},
            "state_of_health": audit.REDACTED if data.state_of_health else None,
            "findings": audit.REDACTED if data.findings else None,
        },
    )
    return inspection


def inspections(session: Session, actor: Actor, pow_id: uuid.UUID) -> Sequence[MedicalInspection]:
    record = get_record(session, actor, pow_id)
    return repository.inspections_of(session, record.id)


def take_effect(
    session: Session, actor: Actor, pow_id: uuid.UUID, data: EffectIn
) -> PersonalEffect:
    """An article of value taken from a prisoner: never without a receipt (Art. 18)."""
    record = get_record(session, actor, pow_id, Permission.POW_WRITE)
    effect = PersonalEffect(
        pow_id=record.id,
        organisation_id=record.organisation_id,
        description=data.description or "",
        amount_minor=data.amount_minor,
        currency=data.currency,
        taken_on=data.taken_on,
        taken_by=data.taken_by or "",
        receipt_number=f"PE-{data.taken_on:%Y%m%d}-{secrets.token_hex(3).upper()}",
    )
    session.add(effect)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POW_EFFECT_TAKEN,
        subject_type="pow_effect",
        subject_id=effect.id,
        organisation_id=record.organisation_id,
        changes={"receipt_number": {"before": None, "after": effect.receipt_number}},
    )
    return effect


def return_effect(session: Session, actor: Actor, effect_id: uuid.UUID) -> PersonalEffect:
    effect = repository.Effects(session).get_for(actor, effect_id, Permission.POW_WRITE)
    if effect.returned_on is not None:
        raise Conflict(N_("This article has already been returned."))
    effect.returned_on = local_today()
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POW_EFFECT_RETURNED,
        subject_type="pow_effect",
        subject_id=effect.id,
        organisation_id=effect.organisation_id,
        changes={"returned_on": {"before": None, "after": effect.returned_on.isoformat()}},
    )
    return effect


def get_effect(session: Session, actor: Actor, effect_id: uuid.UUID) -> PersonalEffect:
    return repository.Effects(session).get_for(actor, effect_id, Permission.POW_READ)


def effects(session: Session, actor: Actor, pow_id: uuid.UUID) -> Sequence[PersonalEffect]:
    record = get_record(session, actor, pow_id)
    return repository.effects_of(session, record.id)


def log_correspondence(
    session: Session, actor: Actor, pow_id: uuid.UUID, data: CorrespondenceIn
) -> Correspondence:
    """One letter or card sent or received; only the fact and the date are kept."""
    record = get_record(session, actor, pow_id, Permission.POW_WRITE)
    item = Correspondence(
        pow_id=record.id,
        organisation_id=record.organisation_id,
        direction=str(data.direction),
        kind=str(data.kind),
        exchanged_on=data.exchanged_on,
    )
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POW_CORRESPONDENCE_LOGGED,
        subject_type="pow",
        subject_id=record.id,
        organisation_id=record.organisation_id,
        changes={"direction": item.direction, "kind": item.kind},
    )
    return item


def correspondence(session: Session, actor: Actor, pow_id: uuid.UUID) -> Sequence[Correspondence]:
    record = get_record(session, actor, pow_id)
    return repository.correspondence_of(session, record.id)


def record_visit(session: Session, actor: Actor, data: VisitIn) -> IcrcVisit:
    require(actor, Permission.POW_WRITE)
    place = repository.place_by_id(session, data.place_id)
    if place is None or not in_scope(actor, place):
        raise ValidationFailed(fields={"place_id": N_("Choose a place of internment.")})
    visit = IcrcVisit(
        organisation_id=place.organisation_id,
        place_id=place.id,
        visited_on=data.visited_on,
        delegates=data.delegates or "",
        private_interviews=data.private_interviews,
    )
    session.add(visit)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POW_VISIT_RECORDED,
        subject_type="pow_visit",
        subject_id=visit.id,
        organisation_id=visit.organisation_id,
        changes={
            "visited_on": data.visited_on.isoformat(),
            "private_interviews": data.private_interviews,
        },
    )
    return visit


def visits(session: Session, actor: Actor) -> Sequence[IcrcVisit]:
    require(actor, Permission.POW_READ)
    return repository.visits(session, actor)


# --- advances of pay (Art. 60) --------------------------------------------------------------


def pay_rates(session: Session, actor: Actor) -> Sequence[PayRate]:
    """The organisation's table, created with the Convention's amounts on first use."""
    require(actor, Permission.POW_PAY_MANAGE)
    if actor.organisation_id is None:
        return []
    found = repository.pay_rates(session, actor.organisation_id)
    if found:
        return found
    for position, (category, ranks, amount) in enumerate(DEFAULT_PAY_RATES):
        session.add(
            PayRate(
                organisation_id=actor.organisation_id,
                category=str(category),
                ranks=ranks,
                amount_minor=amount,
                currency="CHF",
                position=position,
            )
        )
    session.flush()
    return repository.pay_rates(session, actor.organisation_id)


def set_pay_rate(session: Session, actor: Actor, rate_id: uuid.UUID, data: PayRateIn) -> PayRate:
    require(actor, Permission.POW_PAY_MANAGE)
    rate = repository.Rates(session).get_for(actor, rate_id, Permission.POW_PAY_MANAGE)
    before = {"amount_minor": rate.amount_minor, "currency": rate.currency}
    rate.amount_minor, rate.currency = data.amount_minor, data.currency
    changes = audit.diff(before, {"amount_minor": rate.amount_minor, "currency": rate.currency})
    session.flush()
    if changes:
        audit.record(
            session,
            actor,
            AuditAction.POW_PAY_RATE_CHANGED,
            subject_type="pow_pay_rate",
            subject_id=rate.id,
            organisation_id=rate.organisation_id,
            changes={"category": rate.category, **changes},
        )
    return rate
