"""The review pages: queue, a pair, two reviewers' votes through forms, undoing a merge."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.matching import service
from haven.people.models import Person
from haven.security.permissions import Actor
from tests import factories as f


def test_two_reviewers_link_through_the_pages_and_undo(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    f.registrar(db, organisation=org, site=site, settings=fast_settings, username="rev.one")
    f.registrar(db, organisation=org, site=site, settings=fast_settings, username="rev.two")
    system = Actor.system()
    ids = [
        f.receive(db, system, name_latin=name, site_id=str(site.id)).person_id  # type: ignore[attr-defined]
        for name in ("Htun Win", "Tun Winn")
    ]
    one, two = (db.get(Person, pid) for pid in ids)
    assert one is not None
    assert two is not None
    candidate = service.Candidate(two.id, org.id, 5.0, 0.97, ("same name",))
    [review] = service.queue_for_review(db, system, one, [candidate], source="batch")

    f.login(client, username="rev.one")
    queue = client.get("/matching/review")
    assert queue.status_code == 200
    assert "Htun Win" in queue.text
    assert f"/matching/groups/{review.id}" in queue.text  # the queue lists groups
    token = f.csrf_from(client, f"/matching/review/{review.id}")
    missing = client.post(f"/matching/review/{review.id}", data={"csrf_token": token})
    assert missing.status_code == 422
    assert 'href="#field-decision"' in missing.text
    voted = client.post(
        f"/matching/review/{review.id}", data={"csrf_token": token, "decision": "link"}
    )
    assert voted.status_code == 200
    assert "A second reviewer must confirm it" in voted.text

    client.cookies.clear()
    f.login(client, username="rev.two")
    token = f.csrf_from(client, f"/matching/review/{review.id}")
    decided = client.post(
        f"/matching/review/{review.id}", data={"csrf_token": token, "decision": "link"}
    )
    assert "Two reviewers agreed" in decided.text
    assert 'id="unmerge"' in decided.text
    listed = client.post("/people", data={"csrf_token": token, "q": "Win"})
    assert listed.text.count("merged duplicate") == 1  # the newer record only
    undone = client.post(f"/matching/review/{review.id}/unmerge", data={"csrf_token": token})
    assert "The merge is undone" in undone.text
    listed = client.post("/people", data={"csrf_token": token, "q": "Win"})
    assert "merged duplicate" not in listed.text
