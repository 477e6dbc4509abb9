"""Headquarters and two field nodes through random work and a hostile transport
(issue 21's Done-when): registrations and edits at both ends, bundles cut short, sent twice,
split and delivered out of order, processes restarted. After the final synchronisation every
node agrees with headquarters on every record of its site, every change was applied exactly
once, and every edit of a field made at a node from a value headquarters had meanwhile
changed to another one produced exactly one conflict (the model below is the rule,
headquarters' code the implementation under test). Headquarters runs on each engine; the
field nodes on SQLCipher.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule
from sqlalchemy import func, select

from haven.db.session import make_session_factory
from haven.sync import up
from haven.sync.errors import SyncRefused
from haven.sync.models import Conflict, Identity, Node
from tests.conftest import BACKENDS
from tests.databases import Databases
from tests.sync import world as w

YEARS = st.integers(min_value=1960, max_value=2005)
NODE = st.integers(min_value=0, max_value=1)


class Model:
    """What headquarters must hold, by the rule: a node's change of a field applies when
    headquarters' value is the one it replaced, does nothing when it is already the new one,
    and is a conflict otherwise."""

    def __init__(self) -> None:
        self.hq: dict[uuid.UUID, int | None] = {}  # birth year at headquarters
        self.site: dict[uuid.UUID, int] = {}  # the node whose site registered the person
        # Per node: seq → what the change does to the model when headquarters applies it.
        self.changes: list[dict[int, tuple[str, uuid.UUID, Any, Any]]] = [{}, {}]
        self.applied = [0, 0]
        self.held: list[list[tuple[int, int]]] = [[], []]
        self.conflicts = [0, 0]

    def deliver(self, node: int, first: int, last: int) -> None:
        """A bundle carrying seqs first..last reached headquarters."""
        if last < first:
            return
        if first > self.applied[node] + 1:
            if (first, last) not in self.held[node]:
                self.held[node].append((first, last))
            return
        self._apply_to(node, last)
        progressed = True
        while progressed:
            progressed = False
            for first_held, last_held in sorted(self.held[node]):
                if first_held <= self.applied[node] + 1:
                    self.held[node].remove((first_held, last_held))
                    self._apply_to(node, last_held)
                    progressed = True

    def _apply_to(self, node: int, last: int) -> None:
        for seq in range(self.applied[node] + 1, last + 1):
            kind, person, before, after = self.changes[node].get(
                seq, ("other", uuid.UUID(int=0), None, None)
            )
            if kind == "register":
                self.hq[person] = after
            elif kind == "edit":
                now = self.hq.get(person)
                if now == before:
                    self.hq[person] = after
                elif now != after:
                    self.conflicts[node] += 1
        self.applied[node] = max(self.applied[node], last)


class Convergence(RuleBasedStateMachine):
    hq_databases: Databases
    node_databases: Databases
    rounds = 0

    @initialize()
    def start(self) -> None:
        Convergence.rounds += 1
        self.world = w.build(
            self.hq_databases, self.node_databases, tag=f"conv{Convergence.rounds % 2}"
        )
        self.model = Model()
        self.parts: list[list[tuple[int, int, bytes]]] = [[], []]  # bundles kept back

    # --- work ----------------------------------------------------------------------------

    def _last_seq(self, node: int) -> int:
        with self.world.nodes[node].tx() as session:
            return int(session.scalar(select(Identity.last_seq)) or 0)

    @rule(node=NODE, year=YEARS)
    def register(self, node: int, year: int) -> None:
        before = self._last_seq(node)
        person = w.register(self.world.nodes[node], name_latin="Kyaw Min", birth_year=year)
        after = self._last_seq(node)
        self.model.site[person] = node
        for seq in range(before + 1, after + 1):
            self.model.changes[node][seq] = ("other", person, None, None)
        # The person's own record is the first change of the transaction.
        self.model.changes[node][before + 1] = ("register", person, None, year)

    @precondition(lambda self: bool(self.model.site))
    @rule(data=st.data(), year=YEARS)
    def edit_at_node(self, data: st.DataObject, year: int) -> None:
        person = data.draw(st.sampled_from(sorted(self.model.site)))
        node = self.model.site[person]
        place = self.world.nodes[node]
        values = w.person_values(place, person)
        assert values is not None
        if values["birth_year"] == year:
            return
        before = self._last_seq(node)
        w.edit(place, person, birth_year=year)
        after = self._last_seq(node)
        assert after == before + 1, "one edit of one field is one change"
        self.model.changes[node][after] = ("edit", person, values["birth_year"], year)

    @precondition(lambda self: bool(self.model.hq))
    @rule(data=st.data(), year=YEARS)
    def edit_at_headquarters(self, data: st.DataObject, year: int) -> None:
        person = data.draw(st.sampled_from(sorted(self.model.hq)))
        if self.model.hq[person] == year:
            return
        node = self.model.site[person]
        w.edit(self.world.hq, person, self.world.hq_registrars[node], birth_year=year)
        self.model.hq[person] = year

    # --- transport -----------------------------------------------------------------------

    def _deliver(self, node: int, first: int, last: int, data: bytes) -> None:
        receipt = w.apply_up(self.world, data)
        self.model.deliver(node, first, last)
        assert receipt.acked == self.model.applied[node]

    def _parts(self, node: int, size: int) -> list[tuple[int, int, bytes]]:
        with self.world.nodes[node].tx() as session:
            acked = int(session.scalar(select(Identity.acked_seq)) or 0)
            last = int(session.scalar(select(Identity.last_seq)) or 0)
            bundles = up.make_up_parts(session, size)
        found = []
        first = acked + 1
        for data in bundles:
            part_last = min(first + size - 1, last)
            found.append((first, part_last, data))
            first = part_last + 1
        return found

    @rule(node=NODE, twice=st.booleans())
    def send_up(self, node: int, twice: bool) -> None:
        for first, last, data in self._parts(node, 10_000):
            self._deliver(node, first, last, data)
            if twice:
                self._deliver(node, first, last, data)

    @rule(node=NODE, size=st.integers(min_value=1, max_value=3), data=st.data())
    def send_up_split_out_of_order(self, node: int, size: int, data: st.DataObject) -> None:
        parts = self._parts(node, size)
        order = data.draw(st.permutations(parts))
        keep = data.draw(st.integers(min_value=0, max_value=len(order)))
        for first, last, bundle in order[:keep]:
            self._deliver(node, first, last, bundle)
        self.parts[node].extend(order[keep:])  # delivered later, or never

    @precondition(lambda self: any(self.parts))
    @rule(node=NODE)
    def deliver_kept(self, node: int) -> None:
        for first, last, bundle in self.parts[node]:
            self._deliver(node, first, last, bundle)
        self.parts[node] = []

    @rule(node=NODE, cut=st.floats(min_value=0.05, max_value=0.95))
    def cut_short(self, node: int, cut: float) -> None:
        _first, _last, data = self._parts(node, 10_000)[0]
        with pytest.raises(SyncRefused):
            w.apply_up(self.world, data[: int(len(data) * cut)])
        down = w.bundle_down(self.world, node)
        with pytest.raises(SyncRefused):
            w.apply_down(self.world.nodes[node], down[: int(len(down) * cut)])

    @rule(node=NODE, twice=st.booleans())
    def send_down(self, node: int, twice: bool) -> None:
        data = w.bundle_down(self.world, node)
        w.apply_down(self.world.nodes[node], data)
        if twice:
            w.apply_down(self.world.nodes[node], data)

    @rule(node=st.integers(min_value=-1, max_value=1))
    def restart(self, node: int) -> None:
        """A process ends and another starts: nothing held in memory survives."""
        place = self.world.hq if node < 0 else self.world.nodes[node]
        place.engine.dispose()
        place.factory = make_session_factory(place.engine, self.hq_databases.keyring)

    # --- the end -------------------------------------------------------------------------

    def teardown(self) -> None:
        if not hasattr(self, "world"):
            return
        for _ in range(2):
            for node in (0, 1):
                self.send_up(node, twice=False)
                self.send_down(node, twice=False)
        world = self.world
        for node in (0, 1):
            with world.hq.tx() as session:
                hq_node = session.get(Node, world.node_ids[node])
                assert hq_node is not None
                applied = hq_node.applied_seq
                conflicts = session.scalar(
                    select(func.count()).select_from(Conflict).where(Conflict.node_id == hq_node.id)
                )
            assert applied == self._last_seq(node), "every change applied, none twice"
            assert applied == self.model.applied[node]
            assert conflicts == self.model.conflicts[node]
            site = world.site_ids[node]
            at_node = w.people_of_site(world.nodes[node], site)
            assert at_node == w.people_of_site(world.hq, site)
            for person in at_node:
                hq_values = w.person_values(world.hq, person)
                assert hq_values == w.person_values(world.nodes[node], person)
                assert hq_values is not None
                assert hq_values["birth_year"] == self.model.hq[person]
            # Nothing of one site reached the other's laptop.
            other = world.site_ids[1 - node]
            assert w.people_of_site(world.nodes[node], other) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_headquarters_and_two_nodes_converge(
    backend: str, databases: dict[str, Databases], request: pytest.FixtureRequest
) -> None:
    hq = databases[backend]
    if backend == "postgresql" and hq.postgres_admin_url is None:
        hq.postgres_admin_url = str(request.getfixturevalue("postgres_admin_url"))
    nodes = databases.get("sqlite", hq)
    Convergence.hq_databases = hq
    Convergence.node_databases = nodes
    run = Convergence.TestCase
    run.settings = settings(
        max_examples=5,
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    run().runTest()
