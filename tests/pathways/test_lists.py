"""The list pattern on cases: a manager assigns several waiting cases at once (exactly the
chosen ones, each audited; a refused assignment writes nothing), filters, sorts and pages
with counts from the database."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.pathways import service
from haven.pathways.lifecycle import Pathway
from haven.pathways.models import Case
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.conftest import LAPTOP
from tests.pathways.support import choose

# Plain SQL, checked on both engines when written: the laptop's engine suffices here.
LAPTOP_ONLY = pytest.mark.parametrize("engine", LAPTOP, indirect=True)

SYSTEM = Actor.system()


@dataclass
class Office:
    cases: list[uuid.UUID]
    manager: dict[str, str]
    worker_id: uuid.UUID
    other_worker_id: uuid.UUID
    foreign_worker_id: uuid.UUID
    registrar_id: uuid.UUID
    manager_actor: Actor


@pytest.fixture
def office(db: Session, fast_settings: Settings) -> Office:
    """Four unassigned cases of one organisation (opened a day apart, oldest first), its
    manager, two case workers, a registrar, and a case worker of another organisation."""
    org = f.organisation(db, name="Council (bulk)")
    site = f.site(db, organisation=org)
    other = f.organisation(db, name="Elsewhere (bulk)")

    def user(organisation: object, role: Role, **extra: object) -> uuid.UUID:
        made = f.user(db, organisation=organisation, role=role, settings=fast_settings, **extra)  # type: ignore[arg-type]
        return made.id

    manager = f.user(
        db, organisation=org, role=Role.MANAGER, settings=fast_settings, username="mgr.bulk"
    )
    cases = []
    for number in range(4):
        event = f.receive(db, SYSTEM, site_id=str(site.id), name_latin=f"Waiting {number}")
        assert isinstance(event, ReceptionEvent)
        case = service.open_case(db, SYSTEM, event.person_id)
        case.created_at = case.created_at - timedelta(days=10 - number)
        cases.append(case.id)
    db.flush()
    return Office(
        cases=cases,
        manager=f.bearer(f.api_token(db, user=manager)),
        worker_id=user(org, Role.CASE_WORKER),
        other_worker_id=user(org, Role.CASE_WORKER),
        foreign_worker_id=user(other, Role.CASE_WORKER),
        registrar_id=user(org, Role.REGISTRAR, site=site),
        manager_actor=actor_for(manager),
    )


def _assigned(db: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID | None]:
    db.expire_all()
    rows = db.execute(select(Case.id, Case.assigned_to_id).where(Case.id.in_(ids))).all()
    return dict(rows)  # type: ignore[arg-type]


def _audited(db: Session, ids: list[uuid.UUID]) -> list[uuid.UUID | None]:
    return list(
        db.scalars(
            select(AuditEvent.subject_id).where(
                AuditEvent.action == "case.assigned", AuditEvent.subject_id.in_(ids)
            )
        )
    )


@LAPTOP_ONLY
def test_bulk_assignment_assigns_exactly_the_chosen_cases_and_audits_each(
    client: TestClient, db: Session, office: Office
) -> None:
    chosen = [office.cases[0], office.cases[2]]
    body = {"case_ids": [str(c) for c in chosen], "user_id": str(office.worker_id)}
    response = client.post("/api/cases/assign", json=body, headers=office.manager)
    assert response.status_code == 200, response.text
    assert sorted(c["id"] for c in response.json()) == sorted(str(c) for c in chosen)
    assert _assigned(db, office.cases) == {
        office.cases[0]: office.worker_id,
        office.cases[1]: None,
        office.cases[2]: office.worker_id,
        office.cases[3]: None,
    }
    assert sorted(_audited(db, office.cases), key=str) == sorted(chosen, key=str)


@LAPTOP_ONLY
def test_a_refused_bulk_assignment_writes_nothing(
    client: TestClient, db: Session, office: Office
) -> None:
    two = [str(c) for c in office.cases[:2]]
    refusals: list[tuple[list[str], uuid.UUID | None, int, str | None]] = [
        ([], office.worker_id, 422, "case_ids"),  # no case chosen
        (two, None, 422, "user_id"),  # no case worker chosen
        (two, office.foreign_worker_id, 422, "user_id"),  # of another organisation
        (two, office.registrar_id, 422, "user_id"),  # not a case worker
        ([*two, str(uuid.uuid4())], office.worker_id, 404, None),  # a case not theirs
    ]
    for case_ids, worker, status, field in refusals:
        body = {"case_ids": case_ids, "user_id": str(worker) if worker else None}
        response = client.post("/api/cases/assign", json=body, headers=office.manager)
        assert response.status_code == status, response.text
        if field is not None:
            assert field in response.json()["fields"], response.text
    assert set(_assigned(db, office.cases).values()) == {None}
    assert _audited(db, office.cases) == []


def test_waiting_cases_sort_filter_and_page_with_counts(db: Session, office: Office) -> None:
    actor = office.manager_actor
    oldest, total = service.waiting_cases(db, actor, limit=3)
    assert total == 4
    assert [c.id for c in oldest] == office.cases[:3]  # waiting longest first
    second, total = service.waiting_cases(db, actor, limit=3, offset=3)
    assert ([c.id for c in second], total) == ([office.cases[3]], 4)
    newest, _ = service.waiting_cases(db, actor, sort="newest", limit=2)
    assert [c.id for c in newest] == [office.cases[3], office.cases[2]]
    # Assigned cases stop waiting; a pathway filter reads the person's current choice.
    service.assign_many(db, actor, office.cases[:1], office.worker_id)
    person = db.get(Case, office.cases[1])
    assert person is not None
    choose(db, person.person_id, Pathway.EXILE)
    assert service.waiting_cases(db, actor, limit=10)[1] == 3
    exile, total = service.waiting_cases(db, actor, pathway=Pathway.EXILE)
    assert ([c.id for c in exile], total) == ([office.cases[1]], 1)


@LAPTOP_ONLY
def test_the_manager_ticks_cases_and_assigns_them_through_the_page(
    client: TestClient, db: Session, office: Office
) -> None:
    f.login(client, username="mgr.bulk")
    page = client.get("/cases?per_page=3")
    assert "Showing 1–3 of 4" in page.text
    rows = page.text.split('id="unassigned-table"')[1]
    assert [rows.index(str(c)) for c in office.cases[:3]] == sorted(
        rows.index(str(c)) for c in office.cases[:3]
    )  # waiting longest first
    assert str(office.cases[3]) not in rows  # on the second page
    token = f.csrf_from(client, "/cases")
    chosen = [str(office.cases[0]), str(office.cases[1])]
    # No case worker chosen: the page again, the ticks kept, the field named.
    refused = client.post(
        "/cases/assign?per_page=3", data={"csrf_token": token, "case_ids": chosen, "user_id": ""}
    )
    assert refused.status_code == 422
    assert 'href="#field-user_id"' in refused.text
    assert refused.text.count(" checked>") == 2
    assert 'href="/cases?per_page=3&amp;page=2"' in refused.text  # the pager stays on /cases
    assert set(_assigned(db, office.cases).values()) == {None}
    done = client.post(
        "/cases/assign?per_page=3",
        data={"csrf_token": token, "case_ids": chosen, "user_id": str(office.worker_id)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/cases?per_page=3"
    after = client.get(done.headers["location"])
    assert "The chosen cases are assigned to the case worker." in after.text
    assert "Showing 1–2 of 2" in after.text
    assigned = _assigned(db, office.cases)
    assert [assigned[c] for c in office.cases] == [office.worker_id] * 2 + [None] * 2
    assert sorted(_audited(db, office.cases), key=str) == sorted(office.cases[:2], key=str)
