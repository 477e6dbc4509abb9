"""The pathways' lists make the same number of queries whatever their row count: the caseload
as a case worker sees it (cases, overdue tasks, referrals sent and received, each with the
person's name), as a manager sees it (counts, unassigned cases, case workers), as the partner
organisation sees it (incoming referrals); a case's page (tasks, referrals, the choices) and
its notes (each with its author)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site
from haven.accounts.sessions import actor_for
from haven.config import Settings
from haven.kernel import clock
from haven.pathways import service, work
from haven.pathways.public import Pathway
from haven.pathways.schemas import NoteIn, ReferralIn, ReferralKind, TaskIn
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.pathways.support import choose, consent_text
from tests.queries import counting

SYSTEM = Actor.system()
TODAY = clock.local_today()  # the programme's today: due dates are checked by it


def _count(client: TestClient, engine: Engine, path: str) -> int:
    with counting(engine) as seen:
        response = client.get(path)
    assert response.status_code == 200, response.text
    return seen.count


def _logged_in(app: FastAPI, username: str) -> TestClient:
    client = TestClient(app, base_url="http://testserver")
    f.login(client, username=username)
    return client


def _case(db: Session, site: Site, partner: Organisation, number: int) -> uuid.UUID:
    """A person's case with an overdue task and a referral to the partner."""
    event = f.receive(db, SYSTEM, site_id=str(site.id), name_latin=f"Person {number:03d}")
    assert isinstance(event, ReceptionEvent)
    case_id = choose(db, event.person_id, Pathway.HOME).case_id
    _work(db, case_id, partner, number)
    return case_id


def _work(db: Session, case_id: uuid.UUID, partner: Organisation, number: int) -> None:
    """An overdue task, a referral and a note more on the case."""
    task = work.add_task(db, SYSTEM, case_id, TaskIn(title=f"Call {number}", due_on=TODAY))
    task.due_at = datetime.now(UTC) - timedelta(days=1)
    work.send_referral(
        db,
        SYSTEM,
        case_id,
        ReferralIn(to_organisation_id=partner.id, kind=ReferralKind.MEDICAL, reason="Check-up"),
    )
    db.flush()


def test_the_caseload_makes_constant_queries(
    app: FastAPI, db: Session, engine: Engine, fast_settings: Settings
) -> None:
    org = f.organisation(db, name="Council (lists)")
    site = f.site(db, organisation=org)
    partner = f.organisation(db, name="Partner (lists)")
    for username, organisation, role in (
        ("cw.lists", org, Role.CASE_WORKER),
        ("mgr.lists", org, Role.MANAGER),
        ("partner.lists", partner, Role.CASE_WORKER),
    ):
        f.user(db, organisation=organisation, role=role, settings=fast_settings, username=username)
    consent_text(db, organisation_id=org.id)
    for number in range(2):
        _case(db, site, partner, number)
    clients = [_logged_in(app, name) for name in ("cw.lists", "mgr.lists", "partner.lists")]
    f.user(db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings)

    few = [_count(client, engine, "/cases") for client in clients]
    for number in range(2, 8):
        _case(db, site, partner, number)
    f.user(db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings)
    many = [_count(client, engine, "/cases") for client in clients]

    assert many == few
    worker, manager, receiver = (client.get("/cases").text for client in clients)
    for number in range(8):
        assert f"Person {number:03d}" in worker
        assert f"Person {number:03d}" in receiver
    assert manager.count('name="case_ids"') == 8


def test_a_case_page_and_its_notes_make_constant_queries(
    client: TestClient, db: Session, engine: Engine, fast_settings: Settings
) -> None:
    org = f.organisation(db, name="Council (case lists)")
    site = f.site(db, organisation=org)
    partner = f.organisation(db, name="Partner (case lists)")
    user = f.user(
        db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings, username="cw.case"
    )
    writers = [
        actor_for(f.user(db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings))
        for _ in range(8)
    ]
    consent_text(db, organisation_id=org.id)
    case_id = _case(db, site, partner, 0)
    f.login(client, username=user.username)
    page, notes = f"/cases/{case_id}", f"/cases/{case_id}/notes"

    def more(numbers: range) -> None:
        case = service.get_case(db, SYSTEM, case_id)
        for number in numbers:
            _work(db, case_id, partner, number)
            work.add_note(db, writers[number % 8], case_id, NoteIn(text=f"Note {number}"))
            choose(db, case.person_id, (Pathway.HOME, Pathway.EXILE)[number % 2])

    more(range(1, 3))
    few = (_count(client, engine, page), _count(client, engine, notes))
    more(range(3, 9))
    many = (_count(client, engine, page), _count(client, engine, notes))

    assert many == few
    assert client.get(page).text.count('href="/referrals/') == 9
    assert client.get(notes).text.count("Note ") >= 8
