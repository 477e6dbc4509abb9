"""The people search and a person's page make the same number of queries whatever their row
count: the search's results (found by name or by unit, merged duplicates marked) and the
page's receptions (each with its weapons, unit and rank)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site
from haven.config import Settings
from haven.forces import public as forces
from haven.reception import public as reception
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.queries import counting

SYSTEM = Actor.system()
PERSON_LINK = re.compile(r'href="/people/([0-9a-f-]{36})"')


@dataclass
class Org:
    organisation: Organisation
    site: Site


@pytest.fixture
def org(db: Session, client: TestClient, fast_settings: Settings) -> Org:
    organisation = f.organisation(db)
    site = f.site(db, organisation=organisation)
    f.user(
        db,
        organisation=organisation,
        role=Role.CASE_WORKER,
        username="lists.worker",
        settings=fast_settings,
    )
    f.login(client, username="lists.worker")
    return Org(organisation, site)


def _receive(db: Session, org: Org, count: int, *, unit: str) -> None:
    for n in range(count):
        f.receive(
            db,
            SYSTEM,
            name_latin=f"Listed Soldier {uuid.uuid4().hex[:6]} {n}",
            site_id=str(org.site.id),
            origin_unit=unit,
        )


def _search(client: TestClient, engine: Engine, query: str) -> tuple[int, int]:
    token = f.csrf_from(client, "/people")
    with counting(engine) as seen:
        response = client.post("/people", data={"csrf_token": token, "q": query})
    assert response.status_code == 200, response.text
    return seen.count, len(set(PERSON_LINK.findall(response.text)))


@pytest.mark.parametrize("query", ["Listed Soldier", "LIB 777"])
def test_the_search_makes_constant_queries(
    client: TestClient, db: Session, engine: Engine, org: Org, query: str
) -> None:
    """By name and by unit: 3 results, then 9."""
    _receive(db, org, 3, unit="LIB 777")
    few, listed = _search(client, engine, query)
    assert listed == 3
    _receive(db, org, 6, unit="LIB 777")
    many, listed = _search(client, engine, query)
    assert listed == 9
    assert many == few


def _more_receptions(db: Session, first: ReceptionEvent, count: int) -> None:
    """Receptions of the same person, each from another unit, with another rank and a
    weapon (as a prisoner who later defects has several)."""
    army = forces.ensure_reference_data(db)
    ranks = forces.ranks_of(db, army.id)
    for n in range(count):
        unit = forces.resolve_unit(db, SYSTEM, army.id, f"LIB {100 + n + count * 7}")
        assert unit is not None
        event = ReceptionEvent(
            person_id=first.person_id,
            organisation_id=first.organisation_id,
            site_id=first.site_id,
            classification="surrendered" if n % 2 else "defector",
            received_on=date(2026, 1, 1 + n),
            origin_force_id=army.id,
            origin_unit_id=unit.id,
            rank_id=ranks[n % len(ranks)].id,
            legal_basis=first.legal_basis,
        )
        db.add(event)
        db.flush()
        reception.add_weapon(db, SYSTEM, event, reception.WeaponIn(kind="rifle"))


def _page(client: TestClient, engine: Engine, person_id: uuid.UUID) -> tuple[int, str]:
    with counting(engine) as seen:
        response = client.get(f"/people/{person_id}")
    assert response.status_code == 200, response.text
    return seen.count, response.text


def test_a_persons_page_makes_constant_queries(
    client: TestClient, db: Session, engine: Engine, org: Org
) -> None:
    first: ReceptionEvent = f.receive(  # type: ignore[assignment]
        db, SYSTEM, name_latin="Many Receptions", site_id=str(org.site.id), origin_unit="LIB 1"
    )
    _more_receptions(db, first, 2)
    few, page = _page(client, engine, first.person_id)
    assert page.count('class="reception"') == 3
    _more_receptions(db, first, 6)
    many, page = _page(client, engine, first.person_id)
    assert page.count('class="reception"') == 9
    assert "LIB-142" in page  # a unit of the later receptions, by its label
    assert many == few
