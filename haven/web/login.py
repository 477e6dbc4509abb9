"""Pages of the login flow: password, second step, enrolment, re-authentication, logout.

The rules (throttling, lock-out, audit of failures, sessions) are in `haven.accounts.login`;
these endpoints read the form, call it and render its outcome.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from haven import i18n
from haven.accounts import devices, mfa, sessions
from haven.accounts import login as flow
from haven.accounts.models import User
from haven.accounts.sessions import ActiveSession
from haven.config import Settings
from haven.errors import HavenError, NotFound
from haven.i18n import Text
from haven.security import throttle, totp, webauthn
from haven.security.models import PendingLogin
from haven.security.permissions import Actor
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


def safe_next(value: object) -> str:
    """Only local paths: a login form must never redirect to another site."""
    if isinstance(value, str) and value.startswith("/") and not value.startswith(("//", "/\\")):
        return value
    return "/"


def _set_cookie(
    response: Response, name: str, value: str, settings: Settings, max_age: int | None = None
) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=settings.secure_cookies,
        path="/",
    )


def _client(request: Request) -> flow.Client:
    """The client address as the server sees it (behind a proxy: the proxy's), and the device
    cookie its browser sent (a known device of the account is not slowed by others' guesses)."""
    address = request.client.host if request.client else "unknown"
    return flow.Client(
        address=address,
        limiter=throttle.limiter_for(request.app.state),
        device=request.cookies.get(devices.COOKIE),
    )


def _retry_after(outcome: flow.Outcome) -> dict[str, str] | None:
    if outcome.retry_after is None:
        return None
    return {"Retry-After": str(outcome.retry_after)}


def _proof(form: FormData) -> flow.Proof:
    return flow.Proof(
        code=str(form.get("code", ""))[:20],
        webauthn_response=str(form.get("webauthn_response", "")),
    )


def relying_party(request: Request, settings: Settings) -> webauthn.RelyingParty:
    return webauthn.relying_party(
        str(request.base_url), configured_origin=getattr(settings, "public_origin", None)
    )


def _pending(request: Request, session: Session) -> tuple[PendingLogin, User]:
    return sessions.resolve_pending(session, request.cookies.get(PENDING_COOKIE))


def _signed_in(outcome: flow.Outcome, settings: Settings) -> Response:
    assert outcome.token is not None  # noqa: S101 - a session was opened
    response = RedirectResponse(safe_next(outcome.next_path), status_code=303)
    _set_cookie(response, SESSION_COOKIE, outcome.token, settings)
    if outcome.device_cookie:
        lifetime = int(devices.LIFETIME.total_seconds())
        _set_cookie(response, devices.COOKIE, outcome.device_cookie, settings, max_age=lifetime)
    if outcome.pending_ended:
        response.delete_cookie(PENDING_COOKIE, path="/")
    return response


# --- password ---------------------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request,
    active: Annotated[ActiveSession | None, Depends(optional_login)],
) -> Response:
    if active is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    return render(request, "login.html", {"next": safe_next(request.query_params.get("next"))})


def _login_page(
    request: Request,
    outcome: flow.Outcome,
    *,
    username: str,
    next_path: str,
    status: int,
) -> Response:
    message: Text | str | None = outcome.error.message if outcome.error else None
    response = render(
        request,
        "login.html",
        {"message": message, "username": username, "next": next_path},
        status_code=status,
        headers=_retry_after(outcome) if status == 429 else None,
    )
    if outcome.pending_ended:
        response.delete_cookie(PENDING_COOKIE, path="/")
    return response


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: DB,
    settings: SettingsDep,
    form: Form,
    _active: Annotated[ActiveSession | None, Depends(anonymous_csrf)],
) -> Response:
    """Check the password; then open a session, or send the user to their second step."""
    username = str(form.get("username", ""))[:200]
    next_path = safe_next(form.get("next"))
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    outcome = flow.log_in(
        session,
        settings,
        username=username,
        password=str(form.get("password", ""))[:1024],
        next_path=next_path,
        client=_client(request),
        language=chosen if chosen in i18n.LANGUAGES else None,
    )
    if outcome.result is flow.Result.SUCCEEDED:
        return _signed_in(outcome, settings)
    if outcome.token is not None:  # the second step, or enrolment
        target = "/login/verify" if outcome.result is flow.Result.SECOND_FACTOR else "/login/enrol"
        response = RedirectResponse(target, status_code=303)
        _set_cookie(response, PENDING_COOKIE, outcome.token, settings)
        return response
    status = 429 if outcome.result is flow.Result.THROTTLED else 401
    return _login_page(request, outcome, username=username, next_path=next_path, status=status)


# --- the second step --------------------------------------------------------------------------


def _verify_page(
    request: Request,
    session: Session,
    user: User,
    *,
    outcome: flow.Outcome | None = None,
    status: int = 200,
) -> Response:
    factors = mfa.factors_of(session, user.id)
    return render(
        request,
        "auth/verify.html",
        {
            "has_totp": factors.totp is not None,
            "has_keys": bool(factors.keys),
            "error": outcome.error if outcome else None,
        },
        status_code=status,
        headers=_retry_after(outcome) if outcome and status == 429 else None,
    )


@router.get("/login/verify", response_class=HTMLResponse)
def verify_page(request: Request, session: DB) -> Response:
    """The second step of a login: a code from the authenticator app, or a security key."""
    pending, user = _pending(request, session)
    if pending.state == sessions.ENROLMENT:
        return RedirectResponse("/login/enrol", status_code=303)
    return _verify_page(request, session, user)


@router.post("/login/verify", response_class=HTMLResponse)
def verify(
    request: Request,
    session: DB,
    settings: SettingsDep,
    form: Form,
    _active: Annotated[ActiveSession | None, Depends(anonymous_csrf)],
) -> Response:
    pending, user = _pending(request, session)
    username = user.username
    outcome = flow.verify_second_factor(
        session,
        settings,
        pending,
        user,
        proof=_proof(form),
        rp=relying_party(request, settings),
        client=_client(request),
    )
    if outcome.result is flow.Result.SUCCEEDED:
        return _signed_in(outcome, settings)
    if outcome.reason is flow.Reason.ACCOUNT_SLOWED:
        return _login_page(request, outcome, username=username, next_path="/", status=429)
    if outcome.reason is flow.Reason.LOGIN_ENDED:
        return _login_page(request, outcome, username="", next_path="/", status=401)
    status = 429 if outcome.result is flow.Result.THROTTLED else 401
    return _verify_page(request, session, user, outcome=outcome, status=status)


@router.post("/login/verify/webauthn-options")
def verify_webauthn_options(
    request: Request,
    session: DB,
    settings: SettingsDep,
    _active: Annotated[ActiveSession | None, Depends(anonymous_csrf)],
) -> Response:
    """WebAuthn request options for the second step (JSON, read by /static/webauthn.js)."""
    pending, user = _pending(request, session)
    options = flow.second_factor_options(
        session, pending, user, rp=relying_party(request, settings)
    )
    return Response(options, media_type="application/json")


# --- enrolment of a second factor during a login ----------------------------------------------


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


def _enrolment_code_page(
    request: Request, *, outcome: flow.Outcome | None = None, status: int = 200
) -> Response:
    """The first step of an enrolment: the one-time code from an administrator."""
    return render(
        request,
        "accounts/enrolment_code.html",
        {"error": outcome.error if outcome else None},
        status_code=status,
        headers=_retry_after(outcome) if outcome and status == 429 else None,
    )


@router.get("/login/enrol", response_class=HTMLResponse)
def enrol_page(request: Request, session: DB) -> Response:
    """A privileged user without a second factor: enrolling one is all they can do, once they
    have given the enrolment code an administrator issued to them."""
    pending, user = _pending(request, session)
    if pending.state != sessions.ENROLMENT:
        return RedirectResponse("/login/verify", status_code=303)
    if not flow.code_accepted(session, pending, user):
        return _enrolment_code_page(request)
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
    if "enrolment_code" in form:
        given = flow.accept_enrolment_code(
            session,
            pending,
            user,
            code=str(form.get("enrolment_code", ""))[:40],
            client=_client(request),
        )
        if given.result is flow.Result.ENROLMENT:
            return RedirectResponse("/login/enrol", status_code=303)
        if given.result is flow.Result.SECOND_FACTOR:
            return RedirectResponse("/login/verify", status_code=303)
        if given.pending_ended:
            status = 429 if given.result is flow.Result.THROTTLED else 401
            return _login_page(request, given, username="", next_path="/", status=status)
        status = 429 if given.result is flow.Result.THROTTLED else 422
        return _enrolment_code_page(request, outcome=given, status=status)
    outcome = flow.enrol(
        session,
        settings,
        pending,
        user,
        proof=_proof(form),
        key_name=str(form.get("name", "")),
        rp=relying_party(request, settings),
        client=_client(request),
    )
    if outcome.result is flow.Result.SUCCEEDED:
        return _signed_in(outcome, settings)
    if outcome.result is flow.Result.SECOND_FACTOR:
        return RedirectResponse("/login/verify", status_code=303)
    if outcome.reason is flow.Reason.ENROLMENT_CODE:
        return _enrolment_code_page(request, outcome=outcome, status=422)
    status = 429 if outcome.result is flow.Result.THROTTLED else 422
    return _enrol_page(request, session, user, error=outcome.error, status=status)


@router.post("/login/enrol/webauthn-options")
def enrol_webauthn_options(
    request: Request,
    session: DB,
    settings: SettingsDep,
    _active: Annotated[ActiveSession | None, Depends(anonymous_csrf)],
) -> Response:
    """WebAuthn creation options for enrolment at login (JSON, read by /static/webauthn.js)."""
    pending, user = _pending(request, session)
    options = flow.enrolment_options(session, pending, user, rp=relying_party(request, settings))
    return Response(options, media_type="application/json")


# --- re-authentication and logout -------------------------------------------------------------


def _reauth_page(
    request: Request,
    session: Session,
    user_id: uuid.UUID,
    next_path: str,
    *,
    outcome: flow.Outcome | None = None,
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
            "error": outcome.error if outcome else None,
        },
        status_code=status,
        headers=_retry_after(outcome) if outcome and status == 429 else None,
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
    next_path = safe_next(form.get("next"))
    outcome = flow.reauthenticate(
        session,
        settings,
        active,
        password=str(form.get("password", ""))[:1024],
        proof=_proof(form),
        rp=relying_party(request, settings),
        client=_client(request),
    )
    if outcome.result is flow.Result.SUCCEEDED:
        return RedirectResponse(next_path, status_code=303)
    status = 429 if outcome.result is flow.Result.THROTTLED else 401
    return _reauth_page(request, session, active.user.id, next_path, outcome=outcome, status=status)


@router.post("/reauth/webauthn-options")
def reauth_webauthn_options(
    request: Request,
    session: DB,
    settings: SettingsDep,
    _actor: Annotated[Actor, Depends(html_actor_csrf)],
) -> Response:
    active: ActiveSession = request.state.active
    options = flow.reauthentication_options(session, active, rp=relying_party(request, settings))
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
