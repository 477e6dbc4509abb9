"""Pages of the shell: login, logout, language switch, dashboard, health check, API docs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy import text
from sqlalchemy.orm import Session

from haven import i18n
from haven.accounts import service as accounts
from haven.accounts.models import User
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.db.migrate import current_revision, head_revision
from haven.security import sessions
from haven.security.errors import LoginFailed
from haven.security.permissions import Actor, Permission
from haven.security.sessions import ActiveSession
from haven.web.deps import (
    DB,
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    Form,
    HtmlActor,
    SettingsDep,
    anonymous_csrf,
    html_actor_csrf,
    optional_login,
)
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

_ONE_YEAR = 365 * 24 * 3600


def safe_next(value: object) -> str:
    """Only local paths: a login form must never redirect to another site."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request,
    active: Annotated[ActiveSession | None, Depends(optional_login)],
) -> Response:
    if active is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return render(request, "login.html", {"next": safe_next(request.query_params.get("next"))})


def _login_failed(request: Request, session: Session, username: str, next_path: str) -> Response:
    user = session.query(User).filter(User.username == username.strip().lower()).one_or_none()
    audit.record(
        session,
        Actor.system("anonymous"),
        AuditAction.LOGIN_FAILED,
        subject_type="user",
        subject_id=user.id if user else None,
        organisation_id=user.organisation_id if user else None,
    )
    return render(
        request,
        "login.html",
        {"message": LoginFailed.default_message, "username": username, "next": next_path},
        status_code=401,
    )


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: DB,
    settings: SettingsDep,
    form: Form,
    _active: Annotated[ActiveSession | None, Depends(anonymous_csrf)],
) -> Response:
    username = str(form.get("username", ""))[:200]
    password = str(form.get("password", ""))[:1024]
    next_path = safe_next(form.get("next"))
    user = accounts.authenticate(session, username=username, password=password, settings=settings)
    if user is None:
        return _login_failed(request, session, username, next_path)
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in i18n.LANGUAGES and chosen != user.language:
        accounts.set_language(session, sessions.actor_for(user), chosen)
    token, _login = sessions.start(session, user, settings)
    response = RedirectResponse(next_path, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/",
    )
    return response


@router.post("/logout")
def logout(
    session: DB,
    request: Request,
    _actor: Annotated[Actor, Depends(html_actor_csrf)],
) -> Response:
    active: ActiveSession = request.state.active
    sessions.end(session, active)
    response = RedirectResponse("/login?logged_out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/language")
def switch_language(
    request: Request,
    session: DB,
    settings: SettingsDep,
    form: Form,
    active: Annotated[ActiveSession | None, Depends(anonymous_csrf)],
) -> Response:
    language = str(form.get("language", ""))
    response = RedirectResponse(safe_next(form.get("next")), status_code=303)
    if language not in i18n.LANGUAGES:
        return response
    if active is not None:
        accounts.set_language(session, active.actor, language)
    response.set_cookie(
        LANGUAGE_COOKIE,
        language,
        max_age=_ONE_YEAR,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/",
    )
    return response


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, session: DB, actor: HtmlActor) -> Response:
    organisation = (
        accounts.get_organisation(session, actor, actor.organisation_id)
        if actor.organisation_id
        else None
    )
    sites = accounts.list_sites(session, actor) if actor.can(Permission.SITE_READ) else []
    users = accounts.list_users(session, actor) if actor.can(Permission.USER_READ) else []
    return render(
        request,
        "dashboard.html",
        {"organisation": organisation, "sites": sites, "user_count": len(users)},
    )


@router.get("/healthz")
def healthz(request: Request) -> JSONResponse:
    """Liveness and readiness: the database answers and is migrated to the code's revision."""
    try:
        with request.app.state.session_factory() as session:
            session.execute(text("SELECT 1"))
            migrated = current_revision(session.connection()) == head_revision()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy", nothing more
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    if not migrated:
        return JSONResponse({"status": "error", "database": "not migrated"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok"})


@router.get("/api/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    """Swagger UI served from Haven itself (no CDN), initialised by a static script (CSP)."""
    return render(request, "api_docs.html")
