"""FastAPI dependencies: the request's transaction, who is acting, and CSRF checks.

The request owns the transaction (docs/architecture.md): `db` commits when the endpoint
returns normally and rolls back when anything raises.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from haven.accounts import sessions, tokens
from haven.accounts.sessions import ActiveSession
from haven.audit import reads
from haven.config import Settings
from haven.db.session import transaction
from haven.errors import AuthenticationRequired
from haven.kernel.sensitivity import bind_actor
from haven.security import csrf
from haven.security.permissions import Actor

SESSION_COOKIE = "haven_session"
LANGUAGE_COOKIE = "haven_lang"


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _route(request: Request) -> str:
    """The request's method and route template (ids and query strings left out)."""
    route = request.scope.get("route")
    return f"{request.method} {getattr(route, 'path', '-')}"


def _db(request: Request) -> Iterator[Session]:
    factory = request.app.state.session_factory
    # Reads first: on SQLite the write lock is taken at the request's first write, not at its
    # first query (haven.db.engine, READ_FIRST); read-only requests never take it.
    with transaction(factory, read_first=True) as session:
        yield session
        shown = reads.collect(session, getattr(request.state, "actor", None), _route(request))
    if shown is not None:
        # The request's confidential reads, one event in a short transaction of its own
        # (haven.audit.reads); if it cannot be written, the request fails unanswered.
        with transaction(factory) as audit_session:
            reads.record_reads(audit_session, shown)


DB = Annotated[Session, Depends(_db, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


async def form_data(request: Request) -> FormData:
    """The parsed form (Starlette caches it, so endpoints can read it again)."""
    if request.method in ("GET", "HEAD"):
        return FormData()
    return await request.form()


Form = Annotated[FormData, Depends(form_data)]


def _resolve_login(request: Request, session: Session, settings: Settings) -> ActiveSession | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    active = sessions.resolve(session, token, settings)
    # The actor is resolved here, so here (and only here) their field reader is bound.
    bind_actor(session, active.actor)
    # Plain values only: error pages render after the transaction has ended.
    request.state.active = active
    request.state.actor = active.actor
    request.state.display_name = active.user.display_name
    request.state.csrf_token = active.login.csrf_token
    request.state.language = active.user.language
    return active


def optional_login(request: Request, session: DB, settings: SettingsDep) -> ActiveSession | None:
    """The logged-in user's session if there is a live one; an expired cookie is ignored."""
    try:
        return _resolve_login(request, session, settings)
    except AuthenticationRequired:
        return None


def html_actor(request: Request, session: DB, settings: SettingsDep) -> Actor:
    """The logged-in user of an HTML page; 401 (the login page) otherwise."""
    active = _resolve_login(request, session, settings)
    if active is None:
        raise AuthenticationRequired
    return active.actor


def _check_csrf(request: Request, form: FormData) -> None:
    submitted = request.headers.get(csrf.HEADER) or form.get(csrf.FORM_FIELD)
    active = getattr(request.state, "active", None)
    expected = active.login.csrf_token if active else request.cookies.get(csrf.PRE_SESSION_COOKIE)
    csrf.check(expected, submitted if isinstance(submitted, str) else None)


def html_actor_csrf(
    request: Request, actor: Annotated[Actor, Depends(html_actor)], form: Form
) -> Actor:
    """The logged-in user of an HTML form submission whose CSRF token matches their session."""
    _check_csrf(request, form)
    return actor


def anonymous_csrf(
    request: Request,
    active: Annotated[ActiveSession | None, Depends(optional_login)],
    form: Form,
) -> ActiveSession | None:
    """A form that works logged in or not (login, language): checks the right CSRF token."""
    _check_csrf(request, form)
    return active


_bearer = HTTPBearer(auto_error=False, description="An API token issued to a user (hvn_…).")


def api_actor(
    request: Request,
    session: DB,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The user behind the request's bearer token; 401 with the reason otherwise, and 403
    when the token's scopes do not cover the request (`haven.accounts.tokens`)."""
    if credentials is None or not credentials.credentials.strip():
        raise AuthenticationRequired
    token, user = tokens.resolve(session, credentials.credentials.strip())
    route = request.scope.get("route")
    tokens.authorize(token, method=request.method, route_path=getattr(route, "path", None))
    actor = sessions.actor_for(user)
    bind_actor(session, actor)
    request.state.actor = actor  # whose confidential reads the request audits
    return actor


HtmlActor = Annotated[Actor, Depends(html_actor)]
HtmlFormActor = Annotated[Actor, Depends(html_actor_csrf)]
ApiActor = Annotated[Actor, Depends(api_actor)]


def form_uuid(text: str | None) -> uuid.UUID | None:
    """A form field's id, or None when it is blank or not an id (the form says so itself)."""
    if not text:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        return None
