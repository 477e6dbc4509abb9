"""Review groups (issue 23, point 3): a group is decided in one step by each of two reviewers,
as one vote on each of its pairs; agreed links merge whole parts; reviews that the decisions
answer are closed as moot; a group changed meanwhile is refused and nothing is written."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.models import Organisation
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.errors import Conflict, NotFound, ValidationFailed
from haven.kernel.sensitivity import bind_actor
from haven.matching import repository, review_groups, service
from haven.matching.groups import candidate_groups
from haven.matching.models import MatchReview
from haven.people.public import person_by_id
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.conftest import LAPTOP

SYSTEM = Actor.system()
# Names that share no blocking key: only the reviews a test queues link them.
NAMES = ("Kyaw Zin", "Thura Aung", "Min Htet", "Zaw Lin Oo")


@dataclass
class World:
    org_id: uuid.UUID
    site_id: uuid.UUID
    one: Actor
    two: Actor
    people: list[uuid.UUID]


def _actor(db: Session, org: object, site: object, username: str | None = None) -> Actor:
    user = f.user(db, organisation=org, role=Role.CASE_WORKER, site=site, username=username)  # type: ignore[arg-type]
    return Actor.for_user(
        user_id=user.id,
        username=user.username,
        organisation_id=user.organisation_id,
        site_id=user.site_id,
        role=user.role,
    )


def _world(db: Session, count: int) -> World:
    bind_actor(db, SYSTEM)
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    people = [
        f.receive(db, SYSTEM, name_latin=name, site_id=str(site.id)).person_id  # type: ignore[attr-defined]
        for name in NAMES[:count]
    ]
    return World(org.id, site.id, _actor(db, org, site), _actor(db, org, site), people)


def _queue(db: Session, w: World, *pairs: tuple[int, int, float]) -> list[MatchReview]:
    """Reviews between the world's people (by index), with these probabilities."""
    made = []
    for i, j, probability in pairs:
        person = person_by_id(db, w.people[i])
        assert person is not None
        candidate = service.Candidate(w.people[j], w.org_id, 5.0, probability, ("same name",))
        made += service.queue_for_review(db, SYSTEM, person, [candidate], source="batch")
    return made


def _decide(
    db: Session, actor: Actor, review_id: uuid.UUID, parts: list[list[uuid.UUID]]
) -> review_groups.Outcome:
    bind_actor(db, actor)
    group = review_groups.group_of(db, actor, review_id)
    assert group is not None
    return review_groups.decide_group(
        db,
        actor,
        review_id,
        members=group.members,
        reviews=group.review_ids,
        partition=parts,
        version=group.version,
    )


def _roots(db: Session, w: World) -> list[int]:
    """Which of the world's people each one is now (index of its root)."""
    roots = repository.roots_of(db, w.people)
    return [w.people.index(roots[p]) for p in w.people]


def test_a_four_record_person_is_one_decision_by_each_of_two_reviewers(db: Session) -> None:
    w = _world(db, 4)
    reviews = _queue(db, w, (0, 1, 0.9), (1, 2, 0.8), (2, 3, 0.7), (0, 2, 0.6))
    bind_actor(db, w.one)
    [group] = review_groups.group_page(db, w.one)[0]
    assert (set(group.members), group.strongest) == (set(w.people), 0.9)
    assert group.state == review_groups.GroupState.FIRST
    voted = _decide(db, w.one, reviews[2].id, [w.people])
    assert (voted.first_votes, voted.merged, voted.notice) == (4, 0, "group_voted")
    [waiting] = review_groups.group_page(db, w.one)[0]
    assert waiting.state == review_groups.GroupState.OWN
    with pytest.raises(Conflict):  # the same reviewer twice
        _decide(db, w.one, reviews[0].id, [w.people])
    decided = _decide(db, w.two, reviews[0].id, [w.people])
    assert (decided.linked, decided.merged, decided.notice) == (4, 3, "group_decided")
    assert _roots(db, w) == [0, 0, 0, 0]  # everyone merged into the oldest record
    assert review_groups.group_page(db, w.two) == ([], 0)
    events = db.scalars(select(AuditEvent).where(AuditEvent.action == "match.group_decided")).all()
    assert len(events) == 2
    assert "Kyaw" not in str(events[1].changes)  # ids, never names


def test_split_as_shown_links_a_part_without_a_pair_and_keeps_the_rest_apart(
    db: Session,
) -> None:
    w = _world(db, 3)
    a, b, c = w.people
    reviews = _queue(db, w, (0, 1, 0.9), (1, 2, 0.8))
    parts = [[a, c], [b]]
    assert _decide(db, w.one, reviews[0].id, parts).first_votes == 3  # + a review of (a, c)
    joined = db.scalar(select(MatchReview).where(MatchReview.source == "group"))
    assert joined is not None
    assert {joined.person_a_id, joined.person_b_id} == {a, c}
    outcome = _decide(db, w.two, reviews[1].id, parts)
    assert (outcome.linked, outcome.not_same, outcome.merged) == (1, 2, 1)
    assert _roots(db, w) == [0, 1, 0]
    assert {r.state for r in reviews} == {"not_same"}


def test_a_disagreement_sends_the_disputed_pairs_back_and_keeps_the_agreed(
    db: Session,
) -> None:
    w = _world(db, 3)
    a, b, c = w.people
    reviews = _queue(db, w, (0, 1, 0.9), (1, 2, 0.8), (0, 2, 0.7))
    _decide(db, w.one, reviews[0].id, [[a, b, c]])
    outcome = _decide(db, w.two, reviews[0].id, [[a, b], [c]])
    assert (outcome.linked, outcome.disputed, outcome.notice) == (1, 2, "group_disputed")
    assert _roots(db, w) == [0, 0, 2]
    assert [r.state for r in reviews] == ["linked", "open", "open"]
    [again] = review_groups.group_page(db, w.one)[0]  # c against the one person a+b
    assert set(again.members) == {a, b, c}


def test_a_merge_closes_the_reviews_it_makes_moot(db: Session) -> None:
    w = _world(db, 4)
    ab, ac, bc, ad, bd = _queue(
        db, w, (0, 1, 0.9), (0, 2, 0.8), (1, 2, 0.7), (0, 3, 0.6), (1, 3, 0.55)
    )
    for review, decision in ((ab, "link"), (ad, "not_same")):
        for actor in (w.one, w.two):
            bind_actor(db, actor)
            service.decide(db, actor, review.id, decision)
    # a = b, and a is not d: so b is not d, without a reviewer.
    assert (bd.state, bd.closed_by_id) == ("moot_not_same", ad.id)
    for actor in (w.one, w.two):
        bind_actor(db, actor)
        service.decide(db, actor, ac.id, "link")
    assert (bc.state, bc.closed_by_id) == ("moot_linked", ac.id)  # b = a = c
    service.unmerge(db, w.two, ac.id)  # the reasoning no longer holds: b, c open again
    assert (bc.state, bc.closed_by_id) == ("open", None)


def test_a_group_changed_meanwhile_is_refused_and_nothing_is_written(db: Session) -> None:
    w = _world(db, 4)
    a, b, c, d = w.people
    reviews = _queue(db, w, (0, 1, 0.9), (1, 2, 0.8))
    bind_actor(db, w.one)
    seen = review_groups.group_of(db, w.one, reviews[0].id)
    assert seen is not None
    _queue(db, w, (2, 3, 0.7))  # meanwhile d joins the group
    with pytest.raises(Conflict):
        review_groups.decide_group(
            db, w.one, reviews[0].id, members=seen.members, reviews=seen.review_ids,
            partition=[list(seen.members)], version=seen.version,
        )  # fmt: skip
    assert {r.state for r in reviews} == {"open"}
    now = review_groups.group_of(db, w.one, reviews[0].id)
    assert now is not None
    bind_actor(db, w.two)
    service.decide(db, w.two, reviews[1].id, "link")  # a vote on a pair changes the version
    with pytest.raises(Conflict):
        review_groups.decide_group(
            db, w.one, reviews[0].id, members=now.members, reviews=now.review_ids,
            partition=[list(now.members)], version=now.version,
        )  # fmt: skip
    stranger = uuid.uuid4()
    for partition in ([[a, b, c]], [[a, b, c, d, stranger]], [[a, b], [b, c, d]], []):
        with pytest.raises(ValidationFailed):
            _decide(db, w.one, reviews[0].id, partition)
    with pytest.raises(NotFound):
        review_groups.group_of(db, w.one, uuid.uuid4())


# Status codes of the pages and API: the service below them is tested on both engines.
@pytest.mark.parametrize("engine", LAPTOP, indirect=True)
def test_the_group_pages_and_api_answer_with_status_codes_not_errors(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    w = _world(db, 3)
    a, b, c = w.people
    reviews = _queue(db, w, (0, 1, 0.9), (1, 2, 0.8))
    reviewer = f.user(
        db,
        organisation=db.get_one(Organisation, w.org_id),
        role=Role.CASE_WORKER,
        username="group.reviewer",
        settings=fast_settings,
    )
    headers = f.bearer(f.api_token(db, user=reviewer))
    f.login(client, username="group.reviewer")
    queue = client.get("/matching/review")
    assert f"/matching/groups/{reviews[0].id}" in queue.text
    page = f"/matching/groups/{reviews[1].id}"
    token = f.csrf_from(client, page)
    shown = {"csrf_token": token, "member": [str(p) for p in (a, b, c)],
             "review": [str(r.id) for r in reviews]}  # fmt: skip
    assert client.post(page, data=shown).status_code == 422  # no button
    bad = {**shown, "action": "split", f"part-{a}": "9"}
    answer = client.post(page, data=bad)
    assert (answer.status_code, f'href="#field-part-{a}"' in answer.text) == (422, True)
    stale = {**shown, "member": [str(a), str(b)], "action": "same"}
    assert client.post(page, data=stale).status_code == 409
    assert client.post(page, data={**shown, "member": "x", "action": "same"}).status_code == 409
    split = {**shown, "action": "split", f"part-{a}": "1", f"part-{b}": "2", f"part-{c}": "1"}
    done = client.post(page, data=split)
    assert done.status_code == 200
    assert "A second reviewer must confirm it" in done.text
    assert client.get(f"/matching/groups/{uuid.uuid4()}").status_code == 404

    api = f"/api/matching/groups/{reviews[0].id}"
    [listed] = client.get("/api/matching/groups", headers=headers).json()
    assert listed["state"] == "own"
    body = {"members": listed["members"], "reviews": [r["id"] for r in listed["reviews"]],
            "partition": [listed["members"]], "version": listed["version"]}  # fmt: skip
    assert client.post(f"{api}/decision", json=body, headers=headers).status_code == 409
    wrong = {**body, "partition": [[str(uuid.uuid4())]]}
    assert client.post(f"{api}/decision", json=wrong, headers=headers).status_code in (409, 422)
    assert client.get(f"/api/matching/groups/{uuid.uuid4()}", headers=headers).status_code == 404
    assert client.get(api, headers=headers).json()["id"] == str(reviews[0].id)


def test_a_group_page_groups_its_component_as_the_whole_band_would() -> None:
    """`group_of` groups only the pairs connected to the review: the same groups, as
    `candidate_groups` never joins people no chain of pairs connects (caps included)."""
    rng = random.Random(23)  # noqa: S311 - a synthetic band, not a secret
    people = [uuid.UUID(int=n) for n in range(60)]
    now = datetime(2026, 12, 7, tzinfo=UTC)
    pairs: list[repository.UndecidedPair] = []
    for n in range(90):
        a, b = service.ordered(*rng.sample(people, 2))
        pairs.append((uuid.UUID(int=1000 + n), a, b, rng.random(), "open", None, now))
    whole = candidate_groups((p[1], p[2], p[3]) for p in pairs)
    for pair in pairs[:20]:
        part = review_groups._component(pairs, pair[1])
        grouped = candidate_groups((p[1], p[2], p[3]) for p in part)
        touching = [g for g in whole if pair[1] in g.members]
        assert touching
        assert all(g in grouped for g in touching)
