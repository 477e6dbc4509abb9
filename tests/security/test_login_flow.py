"""The login flow through the real app: second step, enrolment, throttling, WebAuthn."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts import mfa, service, sessions
from haven.accounts.schemas import UserUpdate
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.db.types import utcnow
from haven.security import throttle, totp
from haven.security import webauthn as wa
from haven.security.errors import SessionExpired
from haven.security.models import LoginSession, PendingLogin
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.security.helpers import (
    TEST_TOTP_SECRET,
    SoftAuthenticator,
    admin_logged_in,
    enrol_totp,
    fresh_code,
)


def _password_step(client: TestClient, username: str, password: str = f.PASSWORD) -> str:
    token = f.csrf_from(client)
    response = client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token, "next": "/people"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def _actions(db: Session) -> list[str]:
    db.expire_all()
    return list(db.scalars(select(AuditEvent.action).order_by(AuditEvent.occurred_at)).all())


def test_a_privileged_role_without_a_factor_can_only_enrol(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    f.user(
        db,
        organisation=f.organisation(db),
        username="new.auditor",
        role=Role.AUDITOR,
        settings=fast_settings,
    )
    assert _password_step(client, "new.auditor") == "/login/enrol"
    assert "haven_session" not in client.cookies
    assert client.get("/").status_code == 401  # nothing else is reachable
    assert client.get("/login/verify", follow_redirects=False).headers["location"] == "/login/enrol"
    # The password alone shows no authenticator secret: first, the administrator's code.
    asked = client.get("/login/enrol")
    assert 'name="enrolment_code"' in asked.text
    assert "totp-secret" not in asked.text
    token = f.csrf_from(client, "/login/enrol")
    given = client.post(
        "/login/enrol",
        data={"enrolment_code": f.enrolment_code(client, "new.auditor"), "csrf_token": token},
    )
    assert given.status_code == 200
    page = client.get("/login/enrol")
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.text  # the QR code, inline (CSP: img-src data:)
    assert "<script>" not in page.text
    start = page.text.index('id="totp-secret" class="token-value">') + 37
    secret = page.text[start : page.text.index("<", start)].replace(" ", "")
    token = f.csrf_from(client, "/login/enrol")
    wrong = client.post("/login/enrol", data={"code": "000000", "csrf_token": token})
    assert wrong.status_code == 422
    assert 'href="#field-code"' in wrong.text
    code = totp.code_for_step(secret, totp.step_at(utcnow()))
    done = client.post(
        "/login/enrol", data={"code": code, "csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/people"
    assert client.get("/").status_code == 200
    login = db.scalars(select(LoginSession)).one()
    assert login.second_factor == "totp"
    assert db.scalars(select(PendingLogin)).all() == []
    assert {
        "auth.enrolment_code_issued",
        "auth.second_factor_enrolled",
        "auth.login_succeeded",
    } <= set(_actions(db))


def test_a_user_with_a_factor_answers_the_second_step_and_no_code_works_twice(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    user = f.user(
        db,
        organisation=f.organisation(db),
        username="two.step",
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    enrol_totp(db, user)
    assert _password_step(client, "two.step") == "/login/verify"
    assert client.get("/").status_code == 401  # half-authenticated: no session at all
    code = fresh_code(TEST_TOTP_SECRET, f"{id(client)}:two.step")
    token = f.csrf_from(client, "/login/verify")
    ok = client.post(
        "/login/verify", data={"code": code, "csrf_token": token}, follow_redirects=False
    )
    assert ok.status_code == 303
    assert client.get("/").status_code == 200
    other = TestClient(client.app)
    assert _password_step(other, "two.step") == "/login/verify"
    token = f.csrf_from(other, "/login/verify")
    replayed = other.post("/login/verify", data={"code": code, "csrf_token": token})
    assert replayed.status_code == 401
    assert "Each code works once" in replayed.text
    assert "haven_session" not in other.cookies
    assert throttle.failures_in_window(db, "two.step") == 1


def test_five_wrong_codes_end_the_pending_login(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    user = f.user(
        db,
        organisation=f.organisation(db),
        username="five.wrong",
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    enrol_totp(db, user)
    _password_step(client, "five.wrong")
    token = f.csrf_from(client, "/login/verify")
    for _ in range(4):
        assert (
            client.post("/login/verify", data={"code": "000000", "csrf_token": token}).status_code
            == 401
        )
    last = client.post("/login/verify", data={"code": "000000", "csrf_token": token})
    assert "Your login took too long or has ended" in last.text
    assert db.scalars(select(PendingLogin)).all() == []
    assert client.get("/login/verify").status_code == 401


def test_a_user_without_a_factor_in_an_ordinary_role_logs_in_with_the_password(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    f.user(
        db,
        organisation=f.organisation(db),
        username="plain.worker",
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    assert _password_step(client, "plain.worker") == "/people"
    assert db.scalars(select(LoginSession)).one().second_factor is None


def test_a_privileged_session_without_a_second_factor_is_refused(
    db: Session, fast_settings: Settings
) -> None:
    user = f.user(
        db, organisation=f.organisation(db), role=Role.FINANCE_OFFICER, settings=fast_settings
    )
    token, login = sessions.start(db, user, fast_settings)  # as if opened before MFA existed
    with pytest.raises(SessionExpired):
        sessions.resolve(db, token, fast_settings)
    assert login.revoked_reason == "second_factor_missing"


def test_failures_from_elsewhere_slow_unknown_devices_and_say_so(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    user = f.user(
        db,
        organisation=f.organisation(db),
        username="much.guessed",
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    for _ in range(100):
        throttle.record_failure(db, "much.guessed")
    token = f.csrf_from(client)
    response = client.post(
        "/login", data={"username": "much.guessed", "password": f.PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) >= 1
    assert "Too many failed logins for this account" in response.text
    assert "haven_session" not in client.cookies
    throttled = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.login_throttled")
    ).one()
    assert throttled.subject_id == user.id
    # An unknown username answers exactly the same way: the delay reveals nothing.
    for _ in range(100):
        throttle.record_failure(db, "no.such.user")
    unknown = client.post(
        "/login", data={"username": "no.such.user", "password": f.PASSWORD, "csrf_token": token}
    )
    assert unknown.status_code == 429
    assert unknown.text.replace("no.such.user", "X") == response.text.replace("much.guessed", "X")


def test_a_client_is_limited_to_a_burst_of_20_login_attempts(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    f.user(
        db,
        organisation=f.organisation(db),
        username="ip.victim",
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    token = f.csrf_from(client)
    codes = [
        client.post(
            "/login", data={"username": f"guess{i}", "password": "wrong wrong", "csrf_token": token}
        ).status_code
        for i in range(throttle.CLIENT_BURST)
    ]
    assert codes == [401] * throttle.CLIENT_BURST
    blocked = client.post(
        "/login", data={"username": "ip.victim", "password": f.PASSWORD, "csrf_token": token}
    )
    assert blocked.status_code == 429
    assert int(blocked.headers["retry-after"]) >= 1


def test_webauthn_login_through_the_pages(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    user = f.user(
        db,
        organisation=f.organisation(db),
        username="key.holder",
        role=Role.NEGOTIATOR,
        settings=fast_settings,
    )
    key = SoftAuthenticator()
    actor = sessions.actor_for(user)
    rp = wa.relying_party("http://testserver/")
    options, challenge = mfa.webauthn_registration_options(db, actor, user, rp=rp)
    mfa.register_webauthn(
        db, actor, user, rp=rp, response=key.register(options), challenge=challenge, name="k"
    )
    assert _password_step(client, "key.holder") == "/login/verify"
    page = client.get("/login/verify")
    assert 'data-webauthn="get"' in page.text
    assert 'src="/static/webauthn.js"' in page.text
    csrf = client.cookies.get("haven_csrf")
    assert csrf
    assert client.post("/login/verify/webauthn-options").status_code == 403  # CSRF header needed
    options = client.post("/login/verify/webauthn-options", headers={"X-CSRF-Token": csrf})
    assert options.headers["content-type"] == "application/json"
    done = client.post(
        "/login/verify",
        data={"webauthn_response": key.assertion(options.text), "csrf_token": csrf},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert db.scalars(select(LoginSession)).one().second_factor == "webauthn"
    assert client.get("/").status_code == 200


def test_role_change_and_deactivation_end_sessions_at_once(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    worker = f.user(
        db, organisation=org, username="moved.worker", role=Role.CASE_WORKER, settings=fast_settings
    )
    f.login(client, username="moved.worker")
    assert client.get("/").status_code == 200
    service.update_user(db, Actor.system(), worker.id, UserUpdate(role=Role.MANAGER))
    assert client.get("/").status_code == 401
    f.login(client, username="moved.worker")
    service.update_user(db, Actor.system(), worker.id, UserUpdate(is_active=False))
    assert client.get("/").status_code == 401
    assert "auth.session_revoked" in _actions(db)


def test_change_password_uses_the_rule_for_the_users_factors(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    user = f.user(
        db,
        organisation=f.organisation(db),
        username="pw.changer",
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    f.login(client, username="pw.changer")
    token = f.csrf_from(client, "/account/password")

    def change(current: str, new: str) -> int:
        return client.post(  # type: ignore[no-any-return]
            "/account/password",
            data={
                "current_password": current,
                "new_password": new,
                "confirm_password": new,
                "csrf_token": token,
            },
            follow_redirects=False,
        ).status_code

    assert change("not my password", "a brand new passphrase") == 422
    short = client.post(
        "/account/password",
        data={
            "current_password": f.PASSWORD,
            "new_password": "tiny pass 12",
            "confirm_password": "tiny pass 12",
            "csrf_token": token,
        },
    )
    assert short.status_code == 422
    assert "Use at least 15 characters." in short.text
    assert change(f.PASSWORD, "123456789987654321") == 422  # on the common list
    enrol_totp(db, user)
    assert change(f.PASSWORD, "tiny pass 12") == 303  # 12 characters suffice with a factor
    assert "user.password_changed" in _actions(db)
    assert client.get("/").status_code == 200  # the session making the change goes on


def test_admin_resets_a_password_and_the_factors_of_a_user(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    admin_logged_in(client, db, username="reset.admin", organisation=org)
    target = f.user(
        db, organisation=org, username="lost.phone", role=Role.AUDITOR, settings=fast_settings
    )
    enrol_totp(db, target)
    token = f.csrf_from(client, f"/users/{target.id}")
    weak = client.post(
        f"/users/{target.id}/password", data={"new_password": "password123", "csrf_token": token}
    )
    assert weak.status_code == 422
    assert "too common" in weak.text
    ok = client.post(
        f"/users/{target.id}/password",
        data={"new_password": "a new long passphrase", "csrf_token": token},
    )
    assert ok.status_code == 200
    assert 'id="user-notice"' in ok.text
    reset = client.post(f"/users/{target.id}/factors/reset", data={"csrf_token": token})
    assert reset.status_code == 200
    assert not mfa.has_second_factor(db, target.id)
    assert {"user.password_reset", "auth.second_factor_removed"} <= set(_actions(db))
    other = TestClient(client.app)
    assert _password_step(other, "lost.phone", "a new long passphrase") == "/login/enrol"


def test_the_security_page_needs_fresh_authentication(client: TestClient, db: Session) -> None:
    admin_logged_in(client, db, username="sec.admin")
    page = client.get("/account/security")
    assert page.status_code == 200
    assert 'id="totp-status"' in page.text
    db.scalars(select(LoginSession)).one().authenticated_at = utcnow() - timedelta(minutes=10)
    db.flush()
    stale = client.get("/account/security", follow_redirects=False)
    assert stale.status_code == 303
    assert stale.headers["location"] == "/reauth?next=/account/security"


def test_change_password_is_slowed_like_a_login(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    """A stolen session cannot guess the current password: after the free failures the page
    answers 429 without checking it, even when it is right."""
    f.user(
        db,
        organisation=f.organisation(db),
        username="pw.guessed",
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    f.login(client, username="pw.guessed")
    token = f.csrf_from(client, "/account/password")

    def change(current: str) -> int:
        return client.post(  # type: ignore[no-any-return]
            "/account/password",
            data={
                "current_password": current,
                "new_password": "a brand new passphrase",
                "confirm_password": "a brand new passphrase",
                "csrf_token": token,
            },
            follow_redirects=False,
        ).status_code

    statuses = [change(f"guess {n}") for n in range(throttle.FREE_FAILURES + 1)]
    assert statuses[:-1] == [422] * throttle.FREE_FAILURES
    assert statuses[-1] == 429
    assert change(f.PASSWORD) == 429
