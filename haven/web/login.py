"""Pages of the shell: login (password, second step, enrolment), re-authentication, logout,
language switch, dashboard, health check, API docs."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from haven import i18n
from haven.accounts import repository as accounts_repository
from haven.accounts import service as accounts
from haven.accounts.models import User
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.config import Settings
from haven.errors import HavenError, NotFound, ValidationFailed
from haven.i18n import N_, Text
from haven.security import mfa, passwords, sessions, throttle, totp, webauthn
from haven.security.errors import LoginExpired, LoginFailed, SecondFactorFailed, TooManyAttempts
from haven.security.models import PendingLogin
from haven.security.permissions import Actor
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

PENDING_COOKIE = "haven_pending"

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


def _set_cookie(response: Response, name: str, value: str, settings: Settings) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/",
    )


def _client(request: Request) -> str:
    """The client address as the server sees it (behind a proxy: the proxy's)."""
    return request.client.host if request.client else "unknown"


def _client_allowed(request: Request) -> bool:
    return throttle.limiter_for(request.app.state).allow(_client(request))


def _retry_after(request: Request) -> dict[str, str]:
    return {
        "Retry-After": str(throttle.limiter_for(request.app.state).retry_after(_client(request)))
    }


def _anonymous_event(
    session: Session, action: AuditAction, user: User | None, **changes: str
) -> None:
    audit.record(
        session,
        Actor.system("anonymous"),
        action,
        subject_type="user",
        subject_id=user.id if user else None,
        organisation_id=user.organisation_id if user else None,
        changes=changes or None,
    )


def _login_page(
    request: Request, message: Text | str, username: str, next_path: str, status: int
) -> Response:
    return render(
        request,
        "login.html",
        {"message": message, "username": username, "next": next_path},
        status_code=status,
        headers=_retry_after(request) if status == 429 else None,
    )


def _login_failed(request: Request, session: Session, username: str, next_path: str) -> Response:
    user = accounts_repository.user_by_username(session, username.strip())
    throttle.record_failure(session, username)
    _anonymous_event(session, AuditAction.LOGIN_FAILED, user, stage="password")
    return _login_page(request, LoginFailed.default_message, username, next_path, 401)


def _locked(request: Request, session: Session, username: str, next_path: str) -> Response:
    """Too many failures for this account this hour: refused even with the right password."""
    user = accounts_repository.user_by_username(session, username.strip())
    _anonymous_event(session, AuditAction.LOGIN_THROTTLED, user, limit="account")
    return _login_page(request, TooManyAttempts.default_message, username, next_path, 429)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: DB,
    settings: SettingsDep,
    form: Form,
    _active: Annotated[ActiveSession | None, Depends(anonymous_csrf)],
) -> Response:
    """Check the password; then open a session, or send the user to their second step.

    Refusals (wrong password, throttled) return a page instead of raising, so that the failure
    count and the audit event are committed.
    """
    username = str(form.get("username", ""))[:200]
    password = str(form.get("password", ""))[:1024]
    next_path = safe_next(form.get("next"))
    if not _client_allowed(request):
        return _login_page(request, TooManyAttempts.default_message, username, next_path, 429)
    if throttle.is_locked(session, username):
        return _locked(request, session, username, next_path)
    user = accounts.authenticate(session, username=username, password=password, settings=settings)
    if user is None:
        return _login_failed(request, session, username, next_path)
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in i18n.LANGUAGES and chosen != user.language:
        accounts.set_language(session, sessions.actor_for(user), chosen)
    has_factor = mfa.has_second_factor(session, user.id)
    if has_factor or mfa.requires_second_factor(user.role):
        state = sessions.SECOND_FACTOR if has_factor else sessions.ENROLMENT
        pending_token, _pending = sessions.start_pending(
            session, user, state=state, next_path=next_path
        )
        target = "/login/verify" if has_factor else "/login/enrol"
        response = RedirectResponse(target, status_code=303)
        _set_cookie(response, PENDING_COOKIE, pending_token, settings)
        return response
    token, _login = sessions.start(session, user, settings)
    response = RedirectResponse(next_path, status_code=303)
    _set_cookie(response, SESSION_COOKIE, token, settings)
    return response


def _pending(request: Request, session: Session) -> tuple[PendingLogin, User]:
    return sessions.resolve_pending(session, request.cookies.get(PENDING_COOKIE))


def relying_party(request: Request, settings: Settings) -> webauthn.RelyingParty:
    return webauthn.relying_party(
        str(request.base_url), configured_origin=getattr(settings, "public_origin", None)
    )


def _finish(
    session: Session,
    settings: Settings,
    pending: PendingLogin,
    user: User,
    *,
    second_factor: str,
) -> Response:
    next_path = safe_next(pending.next_path)
    token, _login = sessions.complete_pending(
        session, pending, user, settings, second_factor=second_factor
    )
    response = RedirectResponse(next_path, status_code=303)
    _set_cookie(response, SESSION_COOKIE, token, settings)
    response.delete_cookie(PENDING_COOKIE, path="/")
    return response


def _verify_page(
    request: Request,
    session: Session,
    user: User,
    *,
    error: HavenError | None = None,
    status: int = 200,
) -> Response:
    factors = mfa.factors_of(session, user.id)
    return render(
        request,
        "auth/verify.html",
        {"has_totp": factors.totp is not None, "has_keys": bool(factors.keys), "error": error},
        status_code=status,
        headers=_retry_after(request) if status == 429 else None,
    )


@router.get("/login/verify", response_class=HTMLResponse)
def verify_page(request: Request, session: DB) -> Response:
    """The second step of a login: a code from the authenticator app, or a security key."""
    pending, user = _pending(request, session)
    if pending.state == sessions.ENROLMENT:
        return RedirectResponse("/login/enrol", status_code=303)
    return _verify_page(request, session, user)


def second_factor_method(
    session: Session,
    user: User,
    form: FormData,
    *,
    rp: webauthn.RelyingParty,
    challenge: str | None,
) -> str | None:
    """Which second factor the form proves (TOTP code or WebAuthn assertion), if any."""
    assertion = str(form.get("webauthn_response", ""))
    if assertion:
        try:
            mfa.verify_webauthn(session, user, rp=rp, response=assertion, challenge=challenge)
        except SecondFactorFailed:
            return None
        return mfa.WEBAUTHN
    code = str(form.get("code", ""))[:20]
    if code and mfa.verify_totp(session, user, code):
        return mfa.TOTP
    return None


@router.post("/login/verify", response_class=HTMLResponse)
def verify(
    request: Request,
    session: DB,
    settings: SettingsDep,
    form: Form,
    _active: Annotated[ActiveSession | None, Depends(anonymous_csrf)],
) -> Response:
    pending, user = _pending(request, session)
    if not _client_allowed(request):
        return _verify_page(request, session, user, error=TooManyAttempts(), status=429)
    if throttle.is_locked(session, user.username):
        session.delete(pending)
        response = _locked(request, session, user.username, "/")
        response.delete_cookie(PENDING_COOKIE, path="/")
        return response
    challenge, pending.webauthn_challenge = pending.webauthn_challenge, None
    method = second_factor_method(
        session, user, form, rp=relying_party(request, settings), challenge=challenge
    )
    if method is not None:
        return _finish(session, settings, pending, user, second_factor=method)
    throttle.record_failure(session, user.username)
    _anonymous_event(session, AuditAction.LOGIN_FAILED, user, stage="second_factor")
    if sessions.fail_pending(session, pending):
        response = _login_page(request, LoginExpired.default_message, "", "/", 401)
        response.delete_cookie(PENDING_COOKIE, path="/")
        return response
    return _verify_page(request, session, user, error=SecondFactorFailed(), status=401)


@router.post("/login/verify/webauthn-options")
def verify_webauthn_options(
    request: Request,
    session: DB,
    settings: SettingsDep,
    _active: Annotated[ActiveSession | None, Depends(anonymous_csrf)],
) -> Response:
    """WebAuthn request options for the second step (JSON, read by /static/webauthn.js)."""
    pending, user = _pending(request, session)
    options, pending.webauthn_challenge = mfa.webauthn_authentication_options(
        session, user, rp=relying_party(request, settings)
    )
    return Response(options, media_type="application/json")


def _enrol_page(
    request: Request,
    session: Session,
    user: User,
    *,
    error: HavenError | None = None,
    status: int = 200,
) -> Response:
    factor = mfa.start_totp_enrolment(session, sessions.actor_for(user), user)
    uri = totp.provisioning_uri(factor.secret, user.username)
    return render(
        request,
        "auth/enrol.html",
        {
            "qr": totp.qr_data_uri(uri),
            "secret": totp.grouped(factor.secret),
            "error": error,
            "form_action": "/login/enrol",
            "options_url": "/login/enrol/webauthn-options",
        },
        status_code=status,
    )


@router.get("/login/enrol", response_class=HTMLResponse)
def enrol_page(request: Request, session: DB) -> Response:
    """A privileged user without a second factor: enrolling one is all they can do."""
    pending, user = _pending(request, session)
    if pending.state != sessions.ENROLMENT:
        return RedirectResponse("/login/verify", status_code=303)
    return _enrol_page(request, session, user)


@router.post("/login/enrol", response_class=HTMLResponse)
def enrol(
    request: Request,
    session: DB,
    settings: SettingsDep,
    form: Form,
    _active: Annotated[ActiveSession | None, Depends(anonymous_csrf)],
) -> Response:
    pending, user = _pending(request, session)
    if pending.state != sessions.ENROLMENT:
        return RedirectResponse("/login/verify", status_code=303)
    if not _client_allowed(request):
        return _enrol_page(request, session, user, error=TooManyAttempts(), status=429)
    actor = sessions.actor_for(user)
    challenge, pending.webauthn_challenge = pending.webauthn_challenge, None
    try:
        if form.get("webauthn_response"):
            mfa.register_webauthn(
                session,
                actor,
                user,
                rp=relying_party(request, settings),
                response=str(form.get("webauthn_response")),
                challenge=challenge,
                name=str(form.get("name", "")),
            )
            method = mfa.WEBAUTHN
        else:
            mfa.confirm_totp(session, actor, user, str(form.get("code", ""))[:20])
            method = mfa.TOTP
    except ValidationFailed as error:
        return _enrol_page(request, session, user, error=error, status=422)
    return _finish(session, settings, pending, user, second_factor=method)


@router.post("/login/enrol/webauthn-options")
def enrol_webauthn_options(
    request: Request,
    session: DB,
    settings: SettingsDep,
    _active: Annotated[ActiveSession | None, Depends(anonymous_csrf)],
) -> Response:
    """WebAuthn creation options for enrolment at login (JSON, read by /static/webauthn.js)."""
    pending, user = _pending(request, session)
    if pending.state != sessions.ENROLMENT:
        raise LoginExpired
    options, pending.webauthn_challenge = mfa.webauthn_registration_options(
        session, sessions.actor_for(user), user, rp=relying_party(request, settings)
    )
    return Response(options, media_type="application/json")


def _reauth_page(
    request: Request,
    session: Session,
    user_id: uuid.UUID,
    next_path: str,
    *,
    error: HavenError | None = None,
    status: int = 200,
) -> Response:
    factors = mfa.factors_of(session, user_id)
    return render(
        request,
        "auth/reauth.html",
        {
            "has_totp": factors.totp is not None,
            "has_keys": bool(factors.keys),
            "next": next_path,
            "error": error,
        },
        status_code=status,
        headers=_retry_after(request) if status == 429 else None,
    )


@router.get("/reauth", response_class=HTMLResponse)
def reauth_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    """Confirm it is you (password, and second factor if enrolled) before a sensitive action."""
    if actor.user_id is None:
        raise NotFound
    return _reauth_page(
        request, session, actor.user_id, safe_next(request.query_params.get("next"))
    )


@router.post("/reauth", response_class=HTMLResponse)
def reauth(
    request: Request,
    session: DB,
    settings: SettingsDep,
    form: Form,
    _actor: Annotated[Actor, Depends(html_actor_csrf)],
) -> Response:
    active: ActiveSession = request.state.active
    user = active.user
    next_path = safe_next(form.get("next"))
    if not _client_allowed(request):
        return _reauth_page(
            request, session, user.id, next_path, error=TooManyAttempts(), status=429
        )
    if throttle.is_locked(session, user.username):
        _anonymous_event(session, AuditAction.LOGIN_THROTTLED, user, limit="account")
        return _reauth_page(
            request, session, user.id, next_path, error=TooManyAttempts(), status=429
        )
    challenge, active.login.webauthn_challenge = active.login.webauthn_challenge, None
    password = str(form.get("password", ""))[:1024]
    method: str | None = None
    ok = passwords.verify_password(user.password_hash, password, settings)
    if ok and mfa.has_second_factor(session, user.id):
        method = second_factor_method(
            session, user, form, rp=relying_party(request, settings), challenge=challenge
        )
        ok = method is not None
    if not ok:
        throttle.record_failure(session, user.username)
        _anonymous_event(session, AuditAction.LOGIN_FAILED, user, stage="reauthentication")
        error = HavenError(
            N_("That was not accepted. Check your password and code and try again."),
            code="reauthentication_failed",
        )
        return _reauth_page(request, session, user.id, next_path, error=error, status=401)
    sessions.reauthenticate(session, active, second_factor=method)
    return RedirectResponse(next_path, status_code=303)


@router.post("/reauth/webauthn-options")
def reauth_webauthn_options(
    request: Request,
    session: DB,
    settings: SettingsDep,
    _actor: Annotated[Actor, Depends(html_actor_csrf)],
) -> Response:
    active: ActiveSession = request.state.active
    options, active.login.webauthn_challenge = mfa.webauthn_authentication_options(
        session, active.user, rp=relying_party(request, settings)
    )
    return Response(options, media_type="application/json")


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
