"""The agreements pages through the real app: the desk in three interactions, the detail
page for the team, and the landing page's counts-only board for other roles."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.agreements.models import Arrival
from haven.config import Settings
from haven.security.permissions import Role
from tests import factories as f
from tests.agreements.helpers import draft, executing, team


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_the_desk_registers_a_person_on_the_roll_in_three_interactions(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    agreement = executing(db, t, size=5)
    f.registrar(db, organisation=t.org, site=t.site, settings=fast_settings, username="desk.a")
    f.login(client, username="desk.a")
    landing = client.get("/agreements")
    assert f"/agreements/{agreement.id}/desk" in landing.text
    assert "HVNCANARY" not in landing.text
    desk = client.get(f"/agreements/{agreement.id}/desk")
    token = _csrf(desk.text)
    assert "HVNCANARY" not in desk.text
    # 1. type: the HTMX fragment lists the roll entries
    results = client.post(
        f"/agreements/{agreement.id}/desk",
        data={"csrf_token": token, "q": "soldier 0003"},
        headers={"HX-Request": "true"},
    )
    entry_id = re.search(r'name="roll_entry_id" value="([^"]+)"', results.text)
    assert entry_id, results.text
    # 2. pick: the confirm form, pre-filled from the roll
    confirm = client.post(
        f"/agreements/{agreement.id}/desk/confirm",
        data={"csrf_token": token, "roll_entry_id": entry_id.group(1)},
        headers={"HX-Request": "true"},
    )
    assert 'value="Soldier 0003"' in confirm.text
    form = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', confirm.text))
    # 3. register (sent twice: a double click registers once)
    data = form | {
        "name_latin": "Soldier 0003",
        "classification": "defector",
        "weapon_kind": "rifle",
        "weapon_quantity": "1",
        "family_moved": "0",
    }
    for _ in range(2):
        done = client.post(
            f"/agreements/{agreement.id}/desk/register", data=data, follow_redirects=False
        )
        assert done.status_code == 303, done.text
    assert (
        db.scalar(
            select(func.count()).select_from(Arrival).where(Arrival.agreement_id == agreement.id)
        )
        == 1
    )
    after = client.get(done.headers["location"])
    assert "Registered by you: 1" in after.text


def test_the_team_sees_the_agreement_and_others_see_counts_only(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    agreement = executing(db, t, size=3)
    f.user(db, organisation=t.org, role=Role.CASE_WORKER, settings=fast_settings, username="cw.a")
    f.login(client, username="cw.a")
    board = client.get("/agreements")
    assert board.status_code == 200
    assert 'data-state="executing">1<' in board.text
    assert agreement.code_name not in board.text
    assert client.get(f"/agreements/{agreement.id}").status_code == 403
    assert client.get(f"/agreements/{agreement.id}/desk").status_code == 403


def test_the_negotiator_page_shows_terms_refuses_illegal_moves_and_reports_roll_rows(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    agreement = draft(db, t)
    f.user(db, organisation=t.org, role=Role.NEGOTIATOR, settings=fast_settings, username="neg.a")
    f.login(client, username="neg.a")
    page = client.get(f"/agreements/{agreement.id}")
    assert page.status_code == 200
    assert "Bo HVNCANARY-Commander" in page.text
    token = _csrf(page.text)
    illegal = client.post(
        f"/agreements/{agreement.id}/transition", data={"csrf_token": token, "to": "completed"}
    )
    assert illegal.status_code == 409
    assert "cannot go from" in illegal.text
    broken = "name_latin,rank\nGood,Private\n,Private\n"
    upload = client.post(
        f"/agreements/{agreement.id}/roll",
        data={"csrf_token": token, "mode": "import"},
        files={"file": ("roll.csv", broken.encode(), "text/csv")},
    )
    assert upload.status_code == 422
    assert 'id="roll-errors"' in upload.text
    assert "<td>3</td>" in upload.text
    new = client.get("/agreements/new")
    assert new.status_code == 200
    created = client.post(
        "/agreements/new",
        data={"csrf_token": token, "code_name": "", "party_name": "X"},
    )
    assert created.status_code == 422
    assert 'href="#field-code_name"' in created.text
    created = client.post(
        "/agreements/new",
        data={"csrf_token": token, "code_name": "Operation Notice", "site_id": str(t.site.id)},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    shown = client.get(created.headers["location"]).text
    assert 'role="status" id="notice">The agreement was created as a draft.</div>' in shown
