"""Matching in the database: keys on reception, the lookup, the two-reviewer queue, merges."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.audit.models import AuditEvent
from haven.errors import Conflict, NotFound, PermissionDenied
from haven.kernel.sensitivity import bind_actor
from haven.matching import service
from haven.matching.models import MatchKey, MatchMerge, MatchProfile, MatchReview
from haven.people import public as people
from haven.people.public import ProfileUpdate
from haven.security.permissions import Actor, Role
from tests import factories as f


@dataclass
class World:
    registrar: Actor
    reviewer: Actor
    second: Actor
    outsider: Actor
    finance: Actor


@pytest.fixture
def world(db: Session) -> World:
    org, other = f.organisation(db), f.organisation(db)
    site, other_site = f.site(db, organisation=org), f.site(db, organisation=other)

    def actor(role: Role, organisation: object = org, at: object = site) -> Actor:
        user = f.user(db, organisation=organisation, role=role, site=at)  # type: ignore[arg-type]
        return Actor.for_user(
            user_id=user.id,
            username=user.username,
            organisation_id=user.organisation_id,
            site_id=user.site_id,
            role=user.role,
        )

    world = World(
        registrar=actor(Role.REGISTRAR),
        reviewer=actor(Role.CASE_WORKER),
        second=actor(Role.REGISTRAR),
        outsider=actor(Role.CASE_WORKER, other, other_site),
        finance=actor(Role.FINANCE_OFFICER),
    )
    bind_actor(db, world.registrar)  # who acts first; tests bind whoever acts next
    return world


def _receive(db: Session, actor: Actor, **fields: object):  # type: ignore[no-untyped-def]
    return f.receive(db, actor, **fields)


def _pair(db: Session, world: World) -> MatchReview:
    """The same man received twice, once in each script; the profiles add his father."""
    bind_actor(db, world.registrar)
    first = _receive(db, world.registrar, name_latin="Htun Win", birth_year=1990)
    second = _receive(db, world.registrar, name_my="ထွန်းဝင်း", birth_year=1990)
    bind_actor(db, world.reviewer)
    assert service.list_reviews(db, world.reviewer) == []  # a name and a year: not enough
    bind_actor(db, world.registrar)
    for event, father in ((first, "U Aung Myint"), (second, "ဦးအောင်မြင့်")):
        people.update_profile(
            db,
            world.registrar,
            event.person_id,
            ProfileUpdate(father_name=father),  # type: ignore[attr-defined]
        )
    bind_actor(db, world.reviewer)
    [review] = service.list_reviews(db, world.reviewer)
    return review


def test_reception_writes_keys_and_finds_the_burmese_spelling(db: Session, world: World) -> None:
    first = _receive(db, world.registrar, name_latin="U Htun Win", birth_year=1990)
    keys = db.scalars(select(MatchKey).where(MatchKey.person_id == first.person_id)).all()  # type: ignore[attr-defined]
    assert ("name", "tun win") in {(k.kind, k.value) for k in keys}
    found = service.possible_duplicates(
        db, world.registrar, name_latin=None, name_my="ထွန်းဝင်း", birth_year=1991
    )
    assert [p.id for p in found.visible] == [first.person_id]  # type: ignore[attr-defined]


def test_swapped_syllables_are_not_proposed(db: Session, world: World) -> None:
    _receive(db, world.registrar, name_latin="Aung Kyaw", birth_year=1990)
    found = service.possible_duplicates(
        db, world.registrar, name_latin="Kyaw Aung", name_my=None, birth_year=1990
    )
    assert found.visible == []


def test_other_organisations_are_counted_not_shown(db: Session, world: World) -> None:
    _receive(db, world.registrar, name_latin="Zaw Min Htun", birth_year=1985)
    bind_actor(db, world.outsider)
    found = service.possible_duplicates(
        db, world.outsider, name_latin="Zaw Min Tun", name_my=None, birth_year=1985
    )
    assert found.visible == []
    assert found.hidden_count == 0


def test_two_reviewers_must_agree_and_a_merge_can_be_undone(db: Session, world: World) -> None:
    review = _pair(db, world)
    assert review.state == "open"
    assert review.probability >= service.REVIEW_FROM
    service.decide(db, world.reviewer, review.id, "link")
    assert review.state == "awaiting_second"
    with pytest.raises(Conflict):
        service.decide(db, world.reviewer, review.id, "link")  # the same reviewer twice
    bind_actor(db, world.second)
    service.decide(db, world.second, review.id, "link")
    assert review.state == "linked"
    merge = db.scalar(select(MatchMerge).where(MatchMerge.review_id == review.id))
    assert merge is not None
    assert merge.undone_at is None
    assert service.merged_into(db, [merge.merged_id]) == {merge.merged_id: merge.survivor_id}
    bind_actor(db, world.reviewer)
    with pytest.raises(Conflict):
        service.decide(db, world.reviewer, review.id, "not_same")  # already decided
    service.unmerge(db, world.reviewer, review.id)
    assert review.state == "open"
    assert service.merged_into(db, [merge.merged_id]) == {}
    actions = {e.action for e in db.scalars(select(AuditEvent))}
    assert {"match.review_opened", "match.review_voted", "match.review_decided"} <= actions
    assert {"match.merged", "match.unmerged"} <= actions


def test_disagreement_sends_the_pair_back(db: Session, world: World) -> None:
    review = _pair(db, world)
    service.decide(db, world.reviewer, review.id, "link")
    bind_actor(db, world.second)
    service.decide(db, world.second, review.id, "not_same")
    assert review.state == "open"
    assert review.first_decision is None
    service.decide(db, world.second, review.id, "not_same")
    bind_actor(db, world.reviewer)
    service.decide(db, world.reviewer, review.id, "not_same")
    assert review.state == "not_same"
    assert db.scalar(select(MatchMerge).where(MatchMerge.review_id == review.id)) is None
    bind_actor(db, world.second)
    with pytest.raises(Conflict) as decided:
        service.decide(db, world.second, review.id, "link")
    assert str(decided.value.message) == "This review has already been decided."


def test_review_scope_and_permission(db: Session, world: World) -> None:
    review = _pair(db, world)
    bind_actor(db, world.outsider)
    with pytest.raises(NotFound):
        service.get_review(db, world.outsider, review.id)
    bind_actor(db, world.finance)
    with pytest.raises(PermissionDenied):
        service.list_reviews(db, world.finance)


def test_profile_change_refreshes_keys(db: Session, world: World) -> None:
    event = _receive(db, world.registrar, name_latin="Kyaw Kyaw")
    pid = event.person_id  # type: ignore[attr-defined]
    people.update_profile(db, world.registrar, pid, ProfileUpdate(name_latin="Thein Myint"))
    values = {k.value for k in db.scalars(select(MatchKey).where(MatchKey.person_id == pid))}
    assert "tein myin" in values
    assert "caw caw" not in values


def test_erasure_drops_the_match_keys(db: Session, world: World, tmp_path: object) -> None:
    event = _receive(db, world.registrar, name_latin="Erased Name", birth_year=1980)
    pid = event.person_id  # type: ignore[attr-defined]
    assert db.scalars(select(MatchKey).where(MatchKey.person_id == pid)).all()
    ledger = Path(str(tmp_path)) / "ledger"
    bind_actor(db, Actor.system())
    people.erase_person(db, Actor.system(), pid, reason="consent withdrawn", ledger=ledger)
    assert db.scalars(select(MatchKey).where(MatchKey.person_id == pid)).all() == []
    assert db.get(MatchProfile, pid) is None
