"""The agreements' lists make the same number of queries whatever their row count: the landing
page (status board, the desks' agreements with their counts, the team's list, the approver's
list), an agreement's page (its approvers, its reconciliation and follow-up list) and the roll
(JSON)."""

from __future__ import annotations

import re

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from haven.accounts.repository import user_by_id
from haven.agreements import roll
from haven.agreements.models import Agreement
from haven.config import Settings
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.agreements.helpers import Team, executing, roll_rows, team
from tests.queries import counting

AGREEMENT_LINK = re.compile(r'href="/agreements/([0-9a-f-]{36})')


def _count(
    client: TestClient, engine: Engine, path: str, headers: dict[str, str] | None = None
) -> int:
    with counting(engine) as seen:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return seen.count


def _logged_in(app: FastAPI, username: str) -> TestClient:
    client = TestClient(app, base_url="http://testserver")
    f.login(client, username=username)
    return client


def _more(db: Session, t: Team, count: int) -> list[Agreement]:
    return [executing(db, t, size=2) for _ in range(count)]


def _username(db: Session, actor: Actor) -> str:
    assert actor.user_id is not None
    user = user_by_id(db, actor.user_id)
    assert user is not None
    return user.username


def test_the_landing_page_makes_constant_queries(
    app: FastAPI, db: Session, engine: Engine, fast_settings: Settings
) -> None:
    """The team's negotiator (list, desks), a manager named on every agreement (approver's
    list) and a registrar at the crossing's site (desks): 2 agreements, then 8."""
    t = team(db, fast_settings)
    _more(db, t, 2)
    clients = [
        _logged_in(app, _username(db, actor)) for actor in (t.negotiator, t.manager1, t.registrar)
    ]
    few = [_count(c, engine, "/agreements") for c in clients]
    _more(db, t, 6)
    many = [_count(c, engine, "/agreements") for c in clients]

    assert many == few
    for client in clients:  # every agreement is listed on each page
        assert len(set(AGREEMENT_LINK.findall(client.get("/agreements").text))) == 8


def test_an_agreement_page_and_its_roll_make_constant_queries(
    client: TestClient, db: Session, engine: Engine, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    agreement = executing(db, t, size=3)
    user = f.user(
        db, organisation=t.org, role=Role.NEGOTIATOR, settings=fast_settings, username="neg.r"
    )
    headers = f.bearer(f.api_token(db, user=user))
    f.login(client, username="neg.r")
    detail = f"/agreements/{agreement.id}"
    api_roll = f"/api/agreements/{agreement.id}/roll"
    client.get(api_roll, headers=headers)  # a token's first use notes when (once a minute)

    few = (_count(client, engine, detail), _count(client, engine, api_roll, headers=headers))
    more = roll_rows(12)[3:]
    report = roll.import_roll(db, t.negotiator, agreement.id, more, dry_run=False)
    assert report.ok, report.errors
    many = (_count(client, engine, detail), _count(client, engine, api_roll, headers=headers))

    assert many == few
    assert len(client.get(api_roll, headers=headers).json()) == 12
    assert client.get(detail).text.count("Soldier 00") >= 12
