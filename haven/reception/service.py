"""Receiving a person: the minimum identity, the reception event, weapons handed over.

Child rules (IDDRS 5.20): anyone who may be under 18 is received as a child — age doubt is
resolved in the child's favour; no military question is asked or stored; the event carries
a child-protection handover deadline 48 hours after reception.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.accounts.models import Site
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import ValidationFailed
from haven.forces.public import ensure_reference_data, get_force, get_rank, resolve_unit
from haven.i18n import N_, Text
from haven.kernel import clock
from haven.kernel.events import publish
from haven.people.public import Person, may_be_a_child, new_person
from haven.reception import repository
from haven.reception.events import PersonReceived
from haven.reception.models import ReceptionEvent, WeaponItem
from haven.reception.schemas import MILITARY_FIELDS, Classification, ReceptionCreate, WeaponIn
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


def receive(session: Session, actor: Actor, data: ReceptionCreate) -> ReceptionEvent:
    """Record an arrival: a new person with minimum identity, the event, and any weapons."""
    require(actor, Permission.RECEPTION_RECORD)
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
    person = new_person(
        session,
        organisation_id=organisation_id,
        site_id=site_id,
        prefix=prefix,
        name_my=name_my,
        name_latin=name_latin,
        birth_year=data.birth_year,
        birth_approximate=data.birth_year is not None,
        sex=str(data.sex),
    )
    event = ReceptionEvent(
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
        _military(session, actor, event, data)
    session.add(event)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.PERSON_RECEIVED,
        subject_type="person",
        subject_id=person.id,
        organisation_id=organisation_id,
        changes={
            "classification": {"before": None, "after": event.classification},
            "site_id": {"before": None, "after": str(site_id)},
        },
    )
    for weapon in data.weapons:
        add_weapon(session, actor, event, weapon)
    # Matching indexes the person, vetting screens them, pathways opens a child's case with
    # its child-protection task (due with the handover deadline): each in its handlers.
    publish(
        session,
        actor,
        PersonReceived(
            person_id=person.id,
            reception_id=event.id,
            organisation_id=organisation_id,
            classification=event.classification,
        ),
    )
    return event


def _military(session: Session, actor: Actor, event: ReceptionEvent, data: ReceptionCreate) -> None:
    force_id = data.origin_force_id
    if force_id is None:
        force_id = ensure_reference_data(session).id
    else:
        get_force(session, actor, force_id)
    event.origin_force_id = force_id
    if data.rank_id is not None:
        rank = get_rank(session, actor, data.rank_id)
        if rank.force_id != force_id:
            raise ValidationFailed(fields={"rank_id": N_("Choose a rank of the person's force.")})
        event.rank_id = rank.id
    if data.origin_unit:
        unit = resolve_unit(session, actor, force_id, data.origin_unit)
        event.origin_unit_id = unit.id if unit else None
        event.origin_unit_text = data.origin_unit
    event.position = data.position
    event.service_months = data.service_months


def add_weapon(session: Session, actor: Actor, event: ReceptionEvent, data: WeaponIn) -> WeaponItem:
    require(actor, Permission.RECEPTION_RECORD, event)
    item = WeaponItem(
        reception_id=event.id,
        organisation_id=event.organisation_id,
        site_id=event.site_id,
        receipt_number=_receipt_number(event.received_on),
        **data.model_dump(exclude={"text_encoding"}),
    )
    item.kind = str(data.kind)
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
