"""Duplicates registered at two sites meet in headquarters' duplicate review (issue 21,
point 6): each laptop knows only its own site, so neither can see the other's registration;
headquarters indexes every reception it applies and queues the likely pair for two reviewers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from haven.accounts.models import Organisation, User
from haven.matching.lifecycle import Decision
from haven.matching.models import MatchMerge, MatchReview
from haven.matching.service import decide
from haven.security.permissions import Role
from tests import factories
from tests.conftest import LAPTOP
from tests.databases import Databases
from tests.sync import world as w


@pytest.mark.parametrize("backend", LAPTOP)
def test_one_soldier_registered_at_two_sites_is_queued_for_review(
    backend: str, databases: dict[str, Databases]
) -> None:
    world = w.build(databases[backend], databases[backend], tag="dupes")
    # The unit is one neither laptop nor headquarters knew: it travels up with each reception.
    same = {"name_latin": "Saw Htoo Mya", "birth_year": 1988, "origin_unit": "LIB 531"}
    first = w.register(world.nodes[0], **same)
    second = w.register(world.nodes[1], **same)
    other = w.register(world.nodes[1], name_latin="Min Thu", birth_year=1970)
    for node in (0, 1):
        w.sync(world, node)
    with world.hq.tx() as session:
        pairs = {
            frozenset((review.person_a_id, review.person_b_id))
            for review in session.scalars(select(MatchReview))
        }
    assert frozenset((first, second)) in pairs
    assert not any(other in pair for pair in pairs)
    # Neither laptop received the other site's registration to find it there.
    assert w.person_values(world.nodes[0], second) is None
    assert w.person_values(world.nodes[1], first) is None


@pytest.mark.parametrize("backend", LAPTOP)
def test_a_merge_within_a_site_goes_down_and_one_across_sites_does_not(
    backend: str, databases: dict[str, Databases]
) -> None:
    world = w.build(databases[backend], databases[backend], tag="merges")
    same = {"name_latin": "Naw Say Paw", "birth_year": 1992, "origin_unit": "LIB 532"}
    here = [w.register(world.nodes[0], **same), w.register(world.nodes[0], **same)]
    there = w.register(world.nodes[1], **same)
    for node in (0, 1):
        w.sync(world, node)
    with world.hq.tx() as session:
        reviews = {
            frozenset((r.person_a_id, r.person_b_id)): r.id
            for r in session.scalars(select(MatchReview))
        }
    # Two case workers at headquarters (organisation-wide) agree each pair is one person.
    with world.hq.tx() as session:
        manager = session.get(User, world.hq_actor.user_id)
        assert manager is not None
        organisation = session.get(Organisation, manager.organisation_id)
        assert organisation is not None
        voters = [
            w.actor_of(
                factories.user(
                    session, organisation=organisation, role=Role.CASE_WORKER, username=name
                )
            )
            for name in ("reviewer-one", "reviewer-two")
        ]
    for pair in (frozenset(here), frozenset((here[0], there))):
        for voter in voters:
            with world.hq.tx(voter) as session:
                decide(session, voter, reviews[pair], Decision.LINK)
    for node in (0, 1):
        w.sync(world, node)
    with world.nodes[0].tx() as session:
        merges = {(m.survivor_id, m.merged_id) for m in session.scalars(select(MatchMerge))}
    # The merge of the two registered at this laptop's site; not the one across sites.
    assert len(merges) == 1
    assert {frozenset(pair) for pair in merges} == {frozenset(here)}
    with world.nodes[1].tx() as session:
        assert session.scalars(select(MatchMerge)).all() == []
