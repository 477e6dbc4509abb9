"""Erasures travel both ways, alone (issue 21, point 2), and the node's audit head travels
with its bundles for headquarters to witness (point 3)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from haven.audit import chain
from haven.config import get_settings
from haven.people.models import Person
from haven.people.public import erase_person
from haven.security.permissions import Actor
from haven.sync import receive
from haven.sync.models import Change, Node
from tests.conftest import LAPTOP
from tests.databases import Databases
from tests.sync import world as w


@pytest.fixture
def world(
    databases: dict[str, Databases], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[w.World]:
    # Each end's erasure ledger goes to a folder of the test's own, not the developer's.
    monkeypatch.setenv("HAVEN_KEY_DIR", str(tmp_path))
    get_settings.cache_clear()
    dbs = databases[LAPTOP[0]]
    yield w.build(dbs, dbs, tag="erase")
    get_settings.cache_clear()


def _erased(place: w.Place, person_id: object) -> bool:
    with place.tx() as session:
        person = session.get(Person, person_id)
        return person is not None and person.erased_at is not None


def test_an_erasure_at_the_node_erases_at_headquarters_and_travels_alone(world: w.World) -> None:
    laptop = world.nodes[0]
    person = w.register(laptop, name_latin="Naw Htoo", birth_year=1990)
    w.sync(world, 0)
    w.edit(laptop, person, birth_year=1991)  # a change made before the erasure, not yet sent
    with laptop.tx(Actor.system("operator")) as session:
        erase_person(session, Actor.system("operator"), person, reason="asked to be forgotten")
    with laptop.tx() as session:
        ops = [c.op for c in session.scalars(select(Change).order_by(Change.seq))]
    # The erasure travels as one change, after what was made before it; in its own transaction
    # nothing of the person's records goes with it (the blanked fields are not sent).
    assert ops == ["update", "erase"]
    w.sync(world, 0)
    assert _erased(world.hq, person)
    values = w.person_values(world.hq, person)
    assert values is not None
    assert values["name_latin"] != "Naw Htoo"
    assert values == w.person_values(laptop, person)


def test_an_erasure_at_headquarters_reaches_the_node(world: w.World) -> None:
    laptop = world.nodes[1]
    person = w.register(laptop, name_latin="Saw Eh Doh", birth_year=1985)
    w.sync(world, 1)
    with world.hq.tx(Actor.system("operator")) as session:
        erase_person(session, Actor.system("operator"), person, reason="court order")
    w.sync(world, 1)
    assert _erased(laptop, person)
    assert w.person_values(laptop, person) == w.person_values(world.hq, person)


def test_headquarters_witnesses_the_nodes_audit_head(world: w.World) -> None:
    laptop = world.nodes[0]
    w.register(laptop, name_latin="Mu Mu")
    with laptop.tx() as session:
        seq, digest = chain.head(session)
    w.apply_up(world, w.bundle_up(laptop))
    with world.hq.tx() as session:
        node = session.get(Node, world.node_ids[0])
        assert node is not None
        assert (node.audit_seq, node.audit_hash, node.audit_warning) == (seq, digest, None)
        # A head that goes back (the laptop's trail cut) is named.
        receive._witness(node, seq - 1, digest)
        assert node.audit_warning is not None
        session.rollback()
