"""HTML pages of disclosures: the log (filters: recipient, agreement, kind, dates), an entry,
and the data-sharing agreements (list, new, detail, edit, state moves).

Agreement pages need a fresh login (they decide what may leave Haven), asked before the form
is shown so that nothing typed is lost. Forms work without JavaScript: 303 on success, the
same page with the errors and the values kept (422) otherwise.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from haven.accounts import repository as accounts
from haven.disclosures import repository, service
from haven.disclosures.lifecycle import (
    AGREEMENT,
    DISCLOSURE_LABELS,
    AgreementStatus,
    DisclosureKind,
    LegalBasis,
    PersonalField,
    RecipientKind,
)
from haven.disclosures.models import SharingAgreement
from haven.disclosures.schemas import AgreementIn
from haven.errors import ValidationFailed
from haven.i18n import N_
from haven.kernel.clock import local_today, start_of_day
from haven.security.fresh import require_fresh
from haven.security.permissions import Actor, Permission, require
from haven.validation import parse
from haven.web import notices
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor, form_uuid
from haven.web.listing import Listing, ListQuery
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

SAVED = notices.register(N_("The agreement is saved."))
MOVED = notices.register(N_("The agreement's state is changed."))
LIST_FIELDS = ("kinds", "fields")
TEXT_FIELDS = (
    "recipient_name", "recipient_kind", "recipient_organisation_id", "purpose", "legal_basis",
    "valid_from", "valid_until", "document_reference", "text_encoding",
)  # fmt: skip
# The moves a button offers, in the order shown, with their words.
MOVE_LABELS = {
    AgreementStatus.IN_FORCE: N_("Bring into force"),
    AgreementStatus.SUSPENDED: N_("Suspend"),
    AgreementStatus.ENDED: N_("End"),
}


def _choices() -> dict[str, Any]:
    return {
        "L": DISCLOSURE_LABELS,
        "recipient_kinds": list(RecipientKind),
        "legal_bases": list(LegalBasis),
        "kinds": list(DisclosureKind),
        "personal_fields": list(PersonalField),
    }


# --- the log -------------------------------------------------------------------------------


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/disclosures", response_class=HTMLResponse)
def log_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    """The disclosure log, newest first, filtered by recipient, agreement, kind and dates."""
    require(actor, Permission.DISCLOSURE_READ)
    query = ListQuery.from_request(request, sorts=("newest",))
    errors: dict[str, str] = {}
    agreement = query.get("agreement")
    since, until = _day(query.get("from")), _day(query.get("to"))
    if query.get("from") and since is None:
        errors["from"] = N_("Enter a date as YYYY-MM-DD.")
    if query.get("to") and until is None:
        errors["to"] = N_("Enter a date as YYYY-MM-DD.")
    kind = query.get("kind")
    wanted = repository.LogFilter(
        recipient=query.get("recipient")[:200],
        agreement_id=form_uuid(agreement) if agreement not in ("", "none") else None,
        no_agreement=agreement == "none",
        kind=kind if kind in {k.value for k in DisclosureKind} else "",
        since=start_of_day(since) if since else None,
        before=start_of_day(until + timedelta(days=1)) if until else None,
    )
    listing = Listing.load(
        query,
        lambda limit, offset: service.log_page(session, actor, wanted, limit=limit, offset=offset),
    )
    users = accounts.users_by_id(session, [d.disclosed_by_id for d in listing.items])
    return render(
        request,
        "disclosures/log.html",
        {
            "listing": listing,
            "users": users,
            "agreements": service.agreement_choices(session, actor),
            "filters": {n: query.get(n) for n in ("recipient", "agreement", "kind", "from", "to")},
            "filter_error": ValidationFailed(fields=errors) if errors else None,
            "can_manage": actor.can(Permission.SHARING_AGREEMENT_MANAGE),
            **_choices(),
        },
    )


# --- agreements (declared before /disclosures/{id}) ----------------------------------------


@router.get("/disclosures/agreements", response_class=HTMLResponse)
def agreements_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    """Every data-sharing agreement of the organisation, with its state and validity."""
    return render(
        request,
        "disclosures/agreements.html",
        {"agreements": service.agreements(session, actor), **_choices()},
    )


def _values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {n: str(form.get(n, "")).strip() for n in TEXT_FIELDS}
    for name in LIST_FIELDS:
        values[name] = [str(v) for v in form.getlist(name)]
    return values


def _data(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in ("", None)} | {
        name: values[name] for name in LIST_FIELDS
    }


def _values_of(agreement: SharingAgreement) -> dict[str, Any]:
    values: dict[str, Any] = {
        n: getattr(agreement, n) for n in TEXT_FIELDS if hasattr(agreement, n)
    }
    values["kinds"], values["fields"] = list(agreement.kinds), list(agreement.fields)
    return {k: ("" if v is None else v) for k, v in values.items()}


def _form_page(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    agreement: SharingAgreement | None,
    values: dict[str, Any],
    error: ValidationFailed | None = None,
) -> Response:
    return render(
        request,
        "disclosures/agreement_form.html",
        {
            "agreement": agreement,
            "values": values,
            "error": error,
            "partners": accounts.referral_partners(session, actor),
            **_choices(),
        },
        status_code=422 if error else 200,
    )


@router.get("/disclosures/agreements/new", response_class=HTMLResponse)
def new_agreement_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    require(actor, Permission.SHARING_AGREEMENT_MANAGE)
    require_fresh(session, actor)
    values = {"valid_from": local_today().isoformat(), "kinds": [], "fields": []}
    return _form_page(request, session, actor, agreement=None, values=values)


@router.post("/disclosures/agreements", response_class=HTMLResponse)
def create_agreement(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    values = _values(form)
    try:
        agreement = service.create_agreement(session, actor, parse(AgreementIn, _data(values)))
    except ValidationFailed as error:
        session.rollback()
        return _form_page(request, session, actor, agreement=None, values=values, error=error)
    return notices.redirect(f"/disclosures/agreements/{agreement.id}", SAVED)


@router.get("/disclosures/agreements/{agreement_id}", response_class=HTMLResponse)
def agreement_page(
    request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    """An agreement: what it allows, its state and the moves it may make."""
    agreement = service.get_agreement(session, actor, agreement_id)
    return render(
        request,
        "disclosures/agreement.html",
        {
            "agreement": agreement,
            "moves": [
                (s, MOVE_LABELS[s]) for s in MOVE_LABELS if AGREEMENT.allows(agreement.status, s)
            ],
            "partner": (
                accounts.organisation_by_id(session, agreement.recipient_organisation_id)
                if agreement.recipient_organisation_id
                else None
            ),
            **_choices(),
        },
    )


@router.get("/disclosures/agreements/{agreement_id}/edit", response_class=HTMLResponse)
def edit_agreement_page(
    request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    agreement = service.get_agreement(session, actor, agreement_id)
    require_fresh(session, actor)
    return _form_page(request, session, actor, agreement=agreement, values=_values_of(agreement))


@router.post("/disclosures/agreements/{agreement_id}/edit", response_class=HTMLResponse)
def update_agreement(
    request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = _values(form)
    try:
        service.update_agreement(session, actor, agreement_id, parse(AgreementIn, _data(values)))
    except ValidationFailed as error:
        session.rollback()
        agreement = service.get_agreement(session, actor, agreement_id)
        return _form_page(request, session, actor, agreement=agreement, values=values, error=error)
    return notices.redirect(f"/disclosures/agreements/{agreement_id}", SAVED)


@router.post("/disclosures/agreements/{agreement_id}/move", response_class=HTMLResponse)
def move_agreement(
    agreement_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    """Bring into force, suspend, resume or end (409 on an illegal move)."""
    try:
        target = AgreementStatus(str(form.get("status", "")))
    except ValueError:
        raise ValidationFailed(fields={"status": N_("Choose a state.")}) from None
    service.move_agreement(session, actor, agreement_id, target)
    return notices.redirect(f"/disclosures/agreements/{agreement_id}", MOVED)


# --- one entry -----------------------------------------------------------------------------


@router.get("/disclosures/{disclosure_id}", response_class=HTMLResponse)
def disclosure_page(
    request: Request, disclosure_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    """One entry of the log: what left, to whom, under what, by whom, and its hash."""
    entry, person_ids = service.get_disclosure(session, actor, disclosure_id)
    by = accounts.user_by_id(session, entry.disclosed_by_id) if entry.disclosed_by_id else None
    return render(
        request,
        "disclosures/entry.html",
        {"entry": entry, "people": len(person_ids), "by": by, **_choices()},
    )
