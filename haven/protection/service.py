"""The rules of the protection domain: incidents recorded, edited, moved and acted on; the
people and cases they touch; a person's risk raised by incidents and lowered only by a person
with a reason. Every change is audited in the same transaction; names, places and narratives
never enter the trail (marked changed, or counted).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.types import utcnow
from haven.errors import NotFound, ValidationFailed
from haven.i18n import N_
from haven.kernel.clock import local_today
from haven.kernel.events import publish
from haven.pathways.public import cases_of_people
from haven.people.public import FamilyMember, Person, RiskLevel, persons_by_id
from haven.protection import repository
from haven.protection.events import DeviceCompromised
from haven.protection.lifecycle import DEVICE_KINDS, INCIDENT, IncidentKind, Touch, level_for
from haven.protection.models import (
    Incident,
    IncidentAction,
    IncidentCase,
    IncidentMove,
    IncidentPerson,
    RiskChange,
)
from haven.protection.schemas import ActionIn, IncidentIn, IncidentUpdate, LinkIn, MoveIn, RiskIn
from haven.security.permissions import Actor, Permission, in_scope, require

SUBJECT = "protection_incident"
REDACTED = "<changed>"
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O or U
NO_SUCH_PEOPLE = N_("One of these people is not a person of your organisation.")
NOT_THEIR_RELATIVE = N_("Choose a relative of one of the people the incident concerns.")
REPORTED_BEFORE = N_("The incident cannot be reported before it happened.")
NOT_LOWER = N_("Choose a level lower than the current one: only incidents raise a level.")


def _organisation(actor: Actor) -> uuid.UUID:
    if actor.organisation_id is None:
        raise ValidationFailed(N_("Record incidents as a user of an organisation."))
    return actor.organisation_id


def _reference(session: Session) -> str:
    """A random reference (`S-` and seven characters): a running number would tell how many
    incidents the programme had between two of them."""
    while True:
        reference = "S-" + "".join(secrets.choice(_ALPHABET) for _ in range(7))
        if not repository.reference_taken(session, reference):
            return reference


def _people(session: Session, actor: Actor, person_ids: Collection[uuid.UUID]) -> list[Person]:
    """The persons named, each within the actor's organisation and not erased."""
    wanted = list(dict.fromkeys(person_ids))
    found = persons_by_id(session, wanted)
    people: list[Person] = []
    for person_id in wanted:
        person = found.get(person_id)
        if person is None or not in_scope(actor, person) or person.erased_at is not None:
            raise ValidationFailed(fields={"person_ids": NO_SUCH_PEOPLE})
        people.append(person)
    return people


def _relative(
    session: Session, relative_id: uuid.UUID | None, person_ids: Collection[uuid.UUID]
) -> FamilyMember | None:
    if relative_id is None:
        return None
    member = repository.family_member(session, relative_id)
    if member is None or member.person_id not in set(person_ids):
        raise ValidationFailed(fields={"relative_id": NOT_THEIR_RELATIVE})
    return member


def _touched_ids(session: Session, incident: Incident) -> list[uuid.UUID]:
    return [t.person_id for t in repository.touched(session, incident.id)]


# --- risk -----------------------------------------------------------------------------------


def raise_risk(
    session: Session, actor: Actor, incident: Incident, person_ids: Collection[uuid.UUID]
) -> int:
    """Raise the people's risk to the level the incident gives, never lowering anyone's;
    how many were raised."""
    level = level_for(incident.kind, incident.severity)
    raised = 0
    now = utcnow()
    for person in repository.persons_for_update(session, person_ids):
        before = RiskLevel(person.risk_level)
        if person.erased_at is not None or before.rank >= level.rank:
            continue
        person.risk_level = level.value
        person.risk_since = now
        person.risk_incident_id = incident.id
        session.add(
            RiskChange(
                person_id=person.id,
                organisation_id=person.organisation_id,
                from_level=before.value,
                to_level=level.value,
                incident_id=incident.id,
                changed_by_id=actor.user_id,
                created_at=now,
            )
        )
        audit.record(
            session,
            actor,
            AuditAction.PROTECTION_RISK_RAISED,
            subject_type="person",
            subject_id=person.id,
            organisation_id=person.organisation_id,
            changes={
                "risk_level": {"before": before.value, "after": level.value},
                "incident_id": str(incident.id),
            },
        )
        raised += 1
    session.flush()
    return raised


def _visible_person(session: Session, actor: Actor, person_id: uuid.UUID) -> Person:
    person = persons_by_id(session, [person_id]).get(person_id)
    if person is None or not in_scope(actor, person) or person.erased_at is not None:
        raise NotFound
    return person


def person_risk(
    session: Session, actor: Actor, person_id: uuid.UUID
) -> tuple[Person, Sequence[RiskChange]]:
    """A person's risk level and its history (newest first)."""
    require(actor, Permission.SECURITY_INCIDENT_READ)
    person = _visible_person(session, actor, person_id)
    return person, repository.risk_history(session, person.id)


def lower_risk(session: Session, actor: Actor, person_id: uuid.UUID, data: RiskIn) -> Person:
    """Lower a person's risk level, with the reason (incidents only ever raise it)."""
    require(actor, Permission.SECURITY_INCIDENT_WRITE)
    person = _visible_person(session, actor, person_id)
    before = RiskLevel(person.risk_level)
    if data.level.rank >= before.rank:
        raise ValidationFailed(fields={"level": NOT_LOWER})
    now = utcnow()
    person.risk_level = data.level.value
    person.risk_since = now
    person.risk_incident_id = None
    change = RiskChange(
        person_id=person.id,
        organisation_id=person.organisation_id,
        from_level=before.value,
        to_level=data.level.value,
        changed_by_id=actor.user_id,
        created_at=now,
    )
    session.add(change)
    change.reason = data.reason
    audit.record(
        session,
        actor,
        AuditAction.PROTECTION_RISK_LOWERED,
        subject_type="person",
        subject_id=person.id,
        organisation_id=person.organisation_id,
        changes={
            "risk_level": {"before": before.value, "after": data.level.value},
            "reason": REDACTED,
        },
    )
    session.flush()
    return person


# --- incidents ------------------------------------------------------------------------------


def _link(
    session: Session,
    actor: Actor,
    incident: Incident,
    people: Sequence[Person],
    touch: Touch,
) -> list[uuid.UUID]:
    """Link the people (those not linked yet) and their cases; raise their risk. The ids of
    the people newly linked."""
    already = set(_touched_ids(session, incident))
    new = [p.id for p in people if p.id not in already]
    for person_id in new:
        session.add(
            IncidentPerson(
                incident_id=incident.id,
                organisation_id=incident.organisation_id,
                person_id=person_id,
                touch=touch.value,
            )
        )
    linked_cases = set(repository.cases_of(session, incident.id))
    for case in cases_of_people(session, new).values():
        if case.id not in linked_cases:
            session.add(
                IncidentCase(
                    incident_id=incident.id,
                    organisation_id=incident.organisation_id,
                    case_id=case.id,
                )
            )
    session.flush()
    raise_risk(session, actor, incident, new)
    return new


def record_incident(session: Session, actor: Actor, data: IncidentIn) -> Incident:
    """Record an incident, link the people it concerns (and their cases), raise their risk;
    for a lost or seized field laptop, have it revoked at once (`DeviceCompromised`)."""
    require(actor, Permission.SECURITY_INCIDENT_WRITE)
    organisation_id = _organisation(actor)
    reported_on = data.reported_on or local_today()
    if reported_on < data.occurred_on:
        raise ValidationFailed(fields={"reported_on": REPORTED_BEFORE})
    if data.node is not None and data.kind not in DEVICE_KINDS:
        raise ValidationFailed(
            fields={"node": N_("Name a field laptop only for a lost or seized device.")}
        )
    people = _people(session, actor, data.person_ids)
    relative = _relative(session, data.relative_id, [p.id for p in people])
    now = utcnow()
    incident = Incident(
        organisation_id=organisation_id,
        reference=_reference(session),
        kind=data.kind.value,
        severity=data.severity.value,
        state="open",
        occurred_on=data.occurred_on,
        reported_on=reported_on,
        relative_id=relative.id if relative else None,
        recorded_by_id=actor.user_id,
        state_changed_at=now,
        state_changed_by_id=actor.user_id,
    )
    session.add(incident)
    session.flush()
    incident.place = data.place
    incident.narrative = data.narrative
    audit.record(
        session,
        actor,
        AuditAction.PROTECTION_INCIDENT_RECORDED,
        subject_type=SUBJECT,
        subject_id=incident.id,
        organisation_id=organisation_id,
        changes={
            "kind": incident.kind,
            "severity": incident.severity,
            "occurred_on": incident.occurred_on.isoformat(),
            "reported_on": incident.reported_on.isoformat(),
            "people": len(people),
            "relative": relative is not None,
            "place": REDACTED if data.place else None,
            "narrative": REDACTED,
        },
    )
    _link(session, actor, incident, people, Touch.LINKED)
    if data.node is not None and data.kind in DEVICE_KINDS:
        publish(
            session,
            actor,
            DeviceCompromised(
                incident_id=incident.id,
                organisation_id=organisation_id,
                node=data.node,
                seized=data.kind == IncidentKind.DEVICE_SEIZED,
            ),
        )
    return incident


def _for_write(session: Session, actor: Actor, incident_id: uuid.UUID) -> Incident:
    return repository.Incidents(session).get_for(
        actor, incident_id, Permission.SECURITY_INCIDENT_WRITE
    )


def update_incident(
    session: Session, actor: Actor, incident_id: uuid.UUID, data: IncidentUpdate
) -> Incident:
    """Correct an incident (not its kind); a higher severity raises the people it touches."""
    incident = _for_write(session, actor, incident_id)
    given = data.model_fields_set
    changes: dict[str, Any] = {}
    occurred = data.occurred_on if data.occurred_on is not None else incident.occurred_on
    reported = data.reported_on if data.reported_on is not None else incident.reported_on
    if reported < occurred:
        raise ValidationFailed(fields={"reported_on": REPORTED_BEFORE})
    if "relative_id" in given and data.relative_id != incident.relative_id:
        _relative(session, data.relative_id, _touched_ids(session, incident))
        changes["relative"] = {
            "before": incident.relative_id is not None,
            "after": data.relative_id is not None,
        }
        incident.relative_id = data.relative_id
    for name in ("severity", "occurred_on", "reported_on"):
        value = getattr(data, name)
        if value is None:
            continue
        stored = value.value if name == "severity" else value
        before = getattr(incident, name)
        if stored != before:
            changes[name] = {
                "before": before.isoformat() if isinstance(before, date) else before,
                "after": stored.isoformat() if isinstance(stored, date) else stored,
            }
            setattr(incident, name, stored)
    for name in ("place", "narrative"):
        if name not in given:
            continue
        value = getattr(data, name)
        if name == "narrative" and value is None:
            raise ValidationFailed(fields={"narrative": N_("This field is required.")})
        if value != getattr(incident, name):
            setattr(incident, name, value)
            changes[name] = REDACTED
    if not changes:
        return incident
    audit.record(
        session,
        actor,
        AuditAction.PROTECTION_INCIDENT_UPDATED,
        subject_type=SUBJECT,
        subject_id=incident.id,
        organisation_id=incident.organisation_id,
        changes=changes,
    )
    session.flush()
    if "severity" in changes:
        raise_risk(session, actor, incident, _touched_ids(session, incident))
    return incident


def move_incident(session: Session, actor: Actor, incident_id: uuid.UUID, data: MoveIn) -> Incident:
    """Move an incident (open → responding → closed; reopen), with the reason."""
    incident = _for_write(session, actor, incident_id)
    before = INCIDENT.move(session, actor, incident, data.state, changes={"reason": REDACTED})
    now = utcnow()
    incident.state_changed_at = now
    incident.state_changed_by_id = actor.user_id
    move = IncidentMove(
        incident_id=incident.id,
        organisation_id=incident.organisation_id,
        from_state=before.value,
        to_state=data.state.value,
        moved_by_id=actor.user_id,
        moved_at=now,
    )
    session.add(move)
    move.reason = data.reason
    session.flush()
    return incident


def add_action(
    session: Session, actor: Actor, incident_id: uuid.UUID, data: ActionIn
) -> IncidentAction:
    """Add a dated entry to the log of actions taken."""
    incident = _for_write(session, actor, incident_id)
    action = IncidentAction(
        incident_id=incident.id,
        organisation_id=incident.organisation_id,
        taken_on=data.taken_on,
        recorded_by_id=actor.user_id,
    )
    session.add(action)
    action.text = data.text
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.PROTECTION_INCIDENT_ACTION_ADDED,
        subject_type=SUBJECT,
        subject_id=incident.id,
        organisation_id=incident.organisation_id,
        changes={"taken_on": data.taken_on.isoformat(), "text": REDACTED},
    )
    return action


def link_people(session: Session, actor: Actor, incident_id: uuid.UUID, data: LinkIn) -> Incident:
    """Link more people (and their cases) to an incident; their risk is raised."""
    incident = _for_write(session, actor, incident_id)
    people = _people(session, actor, data.person_ids)
    new = _link(session, actor, incident, people, Touch.LINKED)
    if new:
        audit.record(
            session,
            actor,
            AuditAction.PROTECTION_INCIDENT_LINKED,
            subject_type=SUBJECT,
            subject_id=incident.id,
            organisation_id=incident.organisation_id,
            changes={"people": [str(i) for i in new]},
        )
    return incident


def record_device_holdings(
    session: Session,
    actor: Actor,
    incident_id: uuid.UUID,
    *,
    node_id: uuid.UUID,
    node_name: str,
    revoked_at: Any,
    held: dict[str, Any],
    person_ids: Sequence[uuid.UUID],
) -> Incident:
    """Synchronisation's answer to `DeviceCompromised`: the node revoked, what it held
    (counts and times, encrypted on the incident), and the people it held, who are touched
    by the incident (their risk raised). Called in the reporter's transaction."""
    incident = repository.Incidents(session).get(incident_id)
    if incident is None:
        raise NotFound
    incident.node_id = node_id
    incident.node_name = node_name
    incident.node_revoked_at = revoked_at
    incident.held = held
    people = [
        p
        for p in persons_by_id(session, person_ids).values()
        if p.organisation_id == incident.organisation_id and p.erased_at is None
    ]
    new = _link(session, actor, incident, sorted(people, key=lambda p: str(p.id)), Touch.DEVICE)
    audit.record(
        session,
        actor,
        AuditAction.PROTECTION_DEVICE_HOLDINGS_RECORDED,
        subject_type=SUBJECT,
        subject_id=incident.id,
        organisation_id=incident.organisation_id,
        changes={"node_id": str(node_id), "people": len(people), "newly_touched": len(new)},
    )
    return incident


# --- reading --------------------------------------------------------------------------------


def list_incidents(
    session: Session,
    actor: Actor,
    *,
    kind: str | None = None,
    state: str | None = None,
    severity: str | None = None,
    newest_first: bool = True,
    limit: int = 50,
    offset: int = 0,
) -> tuple[Sequence[Incident], int]:
    """A page of the organisation's incidents (their accounts are not decrypted here)."""
    require(actor, Permission.SECURITY_INCIDENT_READ)
    return repository.incident_page(
        session,
        actor,
        kind=kind,
        state=state,
        severity=severity,
        newest_first=newest_first,
        limit=limit,
        offset=offset,
    )


@dataclass(frozen=True)
class Touched:
    person_id: uuid.UUID
    reference: str
    name: str | None  # only for those who may read people
    touch: str
    risk_level: str


@dataclass(frozen=True)
class IncidentView:
    incident: Incident
    people: list[Touched]
    case_ids: list[uuid.UUID]
    case_references: dict[uuid.UUID, str]
    actions: Sequence[IncidentAction]
    moves: Sequence[IncidentMove]
    relative: FamilyMember | None


def _called(person: Person) -> str:
    return person.name_latin or person.name_my or ""


def get_incident(
    session: Session, actor: Actor, incident_id: uuid.UUID, *, audited: bool = True
) -> IncidentView:
    """An incident with everything about it; the read is audited (not when it is the answer
    to a change the actor just made, which is audited as that change)."""
    incident = repository.Incidents(session).get_for(
        actor, incident_id, Permission.SECURITY_INCIDENT_READ
    )
    if audited:
        audit.record(
            session,
            actor,
            AuditAction.PROTECTION_INCIDENT_VIEWED,
            subject_type=SUBJECT,
            subject_id=incident.id,
            organisation_id=incident.organisation_id,
        )
    links = repository.touched(session, incident.id)
    persons = persons_by_id(session, [t.person_id for t in links])
    names = actor.can(Permission.PERSON_READ)
    people = [
        Touched(
            person_id=t.person_id,
            reference=persons[t.person_id].reference if t.person_id in persons else "",
            name=_called(persons[t.person_id]) if names and t.person_id in persons else None,
            touch=t.touch,
            risk_level=persons[t.person_id].risk_level if t.person_id in persons else "normal",
        )
        for t in links
    ]
    case_ids = repository.cases_of(session, incident.id)
    refs = {
        c.id: c.reference for c in cases_of_people(session, [t.person_id for t in links]).values()
    }
    relative = (
        repository.family_member(session, incident.relative_id) if incident.relative_id else None
    )
    return IncidentView(
        incident=incident,
        people=people,
        case_ids=case_ids,
        case_references=refs,
        actions=repository.actions_of(session, incident.id),
        moves=repository.moves_of(session, incident.id),
        relative=relative,
    )


def incident_for_edit(session: Session, actor: Actor, incident_id: uuid.UUID) -> Incident:
    return _for_write(session, actor, incident_id)


def relatives_of_incident(
    session: Session, actor: Actor, incident: Incident
) -> Sequence[FamilyMember]:
    """The relatives an incident may name: those of the people it touches."""
    require(actor, Permission.SECURITY_INCIDENT_WRITE, incident)
    return repository.relatives_of(session, _touched_ids(session, incident))


def incidents_of_person(session: Session, actor: Actor, person_id: uuid.UUID) -> Sequence[Incident]:
    """The incidents touching a person (the person page), for those who may read them."""
    require(actor, Permission.SECURITY_INCIDENT_READ)
    return repository.incidents_of_person(session, actor, person_id)


# --- erasure --------------------------------------------------------------------------------


def erase_person(session: Session, person_id: uuid.UUID) -> None:
    """The person's links and risk history go, their level is forgotten; an incident that
    concerned them alone loses its account (docs/protection.md, "Erasure")."""
    case_ids = [c.id for c in cases_of_people(session, [person_id]).values()]
    repository.erase_person(session, person_id, case_ids)
    person = persons_by_id(session, [person_id]).get(person_id)
    if person is not None:
        person.risk_level = RiskLevel.NORMAL.value
        person.risk_since = None
        person.risk_incident_id = None
    session.flush()
