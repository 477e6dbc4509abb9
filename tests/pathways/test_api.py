"""Cases, pathways and referrals through the JSON API: every transition table, illegal moves
answering 409, the child rules, the referral round trip with what each side sees."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.forces import repository as forces_repository
from haven.forces import service as forces
from haven.kernel import clock
from haven.kernel.sensitivity import bind_actor
from haven.pathways.models import CaseNote, PathwayChoice
from haven.people import erasure
from haven.people.public import PERSON_KEYS
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.pathways.support import SAFEGUARDS

SYSTEM = Actor.system()
TODAY = clock.local_today()  # the programme's today: due dates are checked by it


@dataclass
class World:
    worker: dict[str, str]
    manager: dict[str, str]
    admin: dict[str, str]
    partner: dict[str, str]
    stranger: dict[str, str]
    site_id: str
    partner_org: uuid.UUID
    worker_id: uuid.UUID
    registrar: dict[str, str]


@pytest.fixture
def world(db: Session, fast_settings: Settings) -> World:
    org = f.organisation(db, name="Council")
    site = f.site(db, organisation=org)
    partner = f.organisation(db, name="Partner")
    stranger = f.organisation(db, name="Stranger")

    def token(
        organisation: object, role: Role, site_: object = None
    ) -> tuple[dict[str, str], uuid.UUID]:
        user = f.user(
            db,
            organisation=organisation,
            role=role,
            site=site_,
            settings=fast_settings,  # type: ignore[arg-type]
        )
        return f.bearer(f.api_token(db, user=user)), user.id

    worker, worker_id = token(org, Role.CASE_WORKER)
    return World(
        worker=worker,
        manager=token(org, Role.MANAGER)[0],
        admin=token(org, Role.ADMINISTRATOR)[0],
        partner=token(partner, Role.CASE_WORKER)[0],
        stranger=token(stranger, Role.CASE_WORKER)[0],
        registrar=token(org, Role.REGISTRAR, site)[0],
        site_id=str(site.id),
        partner_org=partner.id,
        worker_id=worker_id,
    )


def _receive(client: TestClient, w: World, **fields: object) -> str:
    body = {"name_latin": "Saw Ler Htoo", "classification": "defector", **fields}
    response = client.post("/api/receptions", json=body, headers=w.registrar)
    assert response.status_code == 201, response.text
    return str(response.json()["person_id"])


def _explanation(client: TestClient, w: World, language: str = "en") -> str:
    body = {"language": language, "text": "Serve, go home, or exile: the choice is yours alone."}
    response = client.post("/api/consent-texts", json=body, headers=w.admin)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def _choose(
    client: TestClient, w: World, person: str, pathway: str, text: str, **extra: object
) -> dict[str, object]:
    body = {"pathway": pathway, "language": "en", "consent_text_id": text, "explained": True}
    response = client.post(
        f"/api/people/{person}/pathway-choices",
        json={**body, **SAFEGUARDS, **extra},
        headers=w.worker,
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


def _post(client: TestClient, path: str, body: object, headers: dict[str, str]) -> int:
    return client.post(path, json=body, headers=headers).status_code


def test_explanation_versions_and_the_choice_history(client: TestClient, world: World) -> None:
    w = world
    person = _receive(client, w)
    first = _explanation(client, w)
    assert client.get("/api/consent-texts/current", headers=w.worker).json()["version"] == 1
    # No default: a choice without a pathway is refused field by field.
    missing = client.post(
        f"/api/people/{person}/pathway-choices",
        json={"language": "en", "consent_text_id": first, "explained": True},
        headers=w.worker,
    )
    assert missing.status_code == 422
    assert "pathway" in missing.json()["fields"]
    chosen = _choose(client, w, person, "home", first, statement="I want to go home.")
    second = _explanation(client, w)
    changed = _choose(client, w, person, "exile", second, change_reason="Threats at home")
    assert (chosen["consent_version"], changed["consent_version"]) == (1, 2)
    history = client.get(f"/api/cases/{changed['case_id']}/choices", headers=w.worker).json()
    assert [(c["pathway"], c["consent_version"]) for c in history] == [("home", 1), ("exile", 2)]
    assert history[0]["superseded_at"] is not None
    assert history[0]["statement"] == "I want to go home."


def test_a_choice_is_protected_from_coercion(client: TestClient, world: World, db: Session) -> None:
    """Who was present, no former commander among them, the person's own words and their
    language, and their mark: each missing item is named, in the reader's language, and
    nothing is recorded until all are there."""
    w = world
    person = _receive(client, w)
    text = _explanation(client, w)
    body = {"pathway": "home", "language": "en", "consent_text_id": text, "explained": True}
    path = f"/api/people/{person}/pathway-choices"
    bare = client.post(path, json=body, headers=w.worker)
    assert bare.status_code == 422
    assert set(bare.json()["fields"]) == {
        "present",
        "former_commanders_absent",
        "statement",
        "statement_language",
        "mark",
        "mark_attested_by",
    }
    # A commander in the room: refused whatever else is there, in Burmese for a Burmese reader.
    watched = client.post(
        path,
        json={**body, **SAFEGUARDS, "former_commanders_absent": False},
        headers={**w.worker, "Accept-Language": "my"},
    )
    assert watched.status_code == 422
    assert list(watched.json()["fields"]) == ["former_commanders_absent"]
    message = watched.json()["fields"]["former_commanders_absent"]
    assert "former commander" not in message
    assert any("\u1000" <= c <= "\u109f" for c in message)
    assert client.get("/api/cases", headers=w.worker).json() == []
    # Complete: recorded, and read back by the case worker.
    chosen = client.post(path, json={**body, **SAFEGUARDS}, headers=w.worker)
    assert chosen.status_code == 201, chosen.text
    got = chosen.json()
    assert (got["mark"], got["mark_attested_by"]) == ("thumbprint", SAFEGUARDS["mark_attested_by"])
    assert got["present"] == SAFEGUARDS["present"]
    assert (got["statement_language"], got["former_commanders_absent"]) == ("Burmese", True)
    # Who was present is stored encrypted, like the statement.
    stored = db.execute(
        select(PathwayChoice.present_ct).where(PathwayChoice.id == uuid.UUID(got["id"]))
    ).scalar_one()
    assert stored is not None
    assert b"Daw Hla" not in stored
    # The audit event says how the person marked the choice, never who was present.
    event = db.execute(select(AuditEvent).where(AuditEvent.action == "pathway.chosen")).scalar_one()
    assert event.changes["mark"] == {"before": None, "after": "thumbprint"}
    assert "Daw Hla" not in str(event.changes)


def test_the_child_rules_hold_through_the_api(client: TestClient, world: World) -> None:
    w = world
    child = _receive(client, w, classification="child", birth_year=TODAY.year - 15)
    text = _explanation(client, w)
    refused = client.post(
        f"/api/people/{child}/pathway-choices",
        json={
            "pathway": "serve",
            "language": "en",
            "consent_text_id": text,
            "explained": True,
            **SAFEGUARDS,
        },
        headers=w.worker,
    )
    assert refused.status_code == 422
    assert "pathway" in refused.json()["fields"]
    cases = client.get("/api/cases", headers=w.worker).json()
    case = next(c for c in cases if c["person_id"] == child)
    tasks = client.get(f"/api/cases/{case['id']}/tasks", headers=w.worker).json()
    assert [t["kind"] for t in tasks] == ["child_protection"]
    assert tasks[0]["status"] == "open"
    reception = client.get(f"/api/people/{child}/receptions", headers=w.registrar).json()[0]
    assert tasks[0]["due_at"][:16] == reception["child_protection_due_at"][:16]


def test_case_task_and_note_lifecycles(client: TestClient, world: World, db: Session) -> None:
    w = world
    person = _receive(client, w)
    case = client.post(f"/api/people/{person}/case", headers=w.worker).json()
    assert client.post(f"/api/people/{person}/case", headers=w.worker).status_code == 409
    cid = case["id"]
    # Tasks: open → done; done → anything is 409; overdue list.
    task = client.post(
        f"/api/cases/{cid}/tasks",
        json={"title": "Find the mother", "due_on": TODAY.isoformat()},
        headers=w.worker,
    ).json()
    assert _post(client, f"/api/tasks/{task['id']}/status", {"status": "done"}, w.worker) == 200
    assert (
        _post(client, f"/api/tasks/{task['id']}/status", {"status": "cancelled"}, w.worker) == 409
    )
    past = client.post(
        f"/api/cases/{cid}/tasks",
        json={"title": "Yesterday", "due_on": (TODAY - timedelta(days=1)).isoformat()},
        headers=w.worker,
    )
    assert past.status_code == 422
    # Notes are ciphertext at rest, and reading them is audited.
    note = client.post(f"/api/cases/{cid}/notes", json={"text": "Nightmares."}, headers=w.worker)
    assert note.status_code == 201
    raw = db.scalar(select(CaseNote.body_ct).where(CaseNote.case_id == uuid.UUID(cid)))
    assert raw is not None
    assert b"Nightmares" not in raw
    notes = client.get(f"/api/cases/{cid}/notes", headers=w.worker).json()
    assert [n["body"] for n in notes] == ["Nightmares."]
    assert db.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "case_note.viewed", AuditEvent.subject_id == uuid.UUID(cid)
        )
    )
    # Managers see counts, never notes.
    assert client.get(f"/api/cases/{cid}/notes", headers=w.manager).status_code == 403
    load = client.get("/api/caseload", headers=w.manager).json()
    assert load["open_cases"] >= 1
    # Case: open → closed → reopened → closed; closed → closed is 409; a reason is needed.
    assert _post(client, f"/api/cases/{cid}/close", {"reason": ""}, w.worker) == 422
    assert _post(client, f"/api/cases/{cid}/close", {"reason": "Settled"}, w.worker) == 200
    assert _post(client, f"/api/cases/{cid}/close", {"reason": "Again"}, w.worker) == 409
    assert (
        _post(
            client, f"/api/cases/{cid}/tasks", {"title": "x" * 5, "due_on": "2099-01-01"}, w.worker
        )
        == 409
    )
    assert _post(client, f"/api/cases/{cid}/reopen", {"reason": "New threat"}, w.worker) == 200
    assert _post(client, f"/api/cases/{cid}/reopen", {"reason": "Twice"}, w.worker) == 409
    # A manager assigns and transfers; the old organisation loses the case.
    assign = {"user_id": str(w.worker_id)}
    assert _post(client, f"/api/cases/{cid}/assign", assign, w.manager) == 200
    move = {"organisation_id": str(w.partner_org), "reason": "Family lives near the partner"}
    assert _post(client, f"/api/cases/{cid}/transfer", move, w.manager) == 200
    assert client.get(f"/api/cases/{cid}", headers=w.worker).status_code == 404
    assert client.get(f"/api/cases/{cid}/notes", headers=w.partner).json()[0]["body"] == (
        "Nightmares."
    )


def test_referral_round_trip_each_side_sees_what_it_should(
    client: TestClient, world: World
) -> None:
    w = world
    person = _receive(client, w)
    text = _explanation(client, w)
    cid = _choose(client, w, person, "home", text)["case_id"]
    client.post(f"/api/cases/{cid}/notes", json={"text": "Confidential."}, headers=w.worker)
    sent = client.post(
        f"/api/cases/{cid}/referrals",
        json={"to_organisation_id": str(w.partner_org), "kind": "psychosocial", "reason": "Sleep"},
        headers=w.worker,
    )
    assert sent.status_code == 201, sent.text
    rid = sent.json()["id"]
    # The receiver sees the referral and its reason, not the case, its tasks or notes.
    incoming = client.get("/api/referrals", headers=w.partner).json()["incoming"]
    assert [(r["id"], r["reason"], r["person_name"]) for r in incoming] == [
        (rid, "Sleep", "Saw Ler Htoo")
    ]
    for path in (f"/api/cases/{cid}", f"/api/cases/{cid}/notes", f"/api/cases/{cid}/tasks"):
        assert client.get(path, headers=w.partner).status_code == 404
    # A third organisation sees nothing; the sender cannot answer its own referral.
    assert client.get(f"/api/referrals/{rid}", headers=w.stranger).status_code == 404
    move = f"/api/referrals/{rid}/status"
    assert _post(client, move, {"status": "accepted"}, w.stranger) == 404
    assert _post(client, move, {"status": "accepted"}, w.worker) == 403
    # sent → completed is illegal; sent → accepted → completed; completed is final.
    assert _post(client, move, {"status": "completed"}, w.partner) == 409
    assert (
        _post(client, move, {"status": "accepted", "response": "Thursday 10:00"}, w.partner) == 200
    )
    assert _post(client, move, {"status": "declined"}, w.partner) == 409
    assert _post(client, move, {"status": "completed"}, w.partner) == 200
    assert _post(client, move, {"status": "completed"}, w.partner) == 409
    # The sender sees the outcome on its case.
    seen = client.get(f"/api/cases/{cid}/referrals", headers=w.worker).json()[0]
    assert (seen["status"], seen["response"]) == ("completed", "Thursday 10:00")
    # A transfer waits for open referrals; a declined one does not block it.
    again = client.post(
        f"/api/cases/{cid}/referrals",
        json={"to_organisation_id": str(w.partner_org), "kind": "legal", "reason": "Papers"},
        headers=w.worker,
    ).json()
    transfer = {"organisation_id": str(w.partner_org), "reason": "Moving"}
    assert _post(client, f"/api/cases/{cid}/transfer", transfer, w.manager) == 409
    assert (
        _post(client, f"/api/referrals/{again['id']}/status", {"status": "declined"}, w.partner)
        == 200
    )
    assert _post(client, f"/api/cases/{cid}/transfer", transfer, w.manager) == 200


def test_serve_transitions_and_the_proposed_rank(
    client: TestClient, world: World, db: Session
) -> None:
    w = world
    army = forces.ensure_reference_data(db)
    source = forces_repository.ranks_of(db, army.id)[5]
    receiving = forces.create_force(db, SYSTEM, name="Karenni receiving force", kind="receiving")
    target = forces.add_rank(db, SYSTEM, force_id=receiving.id, seniority=3, name_en="Sergeant")
    forces.add_equivalence(
        db,
        SYSTEM,
        receiving_force_id=receiving.id,
        source_rank_id=source.id,
        target_rank_id=target.id,
        effective_from=TODAY - timedelta(days=30),
    )
    person = _receive(client, w, rank_id=str(source.id), position="Section leader")
    text = _explanation(client, w)
    cid = _choose(client, w, person, "serve", text)["case_id"]
    base = f"/api/cases/{cid}/serve"
    record = client.get(base, headers=w.worker).json()
    assert (record["status"], record["claimed_rank_id"]) == ("claimed", str(source.id))
    # Posting before verification is illegal; verifying needs a proposal and evidence.
    post = {"unit": "Battalion 2", "personnel_number": "KN-2041"}
    assert _post(client, f"{base}/post", post, w.worker) == 409
    assert (
        _post(client, f"{base}/verify", {"status": "verified", "evidence": ["roll"]}, w.worker)
        == 409
    )
    claim = {"receiving_force_id": str(receiving.id)}
    proposed = client.post(f"{base}/claim", json=claim, headers=w.worker).json()
    assert proposed["proposed_rank_id"] == str(target.id)
    assert _post(client, f"{base}/verify", {"status": "disputed"}, w.worker) == 200
    assert _post(client, f"{base}/verify", {"status": "disputed"}, w.worker) == 409
    assert _post(client, f"{base}/verify", {"status": "verified"}, w.worker) == 422
    assert (
        _post(
            client,
            f"{base}/verify",
            {"status": "verified", "evidence": ["roll", "peers"]},
            w.worker,
        )
        == 200
    )
    assert _post(client, f"{base}/post", post, w.worker) == 200
    assert _post(client, f"{base}/post", post, w.worker) == 409
    final = client.get(base, headers=w.worker).json()
    assert (final["status"], final["personnel_number"], final["evidence"]) == (
        "posted",
        "KN-2041",
        ["peers", "roll"],
    )


def test_going_home_transitions(client: TestClient, world: World) -> None:
    w = world
    person = _receive(client, w)
    cid = _choose(client, w, person, "home", _explanation(client, w))["case_id"]
    base = f"/api/cases/{cid}/home"
    status = f"{base}/status"
    assert (
        _post(client, status, {"status": "returned", "returned_on": TODAY.isoformat()}, w.worker)
        == 409
    )
    assert (
        _post(
            client,
            base,
            {"township": "Loikaw", "village": "Naung Yar", "support": ["livelihood"]},
            w.worker,
        )
        == 200
    )
    unsafe = {"regime_controlled": True, "risk": "low", "safety_plan": "Stay quiet"}
    assert _post(client, f"{base}/safety", unsafe, w.worker) == 422
    safety = {**unsafe, "risk": "high", "safety_plan": "Travel with the uncle; report weekly."}
    assert _post(client, f"{base}/safety", safety, w.worker) == 200
    assert _post(client, f"{base}/safety", safety, w.worker) == 409
    assert _post(client, f"{base}/visits", {"visited_on": TODAY.isoformat()}, w.worker) == 409
    assert (
        _post(client, status, {"status": "returned", "returned_on": TODAY.isoformat()}, w.worker)
        == 200
    )
    assert _post(client, status, {"status": "following_up"}, w.worker) == 409  # no visit yet
    assert (
        _post(
            client,
            f"{base}/visits",
            {"visited_on": TODAY.isoformat(), "notes": "Farming"},
            w.worker,
        )
        == 201
    )
    assert _post(client, status, {"status": "following_up"}, w.worker) == 200
    assert _post(client, status, {"status": "planning"}, w.worker) == 409
    assert _post(client, status, {"status": "completed"}, w.worker) == 200
    plan = client.get(base, headers=w.worker).json()
    assert (plan["status"], plan["risk"], plan["township"]) == ("completed", "high", "Loikaw")
    # Another pathway's operations are refused while this one is current.
    assert (
        _post(
            client,
            f"/api/cases/{cid}/exile",
            {"host_organisation": "X", "host_country": "Y"},
            w.worker,
        )
        == 409
    )


def test_exile_steps_in_order(client: TestClient, world: World) -> None:
    w = world
    person = _receive(client, w)
    cid = _choose(client, w, person, "exile", _explanation(client, w))["case_id"]
    steps = f"/api/cases/{cid}/exile/steps"
    assert [
        s["step"] for s in client.get(f"/api/cases/{cid}/exile", headers=w.worker).json()["steps"]
    ] == [
        "documents",
        "travel",
        "arrival",
    ]
    assert _post(client, f"{steps}/travel", {"status": "in_progress"}, w.worker) == 409
    assert _post(client, f"{steps}/documents", {"status": "done"}, w.worker) == 409
    assert (
        _post(
            client, f"{steps}/documents", {"status": "in_progress", "risks": "Checkpoint"}, w.worker
        )
        == 200
    )
    assert _post(client, f"{steps}/documents", {"status": "blocked"}, w.worker) == 200
    assert _post(client, f"{steps}/documents", {"status": "in_progress"}, w.worker) == 200
    assert _post(client, f"{steps}/documents", {"status": "done"}, w.worker) == 200
    assert _post(client, f"{steps}/travel", {"status": "in_progress"}, w.worker) == 409  # no host
    host = {"host_organisation": "Refuge Network", "host_country": "Country A"}
    assert _post(client, f"/api/cases/{cid}/exile", host, w.worker) == 200
    for step in ("travel", "arrival"):
        for wanted in ("in_progress", "done"):
            assert _post(client, f"{steps}/{step}", {"status": wanted}, w.worker) == 200
    assert _post(client, f"{steps}/arrival", {"status": "in_progress"}, w.worker) == 409
    plan = client.get(f"/api/cases/{cid}/exile", headers=w.worker).json()
    assert plan["host_country"] == "Country A"
    assert [s["status"] for s in plan["steps"]] == ["done", "done", "done"]
    assert plan["steps"][0]["risks"] == "Checkpoint"


def test_case_notes_go_with_an_erased_person_and_never_fail_a_read(
    client: TestClient, world: World, db: Session, tmp_path: Path
) -> None:
    """Erasure blanks the notes' ciphertext; a note whose ciphertext outlived its person's key
    (a backup restored after the erasure) reads as erased: never a 500 (issue 19, 7)."""
    w = world
    person = _receive(client, w)
    text = _explanation(client, w)
    case = _choose(client, w, person, "home", text)["case_id"]
    notes = f"/api/cases/{case}/notes"
    for body in ("Canary note one", "Canary note two"):
        assert client.post(notes, json={"text": body}, headers=w.worker).status_code == 201
    assert {n["body"] for n in client.get(notes, headers=w.worker).json()} == {
        "Canary note one",
        "Canary note two",
    }
    # The key goes, the ciphertext stays (as after restoring an older backup): empty, not 500.
    bind_actor(db, Actor.system())
    assert PERSON_KEYS.destroy(db, uuid.UUID(person))
    db.expire_all()
    answer = client.get(notes, headers=w.worker)
    assert answer.status_code == 200, answer.text
    assert [n["body"] for n in answer.json()] == [None, None]
    # Erasure proper leaves no ciphertext at all.
    erasure.erase_person(
        db, Actor.system(), uuid.UUID(person), reason="request", ledger=tmp_path / "ledger"
    )
    db.flush()
    stored = db.scalars(
        select(CaseNote.body_ct).where(CaseNote.person_id == uuid.UUID(person))
    ).all()
    assert stored == [None, None]
    assert client.get(notes, headers=w.worker).status_code in (200, 404)
