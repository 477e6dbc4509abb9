"""JSON endpoints of the protection domain: security incidents and people's risk."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Response

from haven.people.public import RiskLevel
from haven.protection import service
from haven.protection.lifecycle import IncidentKind, IncidentState, Severity
from haven.protection.schemas import (
    ActionIn,
    ActionOut,
    IncidentIn,
    IncidentOut,
    IncidentSummary,
    IncidentUpdate,
    LinkIn,
    MoveIn,
    MoveOut,
    RiskChangeOut,
    RiskIn,
    RiskOut,
    TouchedOut,
)
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api/protection", tags=["protection"])


def _out(view: service.IncidentView) -> IncidentOut:
    incident = view.incident
    return IncidentOut(
        id=incident.id,
        reference=incident.reference,
        kind=IncidentKind(incident.kind),
        severity=Severity(incident.severity),
        state=IncidentState(incident.state),
        occurred_on=incident.occurred_on,
        reported_on=incident.reported_on,
        node_name=incident.node_name,
        place=incident.place,
        narrative=incident.narrative,
        relative_id=incident.relative_id,
        node_id=incident.node_id,
        node_revoked_at=incident.node_revoked_at,
        held=incident.held if incident.held_ct is not None else None,
        state_changed_at=incident.state_changed_at,
        people=[
            TouchedOut(person_id=p.person_id, reference=p.reference, touch=p.touch)
            for p in view.people
        ],
        case_ids=view.case_ids,
        actions=[ActionOut.model_validate(a) for a in view.actions],
        moves=[MoveOut.model_validate(m) for m in view.moves],
        masked_fields=incident.masked_fields,
    )


def _view(
    session: DB, actor: ApiActor, incident_id: uuid.UUID, *, audited: bool = False
) -> IncidentOut:
    return _out(service.get_incident(session, actor, incident_id, audited=audited))


@router.get("/incidents")
def list_incidents(
    session: DB,
    actor: ApiActor,
    response: Response,
    kind: IncidentKind | None = None,
    state: IncidentState | None = None,
    severity: Severity | None = None,
    order: Literal["newest", "oldest"] = "newest",
    limit: int = 50,
    offset: int = 0,
) -> list[IncidentSummary]:
    """The organisation's security incidents, filtered by kind, state and severity, newest
    first (by when they happened); the total is in `X-Total-Count`. No account, place or
    names here: read one incident for those."""
    rows, total = service.list_incidents(
        session,
        actor,
        kind=kind.value if kind else None,
        state=state.value if state else None,
        severity=severity.value if severity else None,
        newest_first=order == "newest",
        limit=max(1, min(limit, 200)),
        offset=max(0, min(offset, 1_000_000)),
    )
    response.headers["X-Total-Count"] = str(total)
    return [IncidentSummary.model_validate(r) for r in rows]


@router.post("/incidents", status_code=201)
def record_incident(data: IncidentIn, session: DB, actor: ApiActor) -> IncidentOut:
    """Record a security incident. The people it concerns (and their cases) are linked and
    their risk raised to the level the incident's kind and severity give. For a lost or
    seized device, `node` names the field laptop (its name or id): headquarters revokes it at
    once, whoever reports it, and the incident lists what it held; its people are touched."""
    incident = service.record_incident(session, actor, data)
    return _view(session, actor, incident.id)


@router.get("/incidents/{incident_id}")
def get_incident(incident_id: uuid.UUID, session: DB, actor: ApiActor) -> IncidentOut:
    """One incident with its account, the people and cases it touches, the actions taken,
    its moves and, for a device, what it held. The read is audited."""
    return _view(session, actor, incident_id, audited=True)


@router.patch("/incidents/{incident_id}")
def update_incident(
    incident_id: uuid.UUID, data: IncidentUpdate, session: DB, actor: ApiActor
) -> IncidentOut:
    """Correct an incident (not its kind). A higher severity raises the people it touches; a
    lower one lowers nobody."""
    service.update_incident(session, actor, incident_id, data)
    return _view(session, actor, incident_id)


@router.post("/incidents/{incident_id}/moves")
def move_incident(
    incident_id: uuid.UUID, data: MoveIn, session: DB, actor: ApiActor
) -> IncidentOut:
    """Move the incident: open → responding → closed, back to open (reopen), with a reason.
    An illegal move answers 409."""
    service.move_incident(session, actor, incident_id, data)
    return _view(session, actor, incident_id)


@router.post("/incidents/{incident_id}/actions", status_code=201)
def add_action(incident_id: uuid.UUID, data: ActionIn, session: DB, actor: ApiActor) -> ActionOut:
    """Add a dated entry to the incident's log of actions taken."""
    return ActionOut.model_validate(service.add_action(session, actor, incident_id, data))


@router.post("/incidents/{incident_id}/people")
def link_people(incident_id: uuid.UUID, data: LinkIn, session: DB, actor: ApiActor) -> IncidentOut:
    """Link more people (and their cases) to the incident; their risk is raised."""
    service.link_people(session, actor, incident_id, data)
    return _view(session, actor, incident_id)


def _risk(session: DB, actor: ApiActor, person_id: uuid.UUID) -> RiskOut:
    person, history = service.person_risk(session, actor, person_id)
    return RiskOut(
        person_id=person.id,
        level=RiskLevel(person.risk_level),
        since=person.risk_since,
        incident_id=person.risk_incident_id,
        history=[RiskChangeOut.model_validate(c) for c in history],
    )


@router.get("/people/{person_id}/risk")
def person_risk(person_id: uuid.UUID, session: DB, actor: ApiActor) -> RiskOut:
    """A person's risk level (normal, elevated, high, critical), since when, the incident
    that set it, and its history."""
    return _risk(session, actor, person_id)


@router.post("/people/{person_id}/risk")
def lower_risk(person_id: uuid.UUID, data: RiskIn, session: DB, actor: ApiActor) -> RiskOut:
    """Lower a person's risk level, with the reason; only incidents raise it (a level that
    is not lower answers 422)."""
    service.lower_risk(session, actor, person_id, data)
    return _risk(session, actor, person_id)
