"""How captivity ends: death (Art. 120), release and repatriation (Art. 109, 118), escape,
and the change from prisoner to defector after a documented voluntariness check."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import Conflict, NotFound, ValidationFailed
from haven.i18n import N_
from haven.pow import repository
from haven.pow.lifecycle import PowStatus
from haven.pow.models import PowDeath, PowRecord, PowRelease, VoluntarinessCheck
from haven.pow.schemas import (
    DeathIn,
    DefectIn,
    EscapeIn,
    NoticeKind,
    Outcome,
    ReleaseIn,
    ReleaseKind,
    VoluntarinessIn,
    WishIn,
)
from haven.pow.service import add_notice, get_record, move
from haven.reception.public import (
    Classification,
    ReceptionEvent,
    reception_by_id,
    record_reclassification,
)
from haven.security.permissions import Actor, Permission


def _not_before_capture(record: PowRecord, day: object, field: str) -> None:
    if isinstance(day, type(record.captured_on)) and day < record.captured_on:
        raise ValidationFailed(fields={field: N_("This date cannot be before the capture.")})


def record_death(session: Session, actor: Actor, pow_id: uuid.UUID, data: DeathIn) -> PowDeath:
    """The death certificate's items and the grave's registration; a notice is owed."""
    record = get_record(session, actor, pow_id, Permission.POW_WRITE)
    _not_before_capture(record, data.died_on, "died_on")
    move(session, actor, record, PowStatus.DECEASED)
    death = PowDeath(
        pow_id=record.id,
        person_id=record.person_id,
        organisation_id=record.organisation_id,
        died_on=data.died_on,
        place_of_death=data.place_of_death or "",
        buried_on=data.buried_on,
        burial_place=data.burial_place,
        grave_number=data.grave_number,
        cremated=data.cremated,
        cremation_reason=data.cremation_reason,
        certificate_number=f"DC-{data.died_on:%Y%m%d}-{secrets.token_hex(3).upper()}",
    )
    session.add(death)
    death.cause = data.cause
    add_notice(session, record, NoticeKind.DEATH, data.died_on, data.place_of_death)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POW_DEATH_RECORDED,
        subject_type="pow",
        subject_id=record.id,
        organisation_id=record.organisation_id,
        changes={"status": {"before": "interned", "after": "deceased"}, "cause": audit.REDACTED},
    )
    return death


def get_death(session: Session, actor: Actor, death_id: uuid.UUID) -> PowDeath:
    return repository.Deaths(session).get_for(actor, death_id, Permission.POW_READ)


def death_certificate(session: Session, actor: Actor, pow_id: uuid.UUID) -> PowDeath:
    """The certificate, for reading or printing: the read is audited (personal data)."""
    record = get_record(session, actor, pow_id)
    death = repository.death_of(session, record.id)
    if death is None:
        raise NotFound
    audit.record(
        session,
        actor,
        AuditAction.POW_DEATH_CERTIFICATE_VIEWED,
        subject_type="pow",
        subject_id=record.id,
        organisation_id=record.organisation_id,
    )
    return death


def set_wish(session: Session, actor: Actor, pow_id: uuid.UUID, data: WishIn) -> PowRecord:
    """Record that the person does not wish to be repatriated (or no longer so wishes)."""
    record = get_record(session, actor, pow_id, Permission.POW_WRITE)
    before = record.wishes_not_repatriated
    record.wishes_not_repatriated = data.wishes_not_repatriated
    session.flush()
    if before != data.wishes_not_repatriated:
        audit.record(
            session,
            actor,
            AuditAction.POW_WISH_RECORDED,
            subject_type="pow",
            subject_id=record.id,
            organisation_id=record.organisation_id,
            changes={
                "wishes_not_repatriated": {"before": before, "after": data.wishes_not_repatriated}
            },
        )
    return record


def release(session: Session, actor: Actor, pow_id: uuid.UUID, data: ReleaseIn) -> PowRelease:
    """Release or repatriate. Nobody is repatriated against a recorded wish not to be
    (Art. 109: not against their will during hostilities; the same is applied at the end of
    hostilities, where a person may fear persecution): release them instead."""
    record = get_record(session, actor, pow_id, Permission.POW_WRITE)
    _not_before_capture(record, data.released_on, "released_on")
    if data.kind is ReleaseKind.REPATRIATION and record.wishes_not_repatriated:
        raise Conflict(
            N_(
                "This person has said they do not wish to be repatriated: record a release "
                "instead, or record first that their wish has changed."
            )
        )
    before = record.status
    to = PowStatus.REPATRIATED if data.kind is ReleaseKind.REPATRIATION else PowStatus.RELEASED
    move(session, actor, record, to)
    item = PowRelease(
        pow_id=record.id,
        organisation_id=record.organisation_id,
        kind=str(data.kind),
        grounds=str(data.grounds),
        released_on=data.released_on,
        wishes_not_repatriated=record.wishes_not_repatriated,
    )
    session.add(item)
    kind = NoticeKind.REPATRIATION if to is PowStatus.REPATRIATED else NoticeKind.RELEASE
    add_notice(session, record, kind, data.released_on, None)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POW_RELEASED,
        subject_type="pow",
        subject_id=record.id,
        organisation_id=record.organisation_id,
        changes={"status": {"before": before, "after": str(to)}, "grounds": item.grounds},
    )
    return item


def escape(session: Session, actor: Actor, pow_id: uuid.UUID, data: EscapeIn) -> PowRecord:
    record = get_record(session, actor, pow_id, Permission.POW_WRITE)
    _not_before_capture(record, data.escaped_on, "escaped_on")
    move(session, actor, record, PowStatus.ESCAPED)
    add_notice(session, record, NoticeKind.ESCAPE, data.escaped_on, None)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POW_ESCAPED,
        subject_type="pow",
        subject_id=record.id,
        organisation_id=record.organisation_id,
        changes={"status": {"before": "interned", "after": "escaped"}},
    )
    return record


def releases(session: Session, actor: Actor, pow_id: uuid.UUID) -> Sequence[PowRelease]:
    record = get_record(session, actor, pow_id)
    return repository.releases_of(session, record.id)


# --- from prisoner to defector --------------------------------------------------------------


def record_check(
    session: Session, actor: Actor, pow_id: uuid.UUID, data: VoluntarinessIn
) -> VoluntarinessCheck:
    """Document the voluntariness interview. It is *complete* only when the interviewer is
    independent of the detaining unit, the unit was not present, the person's own statement
    is recorded and the outcome is not inconclusive; every check is kept, complete or not."""
    record = get_record(session, actor, pow_id, Permission.POW_WRITE)
    if record.status != PowStatus.INTERNED:
        raise Conflict(N_("This prisoner is no longer interned."))
    complete = (
        data.interviewer_independent
        and data.detaining_unit_absent
        and bool(data.statement)
        and data.outcome is not Outcome.INCONCLUSIVE
    )
    check = VoluntarinessCheck(
        pow_id=record.id,
        person_id=record.person_id,
        organisation_id=record.organisation_id,
        interviewer_name=data.interviewer_name or "",
        interviewer_independent=data.interviewer_independent,
        detaining_unit_absent=data.detaining_unit_absent,
        interviewed_on=data.interviewed_on,
        outcome=str(data.outcome),
        completed_at=utcnow() if complete else None,
        recorded_by_id=actor.user_id,
    )
    session.add(check)
    check.statement = data.statement
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POW_VOLUNTARINESS_CHECKED,
        subject_type="pow",
        subject_id=record.id,
        organisation_id=record.organisation_id,
        changes={
            "check_id": str(check.id),
            "outcome": check.outcome,
            "complete": complete,
            "statement": audit.REDACTED if data.statement else None,
        },
    )
    return check


def checks(session: Session, actor: Actor, pow_id: uuid.UUID) -> Sequence[VoluntarinessCheck]:
    record = get_record(session, actor, pow_id)
    return repository.checks_of(session, record.id)


def defect(session: Session, actor: Actor, pow_id: uuid.UUID, data: DefectIn) -> ReceptionEvent:
    """Change a prisoner to a defector: refused (409) without a completed voluntariness check
    of this prisoner whose outcome is voluntary. The reception history gains a new
    `defector` event beside the original `surrendered`/`captured` one; the POW record stays,
    closed with the status `defected`."""
    record = get_record(session, actor, pow_id, Permission.POW_WRITE)
    check = repository.Checks(session).get(data.check_id)
    if check is None or check.pow_id != record.id:
        raise Conflict(N_("Record a voluntariness check of this prisoner first."))
    if check.completed_at is None:
        raise Conflict(
            N_(
                "The voluntariness check is not complete: it needs an interviewer independent "
                "of the detaining unit, the unit absent, and the person's own statement."
            )
        )
    if check.outcome != Outcome.VOLUNTARY:
        raise Conflict(N_("The voluntariness check did not find the choice voluntary."))
    if check.used_at is not None:
        raise Conflict(N_("This voluntariness check has already been used."))
    if data.changed_on < check.interviewed_on:
        raise ValidationFailed(
            fields={"changed_on": N_("The change cannot be before the interview.")}
        )
    move(session, actor, record, PowStatus.DEFECTED)
    original = reception_by_id(session, record.reception_id)
    if original is None:  # pragma: no cover - a foreign key guarantees it
        raise NotFound
    event = record_reclassification(
        session, actor, original, Classification.DEFECTOR, on=data.changed_on
    )
    check.used_at = utcnow()
    add_notice(session, record, NoticeKind.RELEASE, data.changed_on, None)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POW_DEFECTED,
        subject_type="pow",
        subject_id=record.id,
        organisation_id=record.organisation_id,
        changes={
            "status": {"before": "interned", "after": "defected"},
            "check_id": str(check.id),
            "reception_id": {"before": str(original.id), "after": str(event.id)},
        },
    )
    return event
