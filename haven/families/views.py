"""HTML pages of family-movement plans: the list (`/families`), a plan, the new-plan and edit
forms, and the plan page's forms (a step, a step done, relatives moved, a move of the plan).

Every form works without JavaScript: a POST answers with a redirect (303) on success, or the
same page with an error summary, the message beside the field and the values kept (422).
Pages read names in batches: a constant number of queries whatever the number of rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from haven.accounts import repository as accounts
from haven.errors import ValidationFailed
from haven.families import service
from haven.families.lifecycle import (
    ORIGIN_LABELS,
    PLAN,
    STATUS_LABELS,
    OriginKind,
    PlanStatus,
)
from haven.families.ports import agreement_references
from haven.families.schemas import MovedIn, PlanIn, PlanUpdate, StatusIn, StepDoneIn, StepIn
from haven.families.service import PlanView, is_overdue
from haven.i18n import N_
from haven.kernel import clock
from haven.people import public as people
from haven.security.permissions import Actor, Permission
from haven.validation import parse
from haven.web import notices
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor, form_uuid
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

PLAN_SAVED = notices.register(N_("The movement plan was saved."))
STEP_ADDED = notices.register(N_("The step was added."))
STEP_DONE = notices.register(N_("The step was recorded as done."))
MOVED = notices.register(N_("The relatives were recorded as moved."))
PLAN_MOVED = notices.register(N_("The plan's state was changed."))

LABELS: dict[str, str] = {
    **STATUS_LABELS,
    **ORIGIN_LABELS,
    **people.RELATION_LABELS,
    **people.AREA_LABELS,
}


def _values(form: FormData) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token":
            continue
        if key == "relative_ids":
            values[key] = [str(v) for v in form.getlist(key)]
        else:
            values[key] = str(form.get(key, "")).strip()
    return values


def _data(values: dict[str, Any]) -> dict[str, Any]:
    """Form values as a service input: blanks are absent."""
    return {k: v for k, v in values.items() if v not in ("", None)}


def _names(session: Session, actor: Actor, views: list[PlanView]) -> dict[str, Any]:
    """Whom each plan is for: persons (named for those who may read persons, else by
    reference) and agreements (by reference, never by code name)."""
    persons = people.persons_by_id(session, [v.plan.person_id for v in views])
    person_ids = {r.person_id for v in views for r in v.relatives.values()}
    persons |= people.persons_by_id(session, person_ids - set(persons))
    agreements = agreement_references(
        session, sorted({v.plan.agreement_id for v in views if v.plan.agreement_id}, key=str)
    )
    return {
        "persons": persons,
        "agreements": agreements,
        "show_names": actor.can(Permission.PERSON_READ),
    }


def _common(actor: Actor) -> dict[str, Any]:
    return {
        "LABELS": LABELS,
        "can_write": actor.can(Permission.FAMILY_MOVE_WRITE),
        "today": clock.local_today(),
        "is_overdue": is_overdue,
    }


@router.get("/families", response_class=HTMLResponse)
def plans_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    """Every movement plan the actor may see, with its progress and overdue steps."""
    person_id = form_uuid(request.query_params.get("person_id"))
    agreement_id = form_uuid(request.query_params.get("agreement_id"))
    views = service.list_plans(session, actor, person_id=person_id, agreement_id=agreement_id)
    return render(
        request,
        "families/index.html",
        {
            "views": views,
            "overdue_total": sum(v.progress.overdue for v in views),
            "truncated": len(views) >= service.LIST_LIMIT,
            "limit": service.LIST_LIMIT,
            "agreement_id": agreement_id,
            **_names(session, actor, views),
            **_common(actor),
        },
    )


def _new_context(
    session: Session,
    actor: Actor,
    person_id: uuid.UUID | None,
    agreement_id: uuid.UUID | None,
) -> dict[str, Any]:
    relatives = service.relatives_for(
        session, actor, person_id=person_id, agreement_id=agreement_id
    )
    persons = people.persons_by_id(session, {r.person_id for r in relatives} | {person_id})
    references = agreement_references(session, [agreement_id] if agreement_id else [])
    return {
        "person_id": person_id,
        "agreement_id": agreement_id,
        "owner_person": persons.get(person_id) if person_id else None,
        "owner_agreement": references.get(agreement_id) if agreement_id else None,
        "relatives": relatives,
        "persons": persons,
        "show_names": actor.can(Permission.PERSON_READ),
        "ORIGIN_KINDS": list(OriginKind),
        **_common(actor),
    }


@router.get("/families/new/person/{person_id}", response_class=HTMLResponse)
def new_person_plan(
    request: Request, person_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    """The new-plan form for one person's relatives."""
    context = _new_context(session, actor, person_id, None)
    return render(request, "families/new.html", context | {"error": None, "values": {}})


@router.get("/families/new/agreement/{agreement_id}", response_class=HTMLResponse)
def new_agreement_plan(
    request: Request, agreement_id: uuid.UUID, session: DB, actor: HtmlActor
) -> Response:
    """The new-plan form for the relatives of the people received under an agreement."""
    context = _new_context(session, actor, None, agreement_id)
    return render(request, "families/new.html", context | {"error": None, "values": {}})


@router.post("/families", response_class=HTMLResponse)
def create_plan(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    values = _values(form)
    person_id = form_uuid(values.get("person_id"))
    agreement_id = None if person_id else form_uuid(values.get("agreement_id"))
    try:
        plan = service.create_plan(session, actor, parse(PlanIn, _data(values)))
    except ValidationFailed as error:
        session.rollback()
        if person_id is None and agreement_id is None:
            raise
        context = _new_context(session, actor, person_id, agreement_id)
        return render(
            request,
            "families/new.html",
            context | {"error": error, "values": values},
            status_code=422,
        )
    return notices.redirect(f"/families/{plan.id}", PLAN_SAVED)


def _plan_context(session: Session, actor: Actor, view: PlanView) -> dict[str, Any]:
    plan = view.plan
    users = accounts.users_by_id(
        session,
        [s.responsible_user_id for s in view.steps] + [s.done_by_id for s in view.steps],
    )
    colleagues = (
        [u for u in accounts.users_visible(session, actor) if u.is_active]
        if actor.can(Permission.FAMILY_MOVE_WRITE)
        else []
    )
    return {
        "view": view,
        "plan": plan,
        "users": users,
        "colleagues": colleagues,
        "targets": sorted(PLAN.targets(plan.status), key=list(PlanStatus).index),
        "waiting": [
            m for m in view.members if m.moved_at is None and m.family_member_id in view.relatives
        ],
        **_names(session, actor, [view]),
        **_common(actor),
    }


def _plan_page(
    request: Request,
    session: Session,
    actor: Actor,
    plan_id: uuid.UUID,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    view = service.get_plan(session, actor, plan_id)
    context = _plan_context(session, actor, view) | {"error": None, "values": {}, "form": None}
    return render(request, "families/plan.html", context | (extra or {}), status_code=status_code)


@router.get("/families/{plan_id}", response_class=HTMLResponse)
def plan_page(request: Request, plan_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    return _plan_page(request, session, actor, plan_id)


def _plan_form(
    request: Request,
    session: Session,
    actor: Actor,
    plan_id: uuid.UUID,
    form: FormData,
    name: str,
    action: Callable[[dict[str, Any]], object],
    notice: notices.Notice,
    anchor: str,
) -> Response:
    """Run one of the plan page's forms; on a refused input the page again, with the error
    beside that form and its values kept (nothing written)."""
    values = _values(form)
    try:
        action(_data(values))
    except ValidationFailed as error:
        session.rollback()
        extra = {"error": error, "values": values, "form": name}
        return _plan_page(request, session, actor, plan_id, extra, status_code=422)
    return notices.redirect(f"/families/{plan_id}#{anchor}", notice)


@router.post("/families/{plan_id}/steps", response_class=HTMLResponse)
def add_step(
    request: Request, plan_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    return _plan_form(
        request,
        session,
        actor,
        plan_id,
        form,
        "step",
        lambda d: service.add_step(session, actor, plan_id, parse(StepIn, d)),
        STEP_ADDED,
        "steps",
    )


@router.post("/families/{plan_id}/steps/{step_id}/done", response_class=HTMLResponse)
def step_done(
    request: Request,
    plan_id: uuid.UUID,
    step_id: uuid.UUID,
    session: DB,
    actor: HtmlFormActor,
    form: Form,
) -> Response:
    return _plan_form(
        request,
        session,
        actor,
        plan_id,
        form,
        f"done-{step_id}",
        lambda d: service.mark_step_done(session, actor, plan_id, step_id, parse(StepDoneIn, d)),
        STEP_DONE,
        "steps",
    )


@router.post("/families/{plan_id}/moved", response_class=HTMLResponse)
def relatives_moved(
    request: Request, plan_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    return _plan_form(
        request,
        session,
        actor,
        plan_id,
        form,
        "moved",
        lambda d: service.mark_moved(session, actor, plan_id, parse(MovedIn, d)),
        MOVED,
        "relatives",
    )


@router.post("/families/{plan_id}/status", response_class=HTMLResponse)
def move_plan(
    request: Request, plan_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    return _plan_form(
        request,
        session,
        actor,
        plan_id,
        form,
        "status",
        lambda d: service.move_plan(session, actor, plan_id, parse(StatusIn, d)),
        PLAN_MOVED,
        "status",
    )


def _edit_context(session: Session, actor: Actor, plan_id: uuid.UUID) -> dict[str, Any]:
    view = service.get_plan(session, actor, plan_id)
    plan = view.plan
    choices = people.relatives_by_id(session, service.candidates(session, actor, plan_id))
    relatives = sorted(choices.values(), key=lambda m: (str(m.person_id), m.created_at, m.id))
    moved = {m.family_member_id for m in view.members if m.moved_at is not None}
    return {
        "view": view,
        "plan": plan,
        "relatives": relatives,
        "moved": moved,
        "ORIGIN_KINDS": list(OriginKind),
        **_names(session, actor, [view]),
        "persons": people.persons_by_id(session, {r.person_id for r in relatives}),
        **_common(actor),
    }


@router.get("/families/{plan_id}/edit", response_class=HTMLResponse)
def edit_page(request: Request, plan_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    context = _edit_context(session, actor, plan_id)
    plan = context["plan"]
    values = {
        "origin_kind": plan.origin_kind,
        "origin": plan.origin or "",
        "destination": plan.destination or "",
        "unnamed_relatives": str(plan.unnamed_relatives),
        "relative_ids": [str(m.family_member_id) for m in context["view"].members],
    }
    return render(request, "families/edit.html", context | {"error": None, "values": values})


def _require_places(values: dict[str, Any]) -> None:
    """The edit form sends both places: a blank one is a mistake, not "leave unchanged"."""
    missing = {
        name: N_("This field is required.")
        for name in ("origin", "destination")
        if not values.get(name)
    }
    if missing:
        raise ValidationFailed(fields=missing)


@router.post("/families/{plan_id}/edit", response_class=HTMLResponse)
def edit_plan(
    request: Request, plan_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values = _values(form)
    data = _data(values)
    data["relative_ids"] = values.get("relative_ids", [])
    try:
        _require_places(values)
        service.update_plan(session, actor, plan_id, parse(PlanUpdate, data))
    except ValidationFailed as error:
        session.rollback()
        values.setdefault("relative_ids", [])
        context = _edit_context(session, actor, plan_id)
        return render(
            request,
            "families/edit.html",
            context | {"error": error, "values": values},
            status_code=422,
        )
    return notices.redirect(f"/families/{plan_id}", PLAN_SAVED)
