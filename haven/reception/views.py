"""HTML pages: the reception form (minimum first), its duplicates panel, weapon receipts."""

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
from haven.forces import service as forces
from haven.people import service as people
from haven.reception import service
from haven.reception.schemas import Classification, LegalBasis, ReceptionCreate, WeaponKind
from haven.security.permissions import Actor, Permission, require
from haven.validation import parse
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

FIELDS = (
    "text_encoding",
    "name_my",
    "name_latin",
    "classification",
    "received_on",
    "site_id",
    "birth_year",
    "sex",
    "origin_unit",
    "rank_id",
    "position",
    "service_months",
    "legal_basis",
    "terms_version",
)
WEAPON_FIELDS = ("kind", "serial_number", "tag", "description")


def _form_context(
    session: Session, actor: Actor, values: dict[str, Any], error: ValidationFailed | None
) -> dict[str, Any]:
    army = forces.ensure_reference_data(session)
    return {
        "values": values,
        "error": error,
        "classifications": list(Classification),
        "legal_bases": list(LegalBasis),
        "weapon_kinds": list(WeaponKind),
        "ranks": forces.list_ranks(session, actor, army.id),
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


def _reception_data(form: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    values = {name: str(form.get(name, "")).strip() for name in FIELDS}
    values["terms_signed"] = form.get("terms_signed") == "yes"
    data: dict[str, Any] = {k: v for k, v in values.items() if v not in ("",)}
    if not data.get("text_encoding"):
        data.pop("text_encoding", None)
    weapon = {name: str(form.get(f"weapon_{name}", "")).strip() for name in WEAPON_FIELDS}
    values.update({f"weapon_{k}": v for k, v in weapon.items()})
    serviceable = str(form.get("weapon_serviceable", ""))
    values["weapon_serviceable"] = serviceable
    if weapon["kind"]:
        item: dict[str, Any] = {k: v for k, v in weapon.items() if v}
        if serviceable in ("yes", "no"):
            item["serviceable"] = serviceable == "yes"
        if data.get("text_encoding"):
            item["text_encoding"] = data["text_encoding"]
        data["weapons"] = [item]
    return values, data


@router.post("/reception/new", response_class=HTMLResponse)
def receive(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    require(actor, Permission.RECEPTION_RECORD)
    values, data = _reception_data(form)
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


@router.post("/reception/duplicates", response_class=HTMLResponse)
def duplicates_panel(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    """HTMX fragment: possible duplicates of the person being typed in."""
    require(actor, Permission.PERSON_READ)
    _values, data = _reception_data(form)
    try:
        candidate = parse(
            ReceptionCreate,
            {**data, "classification": data.get("classification") or "defector", "weapons": []},
        )
    except ValidationFailed:
        return render(request, "reception/_duplicates.html", {"found": None})
    if not (candidate.name_my or candidate.name_latin):
        return render(request, "reception/_duplicates.html", {"found": None})
    found = people.possible_duplicates(
        session,
        actor,
        name_latin=candidate.name_latin,
        name_my=candidate.name_my,
        birth_year=candidate.birth_year,
    )
    return render(request, "reception/_duplicates.html", {"found": found})


@router.get("/weapons/{weapon_id}/receipt", response_class=HTMLResponse)
def weapon_receipt(
    request: Request, weapon_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    item = service.get_weapon(session, actor, weapon_id)
    event = service.get_event(session, actor, item.reception_id)
    person = people.get_person(session, actor, event.person_id)
    site = accounts_repository.site_by_id(session, event.site_id)
    return render(
        request,
        "reception/receipt.html",
        {"item": item, "event": event, "person": person, "site": site},
    )
