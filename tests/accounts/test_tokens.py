"""Issue 19, finding 9 (tokens): scopes enforced where a token is resolved, an expiry on every
token (90 days by default, at most 365), and no token ever counts as fresh authentication."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.accounts import tokens
from haven.accounts.models import User
from haven.accounts.sessions import actor_for
from haven.agreements import service as agreements
from haven.agreements.schemas import AgreementCreate, AgreementStatus
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.db.types import utcnow
from haven.errors import ValidationFailed
from haven.security import fresh
from haven.security.errors import TokenNotFresh
from haven.security.permissions import Actor, Role
from tests import factories as f

SYSTEM = Actor.system()


def _registrar(db: Session, settings: Settings) -> User:
    organisation = f.organisation(db)
    return f.registrar(
        db, organisation=organisation, site=f.site(db, organisation=organisation), settings=settings
    )


def test_a_read_token_reads_and_searches_but_changes_nothing(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    user = _registrar(db, fast_settings)
    plaintext, token = tokens.issue(db, SYSTEM, user=user, name="report", scopes=["read"])
    assert token.scopes == "read"
    headers = f.bearer(plaintext)
    assert client.get("/api/me", headers=headers).status_code == 200
    # Searches are POSTs only so that their terms stay out of URLs: reading, allowed.
    assert client.post("/api/people/search", json={"q": "Aung"}, headers=headers).status_code == 200
    refused = client.post(
        "/api/receptions",
        json={"name_latin": "Aung Kyaw", "classification": "defector"},
        headers=headers,
    )
    assert refused.status_code == 403
    assert refused.json()["error"] == "token_scope"
    assert "may only read" in refused.json()["detail"]
    assert client.delete(f"/api/tokens/{token.id}", headers=headers).status_code == 403
    # The same user with a write token registers the person.
    writer = f.bearer(tokens.issue(db, SYSTEM, user=user, name="desk", scopes=["write"])[0])
    created = client.post(
        "/api/receptions",
        json={"name_latin": "Aung Kyaw", "classification": "defector"},
        headers=writer,
    )
    assert created.status_code == 201, created.text
    listed = client.get("/api/tokens", headers=writer).json()
    assert {tuple(t["scopes"]) for t in listed} == {("read",), ("read", "write")}


def test_every_token_expires_by_default_in_90_days_and_an_expired_one_is_401(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    user = _registrar(db, fast_settings)
    before = utcnow()
    plaintext, token = tokens.issue(db, SYSTEM, user=user, name="short lived")
    assert token.expires_at - before >= timedelta(days=90) - timedelta(seconds=5)
    assert token.expires_at - before <= timedelta(days=90, seconds=5)
    assert client.get("/api/me", headers=f.bearer(plaintext)).status_code == 200
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.flush()
    expired = client.get("/api/me", headers=f.bearer(plaintext))
    assert expired.status_code == 401
    assert expired.json()["error"] == "token_expired"
    assert expired.headers["www-authenticate"] == "Bearer"
    _, year = tokens.issue(db, SYSTEM, user=user, name="a year", days=365)
    assert year.expires_at - year.created_at == timedelta(days=365)
    for days in (0, 366, 10_000):
        with pytest.raises(ValidationFailed) as refused:
            tokens.issue(db, SYSTEM, user=user, name="too long", days=days)
        assert "days" in refused.value.fields
    with pytest.raises(ValidationFailed):
        tokens.issue(db, SYSTEM, user=user, name="no such scope", scopes=["admin"])
    created = [
        e
        for e in db.query(AuditEvent).filter(AuditEvent.subject_id == token.id)
        if e.action == "api_token.created"
    ]
    assert created[0].changes is not None
    assert created[0].changes["scopes"] == "read write"


def test_the_tokens_page_issues_read_only_tokens_unless_asked(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    f.user(
        db,
        organisation=f.organisation(db),
        username="page.tokens",
        role=Role.CASE_WORKER,
        settings=fast_settings,
    )
    f.login(client, username="page.tokens")
    csrf = f.csrf_from(client, "/account/tokens")
    made = client.post("/account/tokens", data={"name": "script", "csrf_token": csrf})
    assert made.status_code == 201
    assert "Read only" in made.text
    too_long = client.post(
        "/account/tokens",
        data={"name": "script", "scope": "write", "days": "400", "csrf_token": csrf},
    )
    assert too_long.status_code == 422
    assert "1 to 365 days" in too_long.text
    writer = client.post(
        "/account/tokens",
        data={"name": "sync", "scope": "write", "days": "30", "csrf_token": csrf},
    )
    assert writer.status_code == 201
    assert "Read and change records" in writer.text
    assert 'id="confirm-revoke-1"' in writer.text  # revoking asks first
    assert "Yes: revoke the token" in writer.text
    revoke = writer.text.split('action="/account/tokens/')[1].split('"')[0]
    revoked = client.post(
        f"/account/tokens/{revoke}", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert revoked.status_code == 303
    shown = client.get(revoked.headers["location"]).text
    assert 'role="status" id="notice">The token was revoked: it no longer works.</div>' in shown


def test_a_token_is_never_fresh_authentication_a_fresh_action_refuses_it_with_403(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    organisation = f.organisation(db)
    site = f.site(db, organisation=organisation)
    negotiator = actor_for(
        f.user(db, organisation=organisation, role=Role.NEGOTIATOR, settings=fast_settings)
    )
    manager = f.user(db, organisation=organisation, role=Role.MANAGER, settings=fast_settings)
    agreement = agreements.create(
        db,
        negotiator,
        AgreementCreate.model_validate(
            {"code_name": f"Operation {uuid.uuid4().hex[:6]}", "site_id": str(site.id)}
        ),
    )
    agreements.transition(db, negotiator, agreement.id, AgreementStatus.NEGOTIATING)
    agreements.name_approver(db, negotiator, agreement.id, manager.id)
    # A privileged user's write token: everything their role allows, except what needs a
    # person who has just confirmed who they are.
    token = f.bearer(tokens.issue(db, SYSTEM, user=manager, name="approvals")[0])
    refused = client.post(f"/api/agreements/{agreement.id}/approve", headers=token)
    assert refused.status_code == 403
    assert refused.json()["error"] == "token_not_fresh"
    assert "An API token cannot do this" in refused.json()["detail"]
    burmese = client.post(
        f"/api/agreements/{agreement.id}/approve",
        headers={**token, "Accept-Language": "my"},
    )
    assert burmese.json()["detail"] != refused.json()["detail"]
    db.refresh(agreement)
    assert agreement.status == AgreementStatus.NEGOTIATING
    # The mechanism, whatever the action: a request made with a token is never fresh.
    made, row = tokens.issue(db, SYSTEM, user=manager, name="any")
    tokens.resolve(db, made)
    with pytest.raises(TokenNotFresh):
        fresh.require_fresh(db, actor_for(manager))
    assert row.id is not None
