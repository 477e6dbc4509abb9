"""Every read of confidential fields is audited: one event per request, naming the subjects and
the fields, never the values (issue 19, finding 4). Each read goes through the real app: the
API with a token, or the pages after a real login."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, User
from haven.audit import chain
from haven.audit.actions import AuditAction
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.matching import service as matching
from haven.people.models import Person
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.agreements import helpers as agreements
from tests.pathways.support import SAFEGUARDS

CANARY = "HVNREAD-"


@dataclass
class World:
    registrar: dict[str, str]
    worker: dict[str, str]
    person_id: str
    second_id: str
    org_id: uuid.UUID
    site_id: str


def _canary(name: str) -> str:
    return f"{CANARY}{name}-{uuid.uuid4().hex[:6]}"


@pytest.fixture
def world(client: TestClient, db: Session, fast_settings: Settings) -> World:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    registrar = f.registrar(
        db, organisation=org, site=site, settings=fast_settings, username="reads.registrar"
    )
    worker = f.user(
        db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings,
        username="reads.worker",
    )  # fmt: skip
    reg = f.bearer(f.api_token(db, user=registrar))
    ids = []
    for name in ("Saw Ler Htoo", "Saw Lay Htoo"):
        made = client.post(
            "/api/receptions", json={"name_latin": name, "classification": "defector"}, headers=reg
        )
        assert made.status_code == 201, made.text
        ids.append(str(made.json()["person_id"]))
        numbered = client.patch(
            f"/api/people/{ids[-1]}", json={"service_number": _canary("sn")}, headers=reg
        )
        assert numbered.status_code == 200, numbered.text
    family = client.post(
        f"/api/people/{ids[0]}/family",
        json={"relationship": "mother", "whereabouts": _canary("where")},
        headers=reg,
    )
    assert family.status_code == 201, family.text
    return World(
        registrar=reg,
        worker=f.bearer(f.api_token(db, user=worker)),
        person_id=ids[0],
        second_id=ids[1],
        org_id=org.id,
        site_id=str(site.id),
    )


def _new_events(db: Session, since: int) -> list[AuditEvent]:
    db.expire_all()
    return list(
        db.scalars(select(AuditEvent).where(AuditEvent.seq > since).order_by(AuditEvent.seq))
    )


def _one_read(db: Session, since: int) -> AuditEvent:
    """Exactly one event was written, a confidential read, with no value in it."""
    events = _new_events(db, since)
    assert [e.action for e in events] == [str(AuditAction.CONFIDENTIAL_READ)]
    event = events[0]
    assert CANARY not in json.dumps(event.changes)
    return event


def _read(db: Session, request: Callable[[], int]) -> AuditEvent:
    since = chain.head(db)[0]
    assert request() == 200
    return _one_read(db, since)


def test_family_whereabouts(client: TestClient, db: Session, world: World) -> None:
    def request() -> int:
        answer = client.get(f"/api/people/{world.person_id}/family", headers=world.worker)
        assert CANARY in answer.text  # the case worker sees where the mother is
        return answer.status_code

    event = _read(db, request)
    assert (event.subject_type, str(event.subject_id)) == ("person", world.person_id)
    assert event.changes["fields"] == ["family_members.whereabouts"]
    assert event.changes["classes"] == ["highly_confidential"]
    assert event.changes["via"] == "GET /api/people/{person_id}/family"
    assert event.organisation_id == world.org_id


def test_search_results_carrying_service_numbers(
    client: TestClient, db: Session, world: World
) -> None:
    def request() -> int:
        answer = client.post("/api/people/search", json={"q": "Htoo"}, headers=world.registrar)
        assert answer.text.count(CANARY.rstrip("-")) == 2
        return answer.status_code

    event = _read(db, request)
    assert event.subject_id is None  # two people: both listed
    assert sorted(event.changes["subjects"]["person"]) == sorted([world.person_id, world.second_id])
    assert event.changes["fields"] == ["persons.service_number"]


def test_possible_duplicates(client: TestClient, db: Session, world: World) -> None:
    def request() -> int:
        answer = client.post(
            "/api/people/possible-duplicates",
            json={"name_latin": "Saw Ler Htoo"},
            headers=world.registrar,
        )
        assert CANARY.rstrip("-") in answer.text
        return answer.status_code

    event = _read(db, request)
    assert world.person_id in json.dumps(event.changes["subjects"])
    assert "persons.service_number" in event.changes["fields"]


def test_the_agreements_nominal_roll(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    team = agreements.team(db, fast_settings)
    agreement = agreements.executing(db, team)
    negotiator = db.get(User, team.negotiator.user_id)
    assert negotiator is not None
    token = f.bearer(f.api_token(db, user=negotiator))

    def request() -> int:
        answer = client.get(f"/api/agreements/{agreement.id}/roll", headers=token)
        assert "Soldier 0001" in answer.text
        return answer.status_code

    event = _read(db, request)
    assert (event.subject_type, event.subject_id) == ("agreement", agreement.id)
    assert "agreement_roll_entries.name_latin" in event.changes["fields"]
    assert "Soldier" not in json.dumps(event.changes)


def test_the_case_summary(
    client: TestClient, db: Session, world: World, fast_settings: Settings
) -> None:
    org = db.get(Organisation, world.org_id)
    assert org is not None
    admin = f.user(db, organisation=org, settings=fast_settings)
    text = client.post(
        "/api/consent-texts",
        json={"language": "en", "text": "Serve, go home, or exile: the choice is yours alone."},
        headers=f.bearer(f.api_token(db, user=admin)),
    )
    assert text.status_code == 201, text.text
    chosen = client.post(
        f"/api/people/{world.person_id}/pathway-choices",
        json={
            "pathway": "home", "language": "en", "consent_text_id": text.json()["id"],
            "explained": True, **SAFEGUARDS,
        },
        headers=world.worker,
    )  # fmt: skip
    assert chosen.status_code == 201, chosen.text
    case_id = chosen.json()["case_id"]
    planned = client.post(
        f"/api/cases/{case_id}/home",
        json={"township": "Loikaw", "village": _canary("village"), "support": ["livelihood"]},
        headers=world.worker,
    )
    assert planned.status_code == 200, planned.text
    f.login(client, username="reads.worker")

    def request() -> int:
        page = client.get(f"/cases/{case_id}")
        assert CANARY in page.text
        return page.status_code

    event = _read(db, request)
    assert (event.subject_type, str(event.subject_id)) == ("person", world.person_id)
    assert "pathway_home_plans.village" in event.changes["fields"] or any(
        name.endswith(".village") for name in event.changes["fields"]
    )
    assert event.changes["via"] == "GET /cases/{case_id}"


def test_the_matching_review(
    client: TestClient, db: Session, world: World, fast_settings: Settings
) -> None:
    one = db.get(Person, uuid.UUID(world.person_id))
    two = db.get(Person, uuid.UUID(world.second_id))
    assert one is not None
    assert two is not None
    candidate = matching.Candidate(two.id, world.org_id, 5.0, 0.97, ("same name",))
    [review] = matching.queue_for_review(db, Actor.system(), one, [candidate], source="batch")
    f.login(client, username="reads.registrar")

    def request() -> int:
        page = client.get(f"/matching/review/{review.id}")
        assert "Lay Htoo" in page.text
        return page.status_code

    event = _read(db, request)
    assert sorted(event.changes["subjects"]["person"]) == sorted([world.person_id, world.second_id])
    assert event.changes["fields"] == ["persons.identity"]


def test_a_person_page_read_is_one_event_not_two(
    client: TestClient, db: Session, world: World
) -> None:
    """`person.viewed` already names the subject: the fields it shows add no second event."""
    since = chain.head(db)[0]
    answer = client.get(f"/api/people/{world.person_id}", headers=world.registrar)
    assert answer.status_code == 200
    events = _new_events(db, since)
    assert [e.action for e in events] == [str(AuditAction.PERSON_VIEWED)]


def test_nothing_confidential_shown_writes_nothing(
    client: TestClient, db: Session, world: World, fast_settings: Settings
) -> None:
    """A role that may not read service numbers gets them masked: nothing to audit."""
    org = db.get(Organisation, world.org_id)
    assert org is not None
    officer = f.user(db, organisation=org, role=Role.VETTING_OFFICER, settings=fast_settings)
    token = f.bearer(f.api_token(db, user=officer))
    since = chain.head(db)[0]
    answer = client.get(f"/api/people/{world.person_id}/family", headers=token)
    assert answer.status_code == 200
    assert CANARY not in answer.text
    assert _new_events(db, since) == []
