"""The synchronisation pages (issue 21, point 7): headquarters' field nodes (enrolment code
shown once, revocation), a field node's own state, and a database that is no node; in
English and Burmese, for the roles that may see them and refused to the others."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.accounts import sessions as login_sessions
from haven.accounts.models import Organisation, User
from haven.config import Settings
from haven.security.permissions import Role
from haven.sync.models import Node, NodeState
from haven.web.app import create_app
from haven.web.deps import SESSION_COOKIE
from tests import factories
from tests.databases import Databases
from tests.sync import world as w


@pytest.fixture(scope="module")
def world(databases: dict[str, Databases]) -> w.World:
    dbs = databases["sqlite"]
    return w.build(dbs, dbs, tag="pages")


def _client(place: w.Place, settings: Settings) -> TestClient:
    app = create_app(
        settings, engine=place.engine, session_factory=place.factory, check_migrations=False
    )
    return TestClient(app, base_url="http://testserver")


@pytest.fixture
def hq(world: w.World, fast_settings: Settings) -> Iterator[TestClient]:
    with _client(world.hq, fast_settings) as client:
        yield client


def _login(place: w.Place, client: TestClient, user_id: uuid.UUID, settings: Settings) -> str:
    with place.tx() as session:
        user = session.get(User, user_id)
        assert user is not None
        token, login = login_sessions.start(session, user, settings, second_factor="totp")
        csrf = login.csrf_token
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, token)
    return csrf


def _user(place: w.Place, organisation_id: uuid.UUID | None, role: Role) -> uuid.UUID:
    with place.tx() as session:
        organisation = session.get(Organisation, organisation_id)
        assert organisation is not None
        user = factories.user(
            session, organisation=organisation, role=role, username=f"p-{uuid.uuid4().hex[:8]}"
        )
        return user.id


def _registrar(place: w.Place) -> uuid.UUID:
    assert place.actor is not None
    assert place.actor.user_id is not None
    return place.actor.user_id


@pytest.mark.parametrize("language", ["en", "my"])
def test_headquarters_nodes_page_for_managers_and_administrators(
    world: w.World, hq: TestClient, fast_settings: Settings, language: str
) -> None:
    _login(world.hq, hq, world.hq_actor.user_id or uuid.uuid4(), fast_settings)
    hq.cookies.set("haven_language", language)
    page = hq.get("/sync/nodes")
    assert page.status_code == 200
    assert f'lang="{language}"' in page.text
    assert "Laptop 0" in page.text
    assert "Laptop 1" in page.text
    assert 'id="issue-form"' not in page.text  # a manager sees, an administrator manages
    assert hq.get("/sync").status_code == 200
    assert 'href="/sync/nodes"' in hq.get("/sync").text


def test_an_administrator_issues_a_code_once_and_revokes_a_node(
    world: w.World, hq: TestClient, fast_settings: Settings
) -> None:
    admin = _user(world.hq, world.hq_actor.organisation_id, Role.ADMINISTRATOR)
    csrf = _login(world.hq, hq, admin, fast_settings)
    page = hq.get("/sync/nodes")
    assert 'id="issue-form"' in page.text
    missing = hq.post("/sync/nodes", data={"name": "Laptop 9", "csrf_token": csrf})
    assert missing.status_code == 422
    assert 'href="#field-site_id"' in missing.text
    issued = hq.post(
        "/sync/nodes",
        data={"name": "Laptop 9", "site_id": str(world.site_ids[0]), "csrf_token": csrf},
    )
    assert issued.status_code == 200
    code = re.search(r'id="code">([0-9A-Z-]+)<', issued.text)
    assert code is not None
    assert len(code.group(1)) == 30  # four groups of five, and headquarters' fingerprint
    assert code.group(1) not in hq.get("/sync/nodes").text  # shown once
    revoked = hq.post(
        f"/sync/nodes/{world.node_ids[1]}/revoke",
        data={"csrf_token": csrf},
        follow_redirects=False,
    )
    assert revoked.status_code == 303
    after = hq.get("/sync/nodes").text
    assert "The field node was revoked" in after
    with world.hq.tx() as session:
        node = session.get(Node, world.node_ids[1])
        assert node is not None
        assert node.state == NodeState.REVOKED
    # The other node learns of it with its next bundle, and its page says so.
    w.sync(world, 0)
    with _client(world.nodes[0], fast_settings) as field:
        _login(world.nodes[0], field, _registrar(world.nodes[0]), fast_settings)
        assert str(world.node_ids[1]) in field.get("/sync").text


@pytest.mark.parametrize("language", ["en", "my"])
def test_a_field_node_shows_what_waits_and_when_it_last_synchronised(
    world: w.World, fast_settings: Settings, language: str
) -> None:
    node = world.nodes[0]
    w.register(node, name_latin="Waiting Person")
    with _client(node, fast_settings) as field:
        _login(node, field, _registrar(node), fast_settings)
        field.cookies.set("haven_language", language)
        page = field.get("/sync")
        assert page.status_code == 200
        assert 'id="waiting"' in page.text
        assert "Waiting Person" not in page.text  # counts by kind of record, no one's data
        assert 'href="/sync"' in page.text  # the registrar's menu links to it
        assert field.get("/sync/nodes").status_code == 403  # not a registrar's page


def test_who_may_not_see_the_pages_is_refused(
    world: w.World, hq: TestClient, fast_settings: Settings
) -> None:
    registrar = world.hq_registrars[0]
    assert registrar.user_id is not None
    _login(world.hq, hq, registrar.user_id, fast_settings)
    assert hq.get("/sync/nodes").status_code == 403
    assert 'href="/sync/nodes"' not in hq.get("/sync").text
    auditor = _user(world.hq, world.hq_actor.organisation_id, Role.AUDITOR)
    _login(world.hq, hq, auditor, fast_settings)
    for path in ("/sync", "/sync/nodes", "/sync/conflicts"):
        assert hq.get(path).status_code == 403, path
    assert 'href="/sync"' not in hq.get("/").text


def test_a_database_that_is_no_node_says_so(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    organisation = factories.organisation(db)
    manager = factories.user(db, organisation=organisation, role=Role.MANAGER)
    registrar = factories.registrar(
        db, organisation=organisation, site=factories.site(db, organisation=organisation)
    )
    db.flush()
    for user, paths in ((manager, ("/sync", "/sync/nodes")), (registrar, ("/sync/conflicts",))):
        token, _login_session = login_sessions.start(db, user, fast_settings, second_factor="totp")
        db.flush()
        client.cookies.clear()
        client.cookies.set(SESSION_COOKIE, token)
        for path in paths:
            page = client.get(path)
            assert page.status_code == 200, path
            assert re.search(r'id="not-(a-node|headquarters)"', page.text), path
