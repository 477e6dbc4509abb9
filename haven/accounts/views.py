"""HTML pages: users of one's organisation, and one's own API tokens."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from haven.accounts import service
from haven.accounts.schemas import UserCreate, UserUpdate
from haven.errors import NotFound, ValidationFailed
from haven.security import tokens
from haven.security.permissions import Permission, Role, require
from haven.validation import parse
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor, SettingsDep
from haven.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    users = service.list_users(session, actor)
    sites = (
        {s.id: s for s in service.list_sites(session, actor)}
        if actor.can(Permission.SITE_READ)
        else {}
    )
    return render(request, "accounts/users.html", {"users": users, "sites": sites})


def _user_form(
    request: Request,
    session: DB,
    actor: HtmlActor,
    *,
    values: dict[str, str] | None = None,
    error: ValidationFailed | None = None,
) -> Response:
    return render(
        request,
        "accounts/user_new.html",
        {
            "roles": list(Role),
            "sites": service.list_sites(session, actor),
            "values": values or {},
            "error": error,
        },
        status_code=422 if error else 200,
    )


@router.get("/users/new", response_class=HTMLResponse)
def new_user_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    require(actor, Permission.USER_MANAGE)
    return _user_form(request, session, actor)


@router.post("/users/new", response_class=HTMLResponse)
def create_user(
    request: Request, session: DB, actor: HtmlFormActor, form: Form, settings: SettingsDep
) -> Response:
    require(actor, Permission.USER_MANAGE)
    fields = ("username", "display_name", "role", "site_id", "language", "password")
    values = {name: str(form.get(name, "")) for name in fields}
    if actor.organisation_id is None:
        raise NotFound
    try:
        data = parse(UserCreate, values)
        user = service.create_user(
            session, actor, data, organisation_id=actor.organisation_id, settings=settings
        )
    except ValidationFailed as error:
        values.pop("password")
        return _user_form(request, session, actor, values=values, error=error)
    return RedirectResponse(f"/users/{user.id}", status_code=303)


@router.get("/users/{user_id}", response_class=HTMLResponse)
def user_page(request: Request, user_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    user = service.get_user(session, actor, user_id)
    return render(
        request,
        "accounts/user.html",
        {
            "user": user,
            "roles": list(Role),
            "sites": service.list_sites(session, actor) if actor.can(Permission.SITE_READ) else [],
        },
    )


@router.post("/users/{user_id}", response_class=HTMLResponse)
def update_user(
    request: Request, user_id: uuid.UUID, session: DB, actor: HtmlFormActor, form: Form
) -> Response:
    values: dict[str, object] = {}
    if form.get("role"):
        values["role"] = form.get("role")
    if "site_id" in form:
        values["site_id"] = form.get("site_id") or None
    if form.get("is_active") in ("true", "false"):
        values["is_active"] = form.get("is_active") == "true"
    try:
        service.update_user(session, actor, user_id, parse(UserUpdate, values))
    except ValidationFailed as error:
        user = service.get_user(session, actor, user_id)
        return render(
            request,
            "accounts/user.html",
            {
                "user": user,
                "roles": list(Role),
                "sites": service.list_sites(session, actor),
                "error": error,
            },
            status_code=422,
        )
    return RedirectResponse(f"/users/{user_id}", status_code=303)


@router.get("/account/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    return render(request, "accounts/tokens.html", {"tokens": tokens.list_own(session, actor)})


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    user = service.get_self(session, actor)
    name = str(form.get("name", ""))
    try:
        plaintext, _token = tokens.issue(session, actor, user=user, name=name)
    except ValidationFailed as error:
        return render(
            request,
            "accounts/tokens.html",
            {"tokens": tokens.list_own(session, actor), "error": error, "name": name},
            status_code=422,
        )
    return render(
        request,
        "accounts/tokens.html",
        {"tokens": tokens.list_own(session, actor), "new_token": plaintext},
        status_code=201,
    )


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(token_id: uuid.UUID, session: DB, actor: HtmlFormActor) -> Response:
    tokens.revoke(session, actor, token_id)
    return RedirectResponse("/account/tokens", status_code=303)
