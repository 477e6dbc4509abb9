"""The login service on its own: each attempt answers an outcome, and what it leaves behind."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts import login as flow
from haven.accounts import sessions
from haven.accounts.models import User
from haven.audit.actions import AuditAction
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.security import throttle
from haven.security import webauthn as wa
from haven.security.errors import (
    LoginExpired,
    LoginFailed,
    ReauthenticationFailed,
    SecondFactorFailed,
    TooManyAttempts,
)
from haven.security.models import LoginSession
from haven.security.permissions import Role
from tests import factories as f
from tests.security.helpers import enrol_totp, fresh_code

RP = wa.relying_party("http://testserver/")


def _client(*, burst: int = 20) -> flow.Client:
    return flow.Client(address="192.0.2.7", limiter=throttle.ClientLimiter(burst=burst))


def _user(db: Session, settings: Settings, role: Role = Role.CASE_WORKER) -> User:
    return f.user(db, organisation=f.organisation(db), role=role, settings=settings)


def _log_in(
    db: Session,
    settings: Settings,
    username: str,
    password: str = f.PASSWORD,
    *,
    client: flow.Client | None = None,
    language: str | None = None,
) -> flow.Outcome:
    return flow.log_in(
        db,
        settings,
        username=username,
        password=password,
        next_path="/people",
        client=client or _client(),
        language=language,
    )


def _events(db: Session, action: AuditAction) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_the_right_password_opens_a_session_behind_the_returned_token(
    db: Session, fast_settings: Settings
) -> None:
    user = _user(db, fast_settings)
    outcome = _log_in(db, fast_settings, user.username)
    assert outcome.result is flow.Result.SUCCEEDED
    assert outcome.next_path == "/people"
    assert outcome.token is not None
    assert sessions.resolve(db, outcome.token, fast_settings).user.id == user.id


def test_a_wrong_password_is_refused_counted_and_audited(
    db: Session, fast_settings: Settings
) -> None:
    user = _user(db, fast_settings)
    outcome = _log_in(db, fast_settings, user.username, "not the password at all")
    assert outcome.result is flow.Result.REFUSED
    assert outcome.reason is flow.Reason.WRONG_PASSWORD
    assert isinstance(outcome.error, LoginFailed)
    assert outcome.token is None
    assert throttle.failures_in_window(db, user.username) == 1
    [event] = _events(db, AuditAction.LOGIN_FAILED)
    assert event.subject_id == user.id
    assert event.changes == {"stage": "password"}
    assert db.scalars(select(LoginSession)).all() == []


def test_an_account_guessed_at_is_slowed_for_unknown_devices_even_with_the_right_password(
    db: Session, fast_settings: Settings
) -> None:
    user = _user(db, fast_settings)
    for _ in range(100):
        throttle.record_failure(db, user.username)
    outcome = _log_in(db, fast_settings, user.username)
    assert outcome.result is flow.Result.THROTTLED
    assert outcome.reason is flow.Reason.ACCOUNT_SLOWED
    assert isinstance(outcome.error, TooManyAttempts)
    assert outcome.retry_after == throttle.MAX_DELAY.seconds
    assert outcome.token is None
    [event] = _events(db, AuditAction.LOGIN_THROTTLED)
    assert event.changes == {"limit": "account"}


def test_a_client_past_its_burst_is_throttled_before_any_check(
    db: Session, fast_settings: Settings
) -> None:
    user = _user(db, fast_settings)
    client = _client(burst=1)
    assert _log_in(db, fast_settings, user.username, client=client).token is not None
    outcome = _log_in(db, fast_settings, user.username, "wrong", client=client)
    assert outcome.result is flow.Result.THROTTLED
    assert outcome.reason is flow.Reason.CLIENT_LIMIT
    assert outcome.retry_after is not None
    assert outcome.retry_after >= 1
    assert throttle.failures_in_window(db, user.username) == 0  # the password was not tried


def test_the_language_chosen_before_login_becomes_the_users(
    db: Session, fast_settings: Settings
) -> None:
    user = _user(db, fast_settings)
    _log_in(db, fast_settings, user.username, language="my")
    assert user.language == "my"


def test_a_privileged_user_without_a_factor_must_enrol_and_one_with_a_factor_verifies(
    db: Session, fast_settings: Settings
) -> None:
    auditor = _user(db, fast_settings, Role.AUDITOR)
    outcome = _log_in(db, fast_settings, auditor.username)
    assert outcome.result is flow.Result.ENROLMENT
    assert outcome.token is not None
    pending, _user_of = sessions.resolve_pending(db, outcome.token)
    assert pending.state == sessions.ENROLMENT

    enrolled = _user(db, fast_settings)
    enrol_totp(db, enrolled)
    outcome = _log_in(db, fast_settings, enrolled.username)
    assert outcome.result is flow.Result.SECOND_FACTOR
    assert outcome.token is not None
    assert db.scalars(select(LoginSession)).all() == []  # no session before the second step


def test_wrong_second_factors_end_the_pending_login_and_a_right_one_completes_it(
    db: Session, fast_settings: Settings
) -> None:
    user = _user(db, fast_settings)
    secret = enrol_totp(db, user)

    def attempt(token: str, code: str) -> flow.Outcome:
        pending, owner = sessions.resolve_pending(db, token)
        proof = flow.Proof(code=code)
        return flow.verify_second_factor(
            db, fast_settings, pending, owner, proof=proof, rp=RP, client=_client()
        )

    token = _log_in(db, fast_settings, user.username).token
    assert token is not None
    for _ in range(sessions.PENDING_MAX_FAILURES - 1):
        wrong = attempt(token, "000000")
        assert wrong.reason is flow.Reason.WRONG_SECOND_FACTOR
        assert isinstance(wrong.error, SecondFactorFailed)
        assert not wrong.pending_ended
    ended = attempt(token, "000000")
    assert ended.reason is flow.Reason.LOGIN_ENDED
    assert isinstance(ended.error, LoginExpired)
    assert ended.pending_ended
    assert len(_events(db, AuditAction.LOGIN_FAILED)) == sessions.PENDING_MAX_FAILURES

    token = _log_in(db, fast_settings, user.username).token
    assert token is not None
    done = attempt(token, fresh_code(secret, f"service:{user.username}"))
    assert done.result is flow.Result.SUCCEEDED
    assert done.pending_ended
    assert done.next_path == "/people"
    assert done.token is not None
    assert sessions.resolve(db, done.token, fast_settings).login.second_factor == "totp"


def test_reauthentication_refuses_a_wrong_password_and_accepts_the_right_one(
    db: Session, fast_settings: Settings
) -> None:
    user = _user(db, fast_settings)
    token = _log_in(db, fast_settings, user.username).token
    assert token is not None
    active = sessions.resolve(db, token, fast_settings)
    before = active.login.authenticated_at

    def attempt(password: str) -> flow.Outcome:
        return flow.reauthenticate(
            db,
            fast_settings,
            active,
            password=password,
            proof=flow.Proof(),
            rp=RP,
            client=_client(),
        )

    refused = attempt("not the password at all")
    assert refused.reason is flow.Reason.NOT_REAUTHENTICATED
    assert isinstance(refused.error, ReauthenticationFailed)
    assert [e.changes for e in _events(db, AuditAction.LOGIN_FAILED)] == [
        {"stage": "reauthentication"}
    ]
    assert attempt(f.PASSWORD).result is flow.Result.SUCCEEDED
    assert active.login.authenticated_at is not None
    assert before is not None
    assert active.login.authenticated_at >= before
    assert len(_events(db, AuditAction.REAUTHENTICATED)) == 1
