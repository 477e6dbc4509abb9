"""Fresh authentication: the request's own session authenticated within the last 5 minutes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts import sessions
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.db.types import utcnow
from haven.security import fresh, throttle
from haven.security.errors import FreshAuthRequired
from haven.security.models import LoginSession
from haven.security.permissions import Actor, Role
from haven.web.deps import DB, HtmlActor
from tests import factories as f
from tests.security.helpers import TEST_TOTP_SECRET, admin_logged_in, fresh_code


@pytest.mark.parametrize(
    ("age", "is_fresh"),
    [
        (timedelta(0), True),
        (timedelta(minutes=4, seconds=59), True),
        (timedelta(minutes=5), True),
        (timedelta(minutes=5, seconds=1), False),
        (timedelta(hours=1), False),
    ],
)
def test_the_window_is_five_minutes(
    db: Session, fast_settings: Settings, age: timedelta, is_fresh: bool
) -> None:
    user = f.user(db, organisation=f.organisation(db), role=Role.CASE_WORKER)
    token, login = sessions.start(db, user, fast_settings)
    active = sessions.resolve(db, token, fast_settings)
    now = utcnow()
    login.authenticated_at = now - age
    if is_fresh:
        fresh.require_fresh(db, active.actor, now=now)
    else:
        with pytest.raises(FreshAuthRequired) as info:
            fresh.require_fresh(db, active.actor, now=now)
        assert info.value.code == "reauthentication_required"
        assert info.value.status == 401


def test_another_users_session_or_none_is_not_fresh(db: Session, fast_settings: Settings) -> None:
    org = f.organisation(db)
    user = f.user(db, organisation=org, role=Role.CASE_WORKER)
    other = f.user(db, organisation=org, role=Role.CASE_WORKER)
    with pytest.raises(FreshAuthRequired):
        fresh.require_fresh(db, sessions.actor_for(user))  # no session resolved
    token, _login = sessions.start(db, other, fast_settings)
    sessions.resolve(db, token, fast_settings)
    with pytest.raises(FreshAuthRequired):
        fresh.require_fresh(db, sessions.actor_for(user))
    fresh.require_fresh(db, Actor.system())  # the operator at the machine


@pytest.fixture
def fresh_client(app: FastAPI) -> Iterator[TestClient]:
    """The real app plus one test-only endpoint guarded by require_fresh."""

    @app.get("/test-only/payment")
    def payment(session: DB, actor: HtmlActor) -> dict[str, str]:
        fresh.require_fresh(session, actor)
        return {"paid": actor.label}

    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def test_reauthentication_page_makes_a_session_fresh_again(
    fresh_client: TestClient, db: Session
) -> None:
    client = fresh_client
    admin_logged_in(client, db, username="fresh.admin")
    assert client.get("/test-only/payment").json() == {"paid": "fresh.admin"}
    login = db.scalars(select(LoginSession)).one()
    login.authenticated_at = utcnow() - timedelta(minutes=6)
    db.flush()
    refused = client.get("/test-only/payment", follow_redirects=False)
    assert refused.status_code == 303  # an HTML page sends the user to re-authenticate
    assert refused.headers["location"] == "/reauth?next=/test-only/payment"
    page = client.get("/reauth?next=/test-only/payment")
    assert page.status_code == 200
    assert 'id="field-code"' in page.text  # this user has an app: the code is asked too
    token = f.csrf_from(client, "/reauth?next=/test-only/payment")
    wrong = client.post(
        "/reauth",
        data={"password": f.PASSWORD, "code": "000000", "csrf_token": token, "next": "/x"},
    )
    assert wrong.status_code == 401
    done = client.post(
        "/reauth",
        data={
            "password": f.PASSWORD,
            "code": fresh_code(TEST_TOTP_SECRET, f"{id(client)}:fresh.admin"),
            "csrf_token": token,
            "next": "/test-only/payment",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/test-only/payment"
    assert client.get("/test-only/payment").status_code == 200
    actions = db.scalars(select(AuditEvent.action)).all()
    assert "auth.reauthenticated" in actions


def test_reauthentication_refuses_a_wrong_password_and_counts_it(
    fresh_client: TestClient, db: Session, fast_settings: Settings
) -> None:
    f.user(
        db,
        organisation=f.organisation(db),
        username="re.worker",
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    f.login(fresh_client, username="re.worker")
    token = f.csrf_from(fresh_client, "/reauth")
    response = fresh_client.post(
        "/reauth", data={"password": "not it at all", "csrf_token": token, "next": "/"}
    )
    assert response.status_code == 401
    assert throttle.all_failures_in_window(db, "re.worker") == 1
