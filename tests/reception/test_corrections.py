"""A reception corrected after the fact, weapons added later, the minimum reception, and a
child's handover to child protection: through the real app (JSON API and pages)."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.models import User
from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.forces.public import ensure_reference_data, list_ranks
from haven.kernel.sensitivity import bind_actor
from haven.matching.models import MatchProfile
from haven.pathways.models import CaseTask
from haven.people.models import Person
from haven.reception.models import ReceptionCorrection, ReceptionEvent, WeaponItem
from haven.security.permissions import Actor
from tests import factories as f
from tests.conftest import LAPTOP

SYSTEM = Actor.system()
# Form handling, where the engine adds nothing: the laptop's only (test-time budget).
LAPTOP_ONLY = pytest.mark.parametrize("engine", LAPTOP, indirect=True)


def _desk(client: TestClient, db: Session, fast_settings: Settings) -> tuple[User, str]:
    """A registrar logged in (pages) with an API token."""
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    user = f.registrar(db, organisation=org, site=site, settings=fast_settings, username="desk.c")
    f.login(client, username="desk.c")
    return user, f.api_token(db, user=user)


def _received(client: TestClient, token: str, **fields: object) -> dict[str, object]:
    body = {"name_latin": "Zaw Min", "classification": "defector", **fields}
    response = client.post("/api/receptions", json=body, headers=f.bearer(token))
    assert response.status_code == 201, response.text
    reception: dict[str, object] = response.json()
    return reception


def _ranks(db: Session) -> list[uuid.UUID]:
    army = ensure_reference_data(db)
    return [rank.id for rank in list_ranks(db, SYSTEM, army.id)]


def test_a_correction_changes_rank_unit_and_name_and_keeps_the_history(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    user, token = _desk(client, db, fast_settings)
    ranks = _ranks(db)
    reception = _received(client, token, origin_unit="LIB 531", rank_id=str(ranks[0]))
    rid, person_id = reception["id"], reception["person_id"]

    refused = client.post(
        f"/api/receptions/{rid}/corrections", json={"position": "Cook"}, headers=f.bearer(token)
    )
    assert refused.status_code == 422
    assert "reason" in refused.json()["fields"]

    response = client.post(
        f"/api/receptions/{rid}/corrections",
        json={
            "reason": "Misheard at the desk",
            "rank_id": str(ranks[1]),
            "origin_unit": "LIB 532",
            "name_latin": "Zaw Min Htet",
        },
        headers=f.bearer(token),
    )
    assert response.status_code == 201, response.text
    changes = response.json()["changes"]
    assert changes["rank_id"] == {"before": str(ranks[0]), "after": str(ranks[1])}
    assert changes["origin_unit"] == {"before": "LIB 531", "after": "LIB 532"}
    assert changes["name_latin"] == {"before": "Zaw Min", "after": "Zaw Min Htet"}

    db.expire_all()
    event = db.get(ReceptionEvent, uuid.UUID(str(rid)))
    assert event is not None
    assert event.rank_id == ranks[1]
    assert event.origin_unit_text == "LIB 532"
    # Derived values follow through the events: matching's profile has the new unit.
    profile = db.get(MatchProfile, uuid.UUID(str(person_id)))
    assert profile is not None
    assert profile.unit is not None
    assert "532" in profile.unit
    stored = db.scalars(select(ReceptionCorrection)).one()
    assert stored.reason_ct is not None
    assert b"Misheard" not in stored.reason_ct
    actions = set(db.scalars(select(AuditEvent.action)).all())
    assert {"reception.corrected", "person.updated"} <= actions

    again = client.post(
        f"/api/receptions/{rid}/corrections",
        json={"reason": "No change", "origin_unit": "LIB 532"},
        headers=f.bearer(token),
    )
    assert again.status_code == 422  # nothing changed: no empty history row

    page = client.get(f"/people/{person_id}").text
    history = page.split('id="corrections-table"')[1].split("</table>")[0]
    assert "Misheard at the desk" in history
    assert "LIB 531" in history
    assert "LIB 532" in history
    assert user.display_name in history
    listed = client.get(f"/api/receptions/{rid}/corrections", headers=f.bearer(token)).json()
    assert [c["reason"] for c in listed] == ["Misheard at the desk"]


@LAPTOP_ONLY
def test_the_correction_page_changes_only_what_differs_and_shows_errors(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    _user, token = _desk(client, db, fast_settings)
    reception = _received(client, token, origin_unit="LIB 531", position="Signaller")
    url = f"/receptions/{reception['id']}/correct"
    form = client.get(url).text
    assert 'value="Signaller"' in form
    assert 'id="field-reason"' in form
    csrf = f.csrf_from(client, url)
    fields = {
        "csrf_token": csrf,
        "name_latin": "Zaw Min",
        "received_on": reception["received_on"],
        "origin_unit": "LIB 531",
        "position": "Radio operator",
        "reason": "",
    }
    missing = client.post(url, data=fields)
    assert missing.status_code == 422
    assert 'href="#field-reason"' in missing.text
    assert 'value="Radio operator"' in missing.text
    done = client.post(url, data=fields | {"reason": "Card shows it"}, follow_redirects=False)
    assert done.status_code == 303, done.text
    stored = db.scalars(select(ReceptionCorrection)).one()
    assert stored.fields == "position"  # the name, date and unit were sent unchanged


@LAPTOP_ONLY
def test_weapons_are_added_later_several_with_quantities_and_a_serial_needs_a_kind(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    _user, token = _desk(client, db, fast_settings)
    # The reception form takes several weapons, each with a quantity.
    csrf = f.csrf_from(client, "/reception/new")
    received = client.post(
        "/reception/new",
        data={
            "csrf_token": csrf,
            "name_latin": "Kyaw Lin",
            "classification": "defector",
            "weapon_kind": "rifle",
            "weapon_serial_number": "MA1-1",
            "weapon_kind_2": "ammunition",
            "weapon_quantity_2": "120",
        },
        follow_redirects=False,
    )
    assert received.status_code == 303, received.text
    items = db.scalars(select(WeaponItem).order_by(WeaponItem.kind)).all()
    assert [(w.kind, w.quantity) for w in items] == [("ammunition", 120), ("rifle", 1)]

    # A serial number typed without a kind is an error on that row's kind, never dropped.
    csrf = f.csrf_from(client, "/reception/new")
    refused = client.post(
        "/reception/new",
        data={
            "csrf_token": csrf,
            "name_latin": "Min Min",
            "classification": "defector",
            "weapon_serial_number_2": "BA-77",
        },
    )
    assert refused.status_code == 422
    assert 'href="#field-weapon_kind_2"' in refused.text
    assert 'value="BA-77"' in refused.text
    api = client.post(
        "/api/receptions",
        json={
            "name_latin": "Min Min",
            "classification": "defector",
            "weapons": [{"serial_number": "BA-77"}],
        },
        headers=f.bearer(token),
    )
    assert api.status_code == 422
    assert "weapons.0.kind" in api.json()["fields"]

    # The page to add weapons after the reception.
    event = db.scalars(select(ReceptionEvent)).one()
    url = f"/receptions/{event.id}/weapons"
    assert "MA1-1" in client.get(url).text  # what is already recorded
    csrf = f.csrf_from(client, url)
    bad = client.post(url, data={"csrf_token": csrf, "weapon_serial_number": "X-1"})
    assert bad.status_code == 422
    assert 'href="#field-weapon_kind"' in bad.text
    added = client.post(
        url,
        data={
            "csrf_token": csrf,
            "weapon_kind": "pistol",
            "weapon_kind_3": "radio",
            "weapon_quantity_3": "2",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    assert len(db.scalars(select(WeaponItem)).all()) == 4


@LAPTOP_ONLY
def test_the_registrars_minimum_reception_is_two_fields_and_one_click(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    """A name and how they came; the date and the reception point default (the registrar's
    site, today in the programme's zone); everything else is optional."""
    _desk(client, db, fast_settings)
    csrf = f.csrf_from(client, "/reception/new")
    response = client.post(
        "/reception/new",
        data={"csrf_token": csrf, "name_latin": "Hla Min", "classification": "disengaged"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert db.scalars(select(Person)).one().name_latin == "Hla Min"


def test_a_child_is_listed_by_name_and_the_handover_is_recorded(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    user, token = _desk(client, db, fast_settings)
    reception = _received(client, token, name_latin="Mg Pyae", classification="child")
    rid, person_id = reception["id"], reception["person_id"]
    dashboard = client.get("/").text.split('id="children-handover"')[1].split("</article>")[0]
    assert "Pyae (P-" in dashboard
    assert "UTC" not in dashboard

    # No military question on the child's correction page; none accepted.
    page = client.get(f"/receptions/{rid}/correct").text
    assert 'id="field-origin_unit"' not in page
    assert 'id="no-military-questions"' in page
    military = client.post(
        f"/api/receptions/{rid}/corrections",
        json={"reason": "x", "position": "Runner"},
        headers=f.bearer(token),
    )
    assert military.status_code == 422

    url = f"/receptions/{rid}/handover"
    assert "+06:30" in client.get(url).text  # the deadline in the programme's zone
    csrf = f.csrf_from(client, url)
    missing = client.post(url, data={"csrf_token": csrf, "handed_over_to": "social_welfare"})
    assert missing.status_code == 422
    assert 'href="#field-receiver"' in missing.text
    done = client.post(
        url,
        data={"csrf_token": csrf, "handed_over_to": "social_welfare", "receiver": "Hpruso office"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert 'id="children-handover"' not in client.get("/").text  # the alert is cleared
    person_page = client.get(f"/people/{person_id}").text
    assert 'id="handover-recorded"' in person_page
    assert "Hpruso office" in person_page
    db.expire_all()
    bind_actor(db, actor_for(user))
    task = db.scalars(select(CaseTask).where(CaseTask.kind == "child_protection")).one()
    assert task.status == "done"  # the case's 48-hour task closes with it
    assert "reception.child_handed_over" in set(db.scalars(select(AuditEvent.action)).all())
    twice = client.post(
        f"/api/receptions/{rid}/handover",
        json={"handed_over_to": "ngo", "receiver": "Another"},
        headers=f.bearer(token),
    )
    assert twice.status_code == 409
