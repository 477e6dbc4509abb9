"""The POW officer registers a captured person nobody received (reception and record in one
transaction), finds a waiting person by a search instead of a dropdown, and reads ranks in
Burmese (issue 20, findings 7 and 8)."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.errors import PermissionDenied
from haven.forces import repository as forces_repository
from haven.forces import service as forces
from haven.kernel.sensitivity import bind_actor
from haven.people.models import Person
from haven.pow import service
from haven.pow.models import PowRecord
from haven.pow.schemas import PowCapture
from haven.reception import service as reception
from haven.reception.models import ReceptionEvent
from haven.reception.schemas import ReceptionCreate
from haven.security.permissions import Role
from haven.web import notices
from tests import factories as f
from tests.pow.conftest import Setting, captured, place

SERGEANT_MY = "တပ်ကြပ်ကြီး"


def _officer(client: TestClient, db: Session, fast_settings: Settings, setting: Setting) -> None:
    f.user(
        db,
        organisation=setting.organisation,
        role=Role.POW_OFFICER,
        username="pow.capture",
        settings=fast_settings,
    )
    f.login(client, username="pow.capture")


def _sergeant(db: Session) -> str:
    army = forces.ensure_reference_data(db)
    rank = next(r for r in forces_repository.ranks_of(db, army.id) if r.name_en == "Sergeant")
    return str(rank.id)


def test_the_officer_registers_a_captured_person_in_one_step(
    client: TestClient, db: Session, fast_settings: Settings, setting: Setting
) -> None:
    _officer(client, db, fast_settings, setting)
    camp = place(db, setting, "Camp Capture")
    token = f.csrf_from(client, "/pow/register")
    response = client.post(
        "/pow/register/new",
        data={
            "csrf_token": token,
            "name_latin": "Kyaw Zin Oo",
            "taken_as": "captured",
            "captured_on": "2026-11-02",
            "captured_place": "Near Hpruso bridge",
            "rank_id": _sergeant(db),
            "origin_unit": "LIB 428",
            "service_number": "BA-778899",
            "site_id": str(setting.site.id),
            "place_id": str(camp.id),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.cookies.get(notices.COOKIE)
    record = db.scalars(select(PowRecord).where(PowRecord.captured_place.is_not(None))).one()
    assert response.headers["location"] == f"/pow/records/{record.id}"
    event = db.scalars(select(ReceptionEvent).where(ReceptionEvent.id == record.reception_id)).one()
    assert (event.classification, event.origin_unit_text) == ("captured", "LIB 428")
    assert record.rank == "Sergeant"
    assert record.first_names == "Kyaw Zin Oo"
    assert record.service_number == "BA-778899"
    assert record.place_id == camp.id
    actions = set(
        db.scalars(
            select(AuditEvent.action).where(
                AuditEvent.subject_id.in_([record.id, record.person_id])
            )
        )
    )
    assert {"person.received", "pow.registered"} <= actions
    page = client.get(response.headers["location"])
    assert "Registered. A capture card is now due." in page.text
    assert "Near Hpruso bridge" in page.text


def test_a_refused_capture_names_every_field_and_writes_nothing(
    client: TestClient, db: Session, fast_settings: Settings, setting: Setting
) -> None:
    _officer(client, db, fast_settings, setting)
    persons = len(db.scalars(select(Person.id)).all())
    token = f.csrf_from(client, "/pow/register")
    response = client.post(
        "/pow/register/new",
        data={
            "csrf_token": token,
            "captured_on": "2026-11-02",
            "arrived_on": "2026-11-01",
            "site_id": str(setting.site.id),
            "service_number": "BA-1",
        },
    )
    assert response.status_code == 422
    assert 'href="#field-name_latin"' in response.text
    assert 'href="#field-arrived_on"' in response.text
    assert 'value="BA-1"' in response.text  # what was typed stays
    child = client.post(
        "/pow/register/new",
        data={
            "csrf_token": token,
            "name_latin": "Young Captive",
            "captured_on": "2026-11-02",
            "birth_year": "2015",
            "site_id": str(setting.site.id),
        },
    )
    assert child.status_code == 422
    assert 'href="#field-birth_year"' in child.text
    assert len(db.scalars(select(Person.id)).all()) == persons
    assert db.scalars(select(PowRecord)).all() == []


def test_only_the_officer_registers_and_only_prisoners(db: Session, setting: Setting) -> None:
    """The officer receives only a captured or surrendered person; a registrar (who
    receives anyone) opens no prisoner's record (the API's matrix row checks every role)."""
    bind_actor(db, setting.officer)
    defector = ReceptionCreate(
        name_latin="Not A Prisoner", classification="defector", site_id=setting.site.id
    )
    with pytest.raises(PermissionDenied):
        reception.receive(db, setting.officer, defector)
    bind_actor(db, setting.registrar)
    capture = PowCapture(name_latin="Kept Out", captured_on=date(2026, 11, 2))
    with pytest.raises(PermissionDenied):
        service.register_captured(db, setting.registrar, capture)


def test_a_waiting_person_is_found_by_a_search_registered_and_read_in_burmese(
    client: TestClient, db: Session, fast_settings: Settings, setting: Setting
) -> None:
    wanted = captured(db, setting, name="Thet Naing Soe")
    captured(db, setting, name="Aung Myo Min")
    _officer(client, db, fast_settings, setting)
    page = client.get("/pow/register")
    assert "<select" not in page.text.split('id="capture-form"')[0]  # no dropdown of people
    token = f.csrf_from(client, "/pow/register")
    found = client.post("/pow/register/find", data={"csrf_token": token, "q": "Thet Naing"})
    assert found.status_code == 200
    assert "Thet Naing Soe" in found.text
    assert "Aung Myo Min" not in found.text
    none = client.post("/pow/register/find", data={"csrf_token": token, "q": "Nobody Here"})
    assert "Thet Naing Soe" not in none.text
    chosen = client.get(f"/pow/register?person_id={wanted.person_id}")
    assert 'id="chosen-person"' in chosen.text
    assert "Thet Naing Soe" in chosen.text
    response = client.post(
        "/pow/register",
        data={
            "csrf_token": token,
            "person_id": str(wanted.person_id),
            "captured_on": "2026-11-01",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert "Thet Naing Soe" not in client.get("/pow/register").text

    # Ranks in the reader's language (finding 8): the board and the record.
    record = db.scalars(select(PowRecord).where(PowRecord.person_id == wanted.person_id)).one()
    assert "Sergeant" in client.get("/pow").text
    client.post("/language", data={"language": "my", "next": "/", "csrf_token": token})
    board = client.get("/pow").text
    page = client.get(f"/pow/records/{record.id}").text
    assert SERGEANT_MY in board
    assert "Sergeant" not in board
    assert SERGEANT_MY in page
    assert "Sergeant" not in page
