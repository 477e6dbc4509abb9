"""HTML pages: the reception form (minimum first) and weapon receipts. The form's
possible-duplicates panel is matching's (`haven.matching.views`)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from haven.accounts import repository as accounts_repository
from haven.accounts import service as accounts
from haven.errors import ValidationFailed
from haven.forces.public import ensure_reference_data, list_ranks
from haven.people.public import get_person
from haven.reception import service
from haven.reception.schemas import (
    Classification,
    LegalBasis,
    ReceptionCreate,
    WeaponKind,
    reception_form_data,
)
from haven.security.permissions import Actor, Permission, require
from haven.validation import parse
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor
from haven.web.templating import render

router = APIRouter(include_in_schema=False)


def _form_context(
    session: Session, actor: Actor, values: dict[str, Any], error: ValidationFailed | None
) -> dict[str, Any]:
    army = ensure_reference_data(session)
    return {
        "values": values,
        "error": error,
        "classifications": list(Classification),
        "legal_bases": list(LegalBasis),
        "weapon_kinds": list(WeaponKind),
        "ranks": list_ranks(session, actor, army.id),
        "sites": accounts.list_sites(session, actor) if actor.can(Permission.SITE_READ) else [],
        "ask_encoding": bool(error and any("Zawgyi" in str(m) for m in error.fields.values())),
        "weapon_error": bool(error and any(k.startswith("weapon_") for k in error.fields)),
    }


@router.get("/reception/new", response_class=HTMLResponse)
def reception_form(request: Request, session: DB, actor: HtmlActor) -> Response:
    require(actor, Permission.RECEPTION_RECORD)
    values = {
        "received_on": datetime.now(UTC).date().isoformat(),
        "legal_basis": "public_interest",
        "site_id": str(actor.site_id or ""),
    }
    return render(request, "reception/new.html", _form_context(session, actor, values, None))


@router.post("/reception/new", response_class=HTMLResponse)
def receive(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    require(actor, Permission.RECEPTION_RECORD)
    values, data = reception_form_data(form)
    try:
        event = service.receive(session, actor, parse(ReceptionCreate, data))
    except ValidationFailed as error:
        # Weapon errors arrive as weapons.0.kind: show them beside the weapon fields.
        error.fields = {k.replace("weapons.0.", "weapon_"): v for k, v in error.fields.items()}
        session.rollback()
        return render(
            request,
            "reception/new.html",
            _form_context(session, actor, values, error),
            status_code=422,
        )
    return RedirectResponse(f"/people/{event.person_id}?received=1", status_code=303)


@router.get("/weapons/{weapon_id}/receipt", response_class=HTMLResponse)
def weapon_receipt(
    request: Request, weapon_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    item = service.get_weapon(session, actor, weapon_id)
    event = service.get_event(session, actor, item.reception_id)
    person = get_person(session, actor, event.person_id)
    site = accounts_repository.site_by_id(session, event.site_id)
    return render(
        request,
        "reception/receipt.html",
        {
            "item": item,
            "kind": WeaponKind(item.kind),
            "event": event,
            "person": person,
            "site": site,
        },
    )
