"""HTML pages of the pathways domain: the caseload, a case, the choice (with its
explanation), confidential notes, referrals as the receiver sees them, explanation texts.

Every form works without JavaScript: a POST answers with a redirect (303) on success, or the
same page with an error summary, the message beside the field and the values kept (422).
List pages read names (persons, organisations, users) in batches: a constant number of
queries whatever the number of rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from haven.accounts import repository as accounts
from haven.db.types import utcnow
from haven.errors import Conflict, HavenError, NotFound, ValidationFailed
from haven.forces.public import receiving_forces
from haven.i18n import N_
from haven.kernel.labels import labels
from haven.kernel.marks import Mark
from haven.pathways import repository, service, tracks, work
from haven.pathways.lifecycle import (
    CaseStatus,
    ExileStepName,
    ExileStepStatus,
    HomeStatus,
    Pathway,
    ReferralStatus,
    ServeStatus,
    TaskStatus,
)
from haven.pathways.models import Case, Referral
from haven.pathways.public import current_pathways
from haven.pathways.schemas import (
    AssignIn,
    ChoiceIn,
    ConsentTextIn,
    Evidence,
    ExilePlanIn,
    ExileStepMove,
    ExplanationLanguage,
    HomeMove,
    HomePlanIn,
    NoteIn,
    ReasonIn,
    ReferralIn,
    ReferralKind,
    ReferralMove,
    Reunification,
    Risk,
    SafetyIn,
    ServeClaimIn,
    ServeOverrideIn,
    ServePostIn,
    ServeVerifyIn,
    Support,
    TaskIn,
    TaskKind,
    TaskMove,
    TransferIn,
    VisitIn,
)
from haven.people.public import RiskLevel
from haven.security.permissions import Actor, Permission, Role, require
from haven.validation import parse
from haven.web import notices
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor, form_uuid
from haven.web.listing import Listing, ListQuery
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

# The value → label map the templates read, from the enums that carry the labels (a value
# shared by two enums, such as "completed", has the same label in both).
PW_LABELS: dict[str, str] = {
    **labels(Pathway),
    **labels(ReferralKind),
    **labels(CaseStatus),
    **labels(TaskStatus),
    **labels(TaskKind),
    **labels(ReferralStatus),
    **labels(ServeStatus),
    **labels(Evidence),
    **labels(HomeStatus),
    **labels(Risk),
    **labels(Reunification),
    **labels(Support),
    **labels(ExileStepName),
    **labels(ExileStepStatus),
    **labels(ExplanationLanguage),
    **labels(Mark),
}

# A person's risk level (haven.protection), shown on the case and the case list.
RISK_LABELS: dict[str, str] = labels(RiskLevel)

LIST_FIELDS = ("evidence", "support")


def _values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token":
            continue
        if key in LIST_FIELDS:
            values[key] = [str(v) for v in form.getlist(key)]
        else:
            values[key] = str(form.get(key, "")).strip()
    return values


def _data(values: dict[str, Any]) -> dict[str, Any]:
    """Form values as a service input: blanks are absent, checkboxes are booleans."""
    data = {k: v for k, v in values.items() if v not in ("", None) and k != "to"}
    for flag in ("explained", "regime_controlled", "former_commanders_absent"):
        if flag in data:
            data[flag] = data[flag] in ("yes", "true", "on")
    return data


def _org_names(session: Session, *organisation_ids: uuid.UUID | None) -> dict[uuid.UUID, str]:
    """The names of the organisations a page shows (batched)."""
    return {o.id: o.name for o in accounts.organisations_by_id(session, organisation_ids).values()}


def _referral_orgs(session: Session, referrals: Sequence[Referral]) -> dict[uuid.UUID, str]:
    ids = [r.from_organisation_id for r in referrals] + [r.to_organisation_id for r in referrals]
    return _org_names(session, *ids)


def _case_context(session: Session, actor: Actor, case: Case) -> dict[str, Any]:
    choice = repository.current_choice(session, case.person_id)
    referrals = work.referrals_of_case(session, actor, case)
    organisations = _referral_orgs(session, referrals)
    # The "Refer to" list: the organisations the actor's organisation may refer a person to
    # (accounts' scoped read), only for those who may send a referral.
    partners = (
        {o.id: o.name for o in accounts.referral_partners(session, actor)}
        if actor.can(Permission.CASE_WRITE) and case.status != CaseStatus.CLOSED
        else {}
    )
    context: dict[str, Any] = {
        "case": case,
        "person_name": service.person_name(session, case.person_id),
        "is_child": service.is_child(session, actor, case.person_id),
        "risk_level": service.person_risks(session, [case.person_id]).get(case.person_id),
        "RISK_LABELS": RISK_LABELS,
        "standing": service.standing(session, actor, case),
        "choice": choice,
        "history": service.choices(session, actor, case),
        "tasks": work.tasks(session, actor, case),
        "referrals": referrals,
        "organisations": organisations,
        "partners": partners,
        "referral_kinds": list(ReferralKind),
        "serve": tracks.serve(session, actor, case),
        "home": tracks.home(session, actor, case),
        "exile": tracks.exile(session, actor, case),
        "can_write": actor.can(Permission.CASE_WRITE),
        "now": utcnow(),
        "PW_LABELS": PW_LABELS,
    }
    context["assigned"] = (
        accounts.user_by_id(session, case.assigned_to_id) if case.assigned_to_id else None
    )
    context["visits"] = tracks.visits(session, actor, context["home"]) if context["home"] else []
    context["steps"] = (
        tracks.exile_steps(session, actor, context["exile"]) if context["exile"] else []
    )
    serve = context["serve"]
    # The serve section: ranks and positions by id, the forces' tables, the terms date.
    context["serve_view"] = tracks.serve_view(session, actor, case, serve) if serve else None
    context["receiving_forces"] = receiving_forces(session)
    return context


def _case_page(
    request: Request,
    session: Session,
    actor: Actor,
    case: Case,
    *,
    error: HavenError | None = None,
    form_name: str = "",
    values: dict[str, Any] | None = None,
) -> Response:
    context = _case_context(session, actor, case)
    context.update({"error": error, "form_name": form_name, "values": values or {}})
    status = error.status if error else 200
    return render(request, "pathways/case.html", context, status_code=status)


def _case_form(
    request: Request,
    session: Session,
    actor: Actor,
    case_id: uuid.UUID,
    form: FormData,
    form_name: str,
    action: Callable[[dict[str, Any]], object],
    anchor: str,
    refusals: tuple[type[HavenError], ...] = (ValidationFailed,),
) -> Response:
    """Run one case form: redirect to the case on success, the page with errors otherwise
    (`refusals`: the errors shown on the page; the serve forms add a refused posting)."""
    values = _values(form)
    try:
        action(_data(values))
    except refusals as error:
        session.rollback()
        case = service.get_case(session, actor, case_id)
        return _case_page(
            request, session, actor, case, error=error, form_name=form_name, values=values
        )
    return RedirectResponse(f"/cases/{case_id}?saved={form_name}#{anchor}", status_code=303)


def _parsed(model: type[BaseModel], data: dict[str, Any]) -> Any:
    return parse(model, data)


# --- the caseload -------------------------------------------------------------------------


CASE_SORTS = ("newest", "oldest")
WAITING_SORTS = ("oldest", "newest")
ASSIGNED = notices.register(N_("The chosen cases are assigned to the case worker."))


def _enum(kind: type[Pathway] | type[CaseStatus], text: str) -> Any:
    return kind(text) if text in {str(member) for member in kind} else None


def _on_caseload(query: ListQuery) -> ListQuery:
    """The list's links lead to the caseload page, also from the assignment form's answer."""
    return replace(query, path="/cases")


def _case_rows(session: Session, cases: Sequence[Case]) -> dict[str, Any]:
    """What the rows of a list of cases show besides the case (batched): each person's name
    and reference, their current pathway, the assigned worker's name."""
    person_ids = [c.person_id for c in cases]
    workers = accounts.users_by_id(session, [c.assigned_to_id for c in cases])
    return {
        "people": service.person_rows(session, person_ids),
        "risks": service.person_risks(session, person_ids),
        "RISK_LABELS": RISK_LABELS,
        "pathways": current_pathways(session, person_ids),
        "worker_names": {user_id: user.display_name for user_id, user in workers.items()},
    }


def _caseload_context(
    request: Request, session: Session, actor: Actor, *, values: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The caseload: a case worker's cases (filtered, sorted, a page at a time), overdue
    tasks and referrals; a manager's counts and the cases waiting for a case worker."""
    if not (actor.can(Permission.CASE_READ) or actor.can(Permission.CASE_MANAGE)):
        require(actor, Permission.CASE_READ)
    context: dict[str, Any] = {
        "PW_LABELS": PW_LABELS,
        "organisations": {},
        "pathway_choices": list(Pathway),
        "case_statuses": list(CaseStatus),
        "error": None,
        "values": values or {},
    }
    workers = accounts.active_users_with_role(session, actor, Role.CASE_WORKER)
    context["workers"] = workers
    if actor.can(Permission.CASE_READ):
        query = _on_caseload(ListQuery.from_request(request, sorts=CASE_SORTS, default="newest"))
        status = _enum(CaseStatus, query.get("status"))
        pathway = _enum(Pathway, query.get("pathway"))
        unassigned = query.get("unassigned") == "yes"
        worker = None if unassigned else form_uuid(query.get("worker"))
        listing = Listing.load(
            query,
            lambda limit, offset: service.case_list(
                session,
                actor,
                status=status,
                pathway=pathway,
                assigned_to=worker,
                unassigned=unassigned,
                sort=query.sort,
                limit=limit,
                offset=offset,
            ),
        )
        incoming = work.incoming_referrals(session, actor)
        outgoing = work.outgoing_referrals(session, actor)
        referrals = [*incoming, *outgoing]
        names = service.person_names(session, [r.person_id for r in referrals])
        context.update(
            listing=listing,
            cases=listing.items,
            filters={
                "status": status,
                "pathway": pathway,
                "worker": worker,
                "unassigned": unassigned,
            },
            overdue=work.overdue(session, actor),
            incoming=incoming,
            outgoing=outgoing,
            referral_names={r.id: names[r.person_id] for r in referrals},
            organisations=_referral_orgs(session, referrals),
            **_case_rows(session, listing.items),
        )
    if actor.can(Permission.CASE_MANAGE):
        query = _on_caseload(ListQuery.from_request(request, sorts=WAITING_SORTS, default="oldest"))
        pathway = _enum(Pathway, query.get("pathway"))
        waiting = Listing.load(
            query,
            lambda limit, offset: service.waiting_cases(
                session, actor, pathway=pathway, sort=query.sort, limit=limit, offset=offset
            ),
        )
        context["caseload"] = work.caseload(session, actor)
        context["waiting"] = waiting
        context["unassigned"] = waiting.items
        context["waiting_pathway"] = pathway
        context["waiting_pathways"] = current_pathways(
            session, [c.person_id for c in waiting.items]
        )
    return context


@router.get("/cases", response_class=HTMLResponse)
def caseload_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    """Case workers: their cases, overdue tasks and referrals. Managers: counts, and the
    cases waiting for a case worker, assigned several at a time."""
    return render(request, "pathways/caseload.html", _caseload_context(request, session, actor))


@router.post("/cases/assign", response_class=HTMLResponse)
def assign_cases(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    """The manager's waiting list: the ticked cases go to the chosen case worker (all or
    none); back to the same list (its filters, sort and page are in the query string)."""
    case_ids = [str(v) for v in form.getlist("case_ids")]
    user_id = str(form.get("user_id", "")).strip()
    chosen = [found for found in (form_uuid(v) for v in case_ids) if found is not None]
    if len(chosen) != len(case_ids):
        raise NotFound
    try:
        service.assign_many(session, actor, chosen, form_uuid(user_id))
    except ValidationFailed as error:
        session.rollback()
        values = {"case_ids": set(case_ids), "user_id": user_id}
        context = _caseload_context(request, session, actor, values=values)
        context["error"] = error
        return render(request, "pathways/caseload.html", context, status_code=error.status)
    query = request.url.query
    return notices.redirect(f"/cases?{query}" if query else "/cases", ASSIGNED)


@router.post("/cases/{case_id}/assign", response_class=HTMLResponse)
def assign_case(
    request: Request, case_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = _values(form)
    service.assign(session, actor, case_id, _parsed(AssignIn, _data(values)))
    return RedirectResponse("/cases?assigned=1", status_code=303)


# --- a person's case and the choice -------------------------------------------------------


@router.get("/people/{person_id}/case", response_class=HTMLResponse)
def person_case(person_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    """The person's case, or the choice page that opens it."""
    case = service.case_for_person(session, actor, person_id)
    if case is not None:
        return RedirectResponse(f"/cases/{case.id}", status_code=303)
    return RedirectResponse(f"/people/{person_id}/choice", status_code=303)


def _choice_context(
    session: Session, actor: Actor, person_id: uuid.UUID, language: str
) -> dict[str, Any]:
    case = service.case_for_person(session, actor, person_id)
    require(actor, Permission.CASE_WRITE, case if case else None)
    organisation_id = case.organisation_id if case else None
    language = language if language in ("en", "my") else "en"
    return {
        "person_id": person_id,
        "person_name": service.person_name(session, person_id),
        "case": case,
        "current": repository.current_choice(session, person_id),
        "is_child": service.is_child(session, actor, person_id),
        "standing": service.person_standing(session, actor, person_id),
        "language": language,
        "text": service.current_consent_text(
            session, actor, language, organisation_id=organisation_id
        ),
        "pathways": list(Pathway),
        "marks": list(Mark),
        "PW_LABELS": PW_LABELS,
    }


@router.get("/people/{person_id}/choice", response_class=HTMLResponse)
def choice_page(
    request: Request, person_id: uuid.UUID, session: DB, actor: HtmlActor, language: str = "en"
) -> Response:
    """The explanation in the person's language, then the choice (no option preselected)."""
    context = _choice_context(session, actor, person_id, language)
    context.update({"error": None, "values": {"language": context["language"]}})
    return render(request, "pathways/choice.html", context)


@router.post("/people/{person_id}/choice", response_class=HTMLResponse)
def record_choice(
    request: Request, person_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = _values(form)
    try:
        choice = service.record_choice(
            session, actor, person_id, _parsed(ChoiceIn, {"explained": False, **_data(values)})
        )
    except (ValidationFailed, Conflict) as error:
        # A refused choice (a field to correct, or a path the person's standing closes) is
        # shown on the choice page with the values kept.
        session.rollback()
        context = _choice_context(session, actor, person_id, values.get("language", "en"))
        context.update({"error": error, "values": values})
        return render(request, "pathways/choice.html", context, status_code=error.status)
    return RedirectResponse(f"/cases/{choice.case_id}?saved=choice", status_code=303)


# --- a case -------------------------------------------------------------------------------


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    return _case_page(request, session, actor, service.get_case(session, actor, case_id))


@router.get("/cases/{case_id}/notes", response_class=HTMLResponse)
def notes_page(request: Request, case_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    """The confidential notes, on a page of their own: each opening is audited."""
    case = service.get_case(session, actor, case_id)
    notes = work.notes(session, actor, case)
    authors = accounts.users_by_id(session, [n.author_id for n in notes])
    return render(
        request,
        "pathways/notes.html",
        {
            "case": case,
            "person_name": service.person_name(session, case.person_id),
            "notes": notes,
            "authors": authors,
            "error": None,
            "values": {},
            "can_write": actor.can(Permission.CASE_WRITE),
        },
    )


@router.post("/cases/{case_id}/notes", response_class=HTMLResponse)
def add_note(
    request: Request, case_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = _values(form)
    try:
        work.add_note(session, actor, case_id, _parsed(NoteIn, _data(values)))
    except ValidationFailed as error:
        session.rollback()
        case = service.get_case(session, actor, case_id)
        return render(
            request,
            "pathways/notes.html",
            {
                "case": case,
                "person_name": service.person_name(session, case.person_id),
                "notes": [],
                "authors": {},
                "error": error,
                "values": values,
                "can_write": True,
            },
            status_code=422,
        )
    return RedirectResponse(f"/cases/{case_id}/notes?saved=1", status_code=303)


@router.post("/cases/{case_id}/status", response_class=HTMLResponse)
def case_status(
    request: Request, case_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    wanted = "closed" if str(form.get("to")) == "closed" else "reopened"
    return _case_form(
        request,
        session,
        actor,
        case_id,
        form,
        "status",
        lambda d: service.change_status(session, actor, case_id, wanted, _parsed(ReasonIn, d)),
        "case-status",
    )


@router.post("/cases/{case_id}/transfer", response_class=HTMLResponse)
def transfer_case(
    request: Request, case_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = _values(form)
    service.transfer(session, actor, case_id, _parsed(TransferIn, _data(values)))
    return RedirectResponse("/cases?transferred=1", status_code=303)


@router.post("/cases/{case_id}/tasks", response_class=HTMLResponse)
def add_task(
    request: Request, case_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    return _case_form(
        request,
        session,
        actor,
        case_id,
        form,
        "task",
        lambda d: work.add_task(session, actor, case_id, _parsed(TaskIn, d)),
        "tasks",
    )


@router.post("/tasks/{task_id}/status", response_class=HTMLResponse)
def move_task(
    request: Request, task_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    task = work.move_task(session, actor, task_id, _parsed(TaskMove, _data(_values(form))))
    return RedirectResponse(f"/cases/{task.case_id}?saved=task#tasks", status_code=303)


@router.post("/cases/{case_id}/referrals", response_class=HTMLResponse)
def send_referral(
    request: Request, case_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    return _case_form(
        request,
        session,
        actor,
        case_id,
        form,
        "referral",
        lambda d: work.send_referral(session, actor, case_id, _parsed(ReferralIn, d)),
        "referrals",
    )


# --- pathway tracks -----------------------------------------------------------------------

_TRACK_FORMS: dict[str, tuple[type[BaseModel], Callable[..., object], str]] = {
    "serve-claim": (ServeClaimIn, tracks.claim_rank, "serve"),
    "serve-verify": (ServeVerifyIn, tracks.verify_rank, "serve"),
    "serve-post": (ServePostIn, tracks.post, "serve"),
    "home-plan": (HomePlanIn, tracks.plan_home, "home"),
    "home-safety": (SafetyIn, tracks.assess_safety, "home"),
    "home-status": (HomeMove, tracks.move_home, "home"),
    "home-visit": (VisitIn, tracks.add_visit, "home"),
    "exile-plan": (ExilePlanIn, tracks.plan_exile, "exile"),
}


@router.post("/cases/{case_id}/track/{form_name}", response_class=HTMLResponse)
def track_form(
    request: Request,
    case_id: uuid.UUID,
    form_name: str,
    session: DB,
    actor: HtmlFormActor,
    form: Form,
) -> Response:
    """One form of the serve, going-home or exile track."""
    if form_name.startswith("exile-step-"):
        step = form_name.removeprefix("exile-step-")
        return _case_form(
            request,
            session,
            actor,
            case_id,
            form,
            form_name,
            lambda d: tracks.move_exile_step(
                session, actor, case_id, step, _parsed(ExileStepMove, d)
            ),
            "exile",
        )
    found = _TRACK_FORMS.get(form_name)
    if found is None:
        service.get_case(session, actor, case_id)
        raise ValidationFailed
    model, action, anchor = found
    return _case_form(
        request,
        session,
        actor,
        case_id,
        form,
        form_name,
        lambda d: action(session, actor, case_id, _parsed(model, d)),
        anchor,
        # A refused serve step (the standing, a posting below the agreement's terms) is shown
        # on the case with the values kept.
        (ValidationFailed, Conflict) if form_name.startswith("serve-") else (ValidationFailed,),
    )


# --- a posting below the agreement's terms: the programme manager's override -------------


def _override_context(session: Session, actor: Actor, case_id: uuid.UUID) -> dict[str, Any]:
    case = service.get_case(session, actor, case_id, Permission.POSTING_OVERRIDE)
    record = repository.serve_of(session, case.id)
    if record is None:
        raise NotFound
    return {
        "case": case,
        "person_name": service.person_name(session, case.person_id),
        "serve": record,
        "serve_view": tracks.serve_view(session, actor, case, record),
        "PW_LABELS": PW_LABELS,
        "error": None,
        "values": {},
    }


@router.get("/cases/{case_id}/serve/override", response_class=HTMLResponse)
def override_page(request: Request, case_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    """For a programme manager: what the agreement retains, the proposed posting, and the
    form that allows a posting below the terms, with a reason."""
    return render(
        request, "pathways/serve_override.html", _override_context(session, actor, case_id)
    )


@router.post("/cases/{case_id}/serve/override", response_class=HTMLResponse)
def record_override(
    request: Request, case_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = _values(form)
    try:
        tracks.override_posting(session, actor, case_id, _parsed(ServeOverrideIn, _data(values)))
    except (ValidationFailed, Conflict) as error:
        session.rollback()
        context = _override_context(session, actor, case_id)
        context.update({"error": error, "values": values})
        return render(request, "pathways/serve_override.html", context, status_code=error.status)
    return RedirectResponse(f"/cases/{case_id}/serve/override?saved=1", status_code=303)


# --- referrals, as the receiving organisation sees them -----------------------------------


@router.get("/referrals/{referral_id}", response_class=HTMLResponse)
def referral_page(
    request: Request, referral_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    """A referral alone: the person's name, kind, reason, sender and progress."""
    referral = work.get_referral(session, actor, referral_id)
    return render(
        request,
        "pathways/referral.html",
        {
            "referral": referral,
            "person_name": service.person_name(session, referral.person_id),
            "organisations": _referral_orgs(session, [referral]),
            "receiving": actor.organisation_id == referral.to_organisation_id,
            "can_write": actor.can(Permission.CASE_WRITE),
            "PW_LABELS": PW_LABELS,
            "error": None,
            "values": {},
        },
    )


@router.post("/referrals/{referral_id}/status", response_class=HTMLResponse)
def move_referral(
    request: Request, referral_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = _values(form)
    work.move_referral(session, actor, referral_id, _parsed(ReferralMove, _data(values)))
    return RedirectResponse(f"/referrals/{referral_id}?saved=1", status_code=303)


# --- explanation texts (administrators) ---------------------------------------------------


def _texts_page(
    request: Request,
    session: Session,
    actor: Actor,
    error: HavenError | None = None,
    values: dict[str, Any] | None = None,
) -> Response:
    return render(
        request,
        "pathways/consent_texts.html",
        {
            "texts": service.consent_texts(session, actor),
            "error": error,
            "values": values or {"language": "en"},
            "PW_LABELS": PW_LABELS,
        },
        status_code=422 if error else 200,
    )


@router.get("/consent-texts", response_class=HTMLResponse)
def consent_texts_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    return _texts_page(request, session, actor)


@router.post("/consent-texts", response_class=HTMLResponse)
def add_consent_text(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    values = _values(form)
    try:
        service.add_consent_text(session, actor, _parsed(ConsentTextIn, _data(values)))
    except ValidationFailed as error:
        session.rollback()
        return _texts_page(request, session, actor, error, values)
    return RedirectResponse("/consent-texts?saved=1", status_code=303)
