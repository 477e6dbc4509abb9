"""The standing through the JSON API (issue 17, points 1 and 7): a person referred for
accountability who chooses serve is refused (409, in English and Burmese) while going home
and exile still work; a child is never put through war-crimes vetting nor held by it; the
standing endpoints say why and what remains open."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.i18n import Text, render
from haven.security.permissions import Actor, Role
from haven.standing.public import StandingState
from haven.standing.rules import REFUSED_PRISONER, REFUSED_REFERRED
from haven.text import has_myanmar
from haven.vetting.lifecycle import Outcome
from haven.vetting.models import VettingCase
from tests import factories as f
from tests.pathways.support import SAFEGUARDS
from tests.pow.conftest import complete_check
from tests.vetting.support import clear_person

SYSTEM = Actor.system()
THIS_YEAR = datetime.now(UTC).year


@dataclass
class World:
    worker: dict[str, str]
    admin: dict[str, str]
    registrar: dict[str, str]
    stranger: dict[str, str]
    officer: dict[str, str]
    text: str


@pytest.fixture
def world(client: TestClient, db: Session, fast_settings: Settings) -> World:
    org = f.organisation(db, name="Council (standing)")
    site = f.site(db, organisation=org)
    stranger = f.organisation(db, name="Stranger (standing)")

    def token(organisation: object, role: Role, site_: object = None) -> dict[str, str]:
        user = f.user(
            db,
            organisation=organisation,  # type: ignore[arg-type]
            role=role,
            site=site_,  # type: ignore[arg-type]
            settings=fast_settings,
        )
        return f.bearer(f.api_token(db, user=user))

    admin = token(org, Role.ADMINISTRATOR)
    body = {"language": "en", "text": "Serve, go home, or exile: the choice is yours alone."}
    text = client.post("/api/consent-texts", json=body, headers=admin)
    assert text.status_code == 201, text.text
    return World(
        worker=token(org, Role.CASE_WORKER),
        admin=admin,
        registrar=token(org, Role.REGISTRAR, site),
        stranger=token(stranger, Role.CASE_WORKER),
        officer=token(org, Role.POW_OFFICER),
        text=str(text.json()["id"]),
    )


def _receive(client: TestClient, w: World, **fields: object) -> str:
    body = {"name_latin": "Saw Ler Htoo", "classification": "defector", **fields}
    response = client.post("/api/receptions", json=body, headers=w.registrar)
    assert response.status_code == 201, response.text
    return str(response.json()["person_id"])


def _choice(
    client: TestClient, w: World, person: str, pathway: str, language: str = "en", **extra: object
) -> tuple[int, dict[str, object]]:
    body = {
        "pathway": pathway,
        "language": "en",
        "consent_text_id": w.text,
        "explained": True,
        **SAFEGUARDS,
    }
    response = client.post(
        f"/api/people/{person}/pathway-choices",
        json={**body, **extra},
        headers={**w.worker, "Accept-Language": language},
    )
    return response.status_code, dict(response.json())


def test_a_referred_person_may_not_choose_serve_but_may_go_home_or_into_exile(
    client: TestClient, world: World, db: Session
) -> None:
    w = world
    person = _receive(client, w, name_latin="Kyaw Thura", birth_year=1985)
    clear_person(db, uuid.UUID(person), outcome=Outcome.REFERRED)
    label = Text(StandingState.REFERRED.label)
    for language in ("en", "my"):
        status, body = _choice(client, w, person, "serve", language)
        assert status == 409, body
        assert body["error"] == "standing_refuses"
        expected = render(Text(REFUSED_REFERRED, {"standing": label}), language)
        assert body["detail"] == expected
        if language == "en":
            assert "“Referred for accountability”" in expected
            assert "exile" in expected
        else:
            assert has_myanmar(str(body["detail"])), body["detail"]
    # Nothing was recorded: no case was opened by the refused choice.
    assert client.get("/api/cases", headers=w.worker).json() == []
    # The paths that remain open still work, and the choice may change between them.
    status, home = _choice(client, w, person, "home")
    assert status == 201, home
    status, exile = _choice(client, w, person, "exile", change_reason="Not safe at home.")
    assert status == 201, exile
    # Once home or exile is chosen, serve is still refused as a change.
    status, body = _choice(client, w, person, "serve", change_reason="Wants to serve.")
    assert status == 409
    assert body["error"] == "standing_refuses"
    standing = client.get(f"/api/cases/{exile['case_id']}/standing", headers=w.worker).json()
    assert standing["state"] == "referred"
    assert standing["label"] == "Referred for accountability"
    assert (standing["may_serve"], standing["may_go_home"], standing["may_go_into_exile"]) == (
        False,
        True,
        True,
    )
    assert standing["home_under_conditions"]
    assert standing["custody_and_justice_referral"]
    assert standing["open_paths"] == ["home", "exile", "custody_and_justice"]
    assert [r["path"] for r in standing["refused"]] == ["serve"]
    assert standing["excluded"] is True


def test_a_cleared_person_may_still_choose_serve(
    client: TestClient, world: World, db: Session
) -> None:
    w = world
    person = _receive(client, w, name_latin="Min Khant", birth_year=1990)
    status, body = _choice(client, w, person, "serve")  # vetting pending: open
    assert status == 201, body
    clear_person(db, uuid.UUID(person))
    standing = client.get(f"/api/people/{person}/standing", headers=w.worker).json()
    assert standing["state"] == "cleared"
    assert standing["may_serve"]
    assert not standing["support_held"]
    assert standing["open_paths"] == ["serve", "home", "exile"]


def test_a_child_is_screened_for_protection_not_held_for_vetting(
    client: TestClient, world: World, db: Session
) -> None:
    w = world
    child = _receive(client, w, name_latin="Saw Eh Doh", classification="child")
    by_year = _receive(
        client, w, name_latin="Naw Say", classification="child", birth_year=THIS_YEAR - 16
    )
    adult = _receive(client, w, name_latin="Saw Eh Doh", birth_year=1990)

    def vetting_cases(person: str) -> int:
        found = db.scalar(
            select(func.count())
            .select_from(VettingCase)
            .where(VettingCase.person_id == uuid.UUID(person))
        )
        return int(found or 0)

    for person in (child, by_year):
        assert vetting_cases(person) == 0
        standing = client.get(f"/api/people/{person}/standing", headers=w.worker).json()
        assert standing["state"] == "child"
        assert standing["vetting"] is None
        assert standing["support_held"] is False
        assert standing["may_receive_cash"] is False
        assert standing["open_paths"] == ["home", "exile"]
    # The child's protection screening: a case with the child-protection task.
    cases = client.get("/api/cases", headers=w.worker).json()
    case = next(c for c in cases if c["person_id"] == child)
    tasks = client.get(f"/api/cases/{case['id']}/tasks", headers=w.worker).json()
    assert [t["kind"] for t in tasks] == ["child_protection"]
    # An adult is screened and held until cleared.
    assert vetting_cases(adult) == 1
    standing = client.get(f"/api/people/{adult}/standing", headers=w.worker).json()
    assert standing["state"] == "pending_vetting"
    assert standing["support_held"] is True


def test_the_standing_is_read_only_by_those_who_may_read_the_case(
    client: TestClient, world: World
) -> None:
    w = world
    person = _receive(client, w, name_latin="Aung Ko", birth_year=1992)
    status, choice = _choice(client, w, person, "home")
    assert status == 201
    for path in (f"/api/people/{person}/standing", f"/api/cases/{choice['case_id']}/standing"):
        assert client.get(path, headers=w.worker).status_code == 200
        assert client.get(path, headers=w.stranger).status_code == 404
        assert client.get(path, headers=w.registrar).status_code == 403


def test_an_interned_prisoner_chooses_only_what_a_completed_check_recorded(
    client: TestClient, world: World
) -> None:
    w = world
    person = _receive(
        client, w, name_latin="Zaw Min Htet", classification="captured", birth_year=1990
    )
    made = client.post(
        "/api/pow/records",
        json={"person_id": person, "captured_on": "2026-11-01"},
        headers=w.officer,
    )
    assert made.status_code == 201, made.text
    label = Text(StandingState.PRISONER_OF_WAR.label)
    for pathway in ("serve", "home", "exile"):
        for language in ("en", "my"):
            status, body = _choice(client, w, person, pathway, language)
            assert status == 409, body
            assert body["detail"] == render(Text(REFUSED_PRISONER, {"standing": label}), language)
    standing = client.get(f"/api/people/{person}/standing", headers=w.worker).json()
    assert standing["state"] == "prisoner_of_war"
    assert standing["open_paths"] == []
    assert standing["voluntariness_completed"] is False
    # An incomplete check (no mark) opens nothing; a complete one opens the path it records.
    pow_id = made.json()["id"]
    url = f"/api/pow/records/{pow_id}/voluntariness-checks"
    incomplete = complete_check(paths=["home"], mark=None, mark_attested_by=None)
    assert client.post(url, json=incomplete, headers=w.officer).status_code == 201
    assert _choice(client, w, person, "home")[0] == 409
    checked = client.post(url, json=complete_check(paths=["home"]), headers=w.officer)
    assert checked.status_code == 201, checked.text
    standing = client.get(f"/api/people/{person}/standing", headers=w.worker).json()
    assert standing["open_paths"] == ["home"]
    assert standing["voluntariness_completed"] is True
    status, body = _choice(client, w, person, "home")
    assert status == 201, body
    status, body = _choice(client, w, person, "serve", change_reason="Changed his mind.")
    assert status == 409, body


def test_a_person_who_chose_to_serve_and_is_then_referred_serves_no_longer(
    client: TestClient, world: World, db: Session
) -> None:
    w = world
    person = _receive(client, w, name_latin="Soe Referred", birth_year=1988)
    status, chosen = _choice(client, w, person, "serve")
    assert status == 201, chosen
    case = chosen["case_id"]
    clear_person(db, uuid.UUID(person), outcome=Outcome.REFERRED)
    # The case gets one task to record what the person chooses now, in the reader's language.
    tasks = client.get(f"/api/cases/{case}/tasks", headers=w.worker).json()
    assert [t["kind"] for t in tasks] == ["serving_ended"]
    assert tasks[0]["status"] == "open"
    page = client.get(f"/api/cases/{case}/standing", headers=w.worker).json()
    assert page["may_serve"] is False
    # The serve track's next step is refused with the standing's reason.
    body = {"receiving_force_id": str(uuid.uuid4())}
    claim = client.post(f"/api/cases/{case}/serve/claim", json=body, headers=w.worker)
    assert claim.status_code == 409, claim.text
    assert claim.json()["error"] == "standing_refuses"
    # The person chooses again: going home under conditions is open.
    status, home = _choice(client, w, person, "home", change_reason="Referred; goes home.")
    assert status == 201, home
    # A person who chose home is not given the task when referred.
    other = _receive(client, w, name_latin="Thein Home", birth_year=1987)
    status, went = _choice(client, w, other, "home")
    assert status == 201, went
    clear_person(db, uuid.UUID(other), outcome=Outcome.REFERRED)
    assert client.get(f"/api/cases/{went['case_id']}/tasks", headers=w.worker).json() == []


def test_a_person_found_not_a_member_of_the_force_serves_no_longer(
    client: TestClient, world: World, db: Session
) -> None:
    w = world
    person = _receive(client, w, name_latin="Ko Civilian", birth_year=1992)
    status, chosen = _choice(client, w, person, "serve")
    assert status == 201, chosen
    clear_person(db, uuid.UUID(person), outcome=Outcome.NOT_ELIGIBLE)
    tasks = client.get(f"/api/cases/{chosen['case_id']}/tasks", headers=w.worker).json()
    assert [t["kind"] for t in tasks] == ["serving_ended"]
    assert tasks[0]["title"].startswith("Not a member of the force")
    status, home = _choice(client, w, person, "home", change_reason="Goes home as a civilian.")
    assert status == 201, home
