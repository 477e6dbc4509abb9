"""HTML pages of the vetting domain: the queue, a case from hit to decision, the decision
notice, the incident registry, watchlists and the figures. Vetting officers only
(VETTING_READ); other roles see the status on the person page, and case workers record a
person's appeal on its own page (VETTING_APPEAL)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from haven.errors import ValidationFailed
from haven.i18n import LANGUAGES, N_
from haven.kernel.clock import local_today
from haven.kernel.labels import labels
from haven.people.public import person_by_id
from haven.security.fresh import is_fresh
from haven.security.permissions import Actor, Permission, require
from haven.validation import parse
from haven.vetting import cases, incidents, reports
from haven.vetting.lifecycle import (
    AppealState,
    CaseState,
    HitKind,
    Outcome,
    Protection,
    ReviewKind,
    StandardOfProof,
)
from haven.vetting.schemas import (
    RELIABILITY,
    AppealIn,
    AssessmentIn,
    DecisionIn,
    HearingIn,
    IncidentIn,
    IncidentKind,
    NotificationIn,
    ReviewIn,
)
from haven.vetting.status import VettingStatus
from haven.web import notices
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor, SettingsDep
from haven.web.listing import COUNT_CAP, Listing, ListQuery
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

INTERVIEW_STARTED = notices.register(N_("The interview was started."))
PROPOSAL_SENT_BACK = notices.register(N_("The proposal was sent back."))
EVIDENCE_ADDED = notices.register(N_("The evidence was added."))
# What each form on the case page records, by the form's name (its anchor on the page).
CASE_FORM_DONE = {
    "hearing": notices.register(N_("The hearing was recorded.")),
    "assessment": notices.register(N_("The assessment was recorded.")),
    "decision": notices.register(
        N_("The decision was proposed. A second vetting officer must confirm it.")
    ),
    "review": notices.register(N_("The review was opened.")),
    "notification": notices.register(N_("The day the person was told was recorded.")),
}


def _labels() -> dict[str, Any]:
    """Labels of the values stored on the records the pages show, by value."""
    return {
        "STATE_LABELS": labels(CaseState),
        "OUTCOME_LABELS": labels(Outcome),
        "PROTECTION_LABELS": labels(Protection),
        "STATUS_LABELS": labels(VettingStatus),
        "KIND_LABELS": labels(IncidentKind),
        "HIT_KIND_LABELS": labels(HitKind),
        "REVIEW_LABELS": labels(ReviewKind),
        "STANDARD_LABELS": labels(StandardOfProof),
        "APPEAL_LABELS": labels(AppealState),
        "NOT_RECORDED": cases.NOT_RECORDED,
    }


def _values(form: Any, names: tuple[str, ...]) -> dict[str, str]:
    return {name: str(form.get(name, "")).strip() for name in names}


def _data(values: dict[str, str]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v != ""}


# --- the queue ---------------------------------------------------------------------------------


@router.get("/vetting", response_class=HTMLResponse)
def queue(request: Request, session: DB, actor: HtmlActor) -> Response:
    """The vetting queue: waiting longest first (or most hits, or most recent first),
    filterable by state, a page at a time with the count of all that match."""
    require(actor, Permission.VETTING_READ)
    query = ListQuery.from_request(request, sorts=cases.QUEUE_SORTS, default="waiting")
    state = query.get("state")
    chosen = CaseState(state) if state in {str(s) for s in CaseState} else None
    listing = Listing.load(
        query,
        lambda limit, offset: cases.queue_page(
            session,
            actor,
            state=chosen,
            sort=query.sort,
            limit=limit,
            offset=offset,
            count_up_to=COUNT_CAP,
        ),
        count_cap=COUNT_CAP,
    )
    windows = cases.appeal_windows(session, [case for case, _person, _hits in listing.items])
    return render(
        request,
        "vetting/queue.html",
        {
            "listing": listing,
            "rows": listing.items,
            "windows": windows,
            "state": chosen,
            "states": list(CaseState),
            **_labels(),
        },
    )


@router.get("/vetting/persons/{person_id}")
def person_case(person_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    """From the person page to the person's vetting case."""
    case_id = cases.case_id_of_person(session, actor, person_id)
    return RedirectResponse(f"/vetting/cases/{case_id}", status_code=303)


# --- a case ------------------------------------------------------------------------------------


def _case_context(
    session: Session,
    actor: Actor,
    case_id: uuid.UUID,
    *,
    error: ValidationFailed | None = None,
    form_name: str | None = None,
    values: dict[str, str] | None = None,
) -> dict[str, Any]:
    case = cases.get_case(session, actor, case_id)
    person = person_by_id(session, case.person_id)
    decisions = cases.decisions_of(session, actor, case)
    reviews = cases.reviews_of(session, actor, case)
    names = cases.officer_names(session, decisions, reviews)
    proposal = cases.open_proposal(session, case)
    return {
        "case": case,
        "in_force": cases.decision_in_force(session, case),
        "window": cases.appeal_window(session, case),
        "person": person,
        "status": cases.status_of(case),
        "hits": cases.hits_of(session, actor, case),
        "hearings": cases.hearings_of(session, actor, case),
        "decisions": decisions,
        "reviews": reviews,
        "proposal": proposal,
        "names": names,
        "can_decide": actor.can(Permission.VETTING_DECIDE),
        "fresh": is_fresh(session, actor),
        "today": local_today().isoformat(),
        "error": error,
        "form_name": form_name,
        "values": values or {},
        "outcomes": list(Outcome),
        "protections": list(Protection),
        "standards": list(StandardOfProof),
        # An appeal is the person's, recorded on its own page with the day they lodged it.
        "review_kinds": [k for k in ReviewKind if k is not ReviewKind.APPEAL],
        "languages": LANGUAGES,
        **_labels(),
    }


@router.get("/vetting/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    return render(request, "vetting/case.html", _case_context(session, actor, case_id))


def _case_form(
    request: Request,
    session: Session,
    actor: Actor,
    case_id: uuid.UUID,
    form: Any,
    *,
    name: str,
    fields: tuple[str, ...],
    act: Any,
) -> Response:
    values = _values(form, fields)
    try:
        act(_data(values))
    except ValidationFailed as error:
        session.rollback()
        context = _case_context(session, actor, case_id, error=error, form_name=name, values=values)
        return render(request, "vetting/case.html", context, status_code=422)
    return notices.redirect(f"/vetting/cases/{case_id}#{name}", CASE_FORM_DONE[name])


@router.post("/vetting/cases/{case_id}/interview")
def start_interview(case_id: uuid.UUID, session: DB, actor: HtmlFormActor) -> Response:
    cases.start_interview(session, actor, case_id)
    return notices.redirect(f"/vetting/cases/{case_id}#hearing", INTERVIEW_STARTED)


@router.post("/vetting/cases/{case_id}/hearings", response_class=HTMLResponse)
def record_hearing(
    request: Request, case_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    def act(data: dict[str, Any]) -> None:
        for flag in ("declined", "interpreter_present", "representative_present"):
            data[flag] = data.get(flag) == "yes"
        cases.record_hearing(session, actor, case_id, parse(HearingIn, data))

    return _case_form(
        request,
        session,
        actor,
        case_id,
        form,
        name="hearing",
        fields=(
            "held_on",
            "statement",
            "declined",
            "interpreter_present",
            "representative_present",
            "text_encoding",
        ),
        act=act,
    )


@router.post("/vetting/cases/{case_id}/assessment", response_class=HTMLResponse)
def assess(
    request: Request, case_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    def act(data: dict[str, Any]) -> None:
        cases.assess(session, actor, case_id, parse(AssessmentIn, data))

    return _case_form(
        request,
        session,
        actor,
        case_id,
        form,
        name="assessment",
        fields=("assessment", "text_encoding"),
        act=act,
    )


@router.post("/vetting/cases/{case_id}/proposal", response_class=HTMLResponse)
def propose(
    request: Request, case_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    def act(data: dict[str, Any]) -> None:
        cases.propose_decision(session, actor, case_id, parse(DecisionIn, data))

    return _case_form(
        request,
        session,
        actor,
        case_id,
        form,
        name="decision",
        fields=(
            "outcome",
            "standard_of_proof",
            "reasons",
            "disclosed_reasons",
            "conditions",
            "mechanism",
            "protection",
            "text_encoding",
        ),
        act=act,
    )


@router.post("/vetting/cases/{case_id}/confirmation")
def confirm(case_id: uuid.UUID, session: DB, actor: HtmlFormActor) -> Response:
    cases.confirm_decision(session, actor, case_id)
    return RedirectResponse(f"/vetting/cases/{case_id}?decided=1", status_code=303)


@router.post("/vetting/cases/{case_id}/withdrawal")
def withdraw(case_id: uuid.UUID, session: DB, actor: HtmlFormActor) -> Response:
    cases.withdraw_proposal(session, actor, case_id)
    return notices.redirect(f"/vetting/cases/{case_id}#decision", PROPOSAL_SENT_BACK)


@router.post("/vetting/cases/{case_id}/reviews", response_class=HTMLResponse)
def open_review(
    request: Request, case_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    def act(data: dict[str, Any]) -> None:
        cases.open_review(session, actor, case_id, parse(ReviewIn, data))

    return _case_form(
        request,
        session,
        actor,
        case_id,
        form,
        name="review",
        fields=("kind", "grounds", "text_encoding"),
        act=act,
    )


@router.post("/vetting/cases/{case_id}/notification", response_class=HTMLResponse)
def record_notification(
    request: Request,
    case_id: uuid.UUID,
    session: DB,
    actor: HtmlFormActor,
    form: Form,
    settings: SettingsDep,
) -> Response:
    def act(data: dict[str, Any]) -> None:
        cases.record_notification(
            session,
            actor,
            case_id,
            parse(NotificationIn, data),
            appeal_days=settings.vetting_appeal_days,
        )

    return _case_form(
        request,
        session,
        actor,
        case_id,
        form,
        name="notification",
        fields=("notified_on", "language"),
        act=act,
    )


@router.get("/vetting/cases/{case_id}/notice", response_class=HTMLResponse)
def notice_page(
    request: Request,
    case_id: uuid.UUID,
    session: DB,
    actor: HtmlActor,
    settings: SettingsDep,
    language: str | None = None,
) -> Response:
    """The decision notice to give the person, in their language (English or Burmese):
    only what they may know, never the confidential reasons."""
    notice = cases.notice(session, actor, case_id, appeal_days=settings.vetting_appeal_days)
    reader = str(getattr(request.state, "language", "en"))
    request.state.language = cases.notice_language(notice, language, reader)
    return render(
        request, "vetting/notice.html", {"notice": notice, "languages": LANGUAGES, **_labels()}
    )


# --- the person's appeal (vetting officers and case workers) ----------------------------------

APPEAL_FIELDS = ("lodged_on", "grounds", "text_encoding")


def _appeal_context(
    session: Session,
    actor: Actor,
    person_id: uuid.UUID,
    *,
    error: ValidationFailed | None = None,
    values: dict[str, str] | None = None,
) -> dict[str, Any]:
    status, window = cases.person_appeal(session, actor, person_id)
    return {
        "person": person_by_id(session, person_id),
        "status": status,
        "window": window,
        "error": error,
        "values": values or {"lodged_on": local_today().isoformat()},
        **_labels(),
    }


@router.get("/vetting/persons/{person_id}/appeal", response_class=HTMLResponse)
def appeal_page(request: Request, person_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    """Record a person's appeal on their behalf: the day they lodged it, their words."""
    return render(request, "vetting/appeal.html", _appeal_context(session, actor, person_id))


@router.post("/vetting/persons/{person_id}/appeal", response_class=HTMLResponse)
def lodge_appeal(
    request: Request, person_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = _values(form, APPEAL_FIELDS)
    try:
        cases.lodge_appeal(session, actor, person_id, parse(AppealIn, _data(values)))
    except ValidationFailed as error:
        session.rollback()
        context = _appeal_context(session, actor, person_id, error=error, values=values)
        return render(request, "vetting/appeal.html", context, status_code=422)
    return RedirectResponse(f"/vetting/persons/{person_id}/appeal?lodged=1", status_code=303)


# --- incidents ---------------------------------------------------------------------------------

INCIDENT_FIELDS = (
    "kind",
    "period",
    "township",
    "village",
    "units",
    "perpetrators",
    "summary",
    "sources",
    "source_reliability",
    "information_credibility",
    "text_encoding",
)


def _incidents_context(session: Session, actor: Actor, **extra: Any) -> dict[str, Any]:
    return {
        "incidents": incidents.list_incidents(session, actor),
        "watchlists": incidents.list_watchlists(session, actor),
        "can_decide": actor.can(Permission.VETTING_DECIDE),
        "kinds": list(IncidentKind),
        "grades": RELIABILITY,
        "values": {},
        "error": None,
        "import_error": None,
        "watchlist_error": None,
        "ask_encoding": False,
        **_labels(),
        **extra,
    }


def _require_file(content: bytes) -> None:
    if not content:
        raise ValidationFailed(fields={"file": N_("Choose a file.")})


@router.get("/vetting/incidents", response_class=HTMLResponse)
def incident_list(request: Request, session: DB, actor: HtmlActor) -> Response:
    return render(request, "vetting/incidents.html", _incidents_context(session, actor))


@router.post("/vetting/incidents", response_class=HTMLResponse)
def record_incident(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    values = _values(form, INCIDENT_FIELDS)
    data = _data(values)
    data["perpetrators"] = incidents.parse_perpetrators(values.get("perpetrators", ""))
    try:
        incident, result = incidents.record_incident(session, actor, parse(IncidentIn, data))
    except ValidationFailed as error:
        session.rollback()
        ask = any("Zawgyi" in str(m) for m in error.fields.values())
        context = _incidents_context(session, actor, values=values, error=error, ask_encoding=ask)
        return render(request, "vetting/incidents.html", context, status_code=422)
    return RedirectResponse(
        f"/vetting/incidents/{incident.id}?rescreened={result.screened}&hits={result.new_hits}",
        status_code=303,
    )


@router.post("/vetting/incidents/import", response_class=HTMLResponse)
async def import_incidents(
    request: Request, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    upload = form.get("file")
    content = (
        await upload.read(incidents.MAX_CSV_BYTES + 1) if isinstance(upload, UploadFile) else b""
    )
    try:
        _require_file(content)
        created, result = incidents.import_incidents(session, actor, content)
    except ValidationFailed as error:
        session.rollback()
        context = _incidents_context(session, actor, import_error=error)
        return render(request, "vetting/incidents.html", context, status_code=422)
    return RedirectResponse(
        f"/vetting/incidents?imported={created}&rescreened={result.screened}&hits={result.new_hits}",
        status_code=303,
    )


@router.post("/vetting/watchlists", response_class=HTMLResponse)
async def load_watchlist(
    request: Request, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    upload = form.get("file")
    content = (
        await upload.read(incidents.MAX_CSV_BYTES + 1) if isinstance(upload, UploadFile) else b""
    )
    try:
        _require_file(content)
        _watchlist, result = incidents.load_watchlist(
            session, actor, name=str(form.get("name", "")), content=content
        )
    except ValidationFailed as error:
        session.rollback()
        context = _incidents_context(session, actor, watchlist_error=error)
        return render(request, "vetting/incidents.html", context, status_code=422)
    return RedirectResponse(
        f"/vetting/incidents?loaded=1&rescreened={result.screened}&hits={result.new_hits}",
        status_code=303,
    )


@router.get("/vetting/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(
    request: Request, incident_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    return render(request, "vetting/incident.html", _incident_context(session, actor, incident_id))


def _incident_context(
    session: Session, actor: Actor, incident_id: uuid.UUID, error: ValidationFailed | None = None
) -> dict[str, Any]:
    incident = incidents.get_incident(session, actor, incident_id)
    return {
        "incident": incident,
        "units": incidents.units_of(session, incident),
        "perpetrators": incidents.perpetrators_of(session, actor, incident),
        "evidence": incidents.evidence_of(session, actor, incident),
        "can_decide": actor.can(Permission.VETTING_DECIDE),
        "error": error,
        **_labels(),
    }


@router.post("/vetting/incidents/{incident_id}/evidence", response_class=HTMLResponse)
async def add_evidence(
    request: Request, incident_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    upload = form.get("file")
    content = (
        await upload.read(incidents.MAX_EVIDENCE_BYTES + 1)
        if isinstance(upload, UploadFile)
        else b""
    )
    try:
        _require_file(content)
        incidents.add_evidence(
            session,
            actor,
            incident_id,
            filename=getattr(upload, "filename", None) or "evidence",
            content_type=getattr(upload, "content_type", None) or "application/octet-stream",
            content=content,
            description=str(form.get("description", "")).strip()[:1000] or None,
        )
    except ValidationFailed as error:
        session.rollback()
        context = _incident_context(session, actor, incident_id, error)
        return render(request, "vetting/incident.html", context, status_code=422)
    return notices.redirect(f"/vetting/incidents/{incident_id}#evidence", EVIDENCE_ADDED)


@router.get("/vetting/evidence/{evidence_id}")
def download_evidence(evidence_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    evidence = incidents.get_evidence(session, actor, evidence_id)
    return Response(
        evidence.content,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="evidence-{evidence.sha256[:12]}.bin"',
            "Cache-Control": "no-store",
        },
    )


# --- figures -----------------------------------------------------------------------------------


@router.get("/vetting/reports", response_class=HTMLResponse)
def report_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    figures = reports.report(session, actor)
    return render(request, "vetting/reports.html", {"figures": figures, **_labels()})
