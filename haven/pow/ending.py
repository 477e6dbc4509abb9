"""How captivity ends: death (Art. 120), release and repatriation (Art. 109, 118), escape,
and the change from prisoner to defector after a completed voluntariness check.

Every release and repatriation records a risk assessment and never hands the person to the
party they left (`safeguards`); repatriation, a change of path ("home"), needs a completed
voluntariness check as defection does (`voluntariness`); a defection queues no notice for the
tracing agency: only the person's own choice does (`tracing`). See docs/pow.md.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import Conflict, NotFound, ValidationFailed
from haven.i18n import N_
from haven.kernel import custody
from haven.kernel.custody import CustodyAct
from haven.pow import repository, safeguards, tracing, voluntariness
from haven.pow.lifecycle import STATUS, PowStatus
from haven.pow.models import PowDeath, PowRecord, PowRelease, TracingConsent
from haven.pow.schemas import (
    DeathIn,
    DefectIn,
    EscapeIn,
    Movement,
    NoticeKind,
    PrisonerPath,
    ReleaseIn,
    ReleaseKind,
    TracingIn,
    WishIn,
)
from haven.pow.service import add_notice, get_record, move
from haven.reception.public import (
    Classification,
    ReceptionEvent,
    latest_reception,
    reception_by_id,
    record_reclassification,
)
from haven.security.permissions import Actor, Permission

HOME_NEEDS_CHECK = N_(
    "Repatriation changes the prisoner's path: record first a complete voluntariness check in "
    "which the person chooses to go home, or record a release instead."
)


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
    hostilities, where a person may fear persecution): release them instead. Repatriation is
    the person's path home: it needs a completed voluntariness check in which they chose it.
    Neither ever hands the person to the party they left, and each records its risk
    assessment (docs/pow.md)."""
    record = get_record(session, actor, pow_id, Permission.POW_WRITE)
    _not_before_capture(record, data.released_on, "released_on")
    if data.kind is ReleaseKind.REPATRIATION and record.wishes_not_repatriated:
        raise Conflict(
            N_(
                "This person has said they do not wish to be repatriated: record a release "
                "instead, or record first that their wish has changed."
            )
        )
    repatriation = data.kind is ReleaseKind.REPATRIATION
    to = PowStatus.REPATRIATED if repatriation else PowStatus.RELEASED
    STATUS.check(record.status, to)
    # The person's standing: one referred for accountability stays in custody (docs/standing.md).
    act = CustodyAct.REPATRIATION if repatriation else CustodyAct.RELEASE
    custody.require_allowed(session, record.person_id, act)
    safeguards.refuse_party_left(session, record.person_id, data.receiving_force_id)
    if repatriation:
        voluntariness.require_voluntary(
            session, record, PrisonerPath.HOME, none_message=HOME_NEEDS_CHECK
        )
    movement = Movement.REPATRIATION if repatriation else Movement.RELEASE
    assessment = safeguards.assess(
        session, actor, record, movement, data, moved_on=data.released_on
    )
    before = record.status
    move(session, actor, record, to)
    session.flush()
    item = PowRelease(
        pow_id=record.id,
        organisation_id=record.organisation_id,
        kind=str(data.kind),
        grounds=str(data.grounds),
        released_on=data.released_on,
        wishes_not_repatriated=record.wishes_not_repatriated,
        receiving_force_id=data.receiving_force_id,
        risk_assessment_id=assessment.id,
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
        changes={
            "status": {"before": before, "after": str(to)},
            "grounds": item.grounds,
            **safeguards.assessment_changes(assessment),
        },
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


def defect(session: Session, actor: Actor, pow_id: uuid.UUID, data: DefectIn) -> ReceptionEvent:
    """Change a prisoner to a defector: refused (409) unless the chosen check is this
    prisoner's latest complete check, finds the choice voluntary, names defection among the
    paths the person chose, and was not used before. The reception history gains a new
    `defector` event beside the original `surrendered`/`captured` one; the POW record stays,
    closed with the status `defected`.

    Nothing is queued for the tracing agency: the prisoner's notices that have not left are
    withheld and unsent capture cards superseded; only the person's own informed choice
    (`data.tracing`, or recorded later) queues a notice, and only the one it names."""
    record = get_record(session, actor, pow_id, Permission.POW_WRITE)
    named = repository.Checks(session).get(data.check_id)
    if named is None or named.pow_id != record.id:
        raise voluntariness.VoluntarinessRequired(voluntariness.NO_CHECK)
    check = voluntariness.require_voluntary(session, record, PrisonerPath.DEFECT, named)
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
    withheld, superseded = tracing.withhold_on_defection(session, record)
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
            "notices_withheld": withheld,
            "cards_superseded": superseded,
        },
    )
    if data.tracing is not None:
        tracing.apply_choice(session, actor, record, data.tracing, left_on=data.changed_on)
    return event


def _left_on(session: Session, record: PowRecord) -> date:
    """The day the prisoner left captivity by defecting (their `defector` reception)."""
    event = latest_reception(session, record.person_id, military_only=True)
    if event is not None and event.classification == Classification.DEFECTOR:
        return event.received_on
    return record.status_changed_at.date()  # pragma: no cover - defect() records the event


def record_tracing_choice(
    session: Session, actor: Actor, pow_id: uuid.UUID, data: TracingIn
) -> TracingConsent:
    """The informed choice of a person who changed sides about the tracing agency."""
    record = get_record(session, actor, pow_id, Permission.POW_WRITE)
    return tracing.apply_choice(session, actor, record, data, left_on=_left_on(session, record))
