"""The vetting list pages make the same number of queries whatever their row count."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site
from haven.accounts.sessions import actor_for
from haven.config import Settings
from haven.security.permissions import Actor, Role
from haven.vetting import incidents
from haven.vetting.schemas import IncidentIn
from tests import factories as f
from tests.queries import Statements, counting


def _about_rows(seen: Statements) -> list[str]:
    """The statements of the page, less the login session's `last_seen_at` touch (written
    at most every 30 s, so it falls on one measurement or another by the clock)."""
    return [sql for sql in seen.sql if not sql.lstrip().upper().startswith("UPDATE LOGIN_SESSIONS")]


def _add(db: Session, officer: Actor, site: Site, first: int, count: int) -> None:
    """`count` persons received from an implicated unit (each with a case and a hit), and
    `count` incidents implicating it."""
    for number in range(first, first + count):
        f.receive(
            db,
            Actor.system(),
            site_id=site.id,
            name_latin=f"Kyaw Min {number}",
            origin_unit="LIB 531",
            service_months=24,
        )
        incidents.record_incident(
            db,
            officer,
            IncidentIn.model_validate(
                {
                    "kind": "arson",
                    "period": "2024",
                    "units": "LIB 531",
                    "summary": f"Houses burned (synthetic {number}).",
                    "source_reliability": "B",
                    "information_credibility": 2,
                }
            ),
        )


def _world(db: Session, settings: Settings) -> tuple[Organisation, Site, Actor]:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    user = f.user(
        db, organisation=org, role=Role.VETTING_OFFICER, username="vo1", settings=settings
    )
    return org, site, actor_for(user)


def test_queue_and_incident_list_make_constant_queries(
    client: TestClient, db: Session, engine: Engine, settings: Settings
) -> None:
    _org, site, officer = _world(db, settings)
    _add(db, officer, site, 0, 2)
    f.login(client, username="vo1")
    pages = ("/vetting", "/vetting?state=pending", "/vetting/incidents")
    few: dict[str, int] = {}
    for path in pages:
        with counting(engine) as seen:
            response = client.get(path)
        assert response.status_code == 200, path
        few[path] = len(_about_rows(seen))

    _add(db, officer, site, 2, 4)
    for path in pages:
        with counting(engine) as seen:
            response = client.get(path)
        assert response.status_code == 200, path
        assert len(_about_rows(seen)) == few[path], (path, few[path], seen.sql)
    queue = client.get("/vetting").text
    assert all(f"Kyaw Min {n}" in queue for n in range(6))
    assert client.get("/vetting/incidents").text.count("/vetting/incidents/") >= 6
