"""Headquarters' synchronisation endpoints through the real app (haven.sync.api).

One world per engine at headquarters (field nodes on SQLCipher), built once for the module:
node 0 sends and receives; node 1 is the one revoked.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from haven.config import Settings
from haven.db.keyring import Keyring
from haven.db.session import keyring_of
from haven.db.types import utcnow
from haven.security.permissions import Actor
from haven.sync import bundles, client, crypto, nodes, up
from haven.sync.down import field_identity
from haven.sync.models import Node
from haven.web.app import create_app
from tests.conftest import BACKENDS
from tests.databases import Databases
from tests.postgres import free_port
from tests.sync import world as w

OCTETS = {"content-type": "application/octet-stream"}


@dataclass
class Served:
    world: w.World
    client: TestClient


@pytest.fixture(scope="module", params=BACKENDS)
def served(
    request: pytest.FixtureRequest,
    databases: dict[str, Databases],
    fast_settings: Settings,
    keyring: Keyring,
) -> Iterator[Served]:
    hq_databases = databases[request.param]
    if request.param == "postgresql" and hq_databases.postgres_admin_url is None:
        hq_databases.postgres_admin_url = str(request.getfixturevalue("postgres_admin_url"))
    laptops = databases.get("sqlite", hq_databases)
    world = w.build(hq_databases, laptops, tag="sync_api")
    settings = fast_settings.model_copy(
        update={"database_url": world.hq.engine.url.render_as_string(False)}
    )
    app = create_app(
        settings, engine=world.hq.engine, session_factory=world.hq.factory, check_migrations=False
    )
    with TestClient(app, base_url="http://testserver") as client:
        yield Served(world, client)


def _applied_seq(world: w.World, index: int) -> int:
    with world.hq.tx() as session:
        node = session.get(Node, world.node_ids[index])
        assert node is not None
        return node.applied_seq


def _down_request(place: w.Place, *, at: str | None = None, key: bytes | None = None) -> bytes:
    with place.tx() as session:
        me = field_identity(session)
        private = key or crypto.unwrap(keyring_of(session), "signing", me.signing_private)
        return bundles.make_request(me.node_id, private, {"at": at or utcnow().isoformat()})


def test_an_up_bundle_is_applied_once_and_the_down_bundle_acknowledges_it(served: Served) -> None:
    world, client = served.world, served.client
    laptop = world.nodes[0]
    person_id = w.register(laptop, name_latin="Kyaw Zaw Oo", birth_year=1991)
    data = w.bundle_up(laptop)

    first = client.post("/api/sync/up", content=data, headers=OCTETS)
    assert first.status_code == 200, first.text
    receipt = first.json()
    assert receipt["node"] == str(world.node_ids[0])
    assert receipt["applied"] > 0
    assert receipt["gap"] is None
    assert w.person_values(world.hq, person_id) == w.person_values(laptop, person_id)

    again = client.post("/api/sync/up", content=data, headers=OCTETS).json()
    assert again["applied"] == 0
    assert again["skipped"] == receipt["applied"]
    assert again["acked"] == receipt["acked"]

    answer = client.post("/api/sync/down", content=_down_request(laptop), headers=OCTETS)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/octet-stream"
    assert w.apply_down(laptop, answer.content)["acked"] == receipt["acked"]
    with laptop.tx() as session:
        assert up.waiting(session) == 0


@pytest.mark.parametrize("cut", ["truncated", "not a bundle", "empty"])
def test_a_damaged_bundle_is_refused_and_changes_nothing(served: Served, cut: str) -> None:
    world, client = served.world, served.client
    laptop = world.nodes[0]
    w.register(laptop, name_latin="Hla Min")
    data = w.bundle_up(laptop)
    body = {"truncated": data[: len(data) // 2], "not a bundle": b"PK\x03\x04zip", "empty": b""}
    before = _applied_seq(world, 0)

    answer = client.post("/api/sync/up", content=body[cut], headers=OCTETS)

    assert answer.status_code == 409
    assert answer.json()["error"] == "sync_refused"
    assert answer.json()["detail"]
    assert _applied_seq(world, 0) == before


def test_a_revoked_node_is_refused_both_ways(served: Served) -> None:
    world, client = served.world, served.client
    laptop = world.nodes[1]
    w.register(laptop, name_latin="Than Htike")
    data, asking = w.bundle_up(laptop), _down_request(laptop)
    with world.hq.tx() as session:
        nodes.revoke(session, Actor.system(), world.node_ids[1])

    sent = client.post("/api/sync/up", content=data, headers=OCTETS)
    asked = client.post("/api/sync/down", content=asking, headers=OCTETS)

    assert (sent.status_code, sent.json()["error"]) == (403, "node_revoked")
    assert (asked.status_code, asked.json()["error"]) == (403, "node_revoked")
    assert _applied_seq(world, 1) == 0


def test_a_down_request_must_be_signed_by_the_node_and_recent(served: Served) -> None:
    world, client = served.world, served.client
    laptop = world.nodes[0]
    forged = _down_request(laptop, key=crypto.new_signing_pair().private)
    stale = _down_request(laptop, at=(utcnow() - timedelta(minutes=11)).isoformat())
    stranger = bundles.make_request(uuid.uuid4(), crypto.new_signing_pair().private, {"at": "x"})

    for body, code in [
        (forged, "request_refused"),
        (stale, "request_refused"),
        (stranger, "unknown_node"),
        (b"HAVENRQ1", "request_refused"),
    ]:
        answer = client.post("/api/sync/down", content=body, headers=OCTETS)
        assert (answer.status_code, answer.json()["error"]) == (403, code)


def test_enrolment_with_a_bad_code_is_refused(served: Served) -> None:
    answer = served.client.post(
        "/api/sync/enrol",
        json={"code": "AAAAA-BBBBB-CCCCC-DDDDD-EEEEEE", "request": {"sealing": "", "signing": ""}},
    )
    assert (answer.status_code, answer.json()["error"]) == (403, "bad_enrolment_code")


def test_a_bundle_over_the_limit_is_refused_before_it_is_read(served: Served) -> None:
    answer = served.client.post(
        "/api/sync/up", content=b"x" * 16, headers={**OCTETS, "content-length": str(51 << 20)}
    )
    assert answer.status_code == 413


def test_a_link_that_fails_is_kept_as_the_last_error(served: Served) -> None:
    laptop = served.world.nodes[0]
    closed = f"http://127.0.0.1:{free_port()}"  # nothing listens there

    with pytest.raises(client.LinkFailed):
        client.sync_over_link(laptop.factory, closed)

    with laptop.tx() as session:
        assert "could not be reached" in (field_identity(session).last_sync_error or "")
