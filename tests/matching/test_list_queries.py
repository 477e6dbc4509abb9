"""The review queue (page and JSON, pairs and groups) makes the same number of queries
whatever its length: the two people of every pair are read in one batch."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site
from haven.config import Settings
from haven.matching import service
from haven.people.public import person_by_id
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.queries import counting

PATHS = ("/matching/review", "/api/matching/reviews", "/api/matching/groups")


def _pairs(db: Session, org: Organisation, site: Site, first: int, count: int) -> None:
    """`count` pairs queued for review, each of two people received at the site."""
    system = Actor.system()
    for number in range(first, first + count):
        events = [
            f.receive(db, system, name_latin=f"{name} {number}", site_id=str(site.id))
            for name in ("Htun Win", "Tun Winn")
        ]
        assert all(isinstance(event, ReceptionEvent) for event in events)
        one = person_by_id(db, events[0].person_id)  # type: ignore[attr-defined]
        assert one is not None
        other = events[1].person_id  # type: ignore[attr-defined]
        candidate = service.Candidate(other, org.id, 5.0, 0.97, ("same name",))
        service.queue_for_review(db, system, one, [candidate], source="batch")


def _counts(client: TestClient, engine: Engine, headers: dict[str, str]) -> list[int]:
    found = []
    for path in PATHS:
        with counting(engine) as seen:
            response = client.get(path, headers=headers if path.startswith("/api") else {})
        assert response.status_code == 200, path
        found.append(seen.count)
    return found


def test_the_review_queue_makes_constant_queries(
    client: TestClient, db: Session, engine: Engine, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    reviewer = f.user(
        db,
        organisation=org,
        site=site,
        role=Role.CASE_WORKER,
        username="queue.reader",
        settings=fast_settings,
    )
    headers = f.bearer(f.api_token(db, user=reviewer))
    f.login(client, username="queue.reader")
    _pairs(db, org, site, 0, 2)
    client.get("/api/matching/reviews", headers=headers)  # the token's first use notes when
    few = _counts(client, engine, headers)
    _pairs(db, org, site, 2, 4)
    many = _counts(client, engine, headers)
    assert many == few
    page = client.get("/matching/review").text
    assert all(f"Htun Win {n}" in page and f"Tun Winn {n}" in page for n in range(6))
    assert len(client.get("/api/matching/reviews", headers=headers).json()) >= 6
