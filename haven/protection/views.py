"""HTML pages of the protection domain: the incident list (filters by kind, state and
severity), an incident's page (its account, people, cases, actions, moves and what a device
held), the record and edit forms, and a person's risk page.

Every form works without JavaScript: a POST answers with a redirect (303) on success, or the
same page with an error summary, the message beside the field and the values kept (422).
People are named by reference number on the pages, by id in the API.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from haven.errors import Conflict, HavenError, ValidationFailed
from haven.i18n import N_
from haven.kernel.clock import local_today
from haven.kernel.labels import labels
from haven.people.public import RiskLevel, person_for_reference
from haven.protection import service
from haven.protection.lifecycle import (
    DEVICE_KINDS,
    INCIDENT,
    IncidentKind,
    IncidentState,
    Severity,
    Touch,
)
from haven.protection.schemas import ActionIn, IncidentIn, IncidentUpdate, LinkIn, MoveIn, RiskIn
from haven.security.permissions import Actor, Permission, require
from haven.validation import parse
from haven.web import notices
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor
from haven.web.listing import Listing, ListQuery
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

LABELS: dict[str, str] = {
    **labels(IncidentKind),
    **labels(Severity),
    **labels(IncidentState),
    **labels(Touch),
}
RISK_LABELS = labels(RiskLevel)
# What a lost or seized laptop held, by synchronised table (haven/sync/tables.py).
HELD_LABELS: dict[str, str] = {
    "persons": N_("People"),
    "family_members": N_("Relatives"),
    "person_photos": N_("Photos"),
    "reception_events": N_("Receptions"),
    "weapon_items": N_("Weapons received"),
    "reception_corrections": N_("Reception corrections"),
    "cases": N_("Cases"),
    "case_tasks": N_("Case tasks"),
    "case_notes": N_("Case notes"),
    "pathway_choices": N_("Pathway choices"),
    "agreement_arrivals": N_("Arrivals under agreements"),
    "agreements": N_("Agreements"),
    "agreement_parties": N_("Agreement parties"),
    "agreement_roll_entries": N_("Nominal roll entries"),
    "users": N_("User accounts"),
    "totp_factors": N_("Second factors of user accounts"),
}
HELD_TIMES: dict[str, str] = {
    "enrolled_at": N_("Enrolled"),
    "last_contact_at": N_("Last contact with headquarters"),
    "last_up_applied_at": N_("Last bundle from the laptop applied"),
    "revoked_at": N_("Revoked"),
}
SORTS = ("newest", "oldest")
RECORDED = notices.register(N_("The incident is recorded."))
SAVED = notices.register(N_("The incident is saved."))
MOVED = notices.register(N_("The incident's state is changed."))
ACTION_ADDED = notices.register(N_("The action is added to the log."))
LINKED = notices.register(N_("The people are linked to the incident."))
LOWERED = notices.register(N_("The risk level is lowered."))
MAX_REFERENCES = 200


def _values(form: FormData) -> dict[str, str]:
    return {k: str(form.get(k, "")).strip() for k in form if k != "csrf_token"}


def _people_ids(session: Session, actor: Actor, text: str) -> list[uuid.UUID]:
    """The persons named by reference numbers, one per line or separated by commas; the
    first wrong one is named on the `people` field."""
    parts = [p.strip() for p in text.replace(",", "\n").replace(";", "\n").splitlines()]
    parts = [p for p in parts if p]
    if len(parts) > MAX_REFERENCES:
        raise ValidationFailed(fields={"people": N_("Name at most 200 people at once.")})
    return list(
        dict.fromkeys(person_for_reference(session, actor, p, field="people").id for p in parts)
    )


def _none_named() -> list[uuid.UUID]:
    raise ValidationFailed(fields={"people": N_("Enter the person's reference number.")})


def _renamed(error: ValidationFailed) -> ValidationFailed:
    """The service names people by `person_ids`; the pages' field is `people`."""
    if "person_ids" in error.fields:
        fields = dict(error.fields)
        fields["people"] = fields.pop("person_ids")
        return ValidationFailed(error.message, fields=fields)
    return error


def _parsed(model: type[BaseModel], data: dict[str, Any]) -> Any:
    return parse(model, data)


def _choice(kind: type[IncidentKind] | type[IncidentState] | type[Severity], text: str) -> Any:
    return kind(text) if text in {str(m) for m in kind} else None


# --- the list -----------------------------------------------------------------------------


@router.get("/protection/incidents", response_class=HTMLResponse)
def incident_list(request: Request, session: DB, actor: HtmlActor) -> Response:
    require(actor, Permission.SECURITY_INCIDENT_READ)
    query = ListQuery.from_request(request, sorts=SORTS, default="newest")
    kind = _choice(IncidentKind, query.get("kind"))
    state = _choice(IncidentState, query.get("state"))
    severity = _choice(Severity, query.get("severity"))
    listing = Listing.load(
        query,
        lambda limit, offset: service.list_incidents(
            session,
            actor,
            kind=kind.value if kind else None,
            state=state.value if state else None,
            severity=severity.value if severity else None,
            newest_first=query.sort != "oldest",
            limit=limit,
            offset=offset,
        ),
    )
    context = {
        "listing": listing,
        "incidents": listing.items,
        "filters": {"kind": kind, "state": state, "severity": severity},
        "kinds": list(IncidentKind),
        "states": list(IncidentState),
        "severities": list(Severity),
        "LABELS": LABELS,
        "can_write": actor.can(Permission.SECURITY_INCIDENT_WRITE),
    }
    return render(request, "protection/list.html", context)


# --- recording ----------------------------------------------------------------------------


def _form_page(
    request: Request,
    *,
    values: dict[str, str],
    error: HavenError | None = None,
    incident: Any = None,
    relatives: Any = (),
) -> Response:
    context = {
        "values": values,
        "error": error,
        "incident": incident,
        "relatives": relatives,
        "kinds": list(IncidentKind),
        "severities": list(Severity),
        "device_kinds": [str(k) for k in DEVICE_KINDS],
        "LABELS": LABELS,
        "today": local_today().isoformat(),
    }
    status = error.status if error else 200
    return render(request, "protection/form.html", context, status_code=status)


@router.get("/protection/incidents/new", response_class=HTMLResponse)
def new_incident(request: Request, actor: HtmlActor) -> Response:
    require(actor, Permission.SECURITY_INCIDENT_WRITE)
    people = request.query_params.get("people", "")[:20]
    return _form_page(request, values={"people": people, "reported_on": local_today().isoformat()})


def _incident_in(
    session: Session, actor: Actor, values: dict[str, str], data: dict[str, Any]
) -> IncidentIn:
    """The form as a service input; the errors of the people's references and of the other
    fields together."""
    errors: dict[str, Any] = {}
    try:
        data["person_ids"] = _people_ids(session, actor, values.get("people", ""))
    except ValidationFailed as error:
        errors.update(error.fields)
    try:
        parsed: IncidentIn = _parsed(IncidentIn, data)
    except ValidationFailed as error:
        raise ValidationFailed(fields={**errors, **_renamed(error).fields}) from None
    if errors:
        raise ValidationFailed(fields=errors)
    return parsed


@router.post("/protection/incidents/new", response_class=HTMLResponse)
def record_incident(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    require(actor, Permission.SECURITY_INCIDENT_WRITE)
    values = _values(form)
    data: dict[str, Any] = {
        k: v
        for k, v in values.items()
        if v
        and k
        in (
            "kind",
            "severity",
            "occurred_on",
            "reported_on",
            "place",
            "narrative",
            "node",
            "text_encoding",
        )
    }
    try:
        parsed = _incident_in(session, actor, values, data)
        incident = service.record_incident(session, actor, parsed)
    except ValidationFailed as error:
        session.rollback()
        return _form_page(request, values=values, error=_renamed(error))
    return notices.redirect(f"/protection/incidents/{incident.id}", RECORDED)


# --- one incident ---------------------------------------------------------------------------


def _held_times(held: dict[str, Any]) -> dict[str, datetime | None]:
    """A device's times as stored (ISO text), as times the page shows in the programme's zone."""
    times = held.get("times") or {}
    return {
        key: datetime.fromisoformat(value) if isinstance(value, str) else None
        for key, value in times.items()
    }


def _incident_page(
    request: Request,
    session: Session,
    actor: Actor,
    incident_id: uuid.UUID,
    *,
    error: HavenError | None = None,
    form_name: str = "",
    values: dict[str, str] | None = None,
) -> Response:
    view = service.get_incident(session, actor, incident_id)
    incident = view.incident
    context = {
        "view": view,
        "incident": incident,
        "LABELS": LABELS,
        "RISK_LABELS": RISK_LABELS,
        "moves": sorted(
            INCIDENT.targets(incident.state), key=lambda s: list(IncidentState).index(s)
        ),
        "can_write": actor.can(Permission.SECURITY_INCIDENT_WRITE),
        "held": incident.held if incident.held_ct is not None else None,
        "held_times": _held_times(incident.held if incident.held_ct is not None else {}),
        "HELD_LABELS": HELD_LABELS,
        "HELD_TIMES": HELD_TIMES,
        "can_read_people": actor.can(Permission.PERSON_READ),
        "can_read_cases": actor.can(Permission.CASE_READ),
        "error": error,
        "form_name": form_name,
        "values": values or {},
        "today": local_today().isoformat(),
    }
    status = error.status if error else 200
    return render(request, "protection/incident.html", context, status_code=status)


@router.get("/protection/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(
    request: Request, incident_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    return _incident_page(request, session, actor, incident_id)


@router.post("/protection/incidents/{incident_id}/move", response_class=HTMLResponse)
def move_incident(
    request: Request, incident_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = _values(form)
    try:
        service.move_incident(session, actor, incident_id, _parsed(MoveIn, values))
    except (ValidationFailed, Conflict) as error:
        session.rollback()
        return _incident_page(
            request, session, actor, incident_id, error=error, form_name="move", values=values
        )
    return notices.redirect(f"/protection/incidents/{incident_id}#state", MOVED)


@router.post("/protection/incidents/{incident_id}/actions", response_class=HTMLResponse)
def add_action(
    request: Request, incident_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = _values(form)
    try:
        service.add_action(session, actor, incident_id, _parsed(ActionIn, values))
    except ValidationFailed as error:
        session.rollback()
        return _incident_page(
            request, session, actor, incident_id, error=error, form_name="action", values=values
        )
    return notices.redirect(f"/protection/incidents/{incident_id}#actions", ACTION_ADDED)


@router.post("/protection/incidents/{incident_id}/people", response_class=HTMLResponse)
def link_people(
    request: Request, incident_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = _values(form)
    try:
        service.incident_for_edit(session, actor, incident_id)
        ids = _people_ids(session, actor, values.get("people", "")) or _none_named()
        service.link_people(session, actor, incident_id, LinkIn(person_ids=ids))
    except ValidationFailed as error:
        session.rollback()
        return _incident_page(
            request,
            session,
            actor,
            incident_id,
            error=_renamed(error),
            form_name="people",
            values=values,
        )
    return notices.redirect(f"/protection/incidents/{incident_id}#people", LINKED)


# --- editing ----------------------------------------------------------------------------------


def _edit_values(incident: Any) -> dict[str, str]:
    return {
        "severity": incident.severity,
        "occurred_on": incident.occurred_on.isoformat(),
        "reported_on": incident.reported_on.isoformat(),
        "place": incident.place or "",
        "narrative": incident.narrative or "",
        "relative_id": str(incident.relative_id) if incident.relative_id else "",
    }


@router.get("/protection/incidents/{incident_id}/edit", response_class=HTMLResponse)
def edit_incident(
    request: Request, incident_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    incident = service.incident_for_edit(session, actor, incident_id)
    relatives = service.relatives_of_incident(session, actor, incident)
    return _form_page(
        request, values=_edit_values(incident), incident=incident, relatives=relatives
    )


@router.post("/protection/incidents/{incident_id}/edit", response_class=HTMLResponse)
def save_incident(
    request: Request, incident_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    incident = service.incident_for_edit(session, actor, incident_id)
    values = _values(form)
    data: dict[str, Any] = {
        k: values.get(k) or None
        for k in ("severity", "occurred_on", "reported_on", "place", "narrative", "relative_id")
    }
    if values.get("text_encoding"):
        data["text_encoding"] = values["text_encoding"]
    try:
        service.update_incident(session, actor, incident_id, _parsed(IncidentUpdate, data))
    except ValidationFailed as error:
        session.rollback()
        incident = service.incident_for_edit(session, actor, incident_id)
        relatives = service.relatives_of_incident(session, actor, incident)
        return _form_page(
            request, values=values, error=error, incident=incident, relatives=relatives
        )
    return notices.redirect(f"/protection/incidents/{incident.id}", SAVED)


# --- a person's risk ----------------------------------------------------------------------------


def _risk_page(
    request: Request,
    session: Session,
    actor: Actor,
    person_id: uuid.UUID,
    *,
    error: HavenError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    person, history = service.person_risk(session, actor, person_id)
    current = RiskLevel(person.risk_level)
    context = {
        "person": person,
        "level": current,
        "history": history,
        "lower_levels": [level for level in RiskLevel if level.rank < current.rank],
        "RISK_LABELS": RISK_LABELS,
        "can_write": actor.can(Permission.SECURITY_INCIDENT_WRITE),
        "error": error,
        "values": values or {},
    }
    status = error.status if error else 200
    return render(request, "protection/risk.html", context, status_code=status)


@router.get("/protection/people/{person_id}/risk", response_class=HTMLResponse)
def risk_page(request: Request, person_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    return _risk_page(request, session, actor, person_id)


@router.post("/protection/people/{person_id}/risk", response_class=HTMLResponse)
def lower_risk(
    request: Request, person_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = _values(form)
    try:
        service.lower_risk(session, actor, person_id, _parsed(RiskIn, values))
    except ValidationFailed as error:
        session.rollback()
        return _risk_page(request, session, actor, person_id, error=error, values=values)
    return notices.redirect(f"/protection/people/{person_id}/risk", LOWERED)
