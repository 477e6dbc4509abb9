"""Every query of the prisoner-of-war registry."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.pow.models import (
    CaptureCard,
    Correspondence,
    IcrcVisit,
    MedicalInspection,
    PayRate,
    PersonalEffect,
    PowDeath,
    PowNotice,
    PowPlace,
    PowRecord,
    PowRelease,
    PowTransfer,
    VoluntarinessCheck,
)
from haven.pow.schemas import PowStatus
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, visible_to


def record_of_person(session: Session, person_id: uuid.UUID) -> PowRecord | None:
    return session.scalar(select(PowRecord).where(PowRecord.person_id == person_id))


def records(session: Session, actor: Actor, *, limit: int = 500) -> Sequence[PowRecord]:
    return session.scalars(
        select(PowRecord)
        .where(visible_to(actor, PowRecord, site_column=None))
        .order_by(PowRecord.captured_on.desc(), PowRecord.id)
        .limit(limit)
    ).all()


def interned(session: Session, actor: Actor) -> Sequence[PowRecord]:
    return session.scalars(
        select(PowRecord).where(
            visible_to(actor, PowRecord, site_column=None),
            PowRecord.status == str(PowStatus.INTERNED),
        )
    ).all()


def latest_reception(session: Session, person_id: uuid.UUID) -> ReceptionEvent | None:
    return session.scalar(
        select(ReceptionEvent)
        .where(ReceptionEvent.person_id == person_id)
        .order_by(ReceptionEvent.received_on.desc(), ReceptionEvent.id.desc())
        .limit(1)
    )


def unregistered_prisoners(
    session: Session, actor: Actor, classifications: Sequence[str], *, limit: int = 200
) -> Sequence[ReceptionEvent]:
    """Reception events of prisoners that have no POW record yet."""
    return session.scalars(
        select(ReceptionEvent)
        .where(
            visible_to(actor, ReceptionEvent),
            ReceptionEvent.classification.in_(classifications),
            ReceptionEvent.person_id.not_in(select(PowRecord.person_id)),
        )
        .order_by(ReceptionEvent.received_on.desc())
        .limit(limit)
    ).all()


def places(session: Session, actor: Actor) -> Sequence[PowPlace]:
    return session.scalars(
        select(PowPlace).where(visible_to(actor, PowPlace)).order_by(PowPlace.name)
    ).all()


def cards_of(session: Session, pow_id: uuid.UUID) -> Sequence[CaptureCard]:
    return session.scalars(
        select(CaptureCard).where(CaptureCard.pow_id == pow_id).order_by(CaptureCard.due_on)
    ).all()


def open_cards(session: Session, pow_id: uuid.UUID) -> Sequence[CaptureCard]:
    return session.scalars(
        select(CaptureCard).where(
            CaptureCard.pow_id == pow_id,
            CaptureCard.sent_on.is_(None),
            CaptureCard.superseded_at.is_(None),
        )
    ).all()


def board_cards(session: Session, actor: Actor) -> Sequence[CaptureCard]:
    """Every card not superseded, of the actor's organisation."""
    return session.scalars(
        select(CaptureCard)
        .where(visible_to(actor, CaptureCard), CaptureCard.superseded_at.is_(None))
        .order_by(CaptureCard.due_on)
    ).all()


def transfers_of(session: Session, pow_id: uuid.UUID) -> Sequence[PowTransfer]:
    return session.scalars(
        select(PowTransfer).where(PowTransfer.pow_id == pow_id).order_by(PowTransfer.moved_on)
    ).all()


def inspections_of(session: Session, pow_id: uuid.UUID) -> Sequence[MedicalInspection]:
    return session.scalars(
        select(MedicalInspection)
        .where(MedicalInspection.pow_id == pow_id)
        .order_by(MedicalInspection.inspected_on.desc())
    ).all()


def last_inspections(session: Session, actor: Actor) -> dict[uuid.UUID, date]:
    rows = session.execute(
        select(MedicalInspection.pow_id, func.max(MedicalInspection.inspected_on))
        .where(visible_to(actor, MedicalInspection))
        .group_by(MedicalInspection.pow_id)
    ).all()
    return {row[0]: row[1] for row in rows}


def effects_of(session: Session, pow_id: uuid.UUID) -> Sequence[PersonalEffect]:
    return session.scalars(
        select(PersonalEffect)
        .where(PersonalEffect.pow_id == pow_id)
        .order_by(PersonalEffect.taken_on)
    ).all()


def correspondence_of(session: Session, pow_id: uuid.UUID) -> Sequence[Correspondence]:
    return session.scalars(
        select(Correspondence)
        .where(Correspondence.pow_id == pow_id)
        .order_by(Correspondence.exchanged_on.desc())
    ).all()


def visits(session: Session, actor: Actor, *, limit: int = 50) -> Sequence[IcrcVisit]:
    return session.scalars(
        select(IcrcVisit)
        .where(visible_to(actor, IcrcVisit))
        .order_by(IcrcVisit.visited_on.desc())
        .limit(limit)
    ).all()


def pay_rates(session: Session, organisation_id: uuid.UUID) -> Sequence[PayRate]:
    return session.scalars(
        select(PayRate).where(PayRate.organisation_id == organisation_id).order_by(PayRate.position)
    ).all()


def death_of(session: Session, pow_id: uuid.UUID) -> PowDeath | None:
    return session.scalar(select(PowDeath).where(PowDeath.pow_id == pow_id))


def releases_of(session: Session, pow_id: uuid.UUID) -> Sequence[PowRelease]:
    return session.scalars(select(PowRelease).where(PowRelease.pow_id == pow_id)).all()


def checks_of(session: Session, pow_id: uuid.UUID) -> Sequence[VoluntarinessCheck]:
    return session.scalars(
        select(VoluntarinessCheck)
        .where(VoluntarinessCheck.pow_id == pow_id)
        .order_by(VoluntarinessCheck.created_at)
    ).all()


def notices_of(session: Session, pow_id: uuid.UUID) -> Sequence[PowNotice]:
    return session.scalars(
        select(PowNotice).where(PowNotice.pow_id == pow_id).order_by(PowNotice.occurred_on)
    ).all()


def pending_notices(session: Session, actor: Actor) -> Sequence[PowNotice]:
    return session.scalars(
        select(PowNotice)
        .where(visible_to(actor, PowNotice), PowNotice.exported_at.is_(None))
        .order_by(PowNotice.occurred_on, PowNotice.id)
    ).all()


def seriously_ill(session: Session, actor: Actor) -> Sequence[PowRecord]:
    return session.scalars(
        select(PowRecord).where(
            visible_to(actor, PowRecord, site_column=None),
            PowRecord.seriously_ill.is_(True),
            PowRecord.status == str(PowStatus.INTERNED),
        )
    ).all()
