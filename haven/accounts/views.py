"""HTML pages: users of one's organisation, one's own API tokens, password and second factors."""

from __future__ import annotations

import uuid
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from haven.accounts import mfa, service, tokens
from haven.accounts.schemas import UserCreate, UserUpdate
from haven.config import Settings
from haven.db.types import utcnow
from haven.errors import Conflict, HavenError, NotFound, ValidationFailed
from haven.i18n import N_
from haven.security import fresh, passwords, throttle, totp
from haven.security.errors import TooManyAttempts
from haven.security.permissions import Permission, Role, require
from haven.security.webauthn import RelyingParty, relying_party
from haven.validation import parse
from haven.web import notices
from haven.web.deps import DB, Form, HtmlActor, HtmlFormActor, SettingsDep
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

USER_ADDED = notices.register(N_("The user was added."))
USER_SAVED = notices.register(N_("The changes were saved."))
USER_DEACTIVATED = notices.register(
    N_("The user was deactivated: they can no longer log in, and their sessions have ended.")
)
USER_REACTIVATED = notices.register(N_("The user was reactivated: they can log in again."))
TOKEN_REVOKED = notices.register(N_("The token was revoked: it no longer works."))


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
    return notices.redirect(f"/users/{user.id}", USER_ADDED)


@router.get("/users/{user_id}", response_class=HTMLResponse)
def user_page(request: Request, user_id: uuid.UUID, session: DB, actor: HtmlActor) -> Response:
    return _user_page(request, session, actor, user_id)


def _user_page(
    request: Request,
    session: DB,
    actor: HtmlActor,
    user_id: uuid.UUID,
    *,
    error: HavenError | None = None,
    notice: str | None = None,
    enrolment_code: str | None = None,
) -> Response:
    user = service.get_user(session, actor, user_id)
    return render(
        request,
        "accounts/user.html",
        {
            "user": user,
            "roles": list(Role),
            "sites": service.list_sites(session, actor) if actor.can(Permission.SITE_READ) else [],
            "factors": mfa.factors_of(session, user.id),
            "needs_second_factor": mfa.requires_second_factor(user.role),
            "error": error,
            "notice": notice,
            "enrolment_code": enrolment_code,
        },
        status_code=422 if error else 200,
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
        return _user_page(request, session, actor, user_id, error=error)
    active = values.get("is_active")
    done = USER_SAVED if active is None else USER_REACTIVATED if active else USER_DEACTIVATED
    return notices.redirect(f"/users/{user_id}", done)


def _reauth(path: str) -> Response:
    """Send the user to confirm it is them, then back to `path`."""
    return RedirectResponse(f"/reauth?next={quote(path)}", status_code=303)


@router.post("/users/{user_id}/password", response_class=HTMLResponse)
def reset_password(
    request: Request,
    user_id: uuid.UUID,
    session: DB,
    actor: HtmlFormActor,
    form: Form,
    settings: SettingsDep,
) -> Response:
    """An administrator sets a new password for a user (fresh authentication required)."""
    if not fresh.is_fresh(session, actor):
        return _reauth(f"/users/{user_id}")
    try:
        service.reset_password(
            session,
            actor,
            user_id,
            new_password=str(form.get("new_password", ""))[:1024],
            settings=settings,
        )
    except (ValidationFailed, Conflict) as error:
        return _user_page(request, session, actor, user_id, error=error)
    return _user_page(request, session, actor, user_id, notice="password_reset")


@router.post("/users/{user_id}/factors/reset", response_class=HTMLResponse)
def reset_factors(
    request: Request, user_id: uuid.UUID, session: DB, actor: HtmlFormActor
) -> Response:
    """An administrator removes a user's second factors (lost phone or key)."""
    if not fresh.is_fresh(session, actor):
        return _reauth(f"/users/{user_id}")
    user = service.get_user(session, actor, user_id)
    try:
        mfa.reset_factors(session, actor, user)
    except Conflict as error:
        return _user_page(request, session, actor, user_id, error=error)
    return _user_page(request, session, actor, user_id, notice="factors_reset")


def _tokens_context(session: DB, actor: HtmlActor, **extra: object) -> dict[str, object]:
    return {
        "tokens": tokens.list_own(session, actor),
        "now": utcnow(),
        "default_days": tokens.DEFAULT_DAYS,
        **extra,
    }


@router.post("/users/{user_id}/enrolment-code", response_class=HTMLResponse)
def issue_enrolment_code(
    request: Request, user_id: uuid.UUID, session: DB, actor: HtmlFormActor
) -> Response:
    """An administrator issues a one-time code with which a privileged user enrols their
    first second factor (fresh authentication required; shown once, audited)."""
    if not fresh.is_fresh(session, actor):
        return _reauth(f"/users/{user_id}")
    user = service.get_user(session, actor, user_id)
    try:
        code = mfa.issue_enrolment_code(session, actor, user)
    except Conflict as error:
        return _user_page(request, session, actor, user_id, error=error)
    return _user_page(request, session, actor, user_id, enrolment_code=code)


@router.get("/account/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    return render(request, "accounts/tokens.html", _tokens_context(session, actor))


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    """Issue a token: read only unless write is chosen; valid 90 days unless told otherwise."""
    user = service.get_self(session, actor)
    name = str(form.get("name", ""))
    scope = str(form.get("scope", tokens.READ))
    days = str(form.get("days", "") or tokens.DEFAULT_DAYS).strip()
    try:
        plaintext, _token = tokens.issue(
            session,
            actor,
            user=user,
            name=name,
            scopes=[scope],
            days=int(days[:4]) if days.isdigit() else 0,
        )
    except ValidationFailed as error:
        return render(
            request,
            "accounts/tokens.html",
            _tokens_context(session, actor, error=error, name=name, scope=scope, days=days[:10]),
            status_code=422,
        )
    return render(
        request,
        "accounts/tokens.html",
        _tokens_context(session, actor, new_token=plaintext),
        status_code=201,
    )


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(token_id: uuid.UUID, session: DB, actor: HtmlFormActor) -> Response:
    tokens.revoke(session, actor, token_id)
    return notices.redirect("/account/tokens", TOKEN_REVOKED)


# --- one's own password and second factors ----------------------------------------------------


def _rp(request: Request, settings: Settings) -> RelyingParty:
    return relying_party(
        str(request.base_url), configured_origin=getattr(settings, "public_origin", None)
    )


def _security_page(
    request: Request,
    session: DB,
    actor: HtmlActor,
    *,
    error: HavenError | None = None,
    status: int = 200,
) -> Response:
    user = service.get_self(session, actor)
    return render(
        request,
        "accounts/security.html",
        {
            "factors": mfa.factors_of(session, user.id),
            "needs_second_factor": mfa.requires_second_factor(user.role),
            "error": error,
            "form_action": "/account/security/webauthn",
            "options_url": "/account/security/webauthn-options",
            "done": request.query_params.get("done", ""),
        },
        status_code=status,
    )


@router.get("/account/security", response_class=HTMLResponse)
def security_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    """One's second factors: add, remove (fresh authentication required to see the page)."""
    if not fresh.is_fresh(session, actor):
        return _reauth("/account/security")
    return _security_page(request, session, actor)


@router.get("/account/security/totp", response_class=HTMLResponse)
def totp_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    if not fresh.is_fresh(session, actor):
        return _reauth("/account/security/totp")
    return _totp_page(request, session, actor)


def _totp_page(
    request: Request,
    session: DB,
    actor: HtmlActor,
    *,
    error: HavenError | None = None,
) -> Response:
    user = service.get_self(session, actor)
    factor = mfa.start_totp_enrolment(session, actor, user)
    return render(
        request,
        "accounts/totp.html",
        {
            "qr": totp.qr_data_uri(totp.provisioning_uri(factor.secret, user.username)),
            "secret": totp.grouped(factor.secret),
            "error": error,
            "form_action": "/account/security/totp",
        },
        status_code=422 if error else 200,
    )


@router.post("/account/security/totp", response_class=HTMLResponse)
def confirm_totp(request: Request, session: DB, actor: HtmlFormActor, form: Form) -> Response:
    if not fresh.is_fresh(session, actor):
        return _reauth("/account/security/totp")
    user = service.get_self(session, actor)
    try:
        mfa.confirm_totp(session, actor, user, str(form.get("code", ""))[:20])
    except ValidationFailed as error:
        return _totp_page(request, session, actor, error=error)
    return RedirectResponse("/account/security?done=totp_added", status_code=303)


@router.post("/account/security/totp/remove", response_class=HTMLResponse)
def remove_totp(
    request: Request, session: DB, actor: HtmlFormActor, form: Form, settings: SettingsDep
) -> Response:
    if not fresh.is_fresh(session, actor):
        return _reauth("/account/security")
    user = service.get_self(session, actor)
    try:
        mfa.remove_totp(session, actor, user, password=_password_or_none(form), settings=settings)
    except (ValidationFailed, Conflict) as error:
        return _security_page(request, session, actor, error=error, status=error.status)
    return RedirectResponse("/account/security?done=removed", status_code=303)


def _password_or_none(form: FormData) -> str | None:
    value = form.get("password")
    return str(value)[:1024] if value else None


@router.post("/account/security/webauthn-options")
def webauthn_options(
    request: Request, session: DB, actor: HtmlFormActor, settings: SettingsDep
) -> Response:
    """WebAuthn creation options for a new key (JSON, read by /static/webauthn.js)."""
    fresh.require_fresh(session, actor)
    user = service.get_self(session, actor)
    options, challenge = mfa.webauthn_registration_options(
        session, actor, user, rp=_rp(request, settings)
    )
    request.state.active.login.webauthn_challenge = challenge
    return Response(options, media_type="application/json")


@router.post("/account/security/webauthn", response_class=HTMLResponse)
def register_webauthn(
    request: Request, session: DB, actor: HtmlFormActor, form: Form, settings: SettingsDep
) -> Response:
    if not fresh.is_fresh(session, actor):
        return _reauth("/account/security")
    user = service.get_self(session, actor)
    login = request.state.active.login
    challenge, login.webauthn_challenge = login.webauthn_challenge, None
    try:
        mfa.register_webauthn(
            session,
            actor,
            user,
            rp=_rp(request, settings),
            response=str(form.get("webauthn_response", "")),
            challenge=challenge,
            name=str(form.get("name", "")),
        )
    except (ValidationFailed, Conflict) as error:
        return _security_page(request, session, actor, error=error, status=error.status)
    return RedirectResponse("/account/security?done=key_added", status_code=303)


@router.post("/account/security/webauthn/{credential_id}/remove", response_class=HTMLResponse)
def remove_webauthn(
    request: Request,
    credential_id: uuid.UUID,
    session: DB,
    actor: HtmlFormActor,
    form: Form,
    settings: SettingsDep,
) -> Response:
    if not fresh.is_fresh(session, actor):
        return _reauth("/account/security")
    user = service.get_self(session, actor)
    try:
        mfa.remove_webauthn(
            session,
            actor,
            user,
            credential_id,
            password=_password_or_none(form),
            settings=settings,
        )
    except (ValidationFailed, Conflict) as error:
        return _security_page(request, session, actor, error=error, status=error.status)
    return RedirectResponse("/account/security?done=removed", status_code=303)


def _password_page(
    request: Request, session: DB, actor: HtmlActor, *, error: HavenError | None = None
) -> Response:
    user = service.get_self(session, actor)
    has_factor = mfa.has_second_factor(session, user.id)
    return render(
        request,
        "accounts/password.html",
        {
            "error": error,
            "minimum": passwords.minimum_length(has_second_factor=has_factor),
            "maximum": passwords.MAX_LENGTH,
            "done": request.query_params.get("done") == "1",
        },
        status_code=error.status if error else 200,
    )


@router.get("/account/password", response_class=HTMLResponse)
def password_page(request: Request, session: DB, actor: HtmlActor) -> Response:
    return _password_page(request, session, actor)


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request, session: DB, actor: HtmlFormActor, form: Form, settings: SettingsDep
) -> Response:
    """Change one's own password; the current one is required. Other sessions end."""
    new_password = str(form.get("new_password", ""))[:1024]
    if new_password != str(form.get("confirm_password", ""))[:1024]:
        mismatch = ValidationFailed(
            fields={"confirm_password": N_("The two new passwords are not the same.")}
        )
        return _password_page(request, session, actor, error=mismatch)
    # The same delay as at the login: a stolen session cannot guess the current password.
    if throttle.wait_seconds(session, actor.label) > 0:
        return _password_page(request, session, actor, error=TooManyAttempts())
    try:
        service.change_own_password(
            session,
            actor,
            current_password=str(form.get("current_password", ""))[:1024],
            new_password=new_password,
            settings=settings,
        )
    except ValidationFailed as error:
        if "current_password" in error.fields:
            throttle.record_failure(session, actor.label)
        return _password_page(request, session, actor, error=error)
    return RedirectResponse("/account/password?done=1", status_code=303)
