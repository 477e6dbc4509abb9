"""Receiving a person: the minimum identity, the reception event, weapons handed over.

Child rules (IDDRS 5.20): anyone who may be under 18 is received as a child — age doubt is
resolved in the child's favour; no military question is asked or stored; the event carries
a child-protection handover deadline 48 hours after reception.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.accounts.models import Site
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import new_id, utcnow
from haven.errors import ValidationFailed
from haven.forces.public import (
    MYANMAR_ARMY,
    ensure_reference_data,
    force_by_name,
    get_force,
    get_rank,
    resolve_unit,
)
from haven.i18n import N_, Text
from haven.kernel import clock
from haven.kernel.events import publish, publish_many
from haven.people.public import (
    PERSON_KEYS,
    Person,
    ProfileUpdate,
    apply_profile,
    build_person,
    may_be_a_child,
)
from haven.reception import repository
from haven.reception.events import PersonReceived
from haven.reception.models import ReceptionEvent, WeaponItem
from haven.reception.schemas import (
    MILITARY_FIELDS,
    PRISONER_CLASSIFICATIONS,
    Classification,
    ReceptionCreate,
    WeaponIn,
)
from haven.security.permissions import Actor, Permission, Scope, in_scope, require
from haven.text.names import split_name

CHILD_HANDOVER = timedelta(hours=48)


def _site_for(session: Session, actor: Actor, site_id: uuid.UUID | None) -> Site:
    chosen = site_id or actor.site_id
    if chosen is None:
        raise ValidationFailed(fields={"site_id": N_("Choose the reception point.")})
    site = accounts.site_by_id(session, chosen)
    if site is None or not in_scope(actor, site):
        raise ValidationFailed(fields={"site_id": N_("Choose a site of this organisation.")})
    if actor.scope is Scope.SITE and not actor.is_system and chosen != actor.site_id:
        raise ValidationFailed(
            fields={"site_id": N_("You can receive people only at your own site.")}
        )
    return site


def _require_receiver(actor: Actor, data: ReceptionCreate) -> None:
    """The registrar receives anyone; the prisoner-of-war officer receives only a person
    captured or surrendered, as the first step of registering them (docs/pow.md)."""
    if data.classification in PRISONER_CLASSIFICATIONS and actor.can(Permission.POW_WRITE):
        return
    require(actor, Permission.RECEPTION_RECORD)


def _check(data: ReceptionCreate) -> None:
    fields: dict[str, Text | str] = {}
    if not data.name_my and not data.name_latin:
        fields["name_latin"] = N_("Enter the name in Myanmar script, in Latin letters, or both.")
    if data.received_on > clock.local_today():
        fields["received_on"] = N_("The date of reception cannot be in the future.")
    if data.classification is Classification.CHILD:
        for name in MILITARY_FIELDS:
            if getattr(data, name) not in (None, ""):
                fields[name] = N_(
                    "Military questions are never asked of children: leave this empty."
                )
    elif may_be_a_child(data.birth_year, data.received_on):
        fields["classification"] = N_(
            "This person may be under 18: receive them as a child (doubt is resolved in the "
            "child's favour)."
        )
    if fields:
        raise ValidationFailed(fields=fields)


def _receipt_number(received_on: date) -> str:
    return f"WR-{received_on:%Y%m%d}-{secrets.token_hex(3).upper()}"


@dataclass
class Arrival:
    """A reception checked and built, not yet written (`prepare`): the new person (with the
    profile completed at reception, if any), the event, the weapons handed over."""

    person: Person
    event: ReceptionEvent
    weapons: list[WeaponItem]
    profile_changes: dict[str, Any] | None  # the profile as `update_profile` audits it


# Units as written → the unit (or None: not a unit), for a bulk path that resolves the same
# "LIB 531" for many rows.
UnitCache = dict[tuple[uuid.UUID, str], uuid.UUID | None]


def prepare(
    session: Session,
    actor: Actor,
    data: ReceptionCreate,
    *,
    profile: ProfileUpdate | None = None,
    units: UnitCache | None = None,
) -> Arrival:
    """Every rule of a reception, checked, and the records it would write, built (ids set,
    nothing added to the session). Raises as `receive` does. A unit named for the first time
    is created here (audited), as `receive` creates it."""
    _require_receiver(actor, data)
    _check(data)
    site = _site_for(session, actor, data.site_id)
    site_id, organisation_id = site.id, site.organisation_id
    prefix = data.prefix
    name_my, name_latin = data.name_my, data.name_latin
    if prefix is None:
        for value in (name_latin, name_my):
            if value:
                split = split_name(value)
                if split.prefix:
                    prefix = split.prefix
                    break
    if name_latin:
        name_latin = split_name(name_latin).name
    if name_my:
        name_my = split_name(name_my).name
    person = build_person(
        organisation_id=organisation_id,
        site_id=site_id,
        prefix=prefix,
        name_my=name_my,
        name_latin=name_latin,
        birth_year=data.birth_year,
        birth_approximate=data.birth_year is not None,
        sex=str(data.sex),
    )
    person.id = new_id()
    event = ReceptionEvent(
        id=new_id(),
        person_id=person.id,
        organisation_id=organisation_id,
        site_id=site_id,
        classification=str(data.classification),
        received_on=data.received_on,
        recorded_by_id=actor.user_id,
        agreement_id=data.agreement_id,
        legal_basis=str(data.legal_basis),
        terms_signed=data.terms_signed,
        terms_version=data.terms_version,
    )
    if data.classification is Classification.CHILD:
        start = (
            # The date is the programme's calendar date (haven.kernel.clock): a reception
            # recorded on another day counts from that day's start in the programme's zone.
            utcnow()
            if data.received_on == clock.local_today()
            else clock.start_of_day(data.received_on)
        )
        event.child_protection_due_at = start + CHILD_HANDOVER
    else:
        _military(session, actor, event, data, units)
    changes: dict[str, Any] | None = None
    if profile is not None:
        # What `update_profile` checks and sets, on the person before it is written. The
        # person joins the session (pending: its fields are read through the session's
        # reader); the caller keeps autoflush off until it writes the set.
        require(actor, Permission.PERSON_WRITE, person)
        session.add(person)
        PERSON_KEYS.new(session, person.id)  # a new person: no key to look for
        try:
            changes = apply_profile(person, profile)
        except BaseException:
            mine = [o for o in session.new if getattr(o, "person_id", None) == person.id]
            for pending in [person, *mine]:
                session.expunge(pending)
            raise
    weapons = [_weapon(event, weapon) for weapon in data.weapons]
    return Arrival(person=person, event=event, weapons=weapons, profile_changes=changes)


def _received_entry(event: ReceptionEvent) -> audit.Entry:
    return audit.Entry(
        AuditAction.PERSON_RECEIVED,
        subject_type="person",
        subject_id=event.person_id,
        organisation_id=event.organisation_id,
        changes={
            "classification": {"before": None, "after": event.classification},
            "site_id": {"before": None, "after": str(event.site_id)},
        },
    )


def _weapon_entry(item: WeaponItem) -> audit.Entry:
    return audit.Entry(
        AuditAction.WEAPON_RECEIVED,
        subject_type="weapon",
        subject_id=item.id,
        organisation_id=item.organisation_id,
        changes={
            "kind": {"before": None, "after": item.kind},
            "receipt_number": {"before": None, "after": item.receipt_number},
        },
    )


def _received(event: ReceptionEvent) -> PersonReceived:
    return PersonReceived(
        person_id=event.person_id,
        reception_id=event.id,
        organisation_id=event.organisation_id,
        classification=event.classification,
    )


def receive(session: Session, actor: Actor, data: ReceptionCreate) -> ReceptionEvent:
    """Record an arrival: a new person with minimum identity, the event, and any weapons."""
    arrival = prepare(session, actor, data)
    session.add(arrival.person)
    session.flush()
    event = arrival.event
    session.add(event)
    session.flush()
    audit.record(session, actor, **_entry_args(_received_entry(event)))
    for weapon in data.weapons:
        add_weapon(session, actor, event, weapon)
    # Matching indexes the person, vetting screens them, pathways opens a child's case with
    # its child-protection task (due with the handover deadline): each in its handlers.
    publish(session, actor, _received(event))
    return event


def receive_many(session: Session, actor: Actor, arrivals: Sequence[Arrival]) -> None:
    """Write receptions already checked by `prepare` (an import's chunk), as `receive` and
    then `update_profile` would one by one, on the set: the persons, events and weapons in
    one INSERT each, their audit events (the same events: `person.received`,
    `weapon.received`, `person.updated` for a profile) appended at once, and `PersonReceived`
    published for all (`publish_many`: matching, vetting and pathways work on the set). The
    persons are written with their profile, so no `PersonChanged` follows."""
    require(actor, Permission.RECEPTION_RECORD)
    if not arrivals:
        return
    session.add_all([a.person for a in arrivals])
    session.flush()
    session.add_all([a.event for a in arrivals])
    session.flush()
    weapons = [item for a in arrivals for item in a.weapons]
    if weapons:
        session.add_all(weapons)
        session.flush()
    entries: list[audit.Entry] = []
    for a in arrivals:
        entries.append(_received_entry(a.event))
        entries.extend(_weapon_entry(item) for item in a.weapons)
        if a.profile_changes:
            entries.append(
                audit.Entry(
                    AuditAction.PERSON_UPDATED,
                    subject_type="person",
                    subject_id=a.person.id,
                    organisation_id=a.person.organisation_id,
                    changes=a.profile_changes,
                )
            )
    audit.record_many(session, actor, entries)
    publish_many(session, actor, [_received(a.event) for a in arrivals])


def _entry_args(entry: audit.Entry) -> dict[str, Any]:
    return {
        "action": entry.action,
        "subject_type": entry.subject_type,
        "subject_id": entry.subject_id,
        "organisation_id": entry.organisation_id,
        "changes": entry.changes,
    }


def _military(
    session: Session,
    actor: Actor,
    event: ReceptionEvent,
    data: ReceptionCreate,
    units: UnitCache | None = None,
) -> None:
    force_id = data.origin_force_id
    if force_id is None:
        # The military by name (one query); its reference data seeded only if it is missing
        # (`haven db upgrade` seeds it): checking every rank table on each reception cost a
        # desk's registration ~25 ms, inside its write transaction.
        army = force_by_name(session, MYANMAR_ARMY)
        force_id = (army if army is not None else ensure_reference_data(session)).id
    else:
        get_force(session, actor, force_id)
    event.origin_force_id = force_id
    if data.rank_id is not None:
        rank = get_rank(session, actor, data.rank_id)
        if rank.force_id != force_id:
            raise ValidationFailed(fields={"rank_id": N_("Choose a rank of the person's force.")})
        event.rank_id = rank.id
    if data.origin_unit:
        key = (force_id, data.origin_unit)
        if units is not None and key in units:
            event.origin_unit_id = units[key]
        else:
            unit = resolve_unit(session, actor, force_id, data.origin_unit)
            event.origin_unit_id = unit.id if unit else None
            if units is not None:
                units[key] = event.origin_unit_id
        event.origin_unit_text = data.origin_unit
    event.position = data.position
    event.service_months = data.service_months


def _weapon(event: ReceptionEvent, data: WeaponIn) -> WeaponItem:
    item = WeaponItem(
        id=new_id(),
        reception_id=event.id,
        organisation_id=event.organisation_id,
        site_id=event.site_id,
        receipt_number=_receipt_number(event.received_on),
        **data.model_dump(exclude={"text_encoding"}),
    )
    item.kind = str(data.kind)
    return item


def add_weapon(session: Session, actor: Actor, event: ReceptionEvent, data: WeaponIn) -> WeaponItem:
    require(actor, Permission.RECEPTION_RECORD, event)
    item = _weapon(event, data)
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.WEAPON_RECEIVED,
        subject_type="weapon",
        subject_id=item.id,
        organisation_id=event.organisation_id,
        changes={
            "kind": {"before": None, "after": item.kind},
            "receipt_number": {"before": None, "after": item.receipt_number},
        },
    )
    return item


def get_event(session: Session, actor: Actor, event_id: uuid.UUID) -> ReceptionEvent:
    return repository.Receptions(session).get_for(actor, event_id, Permission.PERSON_READ)


def events_of(session: Session, actor: Actor, person: Person) -> Sequence[ReceptionEvent]:
    require(actor, Permission.PERSON_READ, person)
    return repository.events_of(session, person.id)


def weapons_of(session: Session, actor: Actor, event: ReceptionEvent) -> Sequence[WeaponItem]:
    require(actor, Permission.PERSON_READ, event)
    return repository.weapons_of(session, event.id)


def get_weapon(session: Session, actor: Actor, weapon_id: uuid.UUID) -> WeaponItem:
    return repository.Weapons(session).get_for(actor, weapon_id, Permission.PERSON_READ)


def weapons_of_events(
    session: Session, actor: Actor, events: Sequence[ReceptionEvent]
) -> dict[uuid.UUID, list[WeaponItem]]:
    """The weapons of each event (batched: one query for a whole history)."""
    for event in events:
        require(actor, Permission.PERSON_READ, event)
    return repository.weapons_by_reception(session, [event.id for event in events])


def link_agreement(event: ReceptionEvent, agreement_id: uuid.UUID) -> None:
    """Record that the person arrived under this defection agreement (the agreements domain
    checks its own rules and writes the audit event); flushed with the caller's changes."""
    event.agreement_id = agreement_id


def record_reclassification(
    session: Session,
    actor: Actor,
    event: ReceptionEvent,
    classification: Classification,
    *,
    on: date,
) -> ReceptionEvent:
    """A new reception event for the same person under another classification (e.g. a
    prisoner who chose to defect); the earlier event stays, so the history keeps both.

    The caller checks its own permission and preconditions and writes the audit event (the
    POW registry requires a completed voluntariness check first).
    """
    require(actor, Permission.PERSON_READ, event)
    if classification is Classification.CHILD or event.classification == str(classification):
        raise ValidationFailed(fields={"classification": N_("Choose another classification.")})
    new = ReceptionEvent(
        person_id=event.person_id,
        organisation_id=event.organisation_id,
        site_id=event.site_id,
        classification=str(classification),
        received_on=on,
        recorded_by_id=actor.user_id,
        origin_force_id=event.origin_force_id,
        origin_unit_id=event.origin_unit_id,
        origin_unit_text=event.origin_unit_text,
        rank_id=event.rank_id,
        position=event.position,
        service_months=event.service_months,
        legal_basis=event.legal_basis,
    )
    session.add(new)
    session.flush()
    return new
