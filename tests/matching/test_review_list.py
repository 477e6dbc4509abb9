"""The review queue as a list: most probable or waiting longest first, filtered by state, a
page at a time with the count of every pair that matches."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.config import Settings
from haven.matching import service
from haven.people.models import Person
from haven.security.permissions import Actor
from tests import factories as f
from tests.conftest import LAPTOP

# Plain SQL, checked on both engines when written: the laptop's engine suffices here.
LAPTOP_ONLY = pytest.mark.parametrize("engine", LAPTOP, indirect=True)


@LAPTOP_ONLY
def test_reviews_sort_by_probability_and_age_and_page_with_counts(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    user = f.registrar(db, organisation=org, site=site, settings=fast_settings, username="rev.l")
    system = Actor.system()
    names = ("Aung Min", "Zaw Htet", "Nyi Nyi", "Thura Soe")
    people = []
    for name in names:
        event = f.receive(db, system, name_latin=name, site_id=str(site.id))
        person = db.get(Person, event.person_id)  # type: ignore[attr-defined]
        assert person is not None
        people.append(person)
    reviews = []
    for number, probability in enumerate((0.6, 0.9, 0.75)):  # queued oldest first
        candidate = service.Candidate(people[number + 1].id, org.id, 5.0, probability, ("x",))
        [review] = service.queue_for_review(db, system, people[0], [candidate], source="batch")
        review.created_at = review.created_at - timedelta(days=10 - number)
        reviews.append(review)
    db.flush()
    reviewer = actor_for(user)

    likely, total = service.review_page(db, reviewer, limit=2)
    assert ([r.probability for r in likely], total) == ([0.9, 0.75], 3)
    oldest, _ = service.review_page(db, reviewer, sort="oldest")
    assert [r.id for r in oldest] == [r.id for r in reviews]
    rest, total = service.review_page(db, reviewer, sort="oldest", limit=2, offset=2)
    assert ([r.id for r in rest], total) == ([reviews[2].id], 3)
    assert service.review_page(db, reviewer, states={"linked"}) == ([], 0)

    f.login(client, username="rev.l")
    # By default the queue lists groups: the three pairs share Aung Min, one group of four.
    assert "Showing 1 of 1" in client.get("/matching/review").text
    page = client.get("/matching/review?state=open&per_page=2").text  # the pairs themselves
    assert "Showing 1–2 of 3" in page
    assert page.index("Nyi Nyi") < page.index("Thura Soe")  # 90 % before 75 %
    assert "Zaw Htet" not in page  # 60 %: on the second page
    assert "page=2" in page
    aged = client.get("/matching/review?state=open&sort=oldest").text
    assert aged.index("Zaw Htet") < aged.index("Nyi Nyi") < aged.index("Thura Soe")
    assert 'id="queue-empty"' in client.get("/matching/review?state=linked").text
    assert "Showing 1–3 of 3" in client.get("/matching/review?state=all").text
