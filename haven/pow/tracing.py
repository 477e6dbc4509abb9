"""Tracing notices with consent: nothing about a prisoner who changed sides goes to the
tracing agency without the person's informed choice (docs/pow.md).

When a prisoner defects, every notice of theirs that has not left yet is withheld and their
unsent capture cards are superseded; no notice is queued. The person then chooses, having
been told what each choice means, with a witness: no notice (also what holds while nothing is
recorded), a private message to their family, or a notice that they were released. Only that
choice queues a notice, and only the one it names. A later choice supersedes the earlier one
and withholds its notice if it has not left yet.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import Conflict, ValidationFailed
from haven.i18n import N_, Text
from haven.pow import repository
from haven.pow.lifecycle import PowStatus
from haven.pow.models import PowRecord, TracingConsent
from haven.pow.schemas import NoticeKind, TracingChoice, TracingIn
from haven.pow.service import add_notice, get_record
from haven.security.permissions import Actor

NOTICE_OF_CHOICE: dict[TracingChoice, NoticeKind | None] = {
    TracingChoice.NO_NOTICE: None,
    TracingChoice.FAMILY_PRIVATELY: NoticeKind.FAMILY_PRIVATE,
    TracingChoice.AS_RELEASED: NoticeKind.RELEASE,
}


def withhold_on_defection(session: Session, record: PowRecord) -> tuple[int, int]:
    """Withhold every notice of the prisoner that has not left and supersede every unsent
    capture card: (notices withheld, cards superseded)."""
    now = utcnow()
    notices = repository.unsent_notices_of(session, record.id)
    for notice in notices:
        notice.withheld_at = now
    cards = repository.open_cards(session, record.id)
    for card in cards:
        card.superseded_at = now
    return len(notices), len(cards)


def apply_choice(
    session: Session, actor: Actor, record: PowRecord, data: TracingIn, *, left_on: date
) -> TracingConsent:
    """Record the person's choice (the record has defected) and queue only what it names;
    `left_on` is the day they left captivity, the date a notice "as released" gives."""
    if record.status != PowStatus.DEFECTED:
        raise Conflict(
            N_(
                "Only a person who changed sides chooses what the tracing agency learns; "
                "a prisoner's notices follow the Convention."
            )
        )
    fields: dict[str, Text | str] = {}
    if not data.witness_name:
        fields["witness_name"] = N_("Name the witness of the person's choice.")
    if not data.informed:
        fields["informed"] = N_(
            "Explain each choice to the person first (who would learn what), then confirm "
            "that it was explained."
        )
    if data.chosen_on < record.captured_on:
        fields["chosen_on"] = N_("This date cannot be before the capture.")
    if fields:
        raise ValidationFailed(fields=fields)
    current = repository.current_consent(session, record.id)
    if current is not None and current.choice == data.choice:
        raise Conflict(N_("This is already the person's current choice."))
    now = utcnow()
    withdrawn = False
    if current is not None:
        current.superseded_at = now
        old = repository.notice_by_id(session, current.notice_id) if current.notice_id else None
        if old is not None and old.exported_at is None and old.withheld_at is None:
            old.withheld_at = now
            withdrawn = True
        session.flush()
    kind = NOTICE_OF_CHOICE[data.choice]
    notice = None
    if kind is not None:
        on = left_on if kind is NoticeKind.RELEASE else data.chosen_on
        notice = add_notice(session, record, kind, on, None)
        session.flush()
    consent = TracingConsent(
        pow_id=record.id,
        organisation_id=record.organisation_id,
        choice=str(data.choice),
        chosen_on=data.chosen_on,
        witness_name=data.witness_name or "",
        informed=data.informed,
        notice_id=notice.id if notice is not None else None,
        recorded_by_id=actor.user_id,
    )
    session.add(consent)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.POW_TRACING_CHOICE_RECORDED,
        subject_type="pow",
        subject_id=record.id,
        organisation_id=record.organisation_id,
        changes={
            "choice": {
                "before": current.choice if current is not None else None,
                "after": consent.choice,
            },
            "consent_id": str(consent.id),
            "notice_id": str(notice.id) if notice is not None else None,
            "earlier_notice_withheld": withdrawn,
            "chosen_on": data.chosen_on.isoformat(),
        },
    )
    return consent


def consents(session: Session, actor: Actor, pow_id: uuid.UUID) -> Sequence[TracingConsent]:
    record = get_record(session, actor, pow_id)
    return repository.consents_of(session, record.id)
