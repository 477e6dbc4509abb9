"""Issue 17, point 5: commanders and nominal rolls are screened against the incident registry
when added and again before approval; the named approvers see the hits and must acknowledge
them (who, when, note) to approve. Through the API, on both engines; the approval itself
after a fresh login, as the page does (a token is refused: approval needs fresh
authentication)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.models import User
from haven.accounts.sessions import actor_for
from haven.agreements import service as agreements
from haven.agreements.screening import UNACKNOWLEDGED
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.errors import HavenError
from haven.i18n import Text, render
from haven.security.permissions import Role
from haven.text import has_myanmar
from haven.vetting import incidents
from haven.vetting.schemas import IncidentIn
from tests import factories as f

COMMANDER = "Kyaw Zin Oo"
ROLL = (
    "name_latin,rank,unit,company,position,weapons,family\n"
    "Than Htike,Corporal,LIB 428,Coy 1,Section leader,1,0\n"
    "Aung Min,Private,LIB 531,Coy 2,,1,2\n"
)
CLEAN_ROLL = "name_latin,rank,unit,company\nAung Min,Private,LIB 531,Coy 1\n"


@dataclass
class World:
    client: TestClient
    db: Session
    users: dict[str, User]
    headers: dict[str, dict[str, str]]
    site_id: uuid.UUID

    def as_(self, who: str, language: str | None = None) -> dict[str, str]:
        headers = dict(self.headers[who])
        if language:
            headers["Accept-Language"] = language
        return headers

    def incident(self, *, unit: str, perpetrator: str | None = None) -> None:
        """The vetting officer records an incident implicating `unit` (and a person)."""
        data: dict[str, object] = {
            "kind": "massacre",
            "period": "2023-03-11",
            "township": "Pekon",
            "units": [unit],
            "summary": "Synthetic test record.",
            "source_reliability": "B",
            "information_credibility": 2,
        }
        if perpetrator:
            data["perpetrators"] = [{"name": perpetrator, "rank": "Captain", "unit": unit}]
        incidents.record_incident(
            self.db, actor_for(self.users["vetting"]), IncidentIn.model_validate(data)
        )


@pytest.fixture
def w(client: TestClient, db: Session, fast_settings: Settings) -> World:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    users = {
        name: f.user(db, organisation=org, role=role, settings=fast_settings)
        for name, role in (
            ("negotiator", Role.NEGOTIATOR),
            ("manager1", Role.MANAGER),
            ("manager2", Role.MANAGER),
            ("vetting", Role.VETTING_OFFICER),
            ("caseworker", Role.CASE_WORKER),
        )
    }
    headers = {name: f.bearer(f.api_token(db, user=user)) for name, user in users.items()}
    return World(client=client, db=db, users=users, headers=headers, site_id=site.id)


def _agreement(w: World, *, commander: str, unit: str, roll: str) -> str:
    created = w.client.post(
        "/api/agreements",
        headers=w.as_("negotiator"),
        json={
            "code_name": f"Op {uuid.uuid4().hex[:6]}",
            "site_id": str(w.site_id),
            "expected_crossing_on": date(2026, 12, 20).isoformat(),
            "parties": [
                {
                    "name": commander,
                    "rank": "Captain",
                    "position": "Company commander",
                    "unit": unit,
                }
            ],
        },
    )
    assert created.status_code == 201, created.text
    agreement_id = str(created.json()["id"])
    upload = w.client.post(
        f"/api/agreements/{agreement_id}/roll?dry_run=false",
        headers=w.as_("negotiator"),
        files={"file": ("roll.csv", roll.encode(), "text/csv")},
    )
    assert upload.status_code == 200, upload.text
    moved = w.client.post(
        f"/api/agreements/{agreement_id}/transition",
        headers=w.as_("negotiator"),
        json={"to": "negotiating"},
    )
    assert moved.status_code == 200, moved.text
    for name in ("manager1", "manager2"):
        named = w.client.post(
            f"/api/agreements/{agreement_id}/approvers",
            headers=w.as_("negotiator"),
            json={"user_id": str(w.users[name].id)},
        )
        assert named.status_code == 201, named.text
    return agreement_id


@dataclass(frozen=True)
class Approval:
    """What an approver is answered: the agreement's status, or the error (code, message in
    their language) as the API renders it."""

    status_code: int
    body: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.body)

    def json(self) -> dict[str, Any]:
        return self.body


def _approve(w: World, who: str, agreement_id: str, language: str | None = None) -> object:
    """Approve after a fresh login, as the agreement's page does: an API token cannot."""
    token = w.client.post(f"/api/agreements/{agreement_id}/approve", headers=w.as_(who))
    assert token.status_code == 403
    assert token.json()["error"] == "token_not_fresh"
    approver = f.fresh(w.db, actor_for(w.users[who]))
    try:
        agreement = agreements.approve(w.db, approver, uuid.UUID(agreement_id))
    except HavenError as error:
        detail = render(error.message, language or "en")
        return Approval(error.status, {"error": error.code, "detail": detail})
    return Approval(200, {"status": str(agreement.status)})


def _acknowledge(w: World, who: str, agreement_id: str, note: str | None) -> object:
    shown = w.client.get(f"/api/agreements/{agreement_id}/approval", headers=w.as_(who))
    assert shown.status_code == 200, shown.text
    hit_ids = [h["id"] for h in shown.json()["screening"]["hits"] if not h["acknowledged_by_you"]]
    return w.client.post(
        f"/api/agreements/{agreement_id}/screening/acknowledgements",
        headers=w.as_(who),
        json={"hit_ids": hit_ids, "note": note},
    )


def test_hits_on_a_commander_and_a_roll_entry_are_shown_and_refuse_approval_until_acknowledged(
    w: World,
) -> None:
    w.incident(unit="LIB 428", perpetrator=COMMANDER)
    agreement_id = _agreement(w, commander=COMMANDER, unit="LIB 428", roll=ROLL)

    # The team learns how many hits there are, never what they say.
    team_view = w.client.get(f"/api/agreements/{agreement_id}", headers=w.as_("negotiator"))
    assert team_view.json()["screening_hits"] == 3
    assert team_view.json()["screening"] is None
    assert (
        w.client.get(
            f"/api/agreements/{agreement_id}/screening", headers=w.as_("negotiator")
        ).status_code
        == 403
    )

    # A named approver sees every hit, on the commander and on the roll entry.
    view = w.client.get(f"/api/agreements/{agreement_id}/approval", headers=w.as_("manager1"))
    assert view.status_code == 200, view.text
    screening = view.json()["screening"]
    assert screening["unacknowledged_by_you"] == 3
    found = {(h["subject"], h["kind"]): h for h in screening["hits"]}
    assert set(found) == {
        ("commander", "perpetrator"),
        ("commander", "unit_period"),
        ("roll_entry", "unit_period"),
    }
    by_name = found[("commander", "perpetrator")]
    assert by_name["name"] == COMMANDER
    assert COMMANDER in by_name["explanation"]
    assert "Company commander" in by_name["details"]
    roll_hit = found[("roll_entry", "unit_period")]
    assert (roll_hit["name"], roll_hit["row_number"]) == ("Than Htike", 1)
    assert "LIB-428" in roll_hit["explanation"]
    assert "Corporal" in roll_hit["details"]
    assert all(h["acknowledged_by"] == [] for h in screening["hits"])

    # Approving with hits not acknowledged: refused, in both languages, nothing approved.
    _refused_in_both_languages(w, agreement_id, count=3)
    # An acknowledgement needs a note, only hits of this agreement, and a named approver.
    _acknowledgements_refused(w, agreement_id)

    done = _acknowledge(w, "manager1", agreement_id, "Company commander to be interviewed.")
    assert done.status_code == 201, done.text  # type: ignore[attr-defined]
    after = done.json()  # type: ignore[attr-defined]
    assert after["unacknowledged_by_you"] == 0
    (ack,) = after["acknowledgements"]
    assert ack["user_id"] == str(w.users["manager1"].id)
    assert ack["note"] == "Company commander to be interviewed."
    assert ack["hits"] == 3
    assert ack["acknowledged_at"]
    assert all(len(h["acknowledged_by"]) == 1 for h in after["hits"])
    again = w.client.post(
        f"/api/agreements/{agreement_id}/screening/acknowledgements",
        headers=w.as_("manager1"),
        json={"hit_ids": [h["id"] for h in after["hits"]], "note": "Again."},
    )
    assert again.status_code == 409  # already acknowledged by this approver

    # Acknowledged: the first approval goes through.
    first = _approve(w, "manager1", agreement_id)
    assert first.status_code == 200, first.text  # type: ignore[attr-defined]
    assert first.json()["status"] == "negotiating"  # type: ignore[attr-defined]
    # Each approver acknowledges for themselves.
    second = _approve(w, "manager2", agreement_id)
    assert second.status_code == 409  # type: ignore[attr-defined]
    assert _acknowledge(w, "manager2", agreement_id, "Agreed.").status_code == 201  # type: ignore[attr-defined]
    final = _approve(w, "manager2", agreement_id)
    assert final.status_code == 200, final.text  # type: ignore[attr-defined]
    assert final.json()["status"] == "finalized"  # type: ignore[attr-defined]

    # The trail records who acknowledged, never the note.
    events = w.db.scalars(
        select(AuditEvent).where(
            AuditEvent.subject_id == uuid.UUID(agreement_id),
            AuditEvent.action == "agreement.hits_acknowledged",
        )
    ).all()
    assert {e.actor_user_id for e in events} == {w.users["manager1"].id, w.users["manager2"].id}
    assert all("interviewed" not in str(e.changes) for e in events)


def _refused_in_both_languages(w: World, agreement_id: str, *, count: int) -> None:
    for language in ("en", "my"):
        refused = _approve(w, "manager1", agreement_id, language)
        assert refused.status_code == 409, refused.text  # type: ignore[attr-defined]
        body = refused.json()  # type: ignore[attr-defined]
        assert body["error"] == "screening_unacknowledged"
        expected = render(Text(UNACKNOWLEDGED, {"count": count}), language)
        assert body["detail"] == expected
        if language == "my":
            assert expected != render(Text(UNACKNOWLEDGED, {"count": count}), "en")
            assert has_myanmar(expected)
    approvers = w.client.get(f"/api/agreements/{agreement_id}", headers=w.as_("negotiator"))
    assert all(a["approved_at"] is None for a in approvers.json()["approvers"])


def _acknowledgements_refused(w: World, agreement_id: str) -> None:
    unnoted = _acknowledge(w, "manager1", agreement_id, None)
    assert unnoted.status_code == 422  # type: ignore[attr-defined]
    assert "note" in unnoted.json()["fields"]  # type: ignore[attr-defined]
    stranger = w.client.post(
        f"/api/agreements/{agreement_id}/screening/acknowledgements",
        headers=w.as_("manager1"),
        json={"hit_ids": [str(uuid.uuid4())], "note": "Seen."},
    )
    assert stranger.status_code == 422
    assert "hit_ids" in stranger.json()["fields"]
    # The team cannot acknowledge for the approvers.
    assert _acknowledge_as_team(w, agreement_id).status_code == 403  # type: ignore[attr-defined]


def _acknowledge_as_team(w: World, agreement_id: str) -> object:
    view = w.client.get(f"/api/agreements/{agreement_id}/approval", headers=w.as_("manager2"))
    hit_ids = [h["id"] for h in view.json()["screening"]["hits"]]
    return w.client.post(
        f"/api/agreements/{agreement_id}/screening/acknowledgements",
        headers=w.as_("negotiator"),
        json={"hit_ids": hit_ids, "note": "Not mine to say."},
    )


def test_screening_runs_again_before_approval_and_new_hits_withdraw_approvals(
    w: World,
) -> None:
    agreement_id = _agreement(w, commander="Bo Hla Win", unit="LIB 531", roll=CLEAN_ROLL)
    view = w.client.get(f"/api/agreements/{agreement_id}/approval", headers=w.as_("manager1"))
    assert view.json()["screening"]["hits"] == []
    first = _approve(w, "manager1", agreement_id)
    assert first.status_code == 200, first.text  # type: ignore[attr-defined]

    # An incident implicating the unit is recorded after the first approval.
    w.incident(unit="LIB 531")
    refused = _approve(w, "manager2", agreement_id)
    assert refused.status_code == 409  # type: ignore[attr-defined]
    assert refused.json()["error"] == "screening_unacknowledged"  # type: ignore[attr-defined]
    # What the screening found is kept (the refusal is not rolled back), and the approval
    # given before it is withdrawn: both approvers must see the new hits.
    detail = w.client.get(f"/api/agreements/{agreement_id}", headers=w.as_("negotiator"))
    assert detail.json()["screening_hits"] == 2  # the commander and the roll entry
    assert all(a["approved_at"] is None for a in detail.json()["approvers"])

    for name in ("manager1", "manager2"):
        assert _acknowledge(w, name, agreement_id, "Unit checked.").status_code == 201  # type: ignore[attr-defined]
    assert _approve(w, "manager1", agreement_id).status_code == 200  # type: ignore[attr-defined]
    final = _approve(w, "manager2", agreement_id)
    assert final.json()["status"] == "finalized"  # type: ignore[attr-defined]


def test_an_agreement_without_hits_is_approved_as_before(w: World) -> None:
    agreement_id = _agreement(w, commander="Bo Hla Win", unit="LIB 531", roll=CLEAN_ROLL)
    assert _approve(w, "manager1", agreement_id).status_code == 200  # type: ignore[attr-defined]
    final = _approve(w, "manager2", agreement_id)
    assert final.json()["status"] == "finalized"  # type: ignore[attr-defined]
