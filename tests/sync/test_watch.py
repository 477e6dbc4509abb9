"""Screening at a field node from keyed hashes (issue 21, point 2): the hashes, and what the
registrar sees.

The laptop here is a field node as enrolment leaves it (headquarters' public key, the watch
key and the hashes), made directly: what the hashes are worth end to end, enrolment
included, is tests/sync/test_seized.py's.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from haven.accounts import sessions
from haven.config import Settings
from haven.db.session import make_session_factory, transaction
from haven.kernel.sensitivity import bind_actor
from haven.matching.public import name_key
from haven.reception.schemas import ReceptionCreate
from haven.reception.service import receive
from haven.security.permissions import Actor
from haven.sync import crypto, nodes, repository, watch
from haven.sync.models import Role as NodeRole
from haven.web.app import create_app
from tests import factories as f
from tests.databases import Databases

KEY = b"k" * 32  # a synthetic watch key
WATCHED = ("Aung Naing Soe", "Kyaw Zin Oo")  # synthetic watchlist names


def test_hashes_fold_spellings_and_scripts_and_depend_on_the_key() -> None:
    listed = watch.digests_of(KEY, WATCHED)
    assert len(listed) == 2
    assert watch.digests_of(KEY, ["Aung Naing So"]) <= listed  # a spelling variant
    assert watch.digests_of(KEY, ["ကျော်ဇင်ဦး"]) <= listed  # the same name, Burmese script
    assert not watch.digests_of(KEY, ["Aung Naing"]) & listed  # part of a name: no hit
    assert not watch.digests_of(b"x" * 32, WATCHED) & listed  # another headquarters' key
    assert watch.digests_of(KEY, [None, "", "   "]) == set()
    # A hash is not the key in the clear.
    assert not {name_key(n) for n in WATCHED} & listed


@dataclass
class Laptop:
    factory: sessionmaker[Session]
    registrar: Actor
    client: TestClient


@pytest.fixture(scope="module")
def laptop(databases: dict[str, Databases], fast_settings: Settings) -> Iterator[Laptop]:
    if "sqlite" not in databases:
        pytest.skip("a field node is a SQLCipher database")
    dbs = databases["sqlite"]
    engine = dbs.renew("watch_node")
    factory = make_session_factory(engine, dbs.keyring)
    with transaction(factory) as session:
        bind_actor(session, Actor.system("test"))
        me = nodes.init_node(session, role=NodeRole.FIELD, name="Laptop")
        me.hq_sealing_public = crypto.new_sealing_pair().public
        me.hq_signing_public = crypto.new_signing_pair().public
        me.watch_key = KEY
        repository.replace_watch_hashes(session, sorted(watch.digests_of(KEY, WATCHED)))
        organisation = f.organisation(session, name="Synthetic Council")
        site = f.site(session, organisation=organisation, name="Reception point")
        registrar = sessions.actor_for(
            f.registrar(session, organisation=organisation, site=site, username="desk")
        )
    settings = fast_settings.model_copy(update={"database_url": engine.url.render_as_string(False)})
    app = create_app(settings, engine=engine, session_factory=factory, check_migrations=False)
    with TestClient(app, base_url="http://testserver") as client:
        f.login(client, username="desk")
        yield Laptop(factory, registrar, client)


def _register(laptop: Laptop, **names: str | None) -> uuid.UUID:
    data = {"classification": "defector", "name_latin": None, **names}
    with transaction(laptop.factory) as session:
        bind_actor(session, laptop.registrar)
        event = receive(session, laptop.registrar, ReceptionCreate.model_validate(data))
        return event.person_id


NOTICE = 'id="watch-notice"'


def test_the_registrar_sees_that_headquarters_will_check(laptop: Laptop) -> None:
    watched = _register(laptop, name_latin="Aung Naing So")
    page = laptop.client.get(f"/people/{watched}?received=1")
    assert page.status_code == 200
    assert NOTICE in page.text
    assert "headquarters will check this person" in page.text
    other = _register(laptop, name_latin="Min Thu Wai Yan")
    page = laptop.client.get(f"/people/{other}?received=1")
    assert page.status_code == 200
    assert NOTICE not in page.text
    with transaction(laptop.factory) as session:
        assert watch.asks_headquarters(session, watched)
        assert not watch.asks_headquarters(session, other)
