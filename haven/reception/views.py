"""HTML pages: the reception form (minimum first) and weapon receipts. The form's
possible-duplicates panel is matching's (`haven.matching.views`)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from haven.accounts import service as accounts
from haven.errors import ValidationFailed
from haven.forces.public import ensure_reference_data, list_ranks
from haven.kernel import clock
from haven.reception import receipts, service
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
        "received_on": clock.local_today().isoformat(),
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
    request: Request, weapon_id: uuid.UUID, session: DB, actor: HtmlActor, form: str = "safe"
) -> Response:
    """The safe-to-carry form by default; `?form=full` (for the files) is audited."""
    if form == "full":
        context: dict[str, Any] = {"full": receipts.full_receipt(session, actor, weapon_id)}
    else:
        context = {"safe": receipts.safe_receipt(session, actor, weapon_id)}
    return render(request, "reception/receipt.html", {"weapon_id": weapon_id, **context})
