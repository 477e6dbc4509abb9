"""HTML pages of the prisoner-of-war registry: the compliance board (`/pow`), registration,
the record page with one form per duty, places and visits, the pay table, and the bureau's
signed exports."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from haven.accounts import service as accounts
from haven.errors import Conflict, HavenError, NotFound, ValidationFailed
from haven.forces.public import ensure_reference_data, list_forces, list_ranks, ranks_by_id
from haven.i18n import N_
from haven.kernel.labels import labels
from haven.kernel.marks import Mark
from haven.people.public import person_by_id, persons_by_id
from haven.pow import board, bureau, care, ending, repository, service, tracing, voluntariness
from haven.pow.deadlines import inspection_due_on, local_today
from haven.pow.lifecycle import PowStatus
from haven.pow.models import PowRecord, VoluntarinessCheck
from haven.pow.schemas import (
    Art17In,
    Art17Item,
    Art122In,
    Art122Item,
    CardOccasion,
    CardSentIn,
    CorrespondenceIn,
    DeathIn,
    DefectIn,
    Direction,
    EffectIn,
    EscapeIn,
    InspectionIn,
    MailKind,
    Movement,
    NoticeKind,
    Outcome,
    PayCategory,
    PayRateIn,
    PlaceIn,
    PlaceKind,
    PowCapture,
    PowRegister,
    PrisonerPath,
    ReleaseGrounds,
    ReleaseIn,
    ReleaseKind,
    Risk,
    RiskConclusion,
    StateOfHealth,
    TakenAs,
    TracingChoice,
    TracingIn,
    TransferIn,
    VisitIn,
    VoluntarinessIn,
    WishIn,
    Witness,
)
from haven.programme.public import legal_framework
from haven.reception.public import ReceptionEvent
from haven.security.fresh import is_fresh
from haven.security.permissions import Actor, Permission, require
from haven.validation import parse
from haven.web import notices
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor
from haven.web.listing import Listing, ListQuery
from haven.web.templating import render as render_page

router = APIRouter(include_in_schema=False)


# Labels of the values stored on the registry's records, by value (lists of choices use the
# enum members' own `.label`).
LABELS_BY_VALUE: dict[str, dict[str, str]] = {
    "STATUS_LABELS": labels(PowStatus),
    "PLACE_LABELS": labels(PlaceKind),
    "OCCASION_LABELS": labels(CardOccasion),
    "NOTICE_LABELS": labels(NoticeKind),
    "DIRECTION_LABELS": labels(Direction),
    "MAIL_LABELS": labels(MailKind),
    "OUTCOME_LABELS": labels(Outcome),
    "PAY_LABELS": labels(PayCategory),
    "PATH_LABELS": labels(PrisonerPath),
    "WITNESS_LABELS": labels(Witness),
    "MARK_LABELS": labels(Mark),
    "TRACING_LABELS": labels(TracingChoice),
    "MOVEMENT_LABELS": labels(Movement),
    "RISK_LABELS": labels(Risk),
    "CONCLUSION_LABELS": labels(RiskConclusion),
    "HEALTH_LABELS": labels(StateOfHealth),
}


def render(
    request: Request, template: str, context: dict[str, Any], *, status_code: int = 200
) -> HTMLResponse:
    return render_page(request, template, {**LABELS_BY_VALUE, **context}, status_code=status_code)


PDF = "application/pdf"
CHECKBOXES = {
    "seriously_ill",
    "hospitalised",
    "cremated",
    "interviewer_independent",
    "detaining_unit_absent",
    "former_commanders_absent",
    "wishes_not_repatriated",
    "informed",
}
LISTS = ("refused", "risks", "paths")


def _values(form: FormData) -> dict[str, Any]:
    """The form as entered (kept for re-display), lists for `refused`, ticks as booleans."""
    values: dict[str, Any] = {
        k: str(v).strip() for k, v in form.items() if k != "csrf_token" and k not in LISTS
    }
    for name in LISTS:
        values[name] = [str(v) for v in form.getlist(name)]
    for name in CHECKBOXES:
        values[name] = form.get(name) == "yes"
    return values


def _data(values: dict[str, Any], model: type[BaseModel]) -> dict[str, Any]:
    fields = model.model_fields
    return {k: v for k, v in values.items() if k in fields and v not in ("", None)}


# --- the board ------------------------------------------------------------------------------


RECORDS_PER_PAGE = 50


@router.get("/pow", response_class=HTMLResponse)
def board_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    found = board.board(session, actor)
    # The prisoners a page at a time: at a programme's scale there are thousands.
    query = ListQuery.from_request(request, per_page=RECORDS_PER_PAGE)
    listing = Listing.load(
        query,
        lambda limit, offset: service.records_page(session, actor, limit=limit, offset=offset),
    )
    records = listing.items
    return render(
        request,
        "pow/board.html",
        {
            "board": found,
            "records": records,
            "listing": listing,
            "inspections_shown": board.INSPECTIONS_SHOWN,
            "ranks": ranks_by_id(session, {r.rank_id for r in records if r.rank_id}),
            "places": {p.id: p for p in repository.places(session, actor)},
            "can_write": actor.can(Permission.POW_WRITE),
            "framework": legal_framework(session, actor),
        },
    )


# --- registration ---------------------------------------------------------------------------


REGISTERED = notices.register(N_("Registered. A capture card is now due."))
EFFECT_RETURNED = notices.register(N_("The article is recorded as handed back."))
PLACE_ADDED = notices.register(N_("The place of internment was added."))
VISIT_RECORDED = notices.register(N_("The visit was recorded."))
WAITING_PER_PAGE = 25
MAX_QUERY = 200


def _waiting(
    request: Request, session: Session, actor: Actor, form: FormData | None = None
) -> tuple[Listing[ReceptionEvent], str]:
    """The people received as prisoners and waiting for a record, a page of them; a POSTed
    search (`q`: a name in either script, a service number…) keeps names out of URLs."""
    values = None if form is None else [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    query = ListQuery.from_request(request, per_page=WAITING_PER_PAGE, values=values)
    if form is None:  # links page the list of /pow/register, whichever form was sent
        query = replace(query, path="/pow/register", params=())
    text = query.get("q")[:MAX_QUERY] if form is not None else ""
    listing = Listing.load(
        query,
        lambda limit, offset: service.waiting(
            session, actor, query=text, limit=limit, offset=offset
        ),
    )
    return listing, text


def _register_context(
    request: Request,
    session: Session,
    actor: Actor,
    *,
    values: dict[str, Any] | None = None,
    error: HavenError | None = None,
    form: FormData | None = None,
    chosen: ReceptionEvent | None = None,
    capture: dict[str, Any] | None = None,
    capture_error: HavenError | None = None,
) -> dict[str, Any]:
    waiting, text = _waiting(request, session, actor, form)
    events = [*waiting.items, *([chosen] if chosen else [])]
    sites = accounts.list_sites(session, actor)
    army = ensure_reference_data(session)
    capture_values = capture or {
        "taken_as": "captured",
        "site_id": str(actor.site_id or (sites[0].id if len(sites) == 1 else "")),
    }
    return {
        "waiting": waiting,
        "q": text,
        "chosen": chosen,
        "persons": persons_by_id(session, [e.person_id for e in events]),
        "places": service.list_places(session, actor),
        "health_states": list(StateOfHealth),
        "taken_as": list(TakenAs),
        "ranks": list_ranks(session, actor, army.id),
        "sites": sites,
        "values": values or {},
        "error": error,
        "capture": capture_values,
        "capture_error": capture_error,
        "ask_encoding": bool(
            capture_error and any("Zawgyi" in str(m) for m in capture_error.fields.values())
        ),
        "today": local_today(),
        "framework": legal_framework(session, actor),
    }


def _chosen(session: Session, actor: Actor, person_id: str) -> ReceptionEvent | None:
    """The waiting person's reception, if `person_id` names one (else None: choose again)."""
    try:
        wanted = uuid.UUID(person_id)
    except ValueError:
        return None
    found, _total = service.waiting(session, actor, person_ids=[wanted], limit=1)
    return found[0] if found else None


@router.get("/pow/register", response_class=HTMLResponse)
def register_form(request: Request, session: DB, actor: HtmlActor) -> Response:
    """Register a prisoner: one already received (found by a search, then chosen), or one
    nobody received yet (the capture form)."""
    require(actor, Permission.POW_WRITE)
    chosen = _chosen(session, actor, request.query_params.get("person_id", ""))
    values = {"captured_on": chosen.received_on.isoformat()} if chosen else {}
    context = _register_context(request, session, actor, values=values, chosen=chosen)
    return render(request, "pow/register.html", context)


@router.post("/pow/register/find", response_class=HTMLResponse)
def find_waiting(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    """The waiting people a search finds (a POST: names never travel in URLs)."""
    require(actor, Permission.POW_WRITE)
    context = _register_context(request, session, actor, form=form)
    return render(request, "pow/register.html", context)


@router.post("/pow/register", response_class=HTMLResponse)
def register(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    values = _values(form)
    try:
        record = service.register(session, actor, parse(PowRegister, _data(values, PowRegister)))
    except (ValidationFailed, Conflict) as error:
        session.rollback()
        chosen = _chosen(session, actor, str(values.get("person_id", "")))
        context = _register_context(
            request, session, actor, values=values, error=error, chosen=chosen
        )
        return render(request, "pow/register.html", context, status_code=error.status)
    return notices.redirect(f"/pow/records/{record.id}", REGISTERED)


@router.post("/pow/register/new", response_class=HTMLResponse)
def register_captured(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    """A captured person nobody received yet: reception and the record in one transaction."""
    values = _values(form)
    try:
        record = service.register_captured(
            session, actor, parse(PowCapture, _data(values, PowCapture))
        )
    except (ValidationFailed, Conflict) as error:
        session.rollback()
        context = _register_context(request, session, actor, capture=values, capture_error=error)
        return render(request, "pow/register.html", context, status_code=error.status)
    return notices.redirect(f"/pow/records/{record.id}", REGISTERED)


# --- the record page ------------------------------------------------------------------------


def _defect_check(session: Session, record: PowRecord) -> VoluntarinessCheck | None:
    """The check that would allow the change to defector now (None: none would)."""
    if record.status != PowStatus.INTERNED:
        return None
    try:
        check = voluntariness.require_voluntary(session, record, PrisonerPath.DEFECT)
    except Conflict:
        return None
    return check if check.used_at is None else None


def _record_context(session: Session, actor: Actor, pow_id: uuid.UUID) -> dict[str, Any]:
    record = service.view_record(session, actor, pow_id)
    ranks = ranks_by_id(session, [record.rank_id])
    inspections = care.inspections(session, actor, pow_id)
    person = person_by_id(session, record.person_id)
    places = {p.id: p for p in service.list_places(session, actor)}
    checks = voluntariness.checks(session, actor, pow_id)
    forces = list_forces(session, actor)
    consents = tracing.consents(session, actor, pow_id)
    return {
        "record": record,
        "rank": ranks.get(record.rank_id) if record.rank_id else None,
        "person": person,
        "places": places,
        "cards": service.cards(session, actor, pow_id),
        "transfers": service.transfers(session, actor, pow_id),
        "inspections": inspections,
        "inspection_due": inspection_due_on(
            inspections[0].inspected_on if inspections else None, record.captured_on
        ),
        "effects": care.effects(session, actor, pow_id),
        "mail": care.correspondence(session, actor, pow_id),
        "checks": checks,
        "defect_check": _defect_check(session, record),
        "visits": care.visits(session, actor),
        "forces": forces,
        "force_names": {f.id: f for f in forces},
        "assessments": {a.id: a for a in service.risk_assessments(session, actor, pow_id)},
        "consents": consents,
        "current_consent": next((c for c in consents if c.superseded_at is None), None),
        "releases": ending.releases(session, actor, pow_id),
        "paths": list(PrisonerPath),
        "health_states": list(StateOfHealth),
        "witnesses": list(Witness),
        "marks": list(Mark),
        "risks": list(Risk),
        "conclusions": list(RiskConclusion),
        "tracing_choices": list(TracingChoice),
        "defected": record.status == PowStatus.DEFECTED,
        "notices": repository.notices_of(session, record.id),
        "death": repository.death_of(session, record.id),
        "today": local_today(),
        "can_write": actor.can(Permission.POW_WRITE),
        "art17_items": list(Art17Item),
        "art122_items": list(Art122Item),
        "place_kinds": list(PlaceKind),
        "directions": list(Direction),
        "mail_kinds": list(MailKind),
        "release_kinds": list(ReleaseKind),
        "grounds": list(ReleaseGrounds),
        "outcomes": list(Outcome),
        "notice_kinds": list(NoticeKind),
        "interned": record.status == PowStatus.INTERNED,
        "values": {},
        "error": None,
        "section": None,
        "framework": legal_framework(session, actor),
    }


@router.get("/pow/records/{pow_id}", response_class=HTMLResponse)
def record_page(request: Request, pow_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    return render(request, "pow/record.html", _record_context(session, actor, pow_id))


Handler = Callable[[Session, Actor, uuid.UUID, Any], object]


def _record_post(
    request: Request,
    session: Session,
    actor: Actor,
    pow_id: uuid.UUID,
    form: FormData,
    *,
    section: str,
    model: type[BaseModel],
    handler: Handler,
) -> Response:
    """Parse one of the record page's forms and call its service; on a 4xx show the page
    again with the message beside the form and the values kept, nothing written."""
    values = _values(form)
    try:
        handler(session, actor, pow_id, parse(model, _data(values, model)))
    except (ValidationFailed, Conflict) as error:
        session.rollback()
        context = _record_context(session, actor, pow_id)
        context.update(values=values, error=error, section=section)
        return render(request, "pow/record.html", context, status_code=error.status)
    return RedirectResponse(f"/pow/records/{pow_id}?saved={section}#{section}", status_code=303)


FORMS: dict[str, tuple[type[BaseModel], Handler]] = {
    "art17": (Art17In, service.update_art17),
    "art122": (Art122In, service.update_art122),
    "transfer": (TransferIn, service.transfer),
    "inspection": (InspectionIn, care.record_inspection),
    "effect": (EffectIn, care.take_effect),
    "mail": (CorrespondenceIn, care.log_correspondence),
    "death": (DeathIn, ending.record_death),
    "wish": (WishIn, ending.set_wish),
    "release": (ReleaseIn, ending.release),
    "escape": (EscapeIn, ending.escape),
    "check": (VoluntarinessIn, voluntariness.record_check),
    "defect": (DefectIn, ending.defect),
    "tracing": (TracingIn, ending.record_tracing_choice),
}


@router.post("/pow/records/{pow_id}/{section}", response_class=HTMLResponse)
def record_form(
    request: Request,
    pow_id: uuid.UUID,
    section: str,
    session: DB,
    actor: HtmlFormActor,
    form: Form,
) -> Response:
    if section not in FORMS:
        raise NotFound
    model, handler = FORMS[section]
    return _record_post(
        request, session, actor, pow_id, form, section=section, model=model, handler=handler
    )


@router.post("/pow/cards/{card_id}/sent", response_class=HTMLResponse)
def card_sent(
    request: Request, card_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    card = service.get_card(session, actor, card_id)
    pow_id = card.pow_id

    def handler(session: Session, actor: Actor, _pow_id: uuid.UUID, data: Any) -> object:
        return service.mark_card_sent(session, actor, card_id, data)

    return _record_post(
        request, session, actor, pow_id, form, section="cards", model=CardSentIn, handler=handler
    )


@router.get("/pow/cards/{card_id}.pdf")
def card_pdf(card_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    content = bureau.capture_card_pdf(session, actor, card_id)
    return Response(
        content,
        media_type=PDF,
        headers={"Content-Disposition": f'inline; filename="capture-card-{str(card_id)[:8]}.pdf"'},
    )


@router.get("/pow/records/{pow_id}/death-certificate.pdf")
def death_certificate_pdf(pow_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    content = bureau.death_certificate_pdf(session, actor, pow_id)
    return Response(
        content,
        media_type=PDF,
        headers={"Content-Disposition": 'inline; filename="death-certificate.pdf"'},
    )


@router.post("/pow/effects/{effect_id}/return", response_class=HTMLResponse)
def return_effect(effect_id: uuid.UUID, session: DB, actor: HtmlFormActor) -> Response:
    effect = care.return_effect(session, actor, effect_id)
    return notices.redirect(f"/pow/records/{effect.pow_id}#effects", EFFECT_RETURNED)


@router.get("/pow/effects/{effect_id}/receipt", response_class=HTMLResponse)
def effect_receipt(
    request: Request, effect_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    effect = care.get_effect(session, actor, effect_id)
    record = service.view_record(session, actor, effect.pow_id)
    return render(
        request,
        "pow/receipt.html",
        {"effect": effect, "record": record, "framework": legal_framework(session, actor)},
    )


# --- places and ICRC visits -----------------------------------------------------------------


def _places_context(
    session: Session, actor: Actor, values: dict[str, Any], error: HavenError | None, form: str
) -> dict[str, Any]:
    return {
        "places": service.list_places(session, actor),
        "visits": care.visits(session, actor),
        "place_kinds": list(PlaceKind),
        "values": values,
        "error": error,
        "form": form,
        "can_write": actor.can(Permission.POW_WRITE),
        "today": local_today(),
    }


@router.get("/pow/places", response_class=HTMLResponse)
def places_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    return render(request, "pow/places.html", _places_context(session, actor, {}, None, ""))


@router.post("/pow/places", response_class=HTMLResponse)
def create_place(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    values = _values(form)
    try:
        service.create_place(session, actor, parse(PlaceIn, _data(values, PlaceIn)))
    except ValidationFailed as error:
        session.rollback()
        context = _places_context(session, actor, values, error, "place")
        return render(request, "pow/places.html", context, status_code=422)
    return notices.redirect("/pow/places", PLACE_ADDED)


@router.post("/pow/visits", response_class=HTMLResponse)
def record_visit(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    values = _values(form)
    try:
        care.record_visit(session, actor, parse(VisitIn, _data(values, VisitIn)))
    except ValidationFailed as error:
        session.rollback()
        context = _places_context(session, actor, values, error, "visit")
        return render(request, "pow/places.html", context, status_code=422)
    return notices.redirect("/pow/places#visits", VISIT_RECORDED)


# --- advances of pay ------------------------------------------------------------------------


@router.get("/pow/pay-rates", response_class=HTMLResponse)
def pay_rates_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    rates = care.pay_rates(session, actor)
    return render(request, "pow/pay_rates.html", {"rates": rates, "error": None, "values": {}})


@router.post("/pow/pay-rates", response_class=HTMLResponse)
def save_pay_rates(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    """The whole table at once: each row's amount in the currency's main unit (e.g. 8.00)."""
    rates = care.pay_rates(session, actor)
    values = {str(r.id): str(form.get(f"amount-{r.id}", "")).strip() for r in rates}
    fields: dict[str, Any] = {}
    parsed: dict[uuid.UUID, int] = {}
    for rate in rates:
        text = values[str(rate.id)]
        try:
            amount = round(float(text) * 100)
        except ValueError:
            amount = -1
        if amount < 0 or amount > 10**9:
            fields[f"amount-{rate.id}"] = N_("Enter an amount such as 8.00.")
        parsed[rate.id] = amount
    if fields:
        error = ValidationFailed(fields=fields)
        return render(
            request,
            "pow/pay_rates.html",
            {"rates": rates, "error": error, "values": values},
            status_code=422,
        )
    for rate in rates:
        care.set_pay_rate(
            session, actor, rate.id, PayRateIn(amount_minor=parsed[rate.id], currency=rate.currency)
        )
    return RedirectResponse("/pow/pay-rates?saved=1", status_code=303)


# --- the Information Bureau -----------------------------------------------------------------


@router.get("/pow/notices", response_class=HTMLResponse)
def notices_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    notices = bureau.pending_notices(session, actor)
    return render(
        request,
        "pow/notices.html",
        {
            "notices": notices,
            # Only the records the notices name and the seriously ill (not every prisoner).
            "records": repository.records_by_id(session, [n.pow_id for n in notices]),
            "ill": bureau.seriously_ill(session, actor),
            "can_write": actor.can(Permission.POW_WRITE),
            "fresh": is_fresh(session, actor),
            "framework": legal_framework(session, actor),
        },
    )


def _zip(export: bureau.SignedExport) -> Response:
    return Response(
        export.content,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{export.export_id}.zip"'},
    )


@router.post("/pow/notices/export")
def export_notices(session: DB, actor: HtmlFormActor) -> Response:
    """The signed file for the Central Tracing Agency (fresh login required; audited)."""
    return _zip(bureau.export_notices(session, actor))


@router.post("/pow/health-report")
def export_health_report(session: DB, actor: HtmlFormActor) -> Response:
    """The weekly report of the seriously ill, signed (fresh login required; audited)."""
    return _zip(bureau.export_health_report(session, actor))
