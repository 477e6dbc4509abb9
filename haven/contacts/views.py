"""HTML pages of first contacts: the list (meetings past their time flagged), a new contact,
one contact with its meeting, exchanges, moves, crossing and wipe forms.

For the negotiation team alone: the services answer 404 to every other role. Paths carry
ids only, never a code name. Every form works without JavaScript: a POST answers with a
redirect (303) on success, or the same page with an error summary, the message beside the
field and the values kept; nothing is written on a refused input.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from haven.contacts import service
from haven.contacts.lifecycle import (
    CHOSEN_MOVES,
    CONTACT,
    CONTACT_LABELS,
    Channel,
    CompanionsBand,
    ContactStatus,
    FamilyBand,
)
from haven.contacts.models import Contact
from haven.contacts.schemas import (
    ContactIn,
    ContactUpdate,
    CrossingIn,
    ExchangeIn,
    MeetingIn,
    MoveIn,
)
from haven.db.types import utcnow
from haven.errors import HavenError
from haven.i18n import N_
from haven.kernel import clock
from haven.security.permissions import Actor
from haven.validation import parse
from haven.web import notices
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

RECORDED = notices.register(N_("The contact was recorded."))
SAVED = notices.register(N_("The contact was saved."))
MEETING_SET = notices.register(N_("The meeting was set."))
EXCHANGE_ADDED = notices.register(N_("The exchange was added to the log."))
MOVED = notices.register(N_("The contact's state was changed."))
LINKED = notices.register(N_("The contact was linked to the reception: crossed."))
WIPED = notices.register(N_("The contact's details were wiped."))

CONTACT_FIELDS = (
    "code_name",
    "channel",
    "channel_detail",
    "companions",
    "family",
    "agreement_id",
    "handler_id",
    "text_encoding",
)


def _values(form: FormData, names: tuple[str, ...]) -> dict[str, str]:
    return {name: str(form.get(name, "")).strip() for name in names}


def _given(values: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in values.items() if v != ""}


def _common(session: Session, actor: Actor) -> dict[str, Any]:
    """The choices of the contact forms: (value, text) pairs; labels are msgids."""
    return {
        "labels": CONTACT_LABELS,
        "options": {
            "channel": [(c.value, c.label) for c in Channel],
            "companions": [(b.value, b.label) for b in CompanionsBand],
            "family": [(b.value, b.label) for b in FamilyBand],
            "agreement": [
                (str(agreement_id), f"{code_name} ({reference})")
                for agreement_id, reference, code_name in service.agreements(session, actor)
            ],
            "handler": [(str(u.id), u.display_name) for u in service.negotiators(session, actor)],
        },
    }


# --- the list ----------------------------------------------------------------------------


@router.get("/contacts", response_class=HTMLResponse)
def contacts_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    status = request.query_params.get("status") or None
    if status not in {s.value for s in ContactStatus}:
        status = None
    contacts = service.list_contacts(session, actor, status=status)
    now = utcnow()
    overdue = {c.id for c in contacts if service.is_overdue(c, now)}
    agreements = {a[0]: a for a in service.agreements(session, actor)}
    return render(
        request,
        "contacts/list.html",
        {
            "contacts": contacts,
            "overdue": overdue,
            "status": status,
            "statuses": list(ContactStatus),
            "labels": CONTACT_LABELS,
            "handlers": service.user_names(session, [c.handler_id for c in contacts]),
            "references": service.person_references(session, contacts),
            "agreements": agreements,
        },
    )


# --- a new contact -----------------------------------------------------------------------


def _new_page(
    request: Request,
    session: Session,
    actor: Actor,
    values: dict[str, str],
    error: HavenError | None = None,
) -> Response:
    context = _common(session, actor) | {"values": values, "error": error}
    return render(request, "contacts/new.html", context, status_code=error.status if error else 200)


@router.get("/contacts/new", response_class=HTMLResponse)
def new_contact_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    values = {"code_name": service.suggest_code_name(session, actor)}
    if actor.user_id is not None:
        values["handler_id"] = str(actor.user_id)
    return _new_page(request, session, actor, values)


@router.post("/contacts", response_class=HTMLResponse)
def create_contact(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    values = _values(form, CONTACT_FIELDS)
    try:
        data = parse(ContactIn, _given(values))
        contact = service.record_contact(session, actor, data)
    except HavenError as error:
        session.rollback()
        return _new_page(request, session, actor, values, error)
    return notices.redirect(f"/contacts/{contact.id}", RECORDED)


# --- one contact -------------------------------------------------------------------------


def _contact_page(
    request: Request,
    session: Session,
    actor: Actor,
    contact: Contact,
    *,
    error: HavenError | None = None,
    form: str | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    exchanges = service.exchanges(session, actor, contact)
    moves = service.moves(session, actor, contact)
    people = [m.moved_by_id for m in moves] + [e.recorded_by_id for e in exchanges]
    local_meeting = (
        clock.local_time(contact.meeting_at).strftime("%Y-%m-%dT%H:%M")
        if contact.meeting_at
        else ""
    )
    current = CONTACT.state_of(contact)
    context = _common(session, actor) | {
        "contact": contact,
        "exchanges": exchanges,
        "moves": moves,
        "names": service.user_names(session, [contact.handler_id, *people]),
        "references": service.person_references(session, [contact]),
        "overdue": service.is_overdue(contact),
        "moves_allowed": [s for s in CHOSEN_MOVES if CONTACT.allows(current, s)],
        "moves_options": [(s.value, s.label) for s in CHOSEN_MOVES if CONTACT.allows(current, s)],
        "may_meet": current is ContactStatus.MEETING_SET
        or CONTACT.allows(current, ContactStatus.MEETING_SET),
        "may_cross": CONTACT.allows(current, ContactStatus.CROSSED),
        "may_log": current not in (ContactStatus.CROSSED, ContactStatus.COMPROMISED),
        "may_wipe": current is ContactStatus.COMPROMISED and contact.details_wiped_at is None,
        "error": error,
        "form": form,
        "values": values or {},
        "edit": {
            "channel": contact.channel,
            "channel_detail": contact.channel_detail or "",
            "companions": contact.companions,
            "family": contact.family,
            "agreement_id": str(contact.agreement_id or ""),
            "handler_id": str(contact.handler_id or ""),
        },
        "local_meeting": local_meeting,
    }
    return render(
        request, "contacts/contact.html", context, status_code=error.status if error else 200
    )


@router.get("/contacts/{contact_id}", response_class=HTMLResponse)
def contact_page(
    request: Request, contact_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    contact = service.get_contact(session, actor, contact_id)
    return _contact_page(request, session, actor, contact)


def _submit(
    request: Request,
    session: Session,
    actor: Actor,
    contact_id: uuid.UUID,
    *,
    form_name: str,
    values: dict[str, str],
    schema: type[BaseModel] | None,
    act: Any,
    notice: notices.Notice,
    keep_blank: bool = False,
) -> Response:
    """Parse, act and redirect; or, on a refusal, roll back and show the page again with the
    form's error and values (a contact the actor may not know answers 404 as before)."""
    service.get_contact(session, actor, contact_id, write=True)
    try:
        data = parse(schema, values if keep_blank else _given(values)) if schema else None
        act(data)
    except HavenError as error:
        session.rollback()
        contact = service.get_contact(session, actor, contact_id)
        return _contact_page(
            request, session, actor, contact, error=error, form=form_name, values=values
        )
    return notices.redirect(f"/contacts/{contact_id}#{form_name}", notice)


@router.post("/contacts/{contact_id}", response_class=HTMLResponse)
def update_contact(
    request: Request, contact_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = _values(form, CONTACT_FIELDS[1:])
    # Every field of the form is given: a blank detail, agreement or handler clears it.
    given = {k: (v or None) for k, v in values.items() if k != "text_encoding"}
    given["text_encoding"] = values["text_encoding"] or "detect"
    return _submit(
        request,
        session,
        actor,
        contact_id,
        form_name="details",
        values=given,  # type: ignore[arg-type]
        schema=ContactUpdate,
        act=lambda data: service.update_contact(session, actor, contact_id, data),
        notice=SAVED,
        keep_blank=True,
    )


@router.post("/contacts/{contact_id}/meeting", response_class=HTMLResponse)
def set_meeting(
    request: Request, contact_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    return _submit(
        request,
        session,
        actor,
        contact_id,
        form_name="meeting",
        values=_values(form, ("meeting_point", "meeting_at", "text_encoding")),
        schema=MeetingIn,
        act=lambda data: service.set_meeting(session, actor, contact_id, data),
        notice=MEETING_SET,
    )


@router.post("/contacts/{contact_id}/exchanges", response_class=HTMLResponse)
def add_exchange(
    request: Request, contact_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    return _submit(
        request,
        session,
        actor,
        contact_id,
        form_name="exchanges",
        values=_values(form, ("channel", "note", "occurred_at", "text_encoding")),
        schema=ExchangeIn,
        act=lambda data: service.add_exchange(session, actor, contact_id, data),
        notice=EXCHANGE_ADDED,
    )


@router.post("/contacts/{contact_id}/status", response_class=HTMLResponse)
def move_contact(
    request: Request, contact_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    return _submit(
        request,
        session,
        actor,
        contact_id,
        form_name="status",
        values=_values(form, ("status", "reason", "text_encoding")),
        schema=MoveIn,
        act=lambda data: service.move(session, actor, contact_id, data),
        notice=MOVED,
    )


@router.post("/contacts/{contact_id}/crossing", response_class=HTMLResponse)
def link_crossing(
    request: Request, contact_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    return _submit(
        request,
        session,
        actor,
        contact_id,
        form_name="crossing",
        values=_values(form, ("person_reference", "text_encoding")),
        schema=CrossingIn,
        act=lambda data: service.link_crossing(session, actor, contact_id, data),
        notice=LINKED,
    )


@router.post("/contacts/{contact_id}/wipe", response_class=HTMLResponse)
def wipe_contact(
    request: Request, contact_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    return _submit(
        request,
        session,
        actor,
        contact_id,
        form_name="wipe",
        values={},
        schema=None,
        act=lambda _data: service.wipe_details(session, actor, contact_id),
        notice=WIPED,
    )
