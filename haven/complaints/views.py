"""HTML pages of complaints and feedback: the list (overdue and escalated flagged), taking one
down, the recorder's confirmation, a complaint with its log and the handlers' forms, the
report without names, and the deadlines by category.

Every form works without JavaScript: a POST answers with a redirect (303) on success, or the
same page with an error summary, the message beside the field and the values kept (422),
nothing written. A relative is chosen in two steps without JavaScript: the person's reference
first, then their relatives are offered.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from haven.accounts import repository as accounts
from haven.complaints import service
from haven.complaints.lifecycle import (
    COMPLAINT,
    CONFIDENTIAL_BY_DEFAULT,
    LABELS,
    Category,
    Channel,
    Complainant,
    ComplaintKind,
    ComplaintStatus,
    EntryKind,
    GivenBy,
)
from haven.complaints.models import Complaint
from haven.complaints.schemas import (
    AcknowledgeIn,
    AssignIn,
    ComplaintIn,
    ConfidentialityIn,
    DeadlineIn,
    EntryIn,
    ReasonIn,
)
from haven.db.types import utcnow
from haven.errors import Conflict, HavenError, ValidationFailed
from haven.i18n import N_
from haven.kernel.clock import local_today, start_of_day
from haven.kernel.labels import labels
from haven.people.public import family_by_person, person_by_id, person_for_reference
from haven.security.permissions import Actor, Permission, in_scope, require
from haven.validation import parse
from haven.web import notices
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor, form_uuid
from haven.web.listing import Listing, ListQuery
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

CP_LABELS = LABELS
# The entry kinds' own words (a state and an entry may share a value's label otherwise).
ENTRY_LABELS = labels(EntryKind)
SAVED = notices.register(N_("Saved."))
DEADLINE_SAVED = notices.register(N_("The deadlines are saved."))
BAD_DATE = N_("Enter a real date, for example 2026-11-25.")


def _values(form: FormData) -> dict[str, str]:
    return {k: str(form.get(k, "")).strip() for k in form if k != "csrf_token"}


def _enum(kind: Any, text: str) -> Any:
    return kind(text) if text in {str(member) for member in kind} else None


# --- the list ----------------------------------------------------------------------------


@router.get("/complaints", response_class=HTMLResponse)
def complaints_list(request: Request, session: DB, actor: HtmlActor) -> Response:
    require(actor, Permission.COMPLAINT_RECORD)
    query = ListQuery.from_request(request, sorts=("newest",), default="newest")
    status = _enum(ComplaintStatus, query.get("status"))
    category = _enum(Category, query.get("category"))
    overdue = query.get("overdue") == "yes"
    escalated = query.get("escalated") == "yes"
    mine = query.get("mine") == "yes"
    listing = Listing.load(
        query,
        lambda limit, offset: service.page(
            session,
            actor,
            status=status,
            category=category,
            overdue=overdue,
            escalated=escalated,
            mine=mine,
            limit=limit,
            offset=offset,
        ),
    )
    now = utcnow()
    handlers = accounts.users_by_id(session, [c.assigned_to_id for c in listing.items])
    return render(
        request,
        "complaints/list.html",
        {
            "listing": listing,
            "complaints": listing.items,
            "flags": {c.id: service.flags(c, now) for c in listing.items},
            "handler_names": {k: u.display_name for k, u in handlers.items()},
            "filters": {
                "status": status,
                "category": category,
                "overdue": overdue,
                "escalated": escalated,
                "mine": mine,
            },
            "statuses": list(ComplaintStatus),
            "categories": list(Category),
            "CP_LABELS": CP_LABELS,
            "can_handle": actor.can(Permission.COMPLAINT_HANDLE),
            "can_manage": actor.can(Permission.PROGRAMME_MANAGE),
        },
    )


# --- taking one down ---------------------------------------------------------------------


def _person_of(session: Session, actor: Actor, text: str) -> Any:
    """The person a form names by an id (from the person page) or None."""
    found = form_uuid(text)
    if found is None:
        return None
    person = person_by_id(session, found)
    if person is None or person.erased_at is not None or not in_scope(actor, person):
        return None
    return person


def _new_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    values: dict[str, str],
    error: HavenError | None = None,
    person: Any = None,
) -> Response:
    relatives = family_by_person(session, [person.id]).get(person.id, []) if person else []
    return render(
        request,
        "complaints/new.html",
        {
            "values": values,
            "error": error,
            "person": person,
            "relatives": relatives,
            "kinds": list(ComplaintKind),
            "complainants": list(Complainant),
            "categories": list(Category),
            "channels": list(Channel),
            "confidential_by_default": [str(c) for c in CONFIDENTIAL_BY_DEFAULT],
            "may_lower": actor.can(Permission.COMPLAINT_CONFIDENTIAL),
            "CP_LABELS": CP_LABELS,
        },
        status_code=error.status if error else 200,
    )


@router.get("/complaints/new", response_class=HTMLResponse)
def new_complaint(request: Request, session: DB, actor: HtmlActor) -> Response:
    require(actor, Permission.COMPLAINT_RECORD)
    person = _person_of(session, actor, request.query_params.get("person", ""))
    values = {"kind": "complaint"}
    if person is not None:
        values.update(person_id=str(person.id), complainant="person")
    return _new_page(request, session, actor, values=values, person=person)


def _received_at(text: str) -> Any:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(fields={"received_on": BAD_DATE}) from None
    if day == local_today():
        return None
    return start_of_day(day) + timedelta(hours=12)


def _complaint_data(
    session: Session, actor: Actor, values: dict[str, str]
) -> tuple[ComplaintIn, Any]:
    """The form as a service input, and the person it names (by id or reference)."""
    person = _person_of(session, actor, values.get("person_id", ""))
    complainant = values.get("complainant", "")
    if person is None and complainant in ("person", "relative"):
        person = person_for_reference(
            session, actor, values.get("person_reference", ""), field="person_reference"
        )
    confidentiality = values.get("confidential", "")
    data: dict[str, Any] = {
        k: v
        for k, v in values.items()
        if v
        and k
        in ("kind", "category", "channel", "complainant", "complainant_name", "contact", "text")
    }
    if complainant in ("person", "relative") and person is not None:
        data["person_id"] = str(person.id)
    if complainant == "relative" and values.get("family_member_id"):
        data["family_member_id"] = values["family_member_id"]
    if confidentiality in ("yes", "no"):
        data["confidential"] = confidentiality == "yes"
    data["received_at"] = _received_at(values.get("received_on", ""))
    return parse(ComplaintIn, data), person


@router.post("/complaints/new", response_class=HTMLResponse)
def record_complaint(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    require(actor, Permission.COMPLAINT_RECORD)
    values = _values(form)
    person = _person_of(session, actor, values.get("person_id", ""))
    try:
        data, person = _complaint_data(session, actor, values)
        complaint = service.record(session, actor, data)
    except ValidationFailed as error:
        session.rollback()
        if person is None and values.get("complainant") == "relative":
            # The second step: the person named by reference, their relatives offered.
            try:
                person = person_for_reference(
                    session, actor, values.get("person_reference", ""), field="person_reference"
                )
            except ValidationFailed:
                person = None
        return _new_page(request, session, actor, values=values, error=error, person=person)
    return notices.redirect(f"/complaints/{complaint.id}/recorded", SAVED)


@router.get("/complaints/{complaint_id}/recorded", response_class=HTMLResponse)
def recorded(request: Request, complaint_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    """What the recorder tells the complainant: the reference and the dates. Shown to whoever
    recorded it, even when it is confidential (no text, no name)."""
    require(actor, Permission.COMPLAINT_RECORD)
    complaint = service.recorded(session, actor, complaint_id)
    return render(
        request,
        "complaints/recorded.html",
        {
            "complaint": complaint,
            "CP_LABELS": CP_LABELS,
            "may_open": _may_see(session, actor, complaint),
        },
    )


def _may_see(session: Session, actor: Actor, complaint: Complaint) -> bool:
    return service.visible_or_none(session, actor, complaint.id) is not None


# --- the report and the deadlines --------------------------------------------------------


@router.get("/complaints/report", response_class=HTMLResponse)
def report_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    figures = service.report(session, actor)
    by_category: dict[str, dict[str, int]] = {}
    for category, status, count in figures.by_category_and_state:
        by_category.setdefault(str(category), {})[str(status)] = count
    return render(
        request,
        "complaints/report.html",
        {
            "figures": figures,
            "by_category": by_category,
            "categories": list(Category),
            "statuses": list(ComplaintStatus),
            "CP_LABELS": CP_LABELS,
        },
    )


def _deadlines_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    error: HavenError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "complaints/deadlines.html",
        {
            "rows": service.deadlines(session, actor),
            "can_set": actor.can(Permission.PROGRAMME_MANAGE),
            "categories": list(Category),
            "CP_LABELS": CP_LABELS,
            "error": error,
            "values": values or {},
        },
        status_code=error.status if error else 200,
    )


@router.get("/complaints/deadlines", response_class=HTMLResponse)
def deadlines_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    return _deadlines_page(request, session, actor)


@router.post("/complaints/deadlines", response_class=HTMLResponse)
def set_deadline(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    values = _values(form)
    data = {k: v for k, v in values.items() if v != ""}
    try:
        service.set_deadline(session, actor, parse(DeadlineIn, data))
    except ValidationFailed as error:
        session.rollback()
        return _deadlines_page(request, session, actor, error=error, values=values)
    return notices.redirect("/complaints/deadlines", DEADLINE_SAVED)


# --- one complaint -----------------------------------------------------------------------


def _complaint_page(
    request: Request,
    session: Session,
    actor: Actor,
    complaint: Complaint,
    *,
    error: HavenError | None = None,
    form_name: str = "",
    values: dict[str, str] | None = None,
) -> Response:
    entries = service.entries(session, actor, complaint)
    users = accounts.users_by_id(
        session,
        [e.entered_by_id for e in entries] + [complaint.assigned_to_id, complaint.recorded_by_id],
    )
    person = person_by_id(session, complaint.person_id) if complaint.person_id else None
    relative = None
    if complaint.family_member_id and person is not None:
        relative = next(
            (
                m
                for m in family_by_person(session, [person.id]).get(person.id, [])
                if m.id == complaint.family_member_id
            ),
            None,
        )
    can_handle = actor.can(Permission.COMPLAINT_HANDLE)
    targets = COMPLAINT.targets(complaint.status) if can_handle else frozenset()
    context = {
        "complaint": complaint,
        "entries": entries,
        "users": {k: u.display_name for k, u in users.items()},
        "person": person,
        "relative": relative,
        "flags": service.flags(complaint, utcnow()),
        "can_handle": can_handle,
        "targets": {str(t) for t in targets},
        "may_respond": can_handle and complaint.status != ComplaintStatus.CLOSED,
        "may_assign": can_handle
        and (not complaint.confidential or actor.can(Permission.COMPLAINT_CONFIDENTIAL)),
        "may_lower": actor.can(Permission.COMPLAINT_CONFIDENTIAL),
        "handlers": service.handlers(session, actor) if can_handle else [],
        "given_by": list(GivenBy),
        "CP_LABELS": CP_LABELS,
        "ENTRY_LABELS": ENTRY_LABELS,
        "error": error,
        "form_name": form_name,
        "values": values or {},
    }
    return render(
        request, "complaints/complaint.html", context, status_code=error.status if error else 200
    )


@router.get("/complaints/{complaint_id}", response_class=HTMLResponse)
def complaint_page(
    request: Request, complaint_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    complaint = service.get(session, actor, complaint_id)
    return _complaint_page(request, session, actor, complaint)


def _run(model: type[BaseModel], action: Callable[..., object], keep: tuple[str, ...]) -> Any:
    """A handler's form: parse the fields of `model` from the form, run the action."""

    def handle(
        request: Request, complaint_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
    ) -> Response:
        values = _values(form)
        data = {k: v for k, v in values.items() if k in keep and v != ""}
        form_name = request.url.path.rsplit("/", 1)[-1]
        try:
            action(session, actor, complaint_id, parse(model, data))
        except (ValidationFailed, Conflict) as error:
            session.rollback()
            complaint = service.visible(session, actor, complaint_id)
            return _complaint_page(
                request,
                session,
                actor,
                complaint,
                error=error,
                form_name=form_name,
                values=values,
            )
        # Made confidential, it may no longer be the actor's to see: back to the list.
        if service.visible_or_none(session, actor, complaint_id) is None:
            return notices.redirect("/complaints", SAVED)
        return notices.redirect(f"/complaints/{complaint_id}#log", SAVED)

    return handle


FORMS: dict[str, tuple[type[BaseModel], Callable[..., object], tuple[str, ...]]] = {
    "acknowledge": (AcknowledgeIn, service.acknowledge, ("given_by", "text")),
    "entries": (EntryIn, service.add_entry, ("kind", "text", "given_by")),
    "escalate": (ReasonIn, service.escalate, ("reason",)),
    "close": (ReasonIn, service.close, ("reason",)),
    "reopen": (ReasonIn, service.reopen, ("reason",)),
    "assign": (AssignIn, service.assign, ("user_id",)),
    "confidentiality": (ConfidentialityIn, service.set_confidentiality, ("confidential", "reason")),
}

for _name, (_model, _action, _keep) in FORMS.items():
    router.add_api_route(
        f"/complaints/{{complaint_id}}/{_name}",
        _run(_model, _action, _keep),
        methods=["POST"],
        response_class=HTMLResponse,
        name=f"complaint_{_name}",
    )
