"""The agreements API through the real app: lifecycle answers, roll upload, desks,
late links, reconciliation, and what each role sees."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.accounts.models import User
from haven.accounts.sessions import actor_for
from haven.agreements import service as agreements
from haven.config import Settings
from haven.errors import Conflict, PermissionDenied
from haven.security.permissions import Role
from tests import factories as f
from tests.agreements.helpers import Team


@dataclass
class Api:
    client: TestClient
    headers: dict[Role | str, dict[str, str]]
    team: Team
    users: dict[str, User]
    db: Session

    def as_(self, who: Role | str) -> dict[str, str]:
        return self.headers[who]


@pytest.fixture
def api(client: TestClient, db: Session, fast_settings: Settings) -> Api:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    users = {
        "negotiator": f.user(db, organisation=org, role=Role.NEGOTIATOR, settings=fast_settings),
        "manager1": f.user(db, organisation=org, role=Role.MANAGER, settings=fast_settings),
        "manager2": f.user(db, organisation=org, role=Role.MANAGER, settings=fast_settings),
        "manager3": f.user(db, organisation=org, role=Role.MANAGER, settings=fast_settings),
        "registrar": f.registrar(db, organisation=org, site=site, settings=fast_settings),
        "caseworker": f.user(db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings),
        "admin": f.user(db, organisation=org, role=Role.ADMINISTRATOR, settings=fast_settings),
    }
    headers: dict[Role | str, dict[str, str]] = {
        name: f.bearer(f.api_token(db, user=user)) for name, user in users.items()
    }
    t = Team(
        org=org,
        site=site,
        negotiator=actor_for(users["negotiator"]),
        manager1=actor_for(users["manager1"]),
        manager2=actor_for(users["manager2"]),
        registrar=actor_for(users["registrar"]),
        caseworker=actor_for(users["caseworker"]),
    )
    return Api(client=client, headers=headers, team=t, users=users, db=db)


ROLL = (
    "name_latin,rank,unit,company,weapons,family\n"
    "Aung Min,Private,LIB 531,Coy 1,1,2\n"
    "Zaw Lin,Corporal,LIB 531,Coy 1,1,0\n"
    "Htet Naing,Private,LIB 531,Coy 2,2,1\n"
)


def _create(api: Api) -> str:
    response = api.client.post(
        "/api/agreements",
        headers=api.as_("negotiator"),
        json={
            "code_name": f"Op {uuid.uuid4().hex[:6]}",
            "site_id": str(api.team.site.id),
            "expected_headcount": 3,
            "parties": [{"name": "Bo Secret Commander", "rank": "Lt Col"}],
            "terms": {"safe_passage": "Secret route"},
            "notes": "Secret note",
        },
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _move(api: Api, agreement_id: str, to: str) -> int:
    return api.client.post(
        f"/api/agreements/{agreement_id}/transition", headers=api.as_("negotiator"), json={"to": to}
    ).status_code


def _executing(api: Api) -> str:
    agreement_id = _create(api)
    upload = api.client.post(
        f"/api/agreements/{agreement_id}/roll?dry_run=false",
        headers=api.as_("negotiator"),
        files={"file": ("roll.csv", ROLL.encode(), "text/csv")},
    )
    assert upload.status_code == 200, upload.text
    assert _move(api, agreement_id, "negotiating") == 200
    for name in ("manager1", "manager2"):
        named = api.client.post(
            f"/api/agreements/{agreement_id}/approvers",
            headers=api.as_("negotiator"),
            json={"user_id": str(api.users[name].id)},
        )
        assert named.status_code == 201, named.text
    assert _approve(api, "manager1", agreement_id) == "negotiating"
    assert _approve(api, "manager2", agreement_id) == "finalized"
    assert _move(api, agreement_id, "executing") == 200
    return agreement_id


def _approve(api: Api, who: str, agreement_id: str) -> str:
    """Approve as the page does, after a fresh login (an API token cannot approve: 403)."""
    refused = api.client.post(f"/api/agreements/{agreement_id}/approve", headers=api.as_(who))
    assert refused.status_code == 403
    approver = f.fresh(api.db, actor_for(api.users[who]))
    return str(agreements.approve(api.db, approver, uuid.UUID(agreement_id)).status)


def test_illegal_moves_answer_409_and_one_approver_cannot_finalize(api: Api) -> None:
    agreement_id = _create(api)
    assert _move(api, agreement_id, "executing") == 409
    assert _move(api, agreement_id, "finalized") == 409
    assert _move(api, agreement_id, "negotiating") == 200
    assert _move(api, agreement_id, "finalized") == 409
    api.client.post(
        f"/api/agreements/{agreement_id}/approvers",
        headers=api.as_("negotiator"),
        json={"user_id": str(api.users["manager1"].id)},
    )
    token = api.client.post(f"/api/agreements/{agreement_id}/approve", headers=api.as_("manager1"))
    assert token.status_code == 403
    assert token.json()["error"] == "token_not_fresh"  # a token is never fresh authentication
    assert _approve(api, "manager1", agreement_id) == "negotiating"
    with pytest.raises(Conflict):
        _approve(api, "manager1", agreement_id)
    with pytest.raises(PermissionDenied):
        _approve(api, "manager3", agreement_id)
    body = api.client.get(f"/api/agreements/{agreement_id}", headers=api.as_("negotiator")).json()
    assert body["status"] == "negotiating"


def test_a_broken_roll_upload_is_422_row_by_row_and_writes_nothing(api: Api) -> None:
    agreement_id = _create(api)
    broken = "name_latin,rank,weapons\nGood,Private,1\n,Private,1\nBad,Nonsense,x\n"
    response = api.client.post(
        f"/api/agreements/{agreement_id}/roll?dry_run=false",
        headers=api.as_("negotiator"),
        files={"file": ("roll.csv", broken.encode(), "text/csv")},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "roll_invalid"
    assert {(e["row"], e["field"]) for e in body["errors"]} == {
        (3, "name_latin"),
        (4, "weapons"),
    }
    # An unknown rank alone never fails a row: it is reported as a warning.
    assert [(w["row"], w["code"], w["text"]) for w in body["warnings"]] == [
        (4, "unknown_rank", "Nonsense")
    ]
    roll = api.client.get(f"/api/agreements/{agreement_id}/roll", headers=api.as_("negotiator"))
    assert roll.json() == []


def test_negotiation_data_is_invisible_to_other_roles(api: Api) -> None:
    agreement_id = _executing(api)
    for who in ("registrar", "caseworker", "admin", "manager3"):
        for path in ("", "/roll", "/reconciliation", "/approval"):
            response = api.client.get(f"/api/agreements/{agreement_id}{path}", headers=api.as_(who))
            assert response.status_code in (403, 404), (who, path)
            assert "Secret" not in response.text
    approver = api.client.get(
        f"/api/agreements/{agreement_id}/approval", headers=api.as_("manager1")
    )
    assert approver.json()["parties"][0]["name"] == "Bo Secret Commander"
    desk = api.client.post(
        f"/api/crossing/{agreement_id}/search", headers=api.as_("registrar"), json={"q": "aung"}
    )
    assert desk.status_code == 200
    assert "Secret" not in desk.text
    assert [e["name_latin"] for e in desk.json()] == ["Aung Min"]
    board = api.client.get("/api/agreements/board", headers=api.as_("caseworker")).json()
    assert board["counts"]["executing"] == 1
    assert "Secret" not in str(board)


def test_desk_registration_is_idempotent_and_exactly_once(api: Api) -> None:
    agreement_id = _executing(api)
    entry = api.client.post(
        f"/api/crossing/{agreement_id}/search", headers=api.as_("registrar"), json={"q": "zaw"}
    ).json()[0]
    body = {
        "idempotency_key": "desk1-0001-abcdef",
        "roll_entry_id": entry["id"],
        "weapons": [{"kind": "rifle", "serial_number": "SN-1"}],
    }
    url = f"/api/crossing/{agreement_id}/arrivals"
    first = api.client.post(url, headers=api.as_("registrar"), json=body)
    assert first.status_code == 201, first.text
    again = api.client.post(url, headers=api.as_("registrar"), json=body)
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    other_desk = api.client.post(
        url, headers=api.as_("negotiator"), json=body | {"idempotency_key": "desk2-0001-abcdef"}
    )
    assert other_desk.status_code == 409
    stranger = api.client.post(
        url,
        headers=api.as_("negotiator"),
        json={"idempotency_key": "desk2-0002-abcdef", "name_latin": "Not On Roll"},
    )
    assert stranger.status_code == 201
    listed = api.client.get("/api/crossing", headers=api.as_("registrar")).json()
    assert listed[0]["arrived"] == 2
    assert listed[0]["mine"] == 1
    assert "Secret" not in str(listed)


def test_reconciliation_and_late_links(api: Api, db: Session) -> None:
    agreement_id = _executing(api)
    url = f"/api/crossing/{agreement_id}/arrivals"
    entries = api.client.get(f"/api/agreements/{agreement_id}/roll", headers=api.as_("negotiator"))
    by_name = {e["name_latin"]: e for e in entries.json()}
    api.client.post(
        url,
        headers=api.as_("registrar"),
        json={
            "idempotency_key": "k-aung-min-1",
            "roll_entry_id": by_name["Aung Min"]["id"],
            "family_moved": 2,
            "weapons": [{"kind": "rifle"}],
        },
    )
    api.client.post(
        url,
        headers=api.as_("registrar"),
        json={"idempotency_key": "k-stranger-1", "name_latin": "Stranger", "origin_unit": "IB 12"},
    )
    # Htet Naing was received individually days ago: the appeal stays open.
    event = f.receive(
        db, api.team.registrar, name_latin="Htet Naing", site_id=str(api.team.site.id)
    )
    link = api.client.post(
        f"/api/agreements/{agreement_id}/links",
        headers=api.as_("negotiator"),
        json={"person_id": str(event.person_id)},  # type: ignore[attr-defined]
    )
    assert link.status_code == 201, link.text
    assert link.json()["roll_entry_id"] == by_name["Htet Naing"]["id"]  # matched by name
    db.refresh(event)
    assert event.agreement_id == uuid.UUID(agreement_id)  # type: ignore[attr-defined]
    twice = api.client.post(
        f"/api/agreements/{agreement_id}/links",
        headers=api.as_("negotiator"),
        json={"person_id": str(event.person_id)},  # type: ignore[attr-defined]
    )
    assert twice.status_code == 409
    assert _move(api, agreement_id, "completed") == 200
    rec = api.client.get(
        f"/api/agreements/{agreement_id}/reconciliation", headers=api.as_("negotiator")
    ).json()
    totals = rec["totals"]
    assert (totals["expected"], totals["arrived"], totals["missing"], totals["unexpected"]) == (
        3,
        2,
        1,
        1,
    )
    assert (totals["weapons_expected"], totals["weapons_received"]) == (4, 1)
    assert (totals["family_expected"], totals["family_moved"]) == (3, 2)
    lines = {(line["unit"], line["company"]): line for line in rec["lines"]}
    assert lines[("LIB-531", "Coy 1")]["missing"] == 1
    assert lines[("IB-12", "—")]["unexpected"] == 1
    assert [m["name"] for m in rec["follow_up"]] == ["Zaw Lin"]
    assert rec["follow_up_flagged"] is True
