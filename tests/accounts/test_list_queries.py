"""The accounts' list pages make the same number of queries whatever their row count: the
organisation's users (with their sites) and one's own API tokens."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from haven.accounts import tokens
from haven.accounts.models import Organisation, User
from haven.config import Settings
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.queries import counting

SYSTEM = Actor.system()


@pytest.fixture
def organisation(db: Session) -> Organisation:
    return f.organisation(db)


@pytest.fixture
def admin(
    db: Session, client: TestClient, organisation: Organisation, fast_settings: Settings
) -> User:
    user = f.user(db, organisation=organisation, username="lists.admin", settings=fast_settings)
    f.login(client, username="lists.admin")
    return user


def _count(client: TestClient, engine: Engine, path: str) -> tuple[int, str]:
    with counting(engine) as seen:
        response = client.get(path)
    assert response.status_code == 200, response.text
    return seen.count, response.text


def _registrars(
    db: Session, organisation: Organisation, settings: Settings, count: int
) -> list[User]:
    """Registrars, each at a site of their own (the page names every user's site)."""
    return [
        f.registrar(
            db,
            organisation=organisation,
            site=f.site(db, organisation=organisation),
            settings=settings,
        )
        for _ in range(count)
    ]


def test_the_list_of_users_makes_constant_queries(
    admin: User,
    client: TestClient,
    db: Session,
    engine: Engine,
    organisation: Organisation,
    fast_settings: Settings,
) -> None:
    _registrars(db, organisation, fast_settings, 2)
    few, page = _count(client, engine, "/users")
    assert page.count("<tr>") == 1 + 3  # the header, the administrator and two registrars
    _registrars(db, organisation, fast_settings, 4)
    many, page = _count(client, engine, "/users")
    assert page.count("<tr>") == 1 + 7
    assert page.count(Role.REGISTRAR.label) == 6
    assert many == few


def test_the_list_of_ones_tokens_makes_constant_queries(
    admin: User, client: TestClient, db: Session, engine: Engine
) -> None:
    for number in range(2):
        tokens.issue(db, SYSTEM, user=admin, name=f"Listed token {number}")
    few, page = _count(client, engine, "/account/tokens")
    assert page.count("Listed token") == 2
    for number in range(2, 6):
        tokens.issue(db, SYSTEM, user=admin, name=f"Listed token {number}")
    many, page = _count(client, engine, "/account/tokens")
    assert page.count("Listed token") == 6
    assert many == few
