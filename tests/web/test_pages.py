"""HTML pages through the real app: login, sessions, CSRF, language, errors, headers."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.models import User
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.security.models import LoginSession
from haven.security.permissions import Role
from tests import factories as f
from tests.security.helpers import admin_logged_in


def test_login_page_renders_with_csrf_and_security_headers(client: TestClient) -> None:
    response = client.get("/login")
    assert response.status_code == 200
    assert 'name="csrf_token"' in response.text
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["cache-control"] == "no-store"
    assert "<script>" not in response.text  # no inline script: the CSP forbids it


def test_wrong_password_is_401_with_a_clear_message_and_audited(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    user = f.user(
        db, organisation=f.organisation(db), username="ko.registrar", settings=fast_settings
    )
    token = f.csrf_from(client)
    response = client.post(
        "/login",
        data={"username": "ko.registrar", "password": "not the password", "csrf_token": token},
    )
    assert response.status_code == 401
    assert "Wrong username or password." in response.text
    assert 'value="ko.registrar"' in response.text  # what was typed stays in the form
    assert "not the password" not in response.text
    db.expire_all()
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == user.id)).all()
    assert "auth.login_failed" in actions


def test_login_then_dashboard_then_logout(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    f.user(
        db,
        organisation=f.organisation(db),
        username="daw.admin",
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    assert client.get("/").status_code == 401
    f.login(client, username="daw.admin")
    cookie = next(c for c in client.cookies.jar if c.name == "haven_session")
    assert cookie.has_nonstandard_attr("HttpOnly")
    page = client.get("/")
    assert page.status_code == 200
    assert "Dashboard" in page.text
    token = f.csrf_from(client, "/")
    response = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    db.expire_all()
    assert all(s.revoked_at is not None for s in db.scalars(select(LoginSession)))
    assert client.get("/").status_code == 401


def test_missing_csrf_token_is_403_with_a_clear_message(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    f.user(
        db,
        organisation=f.organisation(db),
        username="no.csrf",
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    client.get("/login")
    response = client.post("/login", data={"username": "no.csrf", "password": f.PASSWORD})
    assert response.status_code == 403
    assert "This form has expired or did not come from Haven" in response.text
    f.login(client, username="no.csrf")
    response = client.post("/logout", data={})
    assert response.status_code == 403
    response = client.post("/logout", data={"csrf_token": "forged"})
    assert response.status_code == 403
    assert client.get("/").status_code == 200  # still logged in: the forged logout did nothing


def test_an_idle_session_expires_with_401_and_a_clear_message(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    f.user(
        db,
        organisation=f.organisation(db),
        username="idle.user",
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    f.login(client, username="idle.user")
    login = db.scalars(select(LoginSession)).one()
    login.last_seen_at -= timedelta(minutes=fast_settings.session_idle_minutes + 1)
    db.flush()
    response = client.get("/users")
    assert response.status_code == 401
    assert "Your session has expired. Please log in again." in response.text
    assert 'name="next" value="/users"' in response.text


def test_a_session_past_its_absolute_lifetime_expires(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    f.user(
        db,
        organisation=f.organisation(db),
        username="long.day",
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    f.login(client, username="long.day")
    login = db.scalars(select(LoginSession)).one()
    login.expires_at -= timedelta(hours=fast_settings.session_max_hours)
    db.flush()
    assert client.get("/").status_code == 401


def test_language_switch_is_remembered_for_the_user(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    user = f.user(
        db,
        organisation=f.organisation(db),
        username="lang.user",
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    f.login(client, username="lang.user")
    token = f.csrf_from(client, "/")
    response = client.post(
        "/language",
        data={"language": "my", "next": "/", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = client.get("/")
    assert '<html lang="my"' in page.text
    assert "ဒက်ရှ်ဘုတ်" in page.text
    db.expire_all()
    assert db.get(User, user.id).language == "my"  # type: ignore[union-attr]
    # A new browser (no cookie) gets Burmese after login too: the choice is the user's.
    fresh = TestClient(client.app)
    f.login(fresh, username="lang.user")
    assert '<html lang="my"' in fresh.get("/").text


def test_language_switch_before_login_is_kept_in_a_cookie(client: TestClient) -> None:
    token = f.csrf_from(client)
    client.post("/language", data={"language": "my", "next": "/login", "csrf_token": token})
    assert '<html lang="my"' in client.get("/login").text


def test_open_redirects_are_refused(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    f.user(
        db,
        organisation=f.organisation(db),
        username="redirect.user",
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    token = f.csrf_from(client)
    response = client.post(
        "/login",
        data={
            "username": "redirect.user",
            "password": f.PASSWORD,
            "csrf_token": token,
            "next": "//evil.example",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_user_pages_are_scoped_to_the_organisation(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org_a, org_b = f.organisation(db), f.organisation(db)
    stranger = f.user(db, organisation=org_b, username="stranger.b", settings=fast_settings)
    admin_logged_in(client, db, username="admin.a", organisation=org_a)
    listing = client.get("/users")
    assert "admin.a" in listing.text
    assert "stranger.b" not in listing.text
    response = client.get(f"/users/{stranger.id}")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_add_user_form_keeps_values_and_shows_field_errors(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    admin_logged_in(client, db, username="form.admin")
    token = f.csrf_from(client, "/users/new")
    response = client.post(
        "/users/new",
        data={
            "username": "Bad Name",
            "display_name": "Ma Aye",
            "role": "",
            "password": "short",
            "csrf_token": token,
        },
    )
    assert response.status_code == 422
    assert 'href="#field-username"' in response.text
    assert 'href="#field-role"' in response.text
    assert 'value="Ma Aye"' in response.text
    response = client.post(
        "/users/new",
        data={
            "username": "ma.aye",
            "display_name": "Ma Aye",
            "role": "case_worker",
            "password": "x" * 16,
            "language": "my",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    user_page = response.headers["location"]
    shown = client.get(user_page).text
    assert 'role="status" id="notice">The user was added.</div>' in shown
    # Deactivating asks first, in a step of its own, then says what was done.
    assert 'id="confirm-deactivate"' in shown
    assert "Yes: deactivate the user" in shown
    response = client.post(
        user_page, data={"is_active": "false", "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    shown = client.get(response.headers["location"]).text
    assert 'id="notice">The user was deactivated' in shown
    assert 'id="reactivate-button"' in shown


def test_a_registrar_cannot_open_user_administration(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    f.user(
        db,
        organisation=org,
        username="reg.one",
        role=Role.REGISTRAR,
        site=f.site(db, organisation=org),
        settings=fast_settings,
    )
    f.login(client, username="reg.one")
    response = client.get("/users")
    assert response.status_code == 403
    assert "Your role does not allow this." in response.text


def test_api_tokens_page_issues_and_revokes(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    f.user(
        db,
        organisation=f.organisation(db),
        username="token.user",
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    f.login(client, username="token.user")
    token = f.csrf_from(client, "/account/tokens")
    response = client.post("/account/tokens", data={"name": "report script", "csrf_token": token})
    assert response.status_code == 201
    start = response.text.index('id="new-token">') + len('id="new-token">')
    secret = response.text[start : response.text.index("<", start)]
    assert client.get("/api/me", headers=f.bearer(secret)).json()["username"] == "token.user"


def test_unknown_pages_are_404_pages(client: TestClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text


def test_healthz_checks_the_database(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


def test_static_assets_are_served(client: TestClient) -> None:
    assert client.get("/static/haven.css").status_code == 200
    assert client.get("/static/vendor/htmx/htmx.min.js").status_code == 200
    assert client.get("/static/vendor/pico/pico.min.css").status_code == 200
    font_css = client.get("/static/vendor/noto-sans-myanmar/400.css")
    assert font_css.status_code == 200
    assert "Noto Sans Myanmar" in font_css.text


def test_oversized_bodies_are_refused_before_they_are_read(client: TestClient) -> None:
    big = b"x" * (8 * 1024 * 1024 + 1)
    response = client.post(
        "/login", content=big, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 413
    chunked = client.post(
        "/login",
        content=iter([b"a=1"]),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert chunked.status_code == 411
