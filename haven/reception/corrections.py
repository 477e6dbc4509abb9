"""Corrections of a reception after the fact, and the handover of a child to child protection.

A correction changes what was recorded wrongly at reception — the rank, unit, position,
length of service, date received, and the person's names and year of birth as written at
the desk — and keeps a history: every correction is a row with the old and new values and
the required reason (encrypted under the person's data key), who made it and when, audited.
The person's own fields change through the people domain (`update_profile`: audited,
`PersonChanged` re-indexes and re-screens them); the reception's fields here, announced by
`ReceptionCorrected` (matching indexes the person's unit again). Nothing military is ever
recorded for a child (IDDRS 5.20, the Paris Principles).

The handover of a child (within 48 hours of reception) is recorded once: to which kind of
child-protection actor, which one, when; it ends the dashboard's deadline alert and
`ChildHandedOver` closes the child's case task (pathways).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import Conflict, ValidationFailed
from haven.forces.public import get_rank, resolve_unit
from haven.i18n import N_, Text
from haven.kernel import clock
from haven.kernel.events import publish
from haven.people.public import ProfileUpdate, get_person, update_profile
from haven.reception import repository
from haven.reception.events import ChildHandedOver, ReceptionCorrected
from haven.reception.models import ReceptionCorrection, ReceptionEvent, WeaponItem
from haven.reception.schemas import (
    MILITARY_FIELDS,
    PERSON_CORRECTABLE,
    RECEPTION_CORRECTABLE,
    ChildHandoverIn,
    Classification,
    ReceptionCorrectionIn,
    WeaponIn,
)
from haven.reception.service import CHILD_HANDOVER, add_weapon
from haven.security.permissions import Actor, Permission, require
from haven.text.names import split_name

NOTHING_CHANGED = N_("Nothing was changed: correct at least one field, or go back.")
# A clock a minute or two ahead of the server's is not "the future".
_CLOCK_SLACK = timedelta(minutes=5)


def reception_for_correction(
    session: Session, actor: Actor, reception_id: uuid.UUID
) -> ReceptionEvent:
    """The reception, if the actor may correct it (404 outside their scope, 403 without the
    right to record receptions)."""
    return repository.Receptions(session).get_for(actor, reception_id, Permission.RECEPTION_RECORD)


def _plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _check(event: ReceptionEvent, data: ReceptionCorrectionIn, sent: set[str]) -> None:
    fields: dict[str, Text | str] = {}
    if event.classification == Classification.CHILD.value:
        for name in MILITARY_FIELDS:
            if name in sent and getattr(data, name) not in (None, ""):
                fields[name] = N_(
                    "Military questions are never asked of children: leave this empty."
                )
    if "received_on" in sent:
        if data.received_on is None:
            fields["received_on"] = N_("This field is required.")
        elif data.received_on > clock.local_today():
            fields["received_on"] = N_("The date of reception cannot be in the future.")
    if fields:
        raise ValidationFailed(fields=fields)


def _person_changes(
    session: Session,
    actor: Actor,
    event: ReceptionEvent,
    data: ReceptionCorrectionIn,
    sent: set[str],
) -> dict[str, dict[str, Any]]:
    """The names and year of birth corrected through the people domain (which audits the
    change and publishes `PersonChanged`); returns old and new values for the history."""
    wanted = {name for name in PERSON_CORRECTABLE if name in sent}
    if not wanted:
        return {}
    person = get_person(session, actor, event.person_id)
    update: dict[str, Any] = {}
    for name in ("name_my", "name_latin"):
        if name not in wanted:
            continue
        value: str | None = getattr(data, name)
        if value:
            split = split_name(value)
            value = split.name
            if split.prefix and not person.prefix:
                update["prefix"] = split.prefix
        if value != getattr(person, name):
            update[name] = value
    if "birth_year" in wanted and data.birth_year != person.birth_year:
        update["birth_year"] = data.birth_year
    changes = {
        name: {"before": _plain(getattr(person, name)), "after": _plain(value)}
        for name, value in update.items()
        if name != "prefix"
    }
    if changes:
        # Already clean text (checked at this module's schema): no second Zawgyi detection.
        update_profile(
            session,
            actor,
            person.id,
            ProfileUpdate.model_validate(update | {"text_encoding": "unicode"}),
        )
    return changes


def _reception_changes(
    session: Session,
    actor: Actor,
    event: ReceptionEvent,
    data: ReceptionCorrectionIn,
    sent: set[str],
) -> dict[str, dict[str, Any]]:
    changes: dict[str, dict[str, Any]] = {}

    def change(name: str, before: Any, after: Any) -> None:
        if before != after:
            changes[name] = {"before": _plain(before), "after": _plain(after)}

    is_child = event.classification == Classification.CHILD.value
    if "received_on" in sent and data.received_on is not None:
        change("received_on", event.received_on, data.received_on)
        event.received_on = data.received_on
        if is_child and event.child_protection_handed_over_at is None and "received_on" in changes:
            # The 48 hours run from the corrected day's start in the programme's zone.
            event.child_protection_due_at = clock.start_of_day(data.received_on) + CHILD_HANDOVER
    if is_child:
        return changes  # nothing military, ever
    if "origin_unit" in sent:
        change("origin_unit", event.origin_unit_text, data.origin_unit)
        if "origin_unit" in changes:
            unit = (
                resolve_unit(session, actor, event.origin_force_id, data.origin_unit)
                if data.origin_unit and event.origin_force_id
                else None
            )
            event.origin_unit_id = unit.id if unit else None
            event.origin_unit_text = data.origin_unit
    if "rank_id" in sent:
        if data.rank_id is not None:
            rank = get_rank(session, actor, data.rank_id)
            if event.origin_force_id is not None and rank.force_id != event.origin_force_id:
                raise ValidationFailed(
                    fields={"rank_id": N_("Choose a rank of the person's force.")}
                )
        change("rank_id", event.rank_id, data.rank_id)
        event.rank_id = data.rank_id
    if "position" in sent:
        change("position", event.position, data.position)
        event.position = data.position
    if "service_months" in sent:
        change("service_months", event.service_months, data.service_months)
        event.service_months = data.service_months
    return changes


def correct_reception(
    session: Session, actor: Actor, reception_id: uuid.UUID, data: ReceptionCorrectionIn
) -> ReceptionCorrection:
    """Correct the fields sent (a field sent empty is cleared) and keep the correction in
    the history. Raises ValidationFailed when nothing changes."""
    event = reception_for_correction(session, actor, reception_id)
    sent = set(data.model_fields_set) & set(PERSON_CORRECTABLE + RECEPTION_CORRECTABLE)
    _check(event, data, sent)
    person_changes = _person_changes(session, actor, event, data, sent)
    reception_changes = _reception_changes(session, actor, event, data, sent)
    changes = person_changes | reception_changes
    if not changes:
        raise ValidationFailed(NOTHING_CHANGED)
    correction = ReceptionCorrection(
        reception_id=event.id,
        person_id=event.person_id,
        organisation_id=event.organisation_id,
        corrected_by_id=actor.user_id,
        fields=",".join(sorted(changes)),
    )
    correction.changes = changes
    correction.reason = data.reason
    session.add(correction)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.RECEPTION_CORRECTED,
        subject_type="reception",
        subject_id=event.id,
        organisation_id=event.organisation_id,
        # Reception fields are personal, not confidential (the names are audited by the
        # people domain's `person.updated`); the reason stays in the encrypted history.
        changes={
            **reception_changes,
            "corrected_fields": {"before": None, "after": sorted(changes)},
        },
    )
    if reception_changes:
        publish(
            session,
            actor,
            ReceptionCorrected(
                person_id=event.person_id,
                reception_id=event.id,
                organisation_id=event.organisation_id,
                fields=frozenset(reception_changes),
            ),
        )
    return correction


def corrections_of_person(
    session: Session, actor: Actor, person_id: uuid.UUID
) -> list[ReceptionCorrection]:
    """The history of corrections of the person's receptions, newest first."""
    person = get_person(session, actor, person_id)
    require(actor, Permission.PERSON_READ, person)
    return list(repository.corrections_of(session, person.id))


def corrections_of_event(
    session: Session, actor: Actor, reception_id: uuid.UUID
) -> list[ReceptionCorrection]:
    event = repository.Receptions(session).get_for(actor, reception_id, Permission.PERSON_READ)
    return list(repository.corrections_of_event(session, event.id))


def add_weapons_later(
    session: Session, actor: Actor, event: ReceptionEvent, weapons: Sequence[WeaponIn]
) -> list[WeaponItem]:
    """Weapons handed over after the reception was recorded, each with its receipt (audited
    one by one); `ReceptionCorrected` (fields: weapons) lets the allowances domain recompute
    what is owed (weapon rewards)."""
    items = [add_weapon(session, actor, event, weapon) for weapon in weapons]
    if items:
        publish(
            session,
            actor,
            ReceptionCorrected(
                person_id=event.person_id,
                reception_id=event.id,
                organisation_id=event.organisation_id,
                fields=frozenset({"weapons"}),
            ),
        )
    return items


# --- the handover of a child ----------------------------------------------------------------


def _instant(value: datetime | None) -> datetime:
    """A time typed at the desk is in the programme's zone; without one, now."""
    if value is None:
        return utcnow()
    if value.tzinfo is None:
        value = value.replace(tzinfo=clock.programme_zone())
    return value.astimezone(UTC)


def record_child_handover(
    session: Session, actor: Actor, reception_id: uuid.UUID, data: ChildHandoverIn
) -> ReceptionEvent:
    """Record that the child was handed over to child protection (once)."""
    event = reception_for_correction(session, actor, reception_id)
    if event.classification != Classification.CHILD.value:
        raise Conflict(N_("Only a child is handed over to child protection."))
    if event.child_protection_handed_over_at is not None:
        raise Conflict(N_("The handover of this child is already recorded."))
    when = _instant(data.handed_over_at)
    if when > utcnow() + _CLOCK_SLACK:
        raise ValidationFailed(
            fields={"handed_over_at": N_("The handover cannot be in the future.")}
        )
    if when < clock.start_of_day(event.received_on):
        raise ValidationFailed(
            fields={"handed_over_at": N_("The handover cannot be before the child was received.")}
        )
    event.child_protection_handed_over_at = when
    event.child_protection_handed_over_to = str(data.handed_over_to)
    event.child_protection_receiver = data.receiver
    event.child_protection_handed_over_by_id = actor.user_id
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.CHILD_HANDED_OVER,
        subject_type="reception",
        subject_id=event.id,
        organisation_id=event.organisation_id,
        changes={
            "handed_over_to": {"before": None, "after": str(data.handed_over_to)},
            "receiver": {"before": None, "after": data.receiver},
            "handed_over_at": {"before": None, "after": when.isoformat()},
        },
    )
    publish(
        session,
        actor,
        ChildHandedOver(
            person_id=event.person_id, reception_id=event.id, organisation_id=event.organisation_id
        ),
    )
    return event
