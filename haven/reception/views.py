"""HTML pages: the reception form (minimum first) and weapon receipts. The form's
possible-duplicates panel is matching's (`haven.matching.views`)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from haven.accounts import service as accounts
from haven.errors import ValidationFailed
from haven.forces.public import ensure_reference_data, list_ranks
from haven.i18n import N_
from haven.kernel import clock
from haven.people.public import get_person, may_be_a_child
from haven.reception import corrections, receipts, service
from haven.reception.models import ReceptionEvent
from haven.reception.schemas import (
    CORRECTABLE,
    MILITARY_FIELDS,
    WEAPON_ROWS,
    ChildHandoverIn,
    ChildProtectionActor,
    Classification,
    LegalBasis,
    ReceptionCorrectionIn,
    ReceptionCreate,
    WeaponIn,
    WeaponKind,
    reception_form_input,
    weapon_errors_on_form,
    weapon_field,
    weapon_rows_from_form,
)
from haven.security.permissions import Actor, Permission, require
from haven.validation import parse
from haven.web import notices
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

CORRECTED = notices.register(N_("Reception corrected."))
WEAPONS_ADDED = notices.register(N_("Weapons recorded. Print each receipt from the list."))
HANDED_OVER = notices.register(N_("Handover to child protection recorded."))


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
        "weapon_rows": WEAPON_ROWS,
        "weapon_field": weapon_field,
        # Shown again after an error for a child: no military question (the page also hides
        # the fields as soon as "child" is chosen, without a round trip).
        "is_child": values.get("classification") == Classification.CHILD.value
        or _young(values.get("birth_year"), values.get("received_on")),
    }


def _young(birth_year: object, received_on: object) -> bool:
    try:
        year = int(str(birth_year))
        on = date.fromisoformat(str(received_on)) if received_on else clock.local_today()
    except ValueError:
        return False
    return may_be_a_child(year, on)


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
    values, data, names = reception_form_input(form)
    try:
        event = service.receive(session, actor, parse(ReceptionCreate, data))
    except ValidationFailed as error:
        # Weapon errors arrive as weapons.1.kind: show them beside that row's fields.
        error.fields = weapon_errors_on_form(error.fields, names)
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


# --- after reception: corrections, weapons, the child's handover ---------------------------


def _correction_values(session: Session, actor: Actor, event: ReceptionEvent) -> dict[str, Any]:
    person = get_person(session, actor, event.person_id)
    return {
        "name_my": person.name_my or "",
        "name_latin": person.name_latin or "",
        "birth_year": str(person.birth_year or ""),
        "received_on": event.received_on.isoformat(),
        "origin_unit": event.origin_unit_text or "",
        "rank_id": str(event.rank_id or ""),
        "position": event.position or "",
        "service_months": "" if event.service_months is None else str(event.service_months),
        "reason": "",
    }


def _child(values: dict[str, Any], event: ReceptionEvent) -> bool:
    """Received as a child, or may be one by the year of birth on record: no military
    field is shown or taken."""
    return event.classification == Classification.CHILD.value or _young(
        values.get("birth_year"), event.received_on.isoformat()
    )


def _correction_page(
    request: Request,
    session: Session,
    actor: Actor,
    event: ReceptionEvent,
    values: dict[str, Any],
    error: ValidationFailed | None,
) -> Response:
    ranks = list_ranks(session, actor, event.origin_force_id) if event.origin_force_id else []
    context = {
        "event": event,
        "values": values,
        "error": error,
        "ranks": ranks,
        "is_child": _child(values, event),
        "history": corrections.corrections_of_event(session, actor, event.id),
    }
    status = 200 if error is None else 422
    return render(request, "reception/correct.html", context, status_code=status)


@router.get("/receptions/{reception_id}/correct", response_class=HTMLResponse)
def correction_form(
    request: Request, reception_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    """The reception as recorded, to correct (registrars of its site)."""
    event = corrections.reception_for_correction(session, actor, reception_id)
    values = _correction_values(session, actor, event)
    return _correction_page(request, session, actor, event, values, None)


@router.post("/receptions/{reception_id}/correct", response_class=HTMLResponse)
def correct(
    request: Request, reception_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    """Only the fields whose value differs from the record are sent as corrections."""
    event = corrections.reception_for_correction(session, actor, reception_id)
    current = _correction_values(session, actor, event)
    is_child = _child(current, event)
    fields = [n for n in CORRECTABLE if not (is_child and n in MILITARY_FIELDS)]
    values = {n: str(form.get(n, "")).strip() for n in [*fields, "reason", "text_encoding"]}
    data: dict[str, Any] = {n: values[n] for n in fields if values[n] != current[n]}
    data["reason"] = values["reason"]
    if values["text_encoding"]:
        data["text_encoding"] = values["text_encoding"]
    try:
        corrections.correct_reception(
            session, actor, reception_id, parse(ReceptionCorrectionIn, data)
        )
    except ValidationFailed as error:
        session.rollback()
        event = corrections.reception_for_correction(session, actor, reception_id)
        return _correction_page(request, session, actor, event, values, error)
    return notices.redirect(f"/people/{event.person_id}#corrections", CORRECTED)


def _weapons_page(
    request: Request,
    session: Session,
    actor: Actor,
    event: ReceptionEvent,
    values: dict[str, Any],
    error: ValidationFailed | None,
) -> Response:
    context = {
        "event": event,
        "values": values,
        "error": error,
        "weapon_kinds": list(WeaponKind),
        "weapon_rows": WEAPON_ROWS,
        "weapon_field": weapon_field,
        "weapons": service.weapons_of(session, actor, event),
    }
    status = 200 if error is None else 422
    return render(request, "reception/weapons.html", context, status_code=status)


@router.get("/receptions/{reception_id}/weapons", response_class=HTMLResponse)
def weapons_form(
    request: Request, reception_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    """Weapons or equipment handed over after the reception was recorded."""
    event = corrections.reception_for_correction(session, actor, reception_id)
    return _weapons_page(request, session, actor, event, {}, None)


@router.post("/receptions/{reception_id}/weapons", response_class=HTMLResponse)
def add_weapons(
    request: Request, reception_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    """Every row typed is recorded (each with its own receipt), or none when one is wrong."""
    event = corrections.reception_for_correction(session, actor, reception_id)
    encoding = str(form.get("text_encoding", "")) or None
    values, items, names = weapon_rows_from_form(form, encoding=encoding)
    failed: dict[str, Any] = {}
    parsed: list[WeaponIn] = []
    for index, item in enumerate(items):
        try:
            parsed.append(parse(WeaponIn, item))
        except ValidationFailed as error:
            failed.update({f"weapons.{index}.{k}": v for k, v in error.fields.items()})
    if not items:
        failed["weapon_kind"] = N_("Choose the kind of weapon or equipment.")
    if failed:
        invalid = ValidationFailed(fields=weapon_errors_on_form(failed, names))
        return _weapons_page(request, session, actor, event, values, invalid)
    corrections.add_weapons_later(session, actor, event, parsed)
    return notices.redirect(f"/people/{event.person_id}#reception-{event.id}", WEAPONS_ADDED)


def _handover_page(
    request: Request,
    event: ReceptionEvent,
    values: dict[str, Any],
    error: ValidationFailed | None,
) -> Response:
    context = {
        "event": event,
        "values": values,
        "error": error,
        "actors": list(ChildProtectionActor),
    }
    status = 200 if error is None else 422
    return render(request, "reception/handover.html", context, status_code=status)


@router.get("/receptions/{reception_id}/handover", response_class=HTMLResponse)
def handover_form(
    request: Request, reception_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    """Record the handover of a child to child protection (due within 48 hours)."""
    event = corrections.reception_for_correction(session, actor, reception_id)
    return _handover_page(request, event, {}, None)


@router.post("/receptions/{reception_id}/handover", response_class=HTMLResponse)
def record_handover(
    request: Request, reception_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    names = ("handed_over_to", "receiver", "handed_over_at", "text_encoding")
    values = {n: str(form.get(n, "")).strip() for n in names}
    data = {k: v for k, v in values.items() if v}
    try:
        event = corrections.record_child_handover(
            session, actor, reception_id, parse(ChildHandoverIn, data)
        )
    except ValidationFailed as error:
        session.rollback()
        event = corrections.reception_for_correction(session, actor, reception_id)
        return _handover_page(request, event, values, error)
    return notices.redirect(f"/people/{event.person_id}#reception-{event.id}", HANDED_OVER)
