"""A seized field node (issue 21): what its laptop holds, read with everything on it.

The adversary has the laptop and its key: the keyring, hence the SQLCipher database opened,
the node's private keys unwrapped. Still:
- no change the node recorded opens (each is sealed to headquarters' public key the moment it
  is recorded; headquarters' private key opens it), and the change log holds no name;
- no watchlist name, nor any watchlist name's phonetic key, is anywhere in its database: only
  keyed hashes, against which a registration at the node still screens.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from haven.accounts import sessions
from haven.db.session import make_session_factory
from haven.matching.public import name_key
from haven.security.permissions import Actor
from haven.sync import bundles, crypto, nodes, receive, up, watch
from haven.sync.capture import open_change, seal_info
from haven.sync.models import Identity
from haven.sync.models import Role as NodeRole
from haven.vetting import incidents
from haven.vetting.models import ScreeningHit
from tests.databases import Databases
from tests.sync import world as w
from tests.vetting.support import officer

PERSON = "Thiha Zaw Lin Htet"  # synthetic
# Synthetic watchlist entries: Latin and Burmese script; the notes travel nowhere either.
WATCHED = ("Aung Naing Soe", "Kyaw Zin Oo", "ဇော်မင်းထွန်း")
NOTE = "Synthetic sanctions note"
WATCHLIST = (
    "name,birth_year,unit,note\n"
    f"{WATCHED[0]},1971,LIB 77,{NOTE}\n"
    f"{WATCHED[1]},,,\n"
    f"{WATCHED[2]},1980,,\n"
).encode()


@pytest.fixture(scope="module")
def dbs(databases: dict[str, Databases]) -> Databases:
    if "sqlite" not in databases:
        pytest.skip("a field node is a SQLCipher database")
    return databases["sqlite"]


@pytest.fixture(scope="module")
def world(dbs: Databases) -> w.World:
    return w.build(dbs, dbs, nodes_count=1, tag="seized")


def _everything_the_node_holds(place: w.Place, keyring: Any) -> dict[str, bytes]:
    """Every secret on the laptop that could be tried as a private key."""
    with place.tx() as session:
        me = session.query(Identity).one()
        held = {
            "node sealing key": crypto.unwrap(keyring, "sealing", me.sealing_private),
            "node signing key": crypto.unwrap(keyring, "signing", me.signing_private),
            "watch key": me.watch_key or b"",
        }
    for name in ("root", "database_key", "field_kek", "index_key", "sync_key", "backup_key"):
        held[f"keyring {name}"] = getattr(keyring, name)
    return {name: key for name, key in held.items() if len(key) == 32}


def test_a_node_cannot_open_the_bundle_it_sent(world: w.World, dbs: Databases) -> None:
    node = world.nodes[0]
    w.register(node, name_latin=PERSON, birth_year=1991)
    data = w.bundle_up(node)
    assert PERSON.encode() not in data
    with node.tx() as session:
        signing_public = session.query(Identity).one().signing_public
    sent = bundles.read_up(data, signing_public)  # the signature is the node's own
    assert {c.table for c in sent.changes} >= {"persons", "reception_events"}

    keys = _everything_the_node_holds(node, dbs.keyring)
    assert len(keys) == 9
    with world.hq.tx() as session:
        hq = receive.headquarters(session)
        hq_private = crypto.unwrap(dbs.keyring, "sealing", hq.sealing_private)
    opened: list[dict[str, Any]] = []
    for change in sent.changes:
        info = seal_info(
            sent.node_id, change.id, change.seq, change.table, change.record_id, change.op
        )
        assert PERSON.encode() not in change.sealed
        for name, key in keys.items():
            with pytest.raises(crypto.SealBroken):
                open_change(key, change.sealed, info)
            assert name  # the failure is the same whatever the key
        opened.append(open_change(hq_private, change.sealed, info))
    person = next(
        body for body, c in zip(opened, sent.changes, strict=True) if c.table == "persons"
    )
    assert person["v"]["name_latin"] == PERSON

    # The change log on the laptop: every row sealed, no name in any.
    with node.engine.connect() as connection:
        payloads = connection.execute(text("SELECT payload FROM sync_changes")).scalars().all()
    assert len(payloads) == len(sent.changes)
    for payload in payloads:
        assert payload
        assert PERSON.encode() not in payload

    # Headquarters applies it; the laptop keeps nothing it need not (retention 0).
    assert w.apply_up(world, data).applied == len(sent.changes)
    w.apply_down(node, w.bundle_down(world, 0))
    with node.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM sync_changes")).scalar_one() == 0


def _enrol_new_node(world: w.World, dbs: Databases, tag: str) -> w.Place:
    """A laptop enrolled now, for site 0: its first bundle carries the watchlist's hashes."""
    organisation_id = world.hq_actor.organisation_id
    assert organisation_id is not None
    with world.hq.tx() as session:
        _, code = nodes.issue_code(
            session,
            Actor.system(),
            site_id=world.site_ids[0],
            organisation_id=organisation_id,
            name="Laptop enrolled later",
        )
    engine = dbs.renew(tag)
    place = w.Place("late node", engine, make_session_factory(engine, dbs.keyring))
    with place.tx() as session:
        nodes.init_node(session, role=NodeRole.FIELD, name=place.name)
        request = nodes.enrolment_request(session)
    with world.hq.tx() as session:
        answer = nodes.enrol(session, code=code, request=request)
    with place.tx() as session:
        nodes.complete_enrolment(session, code=code, answer=answer)
    place.actor = world.nodes[0].actor  # site 0's registrar came down with the site's accounts
    return place


def _every_value(engine: Engine) -> Iterator[tuple[str, object]]:
    """(table, value) for every text or blob value of every table of the database."""
    with engine.connect() as connection:
        tables = connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'table'")
        ).scalars()
        for table in list(tables):
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                for value in row:
                    if isinstance(value, str | bytes | memoryview):
                        yield table, value


def _found(engine: Engine, needles: list[str]) -> list[tuple[str, str]]:
    found = []
    raw = [n.encode() for n in needles] + [n.lower().encode() for n in needles]
    for table, value in _every_value(engine):
        if isinstance(value, str):
            found += [(table, n) for n in needles if n.lower() in value.lower()]
        else:
            blob = bytes(value)
            found += [(table, n.decode()) for n in raw if n in blob]
    return found


def test_a_seized_node_holds_no_watchlist_name_yet_screens(world: w.World, dbs: Databases) -> None:
    organisation_id = world.hq_actor.organisation_id
    assert organisation_id is not None
    with world.hq.tx() as session:
        vetter = sessions.actor_for(officer(session, organisation_id, username="hq-vetter"))
    with world.hq.tx(vetter) as session:
        incidents.load_watchlist(session, vetter, name="Sanctions (synthetic)", content=WATCHLIST)
        hq_key = receive.headquarters(session).watch_key
    assert hq_key is not None
    keys = sorted({name_key(n) for n in WATCHED})
    assert len(keys) == 3
    assert all(keys)

    late = _enrol_new_node(world, dbs, "seized_late")
    assert _found(late.engine, [*WATCHED, NOTE, "LIB 77", *keys]) == []
    # Nor in the file as it lies on the disk (SQLCipher: nothing in the clear at all).
    files = [Path(str(late.engine.url.database))]
    files += [Path(f"{files[0]}-wal")] if Path(f"{files[0]}-wal").exists() else []
    for path in files:
        content = path.read_bytes()
        assert not any(n.encode() in content for n in (*WATCHED, *keys))

    with late.engine.connect() as connection:
        stored = set(connection.execute(text("SELECT digest FROM sync_watch_hashes")).scalars())
    assert stored == watch.digests_of(hq_key, WATCHED)
    assert len(stored) == 3

    # Screening at the node from the hashes: a spelling variant, the same name in Burmese
    # script, a name that is on no list.
    variant = w.register(late, name_latin="Aung Naing So", birth_year=1971)
    burmese = w.register(late, name_latin=None, name_my="ကျော်ဇင်ဦး")
    other = w.register(late, name_latin="Min Thu Wai Yan")
    # (The scan sees what is there: the person just registered, by name and by key.)
    assert {
        n for _, n in _found(late.engine, ["Min Thu Wai Yan", name_key("Min Thu Wai Yan")])
    } == {
        "Min Thu Wai Yan",
        name_key("Min Thu Wai Yan"),
    }
    with late.tx() as session:
        assert watch.asks_headquarters(session, variant)
        assert watch.asks_headquarters(session, burmese)
        assert not watch.asks_headquarters(session, other)
        assert not watch.asks_headquarters(session, uuid.uuid4())
    # Asked, headquarters screens with the names when the registrations arrive (and never
    # "asks" itself).
    with late.tx() as session:
        data = up.make_up(session)
    assert w.apply_up(world, data).applied > 0
    with world.hq.tx() as session:
        assert not watch.asks_headquarters(session, variant)
        hits = session.scalars(
            select(ScreeningHit.person_id).where(ScreeningHit.kind == "watchlist")
        ).all()
    assert set(hits) == {variant, burmese}
