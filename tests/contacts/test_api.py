"""First contacts through the JSON API: the whole life of a contact (recorded under a code
name, meeting, exchanges, moves, crossing linked to the reception, erasure of the person),
a compromised contact wiped, and the negotiation team's secrecy: every other role and every
other organisation gets 404, and nothing of a code name, channel detail, meeting point or
note reaches the audit trail or the database in clear."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from haven.agreements import service as agreements
from haven.agreements.schemas import AgreementCreate
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.contacts.models import CONTACT_KEYS, Contact, ContactExchange
from haven.db.types import utcnow
from haven.people import erasure
from haven.people.models import Person
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.conftest import LAPTOP

SYSTEM = Actor.system()
LAPTOP_ONLY = pytest.mark.parametrize("engine", LAPTOP, indirect=True)
CODE = "AMBER HERON 42"
DETAIL = "signal handle @rainbird77"
POINT = "the teak stall by the north ferry"
NOTE = "He says the battalion moves on Friday"


@dataclass
class World:
    tokens: dict[Role, dict[str, str]]
    stranger: dict[str, str]
    negotiator_id: uuid.UUID
    agreement_id: uuid.UUID
    person_id: uuid.UUID
    reference: str
    organisation_id: uuid.UUID


@pytest.fixture
def world(db: Session, fast_settings: Settings) -> World:
    org = f.organisation(db, name="Contacts org")
    site = f.site(db, organisation=org)
    tokens: dict[Role, dict[str, str]] = {}
    users = {}
    for role in Role:
        user = f.user(
            db,
            organisation=org,
            role=role,
            site=site if role is Role.REGISTRAR else None,
            settings=fast_settings,
        )
        users[role] = user
        tokens[role] = f.bearer(f.api_token(db, user=user))
    other = f.organisation(db, name="Other contacts org")
    stranger = f.bearer(
        f.api_token(
            db, user=f.user(db, organisation=other, role=Role.NEGOTIATOR, settings=fast_settings)
        )
    )
    negotiator = Actor.for_user(
        user_id=users[Role.NEGOTIATOR].id,
        username=users[Role.NEGOTIATOR].username,
        organisation_id=org.id,
        site_id=None,
        role=Role.NEGOTIATOR,
    )
    agreement = agreements.create(
        db,
        negotiator,
        AgreementCreate.model_validate(
            {"code_name": "Op Lotus", "site_id": str(site.id), "parties": [{"name": "Cdr X"}]}
        ),
    )
    received = f.receive(db, SYSTEM, site_id=str(site.id), name_latin="Saw Contact")
    assert isinstance(received, ReceptionEvent)
    person = db.get(Person, received.person_id)
    assert person is not None
    return World(
        tokens=tokens,
        stranger=stranger,
        negotiator_id=users[Role.NEGOTIATOR].id,
        agreement_id=agreement.id,
        person_id=person.id,
        reference=str(person.reference),
        organisation_id=org.id,
    )


def _soon(days: int = 2) -> str:
    return (utcnow() + timedelta(days=days)).isoformat()


def test_a_contact_from_first_call_to_crossing_and_erasure(  # noqa: PLR0915 - one story
    client: TestClient,
    db: Session,
    world: World,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)  # the request log and every other line a server writes
    neg = world.tokens[Role.NEGOTIATOR]
    suggested = client.get("/api/contacts/code-name", headers=neg).json()["code_name"]
    assert len(suggested.split()) == 3
    assert suggested.split()[2].isdigit()

    body = {
        "code_name": " amber  heron 42 ",
        "channel": "messenger",
        "channel_detail": DETAIL,
        "companions": "6-20",
        "family": "1-3",
        "agreement_id": str(world.agreement_id),
    }
    made = client.post("/api/contacts", json=body, headers=neg)
    assert made.status_code == 201, made.text
    contact = made.json()
    cid = contact["id"]
    assert contact["code_name"] == CODE
    assert contact["channel_detail"] == DETAIL
    assert contact["handler_id"] == str(world.negotiator_id)  # the recorder by default
    assert contact["status"] == "open"
    assert contact["moves"][0]["to_status"] == "open"

    # The same code name again, a real-looking name with a dot, a handler who is no
    # negotiator: refused field by field, nothing written.
    count = len(client.get("/api/contacts", headers=neg).json())
    again = client.post("/api/contacts", json=body, headers=neg)
    assert again.status_code == 422
    assert "code_name" in again.json()["fields"]
    dotted = client.post("/api/contacts", json={**body, "code_name": "U. Aung"}, headers=neg).json()
    assert "code_name" in dotted["fields"]
    not_negotiator = client.post(
        "/api/contacts",
        json={**body, "code_name": "PINE OWL 11", "handler_id": str(uuid.uuid4())},
        headers=neg,
    )
    assert not_negotiator.status_code == 422
    assert "handler_id" in not_negotiator.json()["fields"]
    assert len(client.get("/api/contacts", headers=neg).json()) == count

    # A meeting in the past is refused; one to come moves the contact to "meeting set".
    past = client.post(
        f"/api/contacts/{cid}/meeting",
        json={"meeting_point": POINT, "meeting_at": "2020-01-01T10:00"},
        headers=neg,
    )
    assert past.status_code == 422
    assert "meeting_at" in past.json()["fields"]
    met = client.post(
        f"/api/contacts/{cid}/meeting",
        json={"meeting_point": POINT, "meeting_at": _soon()},
        headers=neg,
    ).json()
    assert met["status"] == "meeting_set"
    assert met["meeting_point"] == POINT
    assert met["meeting_overdue"] is False
    ahead = client.post(
        f"/api/contacts/{cid}/exchanges",
        json={"channel": "phone", "note": NOTE, "occurred_at": _soon()},
        headers=neg,
    )
    assert ahead.status_code == 422
    assert "occurred_at" in ahead.json()["fields"]
    logged = client.post(
        f"/api/contacts/{cid}/exchanges", json={"channel": "phone", "note": NOTE}, headers=neg
    )
    assert logged.status_code == 201
    assert [
        e["note"] for e in client.get(f"/api/contacts/{cid}/exchanges", headers=neg).json()
    ] == [NOTE]

    # The meeting's time passes without a crossing: the list flags it.
    db.execute(
        update(Contact)
        .where(Contact.id == uuid.UUID(cid))
        .values(meeting_at=utcnow() - timedelta(hours=3))
    )
    listed = client.get("/api/contacts", params={"status": "meeting_set"}, headers=neg).json()
    assert [(c["id"], c["meeting_overdue"]) for c in listed] == [(cid, True)]

    # The status form makes only the team's own moves; a crossing needs the reception.
    own_form = client.post(
        f"/api/contacts/{cid}/status", json={"status": "crossed", "reason": "Arrived"}, headers=neg
    )
    assert own_form.status_code == 422
    assert "status" in own_form.json()["fields"]
    lost = client.post(
        f"/api/contacts/{cid}/status", json={"status": "lost", "reason": "No answer"}, headers=neg
    ).json()
    assert lost["status"] == "lost"
    illegal = client.post(
        f"/api/contacts/{cid}/status",
        json={"status": "withdrawn", "reason": "Changed mind"},
        headers=neg,
    )
    assert illegal.status_code == 409
    reopened = client.post(
        f"/api/contacts/{cid}/status", json={"status": "open", "reason": "Called back"}, headers=neg
    ).json()
    assert reopened["status"] == "open"
    assert [m["reason"] for m in reopened["moves"][-2:]] == ["No answer", "Called back"]

    # At crossing: a wrong reference is refused on its field; the right one links the
    # reception and the contact shows the person's reference.
    wrong = client.post(
        f"/api/contacts/{cid}/crossing", json={"person_reference": "P-0000000"}, headers=neg
    )
    assert wrong.status_code == 422
    assert "person_reference" in wrong.json()["fields"]
    crossed = client.post(
        f"/api/contacts/{cid}/crossing", json={"person_reference": world.reference}, headers=neg
    ).json()
    assert crossed["status"] == "crossed"
    assert crossed["person_reference"] == world.reference
    assert crossed["crossed_at"] is not None
    stored = db.get(Contact, uuid.UUID(cid))
    assert stored is not None
    assert stored.person_id == world.person_id
    twice = client.post(
        f"/api/contacts/{cid}/crossing", json={"person_reference": world.reference}, headers=neg
    )
    assert twice.status_code == 409

    # In the database the details are ciphertext; in the audit trail they are absent.
    raw = db.execute(
        select(Contact.channel_detail_ct, Contact.meeting_point_ct).where(Contact.id == stored.id)
    ).one()
    assert all(DETAIL.encode() not in bytes(v) and POINT.encode() not in bytes(v) for v in raw)
    trail = db.scalars(
        select(AuditEvent).where(AuditEvent.organisation_id == world.organisation_id)
    ).all()
    assert {"contact.recorded", "contact.meeting_set", "contact.linked_to_reception"} <= {
        e.action for e in trail
    }
    dumped = json.dumps([e.changes for e in trail], ensure_ascii=False).casefold()
    logged_lines = caplog.text.casefold()
    assert "/api/contacts/{contact_id}/crossing" in logged_lines  # routes, never values
    for secret in (CODE, DETAIL, POINT, NOTE, "No answer", "Called back"):
        assert secret.casefold() not in dumped, secret
        assert secret.casefold() not in logged_lines, secret

    # The person is erased: the contact loses the link and its details, keeps its code name.
    erasure.erase_person(db, SYSTEM, world.person_id, reason="test", ledger=tmp_path / "ledger")
    db.flush()
    db.expire_all()
    after = client.get(f"/api/contacts/{cid}", headers=neg).json()
    assert after["code_name"] == CODE
    assert after["person_reference"] is None
    assert after["channel_detail"] is None
    assert after["meeting_point"] is None
    assert after["person_erased_at"] is not None
    assert after["reception_id"] is None
    assert not CONTACT_KEYS.exists(db, uuid.UUID(cid))
    assert all(m["reason"] is None for m in after["moves"])


@LAPTOP_ONLY  # who may know is the same on both engines; the flow above shreds on both
def test_only_the_negotiation_team_knows_contacts_exist(
    client: TestClient, db: Session, world: World
) -> None:
    neg = world.tokens[Role.NEGOTIATOR]
    cid = client.post(
        "/api/contacts",
        json={"code_name": "JADE KITE 17", "channel": "intermediary", "channel_detail": DETAIL},
        headers=neg,
    ).json()["id"]
    calls = [
        ("GET", "/api/contacts", None),
        ("GET", "/api/contacts/code-name", None),
        ("POST", "/api/contacts", {"code_name": "SALT WREN 12", "channel": "phone"}),
        ("GET", f"/api/contacts/{cid}", None),
        ("PATCH", f"/api/contacts/{cid}", {"family": "none"}),
        ("GET", f"/api/contacts/{cid}/exchanges", None),
        ("POST", f"/api/contacts/{cid}/exchanges", {"channel": "phone", "note": "x"}),
        ("POST", f"/api/contacts/{cid}/meeting", {"meeting_point": "x", "meeting_at": _soon()}),
        ("POST", f"/api/contacts/{cid}/status", {"status": "lost", "reason": "gone"}),
        ("POST", f"/api/contacts/{cid}/crossing", {"person_reference": world.reference}),
        ("POST", f"/api/contacts/{cid}/wipe", None),
    ]
    # Every other role: 404 on the list and the contact; a case worker (who serves the same
    # people) and another organisation's negotiator on every route.
    for role, headers in world.tokens.items():
        if role is not Role.NEGOTIATOR:
            for path in ("/api/contacts", f"/api/contacts/{cid}"):
                assert client.get(path, headers=headers).status_code == 404, (role, path)
    for headers in (world.tokens[Role.CASE_WORKER], world.stranger):
        for method, path, body in calls:
            if path.endswith(("/contacts", "/code-name")) and headers is world.stranger:
                continue  # a negotiator of another organisation has contacts of their own
            answer = client.request(method, path, json=body, headers=headers)
            assert answer.status_code == 404, (method, path, answer.status_code)
    assert client.get("/api/contacts", headers=world.stranger).json() == []
    # Nothing changed: the contact is as it was recorded.
    contact = client.get(f"/api/contacts/{cid}", headers=neg).json()
    assert contact["status"] == "open"
    assert contact["family"] == "unknown"

    # A compromised contact's details are wiped on demand, once, audited.
    client.post(
        f"/api/contacts/{cid}/exchanges", json={"channel": "phone", "note": NOTE}, headers=neg
    )
    assert client.post(f"/api/contacts/{cid}/wipe", headers=neg).status_code == 409
    client.post(
        f"/api/contacts/{cid}/status",
        json={"status": "compromised", "reason": "Phone seized"},
        headers=neg,
    )
    wiped = client.post(f"/api/contacts/{cid}/wipe", headers=neg)
    assert wiped.status_code == 200
    assert wiped.json()["channel_detail"] is None
    assert wiped.json()["details_wiped_at"]
    assert client.post(f"/api/contacts/{cid}/wipe", headers=neg).status_code == 409
    assert not CONTACT_KEYS.exists(db, uuid.UUID(cid))
    notes = db.scalars(
        select(ContactExchange.note_ct).where(ContactExchange.contact_id == uuid.UUID(cid))
    ).all()
    assert notes == [None]
    assert db.scalar(select(AuditEvent.id).where(AuditEvent.action == "contact.details_wiped"))
