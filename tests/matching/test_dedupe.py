"""The batch over the live database: automatic links, the review band, people's decisions kept."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.audit.models import AuditEvent
from haven.errors import PermissionDenied
from haven.kernel.sensitivity import bind_actor
from haven.matching import dedupe, service
from haven.matching.models import MatchMerge, MatchReview
from haven.people import service as people
from haven.people.schemas import ProfileUpdate
from haven.security.permissions import Actor, Role
from tests import factories as f

SYSTEM = Actor.system("matching")


@dataclass
class World:
    organisation_id: uuid.UUID
    registrar: Actor
    reviewer: Actor
    second: Actor


@pytest.fixture
def world(db: Session) -> World:
    org = f.organisation(db)
    site = f.site(db, organisation=org)

    def actor(role: Role) -> Actor:
        user = f.user(db, organisation=org, role=role, site=site)
        return Actor.for_user(
            user_id=user.id,
            username=user.username,
            organisation_id=user.organisation_id,
            site_id=user.site_id,
            role=user.role,
        )

    world = World(org.id, actor(Role.REGISTRAR), actor(Role.CASE_WORKER), actor(Role.REGISTRAR))
    bind_actor(db, world.registrar)  # who acts first; tests bind whoever acts next
    return world


def _person(db: Session, world: World, **fields: object) -> uuid.UUID:
    profile = {
        key: fields.pop(key) for key in ("nrc", "service_number", "father_name") if key in fields
    }
    event = f.receive(db, world.registrar, **fields)
    person_id: uuid.UUID = event.person_id  # type: ignore[attr-defined]
    if profile:
        people.update_profile(db, world.registrar, person_id, ProfileUpdate(**profile))  # type: ignore[arg-type]
    return person_id


def _same_soldier(db: Session, world: World) -> tuple[uuid.UUID, uuid.UUID]:
    """One soldier received twice: Latin and Burmese script, the same service number and
    father, one year apart (a guessed age)."""
    first = _person(
        db,
        world,
        name_latin="Kyaw Zin Htet",
        birth_year=1991,
        service_number="BA-482913",
        father_name="U Aung Myint",
    )
    second = _person(
        db,
        world,
        name_latin=None,
        name_my="ကျော်ဇင်ထက်",
        birth_year=1990,
        service_number="ba 482913",
        father_name="ဦးအောင်မြင့်",
    )
    return first, second


def _merges(db: Session) -> list[MatchMerge]:
    return list(db.scalars(select(MatchMerge).where(MatchMerge.undone_at.is_(None))))


def test_a_sure_pair_is_linked_automatically_and_reversibly(db: Session, world: World) -> None:
    first, second = _same_soldier(db, world)
    # Another man who shares only a common name and the birth year: never linked.
    other = _person(db, world, name_latin="Aung Aung", birth_year=1985)
    again = _person(db, world, name_latin="Aung Aung", birth_year=1985)

    bind_actor(db, SYSTEM)
    result = dedupe.run(db, SYSTEM, world.organisation_id)

    assert result.linked == 1
    [merge] = _merges(db)
    assert (merge.survivor_id, merge.merged_id) == (first, second)  # the older record survives
    review = db.get(MatchReview, merge.review_id)
    assert review is not None
    assert review.state == "linked"
    assert review.first_reviewer_id is None
    assert review.second_reviewer_id is None
    assert {other, again}.isdisjoint({merge.survivor_id, merge.merged_id})
    actions = set(db.scalars(select(AuditEvent.action)))
    assert {"match.auto_linked", "match.merged"} <= actions

    # A second run over the same data does nothing more.
    assert dedupe.run(db, SYSTEM, world.organisation_id).linked == 0
    assert len(_merges(db)) == 1

    # People can undo it; the pair then waits for two reviewers and the batch leaves it alone.
    bind_actor(db, world.reviewer)
    service.unmerge(db, world.reviewer, review.id)
    assert review.state == "open"
    assert _merges(db) == []
    bind_actor(db, SYSTEM)
    assert dedupe.run(db, SYSTEM, world.organisation_id).linked == 0
    assert _merges(db) == []


def test_the_uncertain_band_is_queued_and_decided_pairs_are_left_alone(
    db: Session, world: World
) -> None:
    # The same name in both scripts, same year and father, no identifier: likely, not sure.
    a = _person(db, world, name_latin="Thiha Zaw", birth_year=1988, father_name="U Tin Maung")
    b = _person(
        db, world, name_latin=None, name_my="သီဟဇော်", birth_year=1988, father_name="ဦးတင်မောင်"
    )
    for review in db.scalars(select(MatchReview)):
        db.delete(review)  # as if the reception hook had not seen them
    db.flush()

    bind_actor(db, SYSTEM)
    result = dedupe.run(db, SYSTEM, world.organisation_id)

    assert result.linked == 0
    assert result.queued == 1
    [review] = db.scalars(select(MatchReview))
    assert {review.person_a_id, review.person_b_id} == {a, b}
    assert review.source == "batch"
    assert review.state == "open"
    assert review.reasons

    # Two reviewers say they are different people: the batch never reopens it.
    bind_actor(db, world.reviewer)
    service.decide(db, world.reviewer, review.id, "not_same")
    bind_actor(db, world.second)
    service.decide(db, world.second, review.id, "not_same")
    bind_actor(db, SYSTEM)
    again = dedupe.run(db, SYSTEM, world.organisation_id)
    assert again.queued == 0
    assert again.already_reviewed == 1
    assert review.state == "not_same"


def test_an_open_review_nobody_voted_on_is_linked_by_the_batch(db: Session, world: World) -> None:
    _first, second = _same_soldier(db, world)
    bind_actor(db, world.reviewer)
    [review] = service.list_reviews(db, world.reviewer)  # queued by the reception hook

    bind_actor(db, SYSTEM)
    dedupe.run(db, SYSTEM, world.organisation_id)

    assert review.state == "linked"
    [merge] = _merges(db)
    assert merge.review_id == review.id
    assert merge.merged_id == second


def test_a_review_with_a_vote_waits_for_people(db: Session, world: World) -> None:
    _same_soldier(db, world)
    bind_actor(db, world.reviewer)
    [review] = service.list_reviews(db, world.reviewer)
    service.decide(db, world.reviewer, review.id, "link")

    bind_actor(db, SYSTEM)
    dedupe.run(db, SYSTEM, world.organisation_id)

    assert review.state == "awaiting_second"
    assert _merges(db) == []


def test_only_the_operator_runs_the_batch(db: Session, world: World) -> None:
    bind_actor(db, world.reviewer)
    with pytest.raises(PermissionDenied):
        dedupe.run(db, world.reviewer, world.organisation_id)
