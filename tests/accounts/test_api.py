"""The JSON API through the real app: authentication, scope, validation, errors."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.security import repository as credentials
from haven.security.permissions import Role
from tests import factories as f


def test_no_token_is_401_with_a_stable_code(client: TestClient) -> None:
    response = client.get("/api/users")
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_required"
    assert response.headers["www-authenticate"] == "Bearer"


def test_unknown_token_is_401(client: TestClient) -> None:
    response = client.get("/api/me", headers=f.bearer("hvn_not-a-real-token"))
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_token"


def test_revoked_token_is_401_with_a_clear_message(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    user = f.user(db, organisation=f.organisation(db), settings=fast_settings)
    token = f.api_token(db, user=user)
    assert client.get("/api/me", headers=f.bearer(token)).status_code == 200
    (stored,) = credentials.tokens_of(db, user.id)
    response = client.delete(f"/api/tokens/{stored.id}", headers=f.bearer(token))
    assert response.status_code == 204
    response = client.get("/api/me", headers=f.bearer(token))
    assert response.status_code == 401
    assert response.json() == {
        "error": "token_revoked",
        "detail": "This API token has been revoked. Ask for a new one.",
    }


def test_tokens_are_stored_hashed(db: Session, fast_settings: Settings) -> None:
    user = f.user(db, organisation=f.organisation(db), settings=fast_settings)
    token = f.api_token(db, user=user)
    stored = credentials.tokens_of(db, user.id)[0]
    assert token not in (stored.token_hash, stored.prefix)
    assert token.startswith(stored.prefix)


def test_a_deactivated_users_token_stops_working(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    admin = f.user(db, organisation=org, settings=fast_settings)
    worker = f.user(db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings)
    worker_token = f.api_token(db, user=worker)
    response = client.patch(
        f"/api/users/{worker.id}",
        json={"is_active": False},
        headers=f.bearer(f.api_token(db, user=admin)),
    )
    assert response.status_code == 200
    assert client.get("/api/me", headers=f.bearer(worker_token)).status_code == 401


def test_another_organisations_user_is_404_and_absent_from_lists(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org_a, org_b = f.organisation(db), f.organisation(db)
    admin_a = f.user(db, organisation=org_a, settings=fast_settings)
    colleague = f.user(db, organisation=org_a, role=Role.CASE_WORKER, settings=fast_settings)
    stranger = f.user(db, organisation=org_b, settings=fast_settings)
    headers = f.bearer(f.api_token(db, user=admin_a))

    listed = {u["id"] for u in client.get("/api/users", headers=headers).json()}
    assert str(colleague.id) in listed
    assert str(stranger.id) not in listed

    response = client.get(f"/api/users/{stranger.id}", headers=headers)
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert (
        client.patch(
            f"/api/users/{stranger.id}", json={"role": "auditor"}, headers=headers
        ).status_code
        == 404
    )
    assert [o["id"] for o in client.get("/api/organisations", headers=headers).json()] == [
        str(org_a.id)
    ]


def test_a_role_without_the_permission_gets_403(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    worker = f.user(
        db, organisation=f.organisation(db), role=Role.CASE_WORKER, settings=fast_settings
    )
    response = client.get("/api/users", headers=f.bearer(f.api_token(db, user=worker)))
    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"


def test_create_user_validates_each_field(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    admin = f.user(db, organisation=f.organisation(db), settings=fast_settings)
    headers = f.bearer(f.api_token(db, user=admin))
    response = client.post(
        "/api/users",
        json={"username": "A B", "display_name": "", "role": "emperor", "password": "short"},
        headers=headers,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_failed"
    assert set(body["fields"]) == {"username", "display_name", "role"}

    response = client.post(
        "/api/users",
        json={
            "username": "new.user",
            "display_name": "New",
            "role": "case_worker",
            "password": "short",
        },
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {"password": "Use at least 15 characters."}

    response = client.post(
        "/api/users",
        json={
            "username": "new.user",
            "display_name": "New",
            "role": "case_worker",
            "password": "x" * 20,
        },
        headers=headers,
    )
    assert response.status_code == 201
    assert response.json()["username"] == "new.user"


def test_errors_speak_burmese_when_asked(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    admin = f.user(db, organisation=f.organisation(db), settings=fast_settings)
    response = client.post(
        "/api/users",
        json={
            "username": "new.user",
            "display_name": "New",
            "role": "case_worker",
            "password": "short",
        },
        headers={**f.bearer(f.api_token(db, user=admin)), "Accept-Language": "my"},
    )
    assert response.status_code == 422
    message = response.json()["fields"]["password"]
    assert any("\u1000" <= ch <= "\u109f" for ch in message), message


def test_malformed_requests_get_4xx_not_500(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    admin = f.user(db, organisation=f.organisation(db), settings=fast_settings)
    headers = f.bearer(f.api_token(db, user=admin))
    assert client.get("/api/users/not-a-uuid", headers=headers).status_code == 422
    response = client.post(
        "/api/users", content=b"{not json", headers={**headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert client.get("/api/nothing-here", headers=headers).status_code == 404
    assert client.put("/api/users", headers=headers).status_code == 405


def test_openapi_is_published(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    assert "/api/users" in schema["paths"]
    assert client.get("/api/docs").status_code == 200
