"""The serve posting through the pages (issue 17, point 3): the case shows the terms date
and what the agreement retains; posting the battalion commander as cook comes back on the
case with the reason (409); the programme manager's override page records the override with
a reason; the posting then goes through and the agreement's page lists the override."""

from __future__ import annotations

import uuid

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.config import Settings
from tests import factories as f
from tests.pathways.serve_world import World, build_world, serving, verified


@pytest.fixture
def world(client: TestClient, db: Session, fast_settings: Settings) -> World:
    return build_world(client, db, fast_settings)


def _logged_in(app: FastAPI, username: str) -> TestClient:
    client = TestClient(app, base_url="http://testserver")
    f.login(client, username=username)
    return client


def test_the_posting_is_refused_on_the_case_until_the_manager_overrides(
    app: FastAPI, client: TestClient, world: World
) -> None:
    w = world
    person, base = serving(client, w)
    verified(client, w, base)
    case_id = base.split("/")[3]
    cook = w.their_positions["cook"]
    terms_on = w.agreement.finalized_at.date().isoformat()  # type: ignore[union-attr]

    worker = _logged_in(app, w.usernames["worker"])
    page = worker.get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert f'id="equivalence-on">{terms_on}' in page.text
    assert "the date the agreement's terms were fixed" in page.text
    assert 'id="override-link"' in page.text
    assert "တပ်ရင်းမှူး" in page.text.split('id="proposed-position">')[1].split("</dd>")[0]

    token = f.csrf_from(worker, f"/cases/{case_id}")
    form = {
        "csrf_token": token,
        "unit": "Battalion 2",
        "personnel_number": "KA-0900",
        "rank_id": str(w.their_lt_col.id),
        "position_id": str(cook.id),
    }
    refused = worker.post(f"/cases/{case_id}/track/serve-post", data=form)
    assert refused.status_code == 409
    assert "retains the person&#39;s position" in refused.text
    assert 'value="KA-0900"' in refused.text  # the values are kept
    # A case worker may not open the override page.
    assert worker.get(f"/cases/{case_id}/serve/override").status_code == 403

    manager = _logged_in(app, w.usernames["manager"])
    override_page = manager.get(f"/cases/{case_id}/serve/override")
    assert override_page.status_code == 200
    assert "Battalion commander" in override_page.text
    manager_token = f.csrf_from(manager, f"/cases/{case_id}/serve/override")
    missing = manager.post(
        f"/cases/{case_id}/serve/override",
        data={"csrf_token": manager_token, "position_id": str(cook.id), "reason": ""},
    )
    assert missing.status_code == 422
    assert 'href="#field-reason"' in missing.text
    recorded = manager.post(
        f"/cases/{case_id}/serve/override",
        data={
            "csrf_token": manager_token,
            "rank_id": str(w.their_lt_col.id),
            "position_id": str(cook.id),
            "reason": "He asked to cook: his hand was injured at the crossing.",
        },
        follow_redirects=False,
    )
    assert recorded.status_code == 303, recorded.text
    assert 'id="overrides-list"' in manager.get(recorded.headers["location"]).text

    posted = worker.post(f"/cases/{case_id}/track/serve-post", data=form, follow_redirects=False)
    assert posted.status_code == 303, posted.text
    after = worker.get(f"/cases/{case_id}")
    assert 'id="posted-by-override"' in after.text

    negotiator = _logged_in(app, w.usernames["negotiator"])
    agreement = negotiator.get(f"/agreements/{w.agreement.id}")
    assert agreement.status_code == 200
    table = agreement.text.split('id="overrides-table"')[1].split("</table>")[0]
    assert "Cook" in table
    assert "Battalion commander" in table
    assert "his hand was injured" in table
    assert w.usernames["manager"] in table
    assert f'href="/people/{uuid.UUID(person)}"' in table
    assert f'id="terms-fixed-on">{terms_on}' in agreement.text
    # The named approver who recorded it reads it there too.
    approver_page = manager.get(f"/agreements/{w.agreement.id}")
    assert approver_page.status_code == 200
    assert "his hand was injured" in approver_page.text.split('id="overrides-table"')[1]


def test_an_agreement_without_overrides_says_so(
    app: FastAPI, client: TestClient, world: World
) -> None:
    negotiator = _logged_in(app, world.usernames["negotiator"])
    page = negotiator.get(f"/agreements/{world.agreement.id}")
    assert page.status_code == 200
    assert 'id="no-overrides"' in page.text
