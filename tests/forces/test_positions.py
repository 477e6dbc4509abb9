"""Positions are data (issue 17, point 3): each force's appointments with English and Burmese
names, seeded for the Myanmar military and every receiving force, and position equivalence
into a receiving force with effective dates, like ranks."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.config import Settings
from haven.errors import Conflict, PermissionDenied, ValidationFailed
from haven.forces import repository, service
from haven.forces.models import Position
from haven.forces.reference import MYANMAR_ARMY_POSITIONS, RECEIVING_FORCE_POSITIONS
from haven.security.permissions import Actor, Role
from haven.text import has_myanmar
from tests import factories as f

SYSTEM = Actor.system()


def _by_code(db: Session, force_id: uuid.UUID) -> dict[str | None, Position]:
    return {p.code: p for p in repository.positions_of(db, force_id)}


def test_the_myanmar_military_and_every_receiving_force_have_their_appointments(
    db: Session,
) -> None:
    army = service.ensure_reference_data(db)
    positions = repository.positions_of(db, army.id)
    assert {p.code for p in positions} == {row[0] for row in MYANMAR_ARMY_POSITIONS}
    commander = next(p for p in positions if p.code == "battalion_commander")
    assert (commander.name_en, commander.name_my) == ("Battalion commander", "တပ်ရင်းမှူး")
    cook = next(p for p in positions if p.code == "cook")
    assert cook.grade > commander.grade  # grade 1 is the most senior
    assert all(p.name_my and has_myanmar(p.name_my) for p in positions)
    assert not any(p.verified for p in positions)  # no Burmese name checked yet: editable

    # A receiving force gets the standard appointments when it is created …
    receiving = service.create_force(db, SYSTEM, name="Receiving (positions)", kind="receiving")
    assert set(_by_code(db, receiving.id)) == {row[0] for row in RECEIVING_FORCE_POSITIONS}
    # … a militia does not, and seeding again adds nothing twice.
    militia = service.create_force(db, SYSTEM, name="Militia (positions)", kind="militia")
    assert repository.positions_of(db, militia.id) == []
    before = len(repository.positions_of(db, receiving.id))
    service.ensure_reference_data(db)
    assert len(repository.positions_of(db, receiving.id)) == before
    assert len(repository.positions_of(db, army.id)) == len(MYANMAR_ARMY_POSITIONS)


def test_a_receiving_force_made_before_positions_existed_gets_them_on_upgrade(
    db: Session,
) -> None:
    receiving = service.create_force(db, SYSTEM, name="Older receiving force", kind="receiving")
    for position in repository.positions_of(db, receiving.id):
        db.delete(position)
    db.flush()
    assert repository.positions_of(db, receiving.id) == []
    service.ensure_reference_data(db)
    assert "battalion_commander" in _by_code(db, receiving.id)


def test_position_equivalence_is_a_lookup_with_effective_dates(db: Session) -> None:
    army = service.ensure_reference_data(db)
    commander = _by_code(db, army.id)["battalion_commander"]
    receiving = service.create_force(db, SYSTEM, name="Receiving (equiv)", kind="receiving")
    theirs = _by_code(db, receiving.id)
    old, new = theirs["deputy_battalion_commander"], theirs["battalion_commander"]
    service.add_position_equivalence(
        db,
        SYSTEM,
        receiving_force_id=receiving.id,
        source_position_id=commander.id,
        target_position_id=old.id,
        effective_from=date(2024, 1, 1),
        effective_to=date(2026, 1, 1),
    )
    service.add_position_equivalence(
        db,
        SYSTEM,
        receiving_force_id=receiving.id,
        source_position_id=commander.id,
        target_position_id=new.id,
        effective_from=date(2026, 1, 1),
    )

    def lookup(on: date) -> str | None:
        found = service.equivalent_position(
            db,
            SYSTEM,
            source_position_id=commander.id,
            receiving_force_id=receiving.id,
            on=on,
        )
        return found.code if found else None

    assert lookup(date(2023, 12, 31)) is None
    assert lookup(date(2025, 12, 31)) == "deputy_battalion_commander"
    assert lookup(date(2026, 1, 1)) == "battalion_commander"
    with pytest.raises(Conflict):
        service.add_position_equivalence(
            db,
            SYSTEM,
            receiving_force_id=receiving.id,
            source_position_id=commander.id,
            target_position_id=old.id,
            effective_from=date(2025, 6, 1),
            effective_to=date(2025, 7, 1),
        )
    # The target must be the receiving force's, the source another force's.
    with pytest.raises(ValidationFailed):
        service.add_position_equivalence(
            db,
            SYSTEM,
            receiving_force_id=receiving.id,
            source_position_id=commander.id,
            target_position_id=_by_code(db, army.id)["cook"].id,
            effective_from=date(2020, 1, 1),
        )
    with pytest.raises(ValidationFailed):
        service.add_position_equivalence(
            db,
            SYSTEM,
            receiving_force_id=receiving.id,
            source_position_id=old.id,
            target_position_id=new.id,
            effective_from=date(2020, 1, 1),
        )


def test_a_written_position_resolves_only_when_it_names_one_exactly(db: Session) -> None:
    army = service.ensure_reference_data(db)
    commander = _by_code(db, army.id)["battalion_commander"]
    assert service.resolve_position(db, army.id, "battalion  Commander ") == commander
    assert service.resolve_position(db, army.id, "တပ်ရင်းမှူး") == commander
    assert service.resolve_position(db, army.id, "the boss of the battalion") is None
    assert service.resolve_position(db, army.id, None) is None


def test_only_administrators_change_positions(db: Session) -> None:
    org = f.organisation(db)
    worker = actor_for(f.user(db, organisation=org, role=Role.CASE_WORKER))
    army = service.ensure_reference_data(db)
    with pytest.raises(PermissionDenied):
        service.add_position(db, worker, force_id=army.id, grade=9, name_en="Armourer")
    added = service.add_position(db, SYSTEM, force_id=army.id, grade=9, name_en="Armourer")
    assert added.code is None
    assert not added.verified
    with pytest.raises(Conflict):
        service.add_position(db, SYSTEM, force_id=army.id, grade=9, name_en="armourer")
    service.update_position(db, SYSTEM, added.id, name_my="လက်နက်ပြုပြင်သူ", verified=True)
    assert added.verified


def test_the_positions_api_lists_both_languages_and_checks_roles(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    admin = f.bearer(f.api_token(db, user=f.user(db, organisation=org, settings=fast_settings)))
    worker = f.bearer(
        f.api_token(
            db,
            user=f.user(db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings),
        )
    )
    army = service.ensure_reference_data(db)
    receiving = service.create_force(db, SYSTEM, name="Receiving (API)", kind="receiving")

    listed = client.get(f"/api/forces/{army.id}/positions", headers=worker)
    assert listed.status_code == 200
    rows = {row["code"]: row for row in listed.json()}
    assert rows["battalion_commander"]["name_en"] == "Battalion commander"
    assert rows["battalion_commander"]["name_my"] == "တပ်ရင်းမှူး"
    assert all(has_myanmar(row["name_my"]) for row in rows.values())
    assert [row["grade"] for row in listed.json()] == sorted(row["grade"] for row in rows.values())

    body = {"grade": 9, "name_en": "Armourer", "name_my": "လက်နက်ပြုပြင်သူ"}
    assert (
        client.post(f"/api/forces/{army.id}/positions", json=body, headers=worker).status_code
        == 403
    )
    added = client.post(f"/api/forces/{army.id}/positions", json=body, headers=admin)
    assert added.status_code == 201, added.text
    again = client.post(f"/api/forces/{army.id}/positions", json=body, headers=admin)
    assert again.status_code == 409

    theirs = {
        row["code"]: row["id"]
        for row in client.get(f"/api/forces/{receiving.id}/positions", headers=worker).json()
    }
    equivalence = {
        "receiving_force_id": str(receiving.id),
        "source_position_id": rows["company_commander"]["id"],
        "target_position_id": theirs["company_commander"],
        "effective_from": "2025-01-01",
    }
    assert (
        client.post("/api/position-equivalences", json=equivalence, headers=worker).status_code
        == 403
    )
    assert (
        client.post("/api/position-equivalences", json=equivalence, headers=admin).status_code
        == 201
    )
    lookup = {
        "source_position_id": rows["company_commander"]["id"],
        "receiving_force_id": str(receiving.id),
    }
    found = client.get(
        "/api/position-equivalences/lookup", params={**lookup, "on": "2025-06-01"}, headers=worker
    )
    assert found.status_code == 200
    assert found.json()["id"] == theirs["company_commander"]
    before = client.get(
        "/api/position-equivalences/lookup", params={**lookup, "on": "2024-12-31"}, headers=worker
    )
    assert before.status_code == 404


def test_the_force_page_lists_positions_and_adds_an_equivalence(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    f.user(db, organisation=f.organisation(db), username="pos.admin", settings=fast_settings)
    army = service.ensure_reference_data(db)
    receiving = service.create_force(db, SYSTEM, name="Receiving (page)", kind="receiving")
    mine, theirs = _by_code(db, army.id), _by_code(db, receiving.id)
    f.login(client, username="pos.admin")
    page = client.get(f"/forces/{army.id}")
    assert page.status_code == 200
    assert "Battalion commander" in page.text
    assert "တပ်ရင်းမှူး" in page.text
    token = f.csrf_from(client, f"/forces/{army.id}")
    response = client.post(
        f"/forces/{army.id}/position-equivalences",
        data={
            "csrf_token": token,
            "receiving_force_id": str(receiving.id),
            "source_position_id": str(mine["platoon_leader"].id),
            "target_position_id": str(theirs["platoon_leader"].id),
            "effective_from": "2026-01-01",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert 'id="position-equivalences-table"' in client.get(f"/forces/{army.id}").text
    response = client.post(
        f"/forces/{army.id}/positions",
        data={"csrf_token": token, "grade": "9", "name_en": "Armourer", "name_my": "လက်နက်ပြုပြင်သူ"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert any(p.name_en == "Armourer" for p in repository.positions_of(db, army.id))
