"""Conflicts go to a person (issue 21, point 6): a field changed at a field node and at
headquarters from the same value waits in a queue at headquarters for someone who may write
the record, on a page showing both values; the decision is written at headquarters and goes
down to the node. One world (headquarters and two enrolled field nodes) serves the module;
each test makes its own person."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from haven.accounts import sessions as login_sessions
from haven.accounts.models import Organisation, User
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.errors import NotFound, ValidationFailed
from haven.people.public import erase_person
from haven.security.permissions import Actor, Role
from haven.sync import conflicts
from haven.sync.models import Conflict, ConflictState
from haven.web.app import create_app
from haven.web.deps import SESSION_COOKIE
from tests import factories
from tests.conftest import BACKENDS
from tests.databases import Databases
from tests.sync import world as w


@pytest.fixture(scope="module")
def world(databases: dict[str, Databases], request: pytest.FixtureRequest) -> w.World:
    """Headquarters on PostgreSQL when the run has it (as in production), nodes on SQLCipher."""
    backend = BACKENDS[-1]
    hq = databases[backend]
    if backend == "postgresql" and hq.postgres_admin_url is None:
        hq.postgres_admin_url = str(request.getfixturevalue("postgres_admin_url"))
    return w.build(hq, databases.get("sqlite", hq), tag="conflicts")


def _conflict(world: w.World, *, hq: int = 1991, field: int = 1992) -> tuple[uuid.UUID, uuid.UUID]:
    """A person registered at node 0, their year of birth changed at both places: (person,
    conflict)."""
    node = world.nodes[0]
    person = w.register(node, name_latin="Min Thu", birth_year=1990)
    w.sync(world, 0)
    w.edit(world.hq, person, world.hq_registrars[0], birth_year=hq)
    w.edit(node, person, birth_year=field)
    receipt = w.apply_up(world, w.bundle_up(node))
    assert receipt.conflicts == 1
    with world.hq.tx() as session:
        found = session.scalars(select(Conflict.id).where(Conflict.person_id == person)).one()
    return person, found


@pytest.fixture
def client(world: w.World, fast_settings: Settings) -> Iterator[TestClient]:
    app = create_app(
        fast_settings,
        engine=world.hq.engine,
        session_factory=world.hq.factory,
        check_migrations=False,
    )
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def _login(world: w.World, client: TestClient, actor: Actor, settings: Settings) -> str:
    """Log `actor` in by cookie; their CSRF token."""
    with world.hq.tx() as session:
        user = session.get(User, actor.user_id)
        assert user is not None
        token, login = login_sessions.start(session, user, settings, second_factor="totp")
        csrf = login.csrf_token
    client.cookies.clear()
    client.cookies.set(SESSION_COOKIE, token)
    return csrf


def test_the_queue_is_the_registrars_of_the_records_site(world: w.World) -> None:
    _person, conflict_id = _conflict(world)
    mine, theirs = world.hq_registrars
    with world.hq.tx(mine) as session:
        rows, _total = conflicts.open_conflicts(session, mine, limit=100)
        assert conflict_id in {row.id for row in rows}
        detail = conflicts.conflict_detail(session, mine, conflict_id)
        assert detail.values == {"base": 1990, "headquarters": 1991, "field": 1992}
        assert detail.field_by is not None  # the node's registrar, by name
        assert detail.headquarters_by is not None
        assert detail.field_at is not None
    with world.hq.tx(theirs) as session:
        rows, _ = conflicts.open_conflicts(session, theirs, limit=100)
        assert conflict_id not in {row.id for row in rows}
        with pytest.raises(NotFound):
            conflicts.conflict_detail(session, theirs, conflict_id)
    assert not conflicts.may_decide(world.hq_actor)  # a manager writes no person's record


def test_deciding_writes_the_value_and_it_goes_down_to_the_node(
    world: w.World, client: TestClient, fast_settings: Settings
) -> None:
    person, conflict_id = _conflict(world, hq=1981, field=1982)
    mine, theirs = world.hq_registrars

    csrf = _login(world, client, theirs, fast_settings)
    assert client.get(f"/sync/conflicts/{conflict_id}").status_code == 404
    refused = client.post(
        f"/sync/conflicts/{conflict_id}",
        data={"keep": "field", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert refused.status_code == 404

    csrf = _login(world, client, mine, fast_settings)
    queue = client.get("/sync/conflicts")
    assert queue.status_code == 200
    assert f"/sync/conflicts/{conflict_id}" in queue.text
    page = client.get(f"/sync/conflicts/{conflict_id}")
    assert page.status_code == 200
    assert re.search(r'id="value-headquarters">1981<', page.text)
    assert re.search(r'id="value-field">1982<', page.text)
    decided = client.post(
        f"/sync/conflicts/{conflict_id}",
        data={"keep": "field", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert decided.status_code == 303, decided.text
    assert decided.headers["location"] == "/sync/conflicts"
    assert "The conflict is decided" in client.get("/sync/conflicts").text
    again = client.post(
        f"/sync/conflicts/{conflict_id}",
        data={"keep": "headquarters", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert again.status_code == 409

    with world.hq.tx() as session:
        conflict = session.get(Conflict, conflict_id)
        assert conflict is not None
        assert conflict.state == ConflictState.DECIDED
        assert (conflict.decision, conflict.decided_by_id) == ("field", mine.user_id)
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.subject_id == conflict_id)
        ).all()
        assert {e.action for e in events} >= {"sync.conflict_viewed", "sync.conflict_decided"}
        assert all("1982" not in str(e.changes) for e in events)  # never a value
    assert (w.person_values(world.hq, person) or {})["birth_year"] == 1982
    w.sync(world, 0)
    assert (w.person_values(world.nodes[0], person) or {})["birth_year"] == 1982
    assert w.person_values(world.nodes[0], person) == w.person_values(world.hq, person)


def test_keeping_headquarters_value_and_a_typed_one(world: w.World) -> None:
    mine = world.hq_registrars[0]
    person, first = _conflict(world, hq=1971, field=1972)
    with world.hq.tx(mine) as session:
        conflicts.decide(session, mine, first, keep="headquarters")
    w.sync(world, 0)
    assert (w.person_values(world.nodes[0], person) or {})["birth_year"] == 1971
    person, second = _conflict(world, hq=1961, field=1962)
    with world.hq.tx(mine) as session, pytest.raises(ValidationFailed):
        conflicts.decide(session, mine, second, keep="value", value="soon")
    with world.hq.tx(mine) as session:
        conflicts.decide(session, mine, second, keep="value", value="1963")
    w.sync(world, 0)
    assert (w.person_values(world.nodes[0], person) or {})["birth_year"] == 1963


def test_erasing_the_person_deletes_their_conflicts(world: w.World) -> None:
    person, conflict_id = _conflict(world, hq=1951, field=1952)
    with world.hq.tx() as session:
        erase_person(session, Actor.system(), person, reason="test")
    with world.hq.tx() as session:
        assert session.get(Conflict, conflict_id) is None


def test_a_case_worker_and_the_manager_see_no_persons_conflict(
    world: w.World, client: TestClient, fast_settings: Settings
) -> None:
    _person, conflict_id = _conflict(world, hq=1941, field=1942)
    with world.hq.tx() as session:
        organisation = session.get(Organisation, world.hq_actor.organisation_id)
        assert organisation is not None
        case_worker = factories.user(
            session,
            organisation=organisation,
            role=Role.CASE_WORKER,
            username=f"cw-{uuid.uuid4().hex[:6]}",
        )
        cw = Actor.for_user(
            user_id=case_worker.id,
            username=case_worker.username,
            organisation_id=case_worker.organisation_id,
            site_id=None,
            role=case_worker.role,
        )
    _login(world, client, cw, fast_settings)
    assert client.get("/sync/conflicts").status_code == 200
    assert client.get(f"/sync/conflicts/{conflict_id}").status_code == 404
    _login(world, client, world.hq_actor, fast_settings)
    assert client.get("/sync/conflicts").status_code == 403
    assert client.get(f"/sync/conflicts/{conflict_id}").status_code == 403
