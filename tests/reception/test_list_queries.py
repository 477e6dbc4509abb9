"""Reception's lists make the same number of queries whatever their row count: a person's
receptions and a reception's weapons (JSON), and the import page checking a file whose rows
are refused (the sites and ranks are looked up once per file, never per row)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from haven.accounts.models import Site, User
from haven.config import Settings
from haven.reception import service
from haven.reception.models import ReceptionEvent
from haven.reception.schemas import Classification, WeaponIn, WeaponKind
from haven.security.permissions import Actor
from tests import factories as f
from tests.queries import counting

DAY = datetime.now(UTC).date() - timedelta(days=3)


def _registrar(db: Session, fast_settings: Settings, username: str) -> tuple[User, Site]:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    user = f.registrar(db, organisation=org, site=site, settings=fast_settings, username=username)
    return user, site


def _count(client: TestClient, engine: Engine, path: str, headers: dict[str, str]) -> int:
    with counting(engine) as seen:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return seen.count


def _more_receptions(db: Session, event: ReceptionEvent, count: int) -> ReceptionEvent:
    """`count` more receptions of the same person (reclassified back and forth)."""
    system = Actor.system()
    for _ in range(count):
        other = (
            Classification.SURRENDERED
            if event.classification == Classification.DEFECTOR
            else Classification.DEFECTOR
        )
        event = service.record_reclassification(db, system, event, other, on=DAY)
    return event


def _more_weapons(db: Session, event: ReceptionEvent, first: int, count: int) -> None:
    for number in range(first, first + count):
        service.add_weapon(
            db, Actor.system(), event, WeaponIn(kind=WeaponKind.RIFLE, serial_number=f"AK-{number}")
        )


def test_receptions_and_weapons_lists_make_constant_queries(
    client: TestClient, db: Session, engine: Engine, fast_settings: Settings
) -> None:
    user, site = _registrar(db, fast_settings, "desk.lists")
    headers = f.bearer(f.api_token(db, user=user))
    first = f.receive(db, Actor.system(), site_id=str(site.id))
    assert isinstance(first, ReceptionEvent)
    receptions = f"/api/people/{first.person_id}/receptions"
    weapons = f"/api/receptions/{first.id}/weapons"

    _more_receptions(db, first, 2)
    _more_weapons(db, first, 0, 2)
    client.get(receptions, headers=headers)  # the token's first use notes when (once a minute)
    few = (_count(client, engine, receptions, headers), _count(client, engine, weapons, headers))
    _more_receptions(db, first, 6)
    _more_weapons(db, first, 2, 6)
    many = (_count(client, engine, receptions, headers), _count(client, engine, weapons, headers))

    assert many == few
    assert len(client.get(receptions, headers=headers).json()) == 9
    assert len(client.get(weapons, headers=headers).json()) == 8


def _refused_rows(count: int) -> bytes:
    """Rows with a known site and rank, each refused for its year of birth."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name_latin", "classification", "received_on", "rank", "birth_year"])
    for number in range(count):
        writer.writerow([f"Aung Kyaw {number}", "defector", DAY.isoformat(), "Captain", "old"])
    return out.getvalue().encode()


def test_checking_a_file_looks_up_once_per_file(
    client: TestClient, db: Session, engine: Engine, fast_settings: Settings
) -> None:
    _registrar(db, fast_settings, "desk.check")
    f.login(client, username="desk.check")
    token = f.csrf_from(client, "/reception/import")

    def check(rows: int) -> int:
        with counting(engine) as seen:
            response = client.post(
                "/reception/import",
                data={"csrf_token": token, "mode": "check"},
                files={"file": ("people.csv", _refused_rows(rows), "text/csv")},
            )
        assert response.status_code == 422, response.text
        assert response.text.count("Enter a whole number") == rows
        return seen.count

    assert check(3) == check(9)
