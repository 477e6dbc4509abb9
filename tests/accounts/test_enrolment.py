"""Issue 19, finding 9 (factors): a privileged user's first second factor needs a one-time
code an administrator issued (audited); the password alone enrols nothing, and shows no
authenticator secret that could later become the user's."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts import mfa
from haven.accounts.models import User
from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.db.types import utcnow
from haven.errors import Conflict, NotFound, PermissionDenied
from haven.security import throttle, totp
from haven.security.models import EnrolmentCode, LoginSession, TotpFactor
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.security.helpers import admin_logged_in


def _password(client: TestClient, username: str) -> str:
    token = f.csrf_from(client)
    response = client.post(
        "/login",
        data={"username": username, "password": f.PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return str(response.headers["location"])


def _secret(page: str) -> str:
    marker = 'id="totp-secret" class="token-value">'
    start = page.index(marker) + len(marker)
    return page[start : page.index("<", start)].replace(" ", "")


def _now_code(secret: str) -> str:
    return totp.code_for_step(secret, totp.step_at(utcnow()))


def test_the_password_alone_enrols_nothing_and_shows_no_secret(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    f.user(
        db,
        organisation=f.organisation(db),
        username="new.officer",
        role=Role.VETTING_OFFICER,
        settings=fast_settings,
    )
    assert _password(client, "new.officer") == "/login/enrol"
    page = client.get("/login/enrol")
    assert 'name="enrolment_code"' in page.text
    assert "totp-secret" not in page.text
    assert db.scalars(select(TotpFactor)).all() == []  # no secret made, none shown
    token = f.csrf_from(client, "/login/enrol")
    # A TOTP code without an enrolment code: refused, asked for the code.
    secret = totp.new_secret()
    db.add(TotpFactor(user_id=_user(db, "new.officer").id, secret=secret))
    db.flush()  # even a secret an attacker planted or read earlier is never confirmed
    no_code = client.post("/login/enrol", data={"code": _now_code(secret), "csrf_token": token})
    assert no_code.status_code == 422
    assert 'name="enrolment_code"' in no_code.text
    options = client.post("/login/enrol/webauthn-options", data={"csrf_token": token})
    assert options.status_code == 422
    # A wrong code: refused, counted against the account like a wrong second factor.
    wrong = client.post(
        "/login/enrol", data={"enrolment_code": "ABCD-EFGH-JKLM", "csrf_token": token}
    )
    assert wrong.status_code == 422
    assert "not accepted" in wrong.text
    assert throttle.all_failures_in_window(db, "new.officer") == 1
    assert db.scalars(select(LoginSession)).all() == []
    assert mfa.factors_of(db, _user(db, "new.officer").id).count == 0
    failed = db.scalars(select(AuditEvent).where(AuditEvent.action == "auth.login_failed")).one()
    assert failed.changes == {"stage": "enrolment_code"}


def _user(db: Session, username: str) -> User:
    user = db.scalars(select(User).where(User.username == username)).one()
    return user


def test_an_administrators_code_enrols_once_and_is_audited(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    organisation = f.organisation(db)
    admin = admin_logged_in(client, db, username="code.issuer", organisation=organisation)
    officer = f.user(
        db,
        organisation=organisation,
        username="coded.officer",
        role=Role.FINANCE_OFFICER,
        settings=fast_settings,
    )
    # The administrator issues the code on the user's page (fresh: they just logged in).
    csrf = f.csrf_from(client, f"/users/{officer.id}")
    issued = client.post(f"/users/{officer.id}/enrolment-code", data={"csrf_token": csrf})
    assert issued.status_code == 200
    start = issued.text.index('id="enrolment-code">') + len('id="enrolment-code">')
    code = issued.text[start : issued.text.index("<", start)]
    assert len(code) == 14
    assert code.count("-") == 2
    event = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "auth.enrolment_code_issued")
    ).one()
    assert event.actor_user_id == admin.id
    assert event.subject_id == officer.id
    assert code.replace("-", "") not in str(event.changes)
    stored = db.scalars(select(EnrolmentCode)).one()
    assert code.replace("-", "") not in stored.code_hash  # only its hash is kept

    # The officer, in their own browser: password, code, then their authenticator.
    browser = TestClient(client.app)
    assert _password(browser, "coded.officer") == "/login/enrol"
    token = f.csrf_from(browser, "/login/enrol")
    given = browser.post(
        "/login/enrol",
        data={"enrolment_code": code.lower().replace("-", " "), "csrf_token": token},
        follow_redirects=False,
    )
    assert given.status_code == 303
    secret = _secret(browser.get("/login/enrol").text)
    done = browser.post(
        "/login/enrol",
        data={"code": _now_code(secret), "csrf_token": token},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert browser.get("/").status_code == 200
    db.expire_all()
    assert stored.used_at is not None

    # Spent: the same code enrols nothing for anyone again.
    mfa.reset_factors(db, actor_for(admin), officer)
    again = TestClient(client.app)
    assert _password(again, "coded.officer") == "/login/enrol"
    token = f.csrf_from(again, "/login/enrol")
    reused = again.post("/login/enrol", data={"enrolment_code": code, "csrf_token": token})
    assert reused.status_code == 422


def test_who_may_issue_a_code_and_for_whom(db: Session, fast_settings: Settings) -> None:
    organisation = f.organisation(db)
    admin = f.user(db, organisation=organisation, role=Role.ADMINISTRATOR, settings=fast_settings)
    manager = f.user(db, organisation=organisation, role=Role.MANAGER, settings=fast_settings)
    worker = f.user(db, organisation=organisation, role=Role.CASE_WORKER, settings=fast_settings)
    stranger = f.user(
        db, organisation=f.organisation(db), role=Role.ADMINISTRATOR, settings=fast_settings
    )
    with pytest.raises(PermissionDenied):  # a manager manages no users
        mfa.issue_enrolment_code(db, actor_for(manager), admin)
    with pytest.raises(NotFound):  # another organisation's administrator
        mfa.issue_enrolment_code(db, actor_for(stranger), manager)
    with pytest.raises(Conflict):  # an ordinary role enrols after logging in
        mfa.issue_enrolment_code(db, actor_for(admin), worker)
    with pytest.raises(Conflict):
        mfa.issue_enrolment_code(db, actor_for(admin), admin)
    first = mfa.issue_enrolment_code(db, actor_for(admin), manager)
    second = mfa.issue_enrolment_code(db, Actor.system(), manager)  # the operator too
    assert mfa.usable_enrolment_code(db, manager, first) is None  # replaced by the new one
    assert mfa.usable_enrolment_code(db, manager, second) is not None
    assert mfa.usable_enrolment_code(db, admin, second) is None  # it is the manager's only
