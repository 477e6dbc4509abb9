"""Security incidents through the real app: recording links people and their cases and raises
their risk; the account is encrypted and never in the trail; the state machine, the actions
log, lowering a risk with a reason; who may do what; the pages with their errors."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.models import User
from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.db.types import utcnow
from haven.kernel import clock
from haven.pathways import repository as pathways
from haven.pathways.public import Pathway
from haven.people.models import Person
from haven.people.public import FamilyMemberIn, add_family_member
from haven.protection.models import Incident, IncidentCase, IncidentPerson, RiskChange
from haven.security.permissions import Actor, Role
from haven.sync import nodes
from haven.sync.models import Role as NodeRole
from tests import factories as f
from tests.pathways.support import choose

TODAY = clock.local_today().isoformat()
NARRATIVE = "Soldiers came to the family house in Demoso at night (synthetic)."


@dataclass
class World:
    worker: dict[str, str]
    manager: dict[str, str]
    registrar: dict[str, str]
    stranger: dict[str, str]
    worker_user: User
    people: list[uuid.UUID]
    references: list[str]
    case_id: uuid.UUID
    relative_id: uuid.UUID
    site_id: uuid.UUID
    organisation_id: uuid.UUID


@pytest.fixture
def world(db: Session, fast_settings: Settings) -> World:
    org = f.organisation(db, name="Protection council")
    site = f.site(db, organisation=org)
    stranger = f.organisation(db, name="Elsewhere")

    def user(organisation: object, role: Role, site_: object = None) -> User:
        return f.user(db, organisation=organisation, role=role, site=site_, settings=fast_settings)  # type: ignore[arg-type]

    registrar = user(org, Role.REGISTRAR, site)
    worker = user(org, Role.CASE_WORKER)
    people = [
        f.receive(db, actor_for(registrar), name_latin=name).person_id  # type: ignore[attr-defined]
        for name in ("Saw Kyaw Min", "Naw Htoo Paw")
    ]
    choose(db, people[0], Pathway.HOME)
    mother = add_family_member(
        db, Actor.system(), people[0], FamilyMemberIn(relationship="mother", name="Daw Mya")
    )
    db.flush()
    persons = {p.id: p for p in db.scalars(select(Person).where(Person.id.in_(people)))}
    case = pathways.case_of_person(db, people[0])
    assert case is not None
    db.commit()
    return World(
        worker=f.bearer(f.api_token(db, user=worker)),
        manager=f.bearer(f.api_token(db, user=user(org, Role.MANAGER))),
        registrar=f.bearer(f.api_token(db, user=registrar)),
        stranger=f.bearer(f.api_token(db, user=user(stranger, Role.CASE_WORKER))),
        worker_user=worker,
        people=people,
        references=[persons[p].reference for p in people],
        case_id=case.id,
        relative_id=mother.id,
        site_id=site.id,
        organisation_id=org.id,
    )


def _record(client: TestClient, w: World, **fields: object) -> dict[str, object]:
    body = {
        "kind": "threat",
        "severity": "medium",
        "occurred_on": TODAY,
        "narrative": NARRATIVE,
        "place": "Demoso (synthetic)",
        "person_ids": [str(p) for p in w.people],
        **fields,
    }
    response = client.post("/api/protection/incidents", json=body, headers=w.worker)
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_an_incident_touches_people_and_cases_and_raises_their_risk(  # noqa: PLR0915
    client: TestClient, world: World, db: Session
) -> None:
    w = world
    incident = _record(client, w, kind="reprisal", severity="high")
    incident_id = uuid.UUID(str(incident["id"]))
    assert incident["state"] == "open"
    assert incident["narrative"] == NARRATIVE
    assert {p["touch"] for p in incident["people"]} == {"linked"}  # type: ignore[union-attr]
    assert incident["case_ids"] == [str(w.case_id)]
    assert re.fullmatch(r"S-[0-9A-HJKMNP-TV-Z]{7}", str(incident["reference"]))

    # Both people raised to high (a reprisal); the case page and the case list show it.
    for person in w.people:
        risk = client.get(f"/api/protection/people/{person}/risk", headers=w.worker).json()
        assert (risk["level"], risk["incident_id"]) == ("high", str(incident_id))
        assert risk["history"][0]["from_level"] == "normal"
    db.expire_all()
    assert {p.risk_level for p in db.scalars(select(Person).where(Person.id.in_(w.people)))} == {
        "high"
    }
    assert len(db.scalars(select(IncidentCase)).all()) == 1

    # A milder incident later lowers nobody.
    _record(client, w, kind="other", severity="low")
    risk = client.get(f"/api/protection/people/{w.people[0]}/risk", headers=w.worker).json()
    assert risk["level"] == "high"

    # The account is ciphertext in the database and never in the trail.
    raw = db.execute(
        select(Incident.narrative_ct, Incident.place_ct).where(Incident.id == incident_id)
    ).one()
    assert raw[0] is not None
    assert NARRATIVE.encode() not in bytes(raw[0])
    events = db.scalars(select(AuditEvent).where(AuditEvent.action.like("protection%"))).all()
    actions = {e.action for e in events}
    assert {"protection_incident.recorded", "protection_risk.raised"} <= actions
    assert all("Demoso" not in str(e.changes) for e in events)

    # The state machine: responding, closed, an illegal move (409), reopened.
    moves = f"/api/protection/incidents/{incident_id}/moves"
    assert (
        client.post(
            moves, json={"state": "responding", "reason": "Family contacted"}, headers=w.worker
        ).status_code
        == 200
    )
    assert (
        client.post(
            moves, json={"state": "closed", "reason": "Family moved to safety"}, headers=w.worker
        ).status_code
        == 200
    )
    illegal = client.post(moves, json={"state": "responding", "reason": "Again"}, headers=w.worker)
    assert illegal.status_code == 409
    reopened = client.post(moves, json={"state": "open", "reason": "New threats"}, headers=w.worker)
    assert reopened.status_code == 200
    body = reopened.json()
    assert [(m["from_state"], m["to_state"]) for m in body["moves"]] == [
        ("open", "responding"),
        ("responding", "closed"),
        ("closed", "open"),
    ]
    assert body["moves"][0]["reason"] == "Family contacted"

    # The actions log and an edit that raises the severity (to critical).
    action = client.post(
        f"/api/protection/incidents/{incident_id}/actions",
        json={"taken_on": TODAY, "text": "Called the family's neighbour"},
        headers=w.worker,
    )
    assert action.status_code == 201
    edited = client.patch(
        f"/api/protection/incidents/{incident_id}",
        json={"severity": "critical", "relative_id": str(w.relative_id)},
        headers=w.worker,
    )
    assert edited.status_code == 200
    assert edited.json()["relative_id"] == str(w.relative_id)
    stranger_relative = client.patch(
        f"/api/protection/incidents/{incident_id}",
        json={"relative_id": str(uuid.uuid4())},
        headers=w.worker,
    )
    assert "relative_id" in stranger_relative.json()["fields"]
    assert edited.json()["actions"][0]["text"] == "Called the family's neighbour"
    risk = client.get(f"/api/protection/people/{w.people[1]}/risk", headers=w.worker).json()
    assert risk["level"] == "critical"

    # Lowering: only to a lower level, with a reason; audited without the reason.
    lower = f"/api/protection/people/{w.people[1]}/risk"
    same = client.post(lower, json={"level": "critical", "reason": "No change"}, headers=w.worker)
    assert same.status_code == 422
    assert "level" in same.json()["fields"]
    lowered = client.post(
        lower, json={"level": "elevated", "reason": "Family safe now"}, headers=w.manager
    )
    assert lowered.status_code == 200
    assert lowered.json()["level"] == "elevated"
    assert lowered.json()["history"][0]["reason"] == "Family safe now"
    assert db.scalars(select(RiskChange).where(RiskChange.to_level == "elevated")).first()

    # The list and its filters.
    listed = client.get("/api/protection/incidents?kind=reprisal", headers=w.manager)
    assert [i["id"] for i in listed.json()] == [str(incident_id)]
    assert listed.headers["X-Total-Count"] == "1"
    assert client.get("/api/protection/incidents?state=closed", headers=w.worker).json() == []
    _who_may(client, w, db, incident)
    _pages(client, w, db)


def _who_may(client: TestClient, w: World, db: Session, incident: dict[str, object]) -> None:
    """Who may see and change incidents; nothing is written on a refusal."""
    path = f"/api/protection/incidents/{incident['id']}"
    assert client.get(path, headers=w.manager).status_code == 200
    assert client.get(path, headers=w.registrar).status_code == 403
    assert client.get(path, headers=w.stranger).status_code == 404
    assert client.get("/api/protection/incidents", headers=w.registrar).status_code == 403
    # A stranger cannot link another organisation's people; nothing is written on a refusal.
    before = len(db.scalars(select(Incident)).all())
    refused = client.post(
        "/api/protection/incidents",
        json={
            "kind": "threat",
            "severity": "low",
            "occurred_on": TODAY,
            "narrative": "Synthetic threat",
            "person_ids": [str(w.people[0])],
        },
        headers=w.stranger,
    )
    assert refused.status_code == 422
    assert "person_ids" in refused.json()["fields"]
    assert len(db.scalars(select(Incident)).all()) == before
    # A node named on an incident that is not about a device is refused on that field.
    wrong = client.post(
        "/api/protection/incidents",
        json={
            "kind": "threat",
            "severity": "low",
            "occurred_on": TODAY,
            "narrative": "xyz",
            "node": "Laptop 1",
        },
        headers=w.worker,
    )
    assert wrong.status_code == 422
    assert "node" in wrong.json()["fields"]
    assert len(db.scalars(select(IncidentPerson)).all()) == 4  # two incidents, two people


def _pages(client: TestClient, w: World, db: Session) -> None:
    """The pages: a refused form writes nothing; the incident, the lists, the person's and
    the case's pages show the risk."""
    f.login(client, username=w.worker_user.username)
    csrf = f.csrf_from(client, "/protection/incidents/new")
    before = len(db.scalars(select(Incident)).all())
    # A refused form: errors beside the fields, values kept, nothing written.
    refused = client.post(
        "/protection/incidents/new",
        data={"csrf_token": csrf, "kind": "arrest", "people": "P-0000000", "narrative": NARRATIVE},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert 'id="error-people"' in refused.text
    assert 'id="error-severity"' in refused.text
    assert NARRATIVE in refused.text
    assert len(db.scalars(select(Incident)).all()) == before
    recorded = client.post(
        "/protection/incidents/new",
        data={
            "csrf_token": csrf,
            "kind": "arrest",
            "severity": "high",
            "occurred_on": TODAY,
            "reported_on": TODAY,
            "people": "\n".join(w.references),
            "narrative": NARRATIVE,
        },
        follow_redirects=False,
    )
    assert recorded.status_code == 303, recorded.text
    page = client.get(recorded.headers["location"])
    assert page.status_code == 200
    assert NARRATIVE in page.text
    assert w.references[0] in page.text
    listing = client.get("/protection/incidents?severity=high")
    assert "Arrest or re-arrest" in listing.text
    person_page = client.get(f"/people/{w.people[0]}")
    assert 'id="person-risk"' in person_page.text
    assert 'id="person-incidents"' in person_page.text
    case_page = client.get(f"/cases/{w.case_id}")
    assert 'id="case-risk"' in case_page.text
    assert "Critical" in client.get("/cases").text  # raised by the first incident's edit
    risk_page = client.get(f"/protection/people/{w.people[0]}/risk")
    assert 'id="lower-risk"' in risk_page.text

    # A seized laptop through the API: revoked, what it held shown on the incident's page.
    nodes.init_node(db, role=NodeRole.HEADQUARTERS, name="HQ")
    node, _code = nodes.issue_code(
        db, Actor.system(), site_id=w.site_id, organisation_id=w.organisation_id, name="Desk 2"
    )
    node.last_contact_at = utcnow() + timedelta(seconds=1)
    db.commit()
    seized = _record(client, w, kind="device_seized", severity="high", node="Desk 2", person_ids=[])
    assert seized["node_revoked_at"] is not None
    assert seized["held"]["counts"]["persons"] == 2  # type: ignore[index]
    device_page = client.get(f"/protection/incidents/{seized['id']}")
    assert 'id="device-held"' in device_page.text
    assert "Receptions" in device_page.text
