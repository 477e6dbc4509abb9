"""Complaints through the JSON API: anonymity kept by the service and the schema, who sees a
confidential complaint, the state machine with its log, deadlines and the overdue flag, the
report without names, and erasure that keeps the count."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from haven.audit.models import AuditEvent
from haven.complaints.models import COMPLAINT_KEYS, Complaint, ComplaintEntry
from haven.config import Settings
from haven.db.types import utcnow
from haven.people import erasure
from haven.security.permissions import Actor, Role
from tests import factories as f

SYSTEM = Actor.system()
SECRET = "Sergeant Canary shouted at us"


@dataclass
class World:
    tokens: dict[Role, dict[str, str]]
    users: dict[Role, uuid.UUID]
    person_id: uuid.UUID
    site_id: uuid.UUID
    stranger: dict[str, str]


@pytest.fixture
def world(db: Session, fast_settings: Settings) -> World:
    org = f.organisation(db, name="Complaints Council")
    site = f.site(db, organisation=org)
    other = f.organisation(db, name="Complaints Stranger")
    tokens, users = {}, {}
    for role in (Role.REGISTRAR, Role.CASE_WORKER, Role.MANAGER, Role.FINANCE_OFFICER):
        user = f.user(
            db,
            organisation=org,
            role=role,
            site=site if role is Role.REGISTRAR else None,
            settings=fast_settings,
        )
        tokens[role], users[role] = f.bearer(f.api_token(db, user=user)), user.id
    stranger = f.user(db, organisation=other, role=Role.MANAGER, settings=fast_settings)
    person = f.receive(db, SYSTEM, name_latin="Complaints Person", site_id=str(site.id))
    return World(
        tokens=tokens,
        users=users,
        person_id=person.person_id,  # type: ignore[attr-defined]
        site_id=site.id,
        stranger=f.bearer(f.api_token(db, user=stranger)),
    )


def _record(client: TestClient, headers: dict[str, str], **body: object) -> dict[str, object]:
    data = {"category": "other", "channel": "hotline", "complainant": "anonymous", **body}
    data.setdefault("text", "The food was cold three days running.")
    response = client.post("/api/complaints", json=data, headers=headers)
    assert response.status_code == 201, response.text
    return dict(response.json())


def _ids(client: TestClient, headers: dict[str, str], query: str = "") -> set[str]:
    response = client.get(f"/api/complaints{query}", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["total"] == len(body["items"])
    return {item["id"] for item in body["items"]}


def test_anonymity_confidentiality_and_who_sees_what(
    client: TestClient, db: Session, world: World
) -> None:
    t, person = world.tokens, str(world.person_id)
    before = db.scalar(select(func.count()).select_from(Complaint))
    # Anonymous keeps nothing: a contact or a person is refused on its field, nothing written.
    for extra in ({"contact": "09 123"}, {"person_id": person}, {"complainant_name": "U Ba"}):
        response = client.post(
            "/api/complaints",
            json={
                "category": "other",
                "channel": "letter",
                "complainant": "anonymous",
                "text": "Something happened.",
                **extra,
            },
            headers=t[Role.REGISTRAR],
        )
        assert response.status_code == 422, response.text
        assert set(response.json()["fields"]) == set(extra)
    assert db.scalar(select(func.count()).select_from(Complaint)) == before
    # ... and the schema refuses it too, whatever the service says.
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(
            insert(Complaint.__table__).values(
                id=uuid.uuid4(),
                organisation_id=db.get(Complaint.__mapper__.class_, uuid.uuid4())
                or f.organisation(db).id,
                reference="K-0000000",
                kind="complaint",
                complainant="anonymous",
                person_id=world.person_id,
                category="other",
                channel="letter",
                confidential=False,
                status="received",
                received_at=utcnow(),
                acknowledge_by=utcnow(),
                respond_by=utcnow(),
                status_changed_at=utcnow(),
                created_at=utcnow(),
                updated_at=utcnow(),
            )
        )

    anonymous = _record(client, t[Role.REGISTRAR], channel="complaint_box")
    assert anonymous["person_id"] is None
    assert anonymous["contact"] is None
    assert anonymous["confidential"] is False
    assert anonymous["status"] == "received"
    payment = _record(
        client,
        t[Role.FINANCE_OFFICER],
        category="payment_not_received",
        complainant="person",
        person_id=person,
        contact="Through the camp leader",
    )
    staff = _record(
        client,
        t[Role.CASE_WORKER],
        category="mistreatment",
        complainant="person",
        person_id=person,
        text=SECRET,
    )
    # Mistreatment is confidential by default; a recorder cannot lower it, a manager can.
    assert staff["confidential"] is True
    lowered = _record(client, t[Role.CASE_WORKER], category="data_concern", confidential=False)
    assert lowered["confidential"] is True
    managers = _record(client, t[Role.MANAGER], category="data_concern", confidential=False)
    assert managers["confidential"] is False
    # Deadlines by category: mistreatment 1 and 7 days, payment 3 and 14.
    for row, (ack, respond) in ((staff, (1, 7)), (payment, (3, 14))):
        assert row["acknowledge_by"][:10] >= row["received_at"][:10]
        days = (
            _at(row["respond_by"]) - _at(row["received_at"]),
            _at(row["acknowledge_by"]) - _at(row["received_at"]),
        )
        assert days == (timedelta(days=respond), timedelta(days=ack))

    # Who sees what: a recorder who does not handle sees only what they took down.
    assert _ids(client, t[Role.REGISTRAR]) == {anonymous["id"]}
    assert _ids(client, t[Role.FINANCE_OFFICER]) == {payment["id"]}
    # A handler sees the non-confidential ones; the confidential one answers 404.
    worker_sees = _ids(client, t[Role.CASE_WORKER])
    assert staff["id"] not in worker_sees
    assert lowered["id"] not in worker_sees
    assert {anonymous["id"], payment["id"], managers["id"]} <= worker_sees
    assert (
        client.get(f"/api/complaints/{staff['id']}", headers=t[Role.CASE_WORKER]).status_code == 404
    )
    assert (
        client.get(f"/api/complaints/{payment['id']}", headers=t[Role.REGISTRAR]).status_code == 404
    )
    assert client.get(f"/api/complaints/{payment['id']}", headers=world.stranger).status_code == 404
    assert staff["id"] in _ids(client, t[Role.MANAGER])
    # Assigned to the case worker, it is theirs to see (and only a manager assigns it).
    assign = f"/api/complaints/{staff['id']}/assign"
    body = {"user_id": str(world.users[Role.CASE_WORKER])}
    assert client.post(assign, json=body, headers=t[Role.MANAGER]).status_code == 200
    detail = client.get(f"/api/complaints/{staff['id']}", headers=t[Role.CASE_WORKER])
    assert detail.status_code == 200
    assert detail.json()["text"] == SECRET
    assert client.post(assign, json=body, headers=t[Role.CASE_WORKER]).status_code == 403
    # A registrar is no handler: refused on the field.
    bad = {"user_id": str(world.users[Role.REGISTRAR])}
    response = client.post(assign, json=bad, headers=t[Role.MANAGER])
    assert response.status_code == 422
    assert "user_id" in response.json()["fields"]

    # No text, name or contact reaches the audit trail.
    events = db.scalars(select(AuditEvent).where(AuditEvent.subject_type == "complaint")).all()
    assert len(events) >= 5
    trail = json.dumps([e.changes for e in events], default=str)
    assert SECRET not in trail
    assert "camp leader" not in trail
    assert "food was cold" not in trail


def _at(text: object) -> datetime:
    return datetime.fromisoformat(str(text))


def test_the_state_machine_the_log_overdue_the_report_and_erasure(  # noqa: PLR0915 - one flow
    client: TestClient, db: Session, world: World, tmp_path: Path
) -> None:
    t, person = world.tokens, str(world.person_id)
    worker, manager = t[Role.CASE_WORKER], t[Role.MANAGER]
    old = (utcnow() - timedelta(days=20)).isoformat()
    late = _record(
        client,
        worker,
        category="payment_not_received",
        complainant="person",
        person_id=person,
        received_at=old,
        text=SECRET,
    )
    assert late["overdue_response"]
    assert late["overdue_acknowledgement"]
    assert late["needs_manager"]
    # Flagged to the managers without anyone escalating it.
    assert late["id"] in _ids(client, manager, "?escalated=true")
    assert late["id"] in _ids(client, manager, "?overdue=true")
    fresh = _record(client, worker, category="living_conditions")
    assert fresh["id"] not in _ids(client, manager, "?overdue=true")

    base = f"/api/complaints/{late['id']}"
    # Illegal moves answer 409, nothing written.
    assert _post(client, f"{base}/close", {"reason": "Too soon"}, worker) == 409
    # Not theirs to know of (404); their own, not theirs to handle (403).
    assert _post(client, f"{base}/acknowledge", {"given_by": "phone"}, t[Role.REGISTRAR]) == 404
    own = _record(client, t[Role.REGISTRAR])
    path = f"/api/complaints/{own['id']}/acknowledge"
    assert _post(client, path, {"given_by": "phone"}, t[Role.REGISTRAR]) == 403
    assert _post(client, f"{base}/acknowledge", {"given_by": "phone"}, worker) == 200
    assert _post(client, f"{base}/acknowledge", {"given_by": "phone"}, worker) == 409
    assert (
        _post(client, f"{base}/entries", {"kind": "note", "text": "Checked the batch."}, worker)
        == 201
    )
    # A response needs to say how it was given.
    assert (
        _post(client, f"{base}/entries", {"kind": "response", "text": "Paid now."}, worker) == 422
    )
    assert (
        _post(
            client,
            f"{base}/entries",
            {"kind": "response", "text": "Paid on Monday.", "given_by": "in_person"},
            worker,
        )
        == 201
    )
    assert (
        _post(client, f"{base}/escalate", {"reason": "Not satisfied with the answer"}, worker)
        == 200
    )
    assert (
        _post(
            client,
            f"{base}/entries",
            {"kind": "response", "text": "The manager called.", "given_by": "phone"},
            manager,
        )
        == 201
    )
    assert _post(client, f"{base}/close", {"reason": "Paid and confirmed"}, manager) == 200
    assert (
        _post(
            client,
            f"{base}/entries",
            {"kind": "response", "text": "Again", "given_by": "phone"},
            manager,
        )
        == 409
    )
    reopened = client.post(
        f"{base}/reopen", json={"reason": "Second instalment missing"}, headers=manager
    )
    assert reopened.status_code == 200
    assert reopened.json()["status"] == "reopened"
    assert not reopened.json()["overdue_response"]
    detail = client.get(base, headers=manager).json()
    kinds = [e["kind"] for e in detail["entries"]]
    assert kinds == [
        "acknowledgement",
        "note",
        "response",
        "escalation",
        "response",
        "closure",
        "reopening",
    ]
    assert detail["entries"][3]["text"] == "Not satisfied with the answer"
    assert detail["first_responded_at"] is not None
    assert detail["acknowledged_at"] is not None

    # The report: figures only, computed by the database.
    response = client.get("/api/complaints/report", headers=manager)
    assert response.status_code == 200
    report = response.json()
    assert report["total"] == 3
    assert report["responded"] == 1
    assert 19.5 < report["median_days_to_respond"] < 20.5
    cells = {(r["category"], r["status"]): r["count"] for r in report["by_category_and_state"]}
    assert cells == {
        ("payment_not_received", "reopened"): 1,
        ("living_conditions", "received"): 1,
        ("other", "received"): 1,
    }
    assert sum(m["count"] for m in report["by_month"]) == 3
    text = response.text
    for leaked in (
        SECRET,
        late["reference"],
        fresh["reference"],
        "Complaints Person",
        person,
        late["id"],
    ):
        assert leaked not in text
    assert client.get("/api/complaints/report", headers=t[Role.REGISTRAR]).status_code == 403

    # Deadlines set by a manager apply to complaints received afterwards only.
    body = {"category": "living_conditions", "acknowledge_days": 2, "respond_days": 5}
    assert client.put("/api/complaints/deadlines", json=body, headers=manager).status_code == 200
    assert client.put("/api/complaints/deadlines", json=body, headers=worker).status_code == 403
    wrong = {**body, "acknowledge_days": 9}
    assert client.put("/api/complaints/deadlines", json=wrong, headers=manager).status_code == 422
    newer = _record(client, worker, category="living_conditions")
    assert _at(newer["respond_by"]) - _at(newer["received_at"]) == timedelta(days=5)

    # Erasure: the link and every text go, the complaint stays counted.
    erasure.erase_person(db, SYSTEM, world.person_id, reason="test", ledger=tmp_path / "ledger")
    db.flush()
    db.expire_all()
    row = db.get(Complaint, uuid.UUID(str(late["id"])))
    assert row is not None
    assert row.person_id is None
    assert row.erased_at is not None
    assert row.body_ct is None
    assert row.contact_ct is None
    assert not COMPLAINT_KEYS.exists(db, row.id)
    entries = db.scalars(select(ComplaintEntry).where(ComplaintEntry.complaint_id == row.id))
    assert all(e.text_ct is None for e in entries)
    assert client.get("/api/complaints/report", headers=manager).json()["total"] == 4
    assert client.get(base, headers=manager).status_code == 200


def _post(client: TestClient, path: str, body: object, headers: dict[str, str]) -> int:
    return client.post(path, json=body, headers=headers).status_code
