"""The login flow: password, then a second factor (or its enrolment), and re-authentication.

Every attempt passes the same guards in the same order: whether the browser is a known device
of the account named (`haven.accounts.devices`); if not, the client's rate (a token bucket per
address, in the process's memory); then the account's delay for that device, or for unknown
devices (failures in the last hour, in the database: `haven.security.throttle`); then the
credentials. Nothing locks an account: failures from elsewhere only slow unknown devices. A
complete login makes the browser a known device (the `device_cookie` of the outcome).

A refusal is an `Outcome`, not an exception: the failure count and its audit event must
commit with the request, and an exception would roll them back. The web pages only read the
form, call these functions and render what they answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy.orm import Session

from haven.accounts import devices, mfa, repository, service, sessions
from haven.accounts.models import User
from haven.accounts.sessions import ActiveSession
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.config import Settings
from haven.errors import HavenError, ValidationFailed
from haven.i18n import N_, Text
from haven.security import passwords, throttle
from haven.security import webauthn as wa
from haven.security.errors import (
    LoginExpired,
    LoginFailed,
    LoginSlowed,
    ReauthenticationFailed,
    SecondFactorFailed,
    TooManyAttempts,
)
from haven.security.models import KnownDevice, PendingLogin
from haven.security.permissions import Actor
from haven.security.throttle import ClientLimiter


class Result(StrEnum):
    SUCCEEDED = "succeeded"  # a session is open, or the user proved who they are again
    SECOND_FACTOR = "second_factor"  # the password was right; the second factor comes next
    ENROLMENT = "enrolment"  # the password (and, once given, the enrolment code) was right:
    # a privileged user must enrol a factor
    REFUSED = "refused"  # not accepted: `reason` and `error` say why
    THROTTLED = "throttled"  # too many attempts from this client or against this account


class Reason(StrEnum):
    WRONG_PASSWORD = "wrong_password"  # noqa: S105 - the name of a reason, not a secret
    WRONG_SECOND_FACTOR = "wrong_second_factor"
    LOGIN_ENDED = "login_ended"  # too many wrong second factors: the pending login is gone
    NOT_REAUTHENTICATED = "not_reauthenticated"
    INVALID_ENROLMENT = "invalid_enrolment"
    ENROLMENT_CODE = "enrolment_code"  # missing or not accepted
    CLIENT_LIMIT = "client_limit"
    ACCOUNT_SLOWED = "account_slowed"  # too many failures from this bucket: wait, then try


@dataclass(frozen=True)
class Outcome:
    """What became of an attempt.

    `token` is the cookie to set: the new session's (SUCCEEDED) or the pending login's (the
    second step, or enrolment). `error` is what to tell the user when refused or throttled;
    `retry_after` the seconds until this client may try again. `pending_ended`: the pending
    login is over (completed, slowed or failed too often), so its cookie goes.
    `device_cookie`: after a complete login, the device cookie that makes this browser a known
    device of the user.
    """

    result: Result
    reason: Reason | None = None
    error: HavenError | None = None
    token: str | None = None
    next_path: str = "/"
    retry_after: int | None = None
    pending_ended: bool = False
    device_cookie: str | None = None


@dataclass(frozen=True)
class Proof:
    """What the form offers as a second factor: a TOTP code or a WebAuthn assertion."""

    code: str = ""
    webauthn_response: str = ""


@dataclass(frozen=True)
class Client:
    """Who is knocking: their address as the server sees it, the app's per-client limiter,
    and the device cookie their browser sent (if any)."""

    address: str
    limiter: ClientLimiter
    device: str | None = None

    def allowed(self) -> bool:
        return self.limiter.allow(self.address)

    def throttled(self, reason: Reason = Reason.CLIENT_LIMIT) -> Outcome:
        return Outcome(
            Result.THROTTLED,
            reason,
            TooManyAttempts(),
            retry_after=self.limiter.retry_after(self.address),
        )


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


@dataclass(frozen=True)
class Guard:
    """The account named, the known device of it this browser is (if any), and the bucket
    its failures count in (the device's key, or None for every unknown device)."""

    username: str
    user: User | None
    device: KnownDevice | None

    @property
    def bucket(self) -> str | None:
        return self.device.token_hash if self.device is not None else None


def _guard(session: Session, username: str, client: Client, user: User | None) -> Guard:
    return Guard(username, user, devices.known_device(session, user, client.device))


def _wait(seconds: int) -> Text:
    if seconds < 120:
        return Text(N_("{n} seconds"), {"n": seconds})
    return Text(N_("{n} minutes"), {"n": (seconds + 59) // 60})


def _slowed(session: Session, guard: Guard, seconds: int) -> Outcome:
    """Too many failures from this bucket: try again after `seconds` (nothing is checked)."""
    _anonymous_event(
        session,
        AuditAction.LOGIN_THROTTLED,
        guard.user,
        limit="known_device" if guard.device is not None else "account",
    )
    message = Text(
        N_(
            "Too many failed logins for this account. Try again in {wait}. On a device you "
            "have logged in from before, you can log in now."
        ),
        {"wait": _wait(seconds)},
    )
    return Outcome(
        Result.THROTTLED, Reason.ACCOUNT_SLOWED, LoginSlowed(message), retry_after=seconds
    )


def _refusal_before_checking(session: Session, client: Client, guard: Guard) -> Outcome | None:
    """The client's rate (not for a known device: it has a bucket of its own), then the
    account's delay for this bucket; None when the credentials may be checked."""
    if guard.device is None and not client.allowed():
        return client.throttled()
    seconds = throttle.wait_seconds(session, guard.username, device=guard.bucket)
    if seconds > 0:
        return _slowed(session, guard, seconds)
    return None


def _failed(session: Session, guard: Guard, stage: str) -> None:
    throttle.record_failure(session, guard.username, device=guard.bucket)
    _anonymous_event(session, AuditAction.LOGIN_FAILED, guard.user, stage=stage)


def log_in(
    session: Session,
    settings: Settings,
    *,
    username: str,
    password: str,
    next_path: str,
    client: Client,
    language: str | None = None,
) -> Outcome:
    """Check the password; then open a session, or start the second step (or enrolment).

    `language` is the one the visitor chose before logging in: it becomes the user's own.
    """
    guard = _guard(
        session, username, client, repository.user_by_username(session, username.strip())
    )
    refused = _refusal_before_checking(session, client, guard)
    if refused is not None:
        return refused
    user = service.authenticate(session, username=username, password=password, settings=settings)
    if user is None:
        _failed(session, guard, "password")
        return Outcome(Result.REFUSED, Reason.WRONG_PASSWORD, LoginFailed())
    if language is not None:
        service.set_language(session, sessions.actor_for(user), language)
    has_factor = mfa.has_second_factor(session, user.id)
    if has_factor or mfa.requires_second_factor(user.role):
        state = sessions.SECOND_FACTOR if has_factor else sessions.ENROLMENT
        token, _pending = sessions.start_pending(session, user, state=state, next_path=next_path)
        result = Result.SECOND_FACTOR if has_factor else Result.ENROLMENT
        return Outcome(result, token=token, next_path=next_path)
    token, _login = sessions.start(session, user, settings)
    return Outcome(
        Result.SUCCEEDED,
        token=token,
        next_path=next_path,
        device_cookie=devices.remember(session, user, client.device),
    )


def _proven_factor(
    session: Session, user: User, proof: Proof, *, rp: wa.RelyingParty, challenge: str | None
) -> str | None:
    """Which second factor the proof shows (WebAuthn first, then TOTP), if any."""
    if proof.webauthn_response:
        try:
            mfa.verify_webauthn(
                session, user, rp=rp, response=proof.webauthn_response, challenge=challenge
            )
        except SecondFactorFailed:
            return None
        return mfa.WEBAUTHN
    if proof.code and mfa.verify_totp(session, user, proof.code):
        return mfa.TOTP
    return None


def _finish(
    session: Session,
    settings: Settings,
    pending: PendingLogin,
    user: User,
    *,
    method: str,
    client: Client,
) -> Outcome:
    next_path = pending.next_path
    token, _login = sessions.complete_pending(
        session, pending, user, settings, second_factor=method
    )
    return Outcome(
        Result.SUCCEEDED,
        token=token,
        next_path=next_path,
        pending_ended=True,
        device_cookie=devices.remember(session, user, client.device),
    )


def verify_second_factor(
    session: Session,
    settings: Settings,
    pending: PendingLogin,
    user: User,
    *,
    proof: Proof,
    rp: wa.RelyingParty,
    client: Client,
) -> Outcome:
    """The second step of a login. A wrong factor counts against the account (the same
    delay as passwords) and against the pending login, which ends after a few."""
    guard = _guard(session, user.username, client, user)
    refused = _refusal_before_checking(session, client, guard)
    if refused is not None:
        if refused.reason is Reason.ACCOUNT_SLOWED:
            session.delete(pending)
            return replace(refused, pending_ended=True)
        return refused
    challenge, pending.webauthn_challenge = pending.webauthn_challenge, None
    method = _proven_factor(session, user, proof, rp=rp, challenge=challenge)
    if method is not None:
        return _finish(session, settings, pending, user, method=method, client=client)
    _failed(session, guard, "second_factor")
    if sessions.fail_pending(session, pending):
        return Outcome(Result.REFUSED, Reason.LOGIN_ENDED, LoginExpired(), pending_ended=True)
    return Outcome(Result.REFUSED, Reason.WRONG_SECOND_FACTOR, SecondFactorFailed())


def _code_refused() -> ValidationFailed:
    return ValidationFailed(
        fields={
            "enrolment_code": N_(
                "This enrolment code was not accepted. Check it, or ask your administrator "
                "for a new one."
            )
        }
    )


def code_accepted(session: Session, pending: PendingLogin, user: User) -> bool:
    """Whether this enrolment has been given a code that is still usable."""
    return mfa.usable_enrolment_code(session, user, pending.enrolment_code_id) is not None


def accept_enrolment_code(
    session: Session,
    pending: PendingLogin,
    user: User,
    *,
    code: str,
    client: Client,
) -> Outcome:
    """The first step of an enrolment: the one-time code an administrator issued.

    Accepted: ENROLMENT (the authenticator may now be set up, with a secret never shown
    before). Refused: counted like a wrong second factor (the account's delay, and the
    pending login ends after a few).
    """
    if pending.state != sessions.ENROLMENT:
        return Outcome(Result.SECOND_FACTOR)
    guard = _guard(session, user.username, client, user)
    refused = _refusal_before_checking(session, client, guard)
    if refused is not None:
        if refused.reason is Reason.ACCOUNT_SLOWED:
            session.delete(pending)
            return replace(refused, pending_ended=True)
        return refused
    found = mfa.usable_enrolment_code(session, user, code.strip())
    if found is None:
        _failed(session, guard, "enrolment_code")
        if sessions.fail_pending(session, pending):
            return Outcome(Result.REFUSED, Reason.LOGIN_ENDED, LoginExpired(), pending_ended=True)
        return Outcome(Result.REFUSED, Reason.ENROLMENT_CODE, _code_refused())
    pending.enrolment_code_id = found.id
    mfa.restart_totp_enrolment(session, sessions.actor_for(user), user)
    return Outcome(Result.ENROLMENT)


def enrol(
    session: Session,
    settings: Settings,
    pending: PendingLogin,
    user: User,
    *,
    proof: Proof,
    key_name: str,
    rp: wa.RelyingParty,
    client: Client,
) -> Outcome:
    """A privileged user without a second factor enrols one, after giving their enrolment
    code; the code is spent and the login completes.

    A pending login that is not an enrolment answers SECOND_FACTOR (its page is the other one).
    """
    if pending.state != sessions.ENROLMENT:
        return Outcome(Result.SECOND_FACTOR)
    if not client.allowed():
        return client.throttled()
    code = mfa.usable_enrolment_code(session, user, pending.enrolment_code_id)
    if code is None:
        pending.enrolment_code_id = None
        return Outcome(Result.REFUSED, Reason.ENROLMENT_CODE, _code_refused())
    actor = sessions.actor_for(user)
    challenge, pending.webauthn_challenge = pending.webauthn_challenge, None
    try:
        if proof.webauthn_response:
            mfa.register_webauthn(
                session,
                actor,
                user,
                rp=rp,
                response=proof.webauthn_response,
                challenge=challenge,
                name=key_name,
            )
            method = mfa.WEBAUTHN
        else:
            mfa.confirm_totp(session, actor, user, proof.code)
            method = mfa.TOTP
    except ValidationFailed as error:
        return Outcome(Result.REFUSED, Reason.INVALID_ENROLMENT, error)
    mfa.spend_enrolment_code(session, code)
    return _finish(session, settings, pending, user, method=method, client=client)


def reauthenticate(
    session: Session,
    settings: Settings,
    active: ActiveSession,
    *,
    password: str,
    proof: Proof,
    rp: wa.RelyingParty,
    client: Client,
) -> Outcome:
    """The logged-in user proves who they are again (password, and second factor if they have
    one) before a sensitive action."""
    user = active.user
    guard = _guard(session, user.username, client, user)
    refused = _refusal_before_checking(session, client, guard)
    if refused is not None:
        return refused
    challenge, active.login.webauthn_challenge = active.login.webauthn_challenge, None
    method: str | None = None
    accepted = passwords.verify_password(user.password_hash, password, settings)
    if accepted and mfa.has_second_factor(session, user.id):
        method = _proven_factor(session, user, proof, rp=rp, challenge=challenge)
        accepted = method is not None
    if not accepted:
        _failed(session, guard, "reauthentication")
        return Outcome(Result.REFUSED, Reason.NOT_REAUTHENTICATED, ReauthenticationFailed())
    sessions.reauthenticate(session, active, second_factor=method)
    return Outcome(Result.SUCCEEDED)


# --- WebAuthn challenges: each kept on the login it belongs to, used once ---------------------


def second_factor_options(
    session: Session, pending: PendingLogin, user: User, *, rp: wa.RelyingParty
) -> str:
    """WebAuthn request options (JSON) for the second step of a login."""
    options, pending.webauthn_challenge = mfa.webauthn_authentication_options(session, user, rp=rp)
    return options


def enrolment_options(
    session: Session, pending: PendingLogin, user: User, *, rp: wa.RelyingParty
) -> str:
    """WebAuthn creation options (JSON) for enrolling a key during a login (once the
    enrolment code is given)."""
    if pending.state != sessions.ENROLMENT:
        raise LoginExpired
    if not code_accepted(session, pending, user):
        raise _code_refused()
    options, pending.webauthn_challenge = mfa.webauthn_registration_options(
        session, sessions.actor_for(user), user, rp=rp
    )
    return options


def reauthentication_options(
    session: Session, active: ActiveSession, *, rp: wa.RelyingParty
) -> str:
    """WebAuthn request options (JSON) for confirming it is you."""
    options, active.login.webauthn_challenge = mfa.webauthn_authentication_options(
        session, active.user, rp=rp
    )
    return options
