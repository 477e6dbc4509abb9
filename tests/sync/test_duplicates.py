"""Duplicates registered at two sites meet in headquarters' duplicate review (issue 21,
point 6): each laptop knows only its own site, so neither can see the other's registration;
headquarters indexes every reception it applies and queues the likely pair for two reviewers."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from haven.matching.models import MatchReview
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
