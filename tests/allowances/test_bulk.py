"""Entitlements and batch preparation at scale: a recomputation of many persons gives what
each person's own gives, is audited in one event naming them, and runs as a job that
resumes after a crash without writing anything twice."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, true
from sqlalchemy.orm import Session, sessionmaker

from haven.accounts.sessions import actor_for
from haven.allowances import batches, entitlements, jobs, ledger
from haven.allowances.models import Instalment, PaymentItem
from haven.audit.models import AuditEvent
from haven.audit.repository import EventFilter, events_page
from haven.config import Settings
from haven.jobs import public
from haven.jobs.models import Job, JobState
from haven.jobs.runner import Runner
from haven.kernel.sensitivity import bind_actor
from haven.pathways.public import Pathway
from haven.people.public import FamilyMember
from haven.security.permissions import Role
from haven.vetting.public import Outcome
from tests import factories as f
from tests.allowances import support as s
from tests.pathways.support import choose
from tests.vetting.support import clear_person

COMPUTED = "allowance.entitlement_computed"


def _varied(db: Session, w: s.World) -> list[uuid.UUID]:
    """Persons whose entitlements differ in every way the facts allow."""
    ids = [
        s.person(db, w, seniority=5, name="Captain One"),
        s.person(db, w, seniority=10, dependants=2, name="Private Two"),
        s.person(
            db,
            w,
            seniority=8,
            name="Sergeant Three",
            weapons=[{"kind": "rifle", "quantity": 2, "serviceable": True}],
        ),
        s.person(db, w, classification="child", birth_year=2012, name="Child Four"),
        s.person(db, w, received_on=date(2025, 12, 31), name="Before Any Plan"),
        s.person(db, w, seniority=12, name="Referred Six"),
        s.person(db, w, seniority=9, name="Exile Seven"),
        s.person(db, w, seniority=10, name="Home Eight", received_on=date(2026, 5, 2)),
    ]
    clear_person(db, ids[5], outcome=Outcome.REFERRED)
    for pid in (ids[0], ids[1], ids[2], ids[6], ids[7]):
        clear_person(db, pid)
    choose(db, ids[6], Pathway.EXILE)
    choose(db, ids[7], Pathway.HOME)
    return ids


def _computed_events(db: Session) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent).where(AuditEvent.action == COMPUTED).order_by(AuditEvent.seq)
        ).all()
    )


def test_a_set_gives_what_each_person_gives_and_one_event_names_them(db: Session) -> None:
    w = s.world(db)
    ids = _varied(db, w)  # before the plan: the events find no plan in force, owe nothing
    s.publish_plan(db, w)  # a new plan is applied to everyone by a recomputation
    maker = w.maker(db)
    one_by_one = {pid: entitlements.preview(db, maker, pid) for pid in ids}

    together = {c.person_id: c for c in entitlements.recompute(db, maker, ids)}

    assert together == one_by_one
    assert one_by_one[ids[4]].problem is not None  # the varied set has each kind of outcome
    assert "defection" in one_by_one[ids[5]].not_eligible
    changed = [pid for pid in ids if together[pid].changed]
    assert len(changed) >= 5
    for pid in ids:
        expected = {(c.component_code, c.number): c.after for c in together[pid].changes if c.after}
        assert s.owed(db, pid) == expected
    assert ledger.reconcile(db, w.org.id) == []
    [event] = _computed_events(db)
    assert (event.subject_type, event.subject_id) == ("persons", None)
    assert event.changes["count"] == len(changed)
    assert set(event.changes["persons"]) == {str(pid) for pid in changed}
    first = event.changes["persons"][str(ids[0])]
    lines = {f"{c.component_code}#{c.number}": c.after for c in together[ids[0]].changes}
    assert {key: line["after"] for key, line in first["lines"].items()} == lines
    # The auditors' subject filter finds each person in the one event.
    for pid in changed:
        found = events_page(db, true(), EventFilter(subject_id=pid), limit=50)
        assert event.id in {e.id for e in found}

    # One person changed: the event names that person, as it always did.
    # Written behind the events' back (the service would recompute at once).
    db.add(
        FamilyMember(
            person_id=ids[0], organisation_id=w.org.id, relationship="child", is_dependant=True
        )
    )
    db.flush()
    again = entitlements.recompute(db, maker, ids, reason="new dependant")
    assert [c.person_id for c in again if c.changed] == [ids[0]]
    latest = _computed_events(db)[-1]
    assert (latest.subject_type, latest.subject_id) == ("person", ids[0])
    assert latest.changes["reason"] == "new dependant"
    assert "lines" in latest.changes


def _run_steps(runner: Runner, job_id: uuid.UUID, steps: int) -> None:
    for _ in range(steps):
        runner._step(job_id, None)  # one step, committed with the job's cursor


def _crash_in_a_step(
    monkeypatch: pytest.MonkeyPatch, runner: Runner, job_id: uuid.UUID, kind: object
) -> None:
    """A step whose work is done but whose transaction never commits (the process dies)."""
    real = kind.step  # type: ignore[attr-defined]

    def dies(*args: object, **kwargs: object) -> object:
        real(*args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(kind, "step", dies)
    with pytest.raises(KeyboardInterrupt):
        runner._step(job_id, None)  # one step, committed with the job's cursor
    monkeypatch.delattr(kind, "step")


@pytest.fixture
def small_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jobs, "FIRST_PART", 3)
    monkeypatch.setattr(jobs, "MIN_PART", 3)
    monkeypatch.setattr(jobs, "MAX_PART", 3)


@pytest.mark.usefixtures("small_parts")
def test_the_recompute_job_resumes_after_a_crash_and_writes_nothing_twice(
    db: Session, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    w = s.world(db)
    ids = _varied(db, w)  # before the plan: the recomputation job applies it
    s.publish_plan(db, w)
    maker = actor_for(w.maker_user)
    bind_actor(db, maker)
    job_id = public.enqueue(db, maker, jobs.RECOMPUTE.name, {}, total=len(ids))
    db.commit()

    first = Runner(session_factory, lease=timedelta(0))
    assert first.claim(job_id) == job_id
    _run_steps(first, job_id, 2)
    _crash_in_a_step(monkeypatch, first, job_id, jobs.RECOMPUTE)
    db.commit()
    job = db.get(Job, job_id)
    assert job is not None
    db.refresh(job)
    assert (job.state, job.done, job.cursor["after"]) == ("running", 6, str(sorted(ids)[5]))
    written = set(db.scalars(select(Instalment.person_id).distinct()))
    assert written
    assert written <= set(sorted(ids)[:6])

    # Another worker takes the job over (the first one's lease has run out) and finishes it.
    outcome = Runner(session_factory, lease=timedelta(0)).run_pending()
    assert [o.state for o in outcome] == [JobState.DONE]
    db.commit()
    db.refresh(job)
    assert (job.done, job.total) == (len(ids), len(ids))
    result = public.result_of(db, job)
    assert result["people"] == len(ids)
    assert result["problems"] == 1
    # Every instalment once: one part per (person, component, number), nothing left to do.
    parts = Counter(
        db.execute(select(Instalment.person_id, Instalment.component_code, Instalment.number))
    )
    assert parts
    assert set(parts.values()) == {1}
    assert not any(entitlements.preview(db, w.maker(db), pid).changed for pid in ids)
    assert ledger.reconcile(db, w.org.id) == []
    listed = Counter(p for e in _computed_events(db) for p in e.changes.get("persons", {}))
    assert listed
    assert set(listed.values()) == {1}


@pytest.mark.usefixtures("small_parts")
def test_the_batch_job_resumes_after_a_crash_and_takes_each_instalment_once(
    db: Session, session_factory: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    s.fund_everything(db, w)
    ids = _varied(db, w)
    entitlements.recompute(db, w.maker(db), ids)
    maker = actor_for(w.maker_user)
    bind_actor(db, maker)
    batch = batches.create_batch(db, maker, title="Monthly", currency="MMK")
    due_by = date(2027, 12, 31)
    persons = batches.due_persons(db, maker, batch, due_by=due_by)
    payload = {"batch_id": str(batch.id), "due_by": due_by.isoformat()}
    job_id = public.enqueue(db, maker, jobs.PREPARE_BATCH.name, payload, total=len(persons))
    db.commit()

    first = Runner(session_factory, lease=timedelta(0))
    assert first.claim(job_id) == job_id
    _run_steps(first, job_id, 1)
    _crash_in_a_step(monkeypatch, first, job_id, jobs.PREPARE_BATCH)
    outcome = Runner(session_factory, lease=timedelta(0)).run_pending()
    assert [o.state for o in outcome] == [JobState.DONE]
    db.commit()

    items = db.execute(select(PaymentItem.instalment_id, func.count()).group_by("instalment_id"))
    taken = dict(items.all())
    assert taken
    assert set(taken.values()) == {1}
    job = db.get(Job, job_id)
    assert job is not None
    db.refresh(job)
    result = public.result_of(db, job)
    assert result["added"] == len(taken)
    # What the job did is what one synchronous preparation does: nothing is left to add.
    assert batches.add_due(db, maker, batch, due_by=due_by).added == 0
    same = batches.create_batch(db, maker, title="Check", currency="MMK")
    assert batches.add_due(db, maker, same, due_by=due_by).added == 0


def test_the_pages_start_a_job_for_many_people_and_work_in_the_request_for_few(
    client: TestClient,
    db: Session,
    fast_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    s.fund_everything(db, w)
    ids = [s.person(db, w, name=f"Person {n}") for n in range(3)]
    for pid in ids:
        clear_person(db, pid)
    f.user(db, organisation=w.org, role=Role.FINANCE_OFFICER, username="bulk.maker")
    db.commit()
    f.login(client, username="bulk.maker")
    token = f.csrf_from(client, "/allowances")

    few = client.post("/allowances/recompute", data={"csrf_token": token}, follow_redirects=False)
    assert (few.status_code, few.headers["location"]) == (303, "/allowances")
    monkeypatch.setattr(jobs, "JOB_PEOPLE", 2)
    many = client.post("/allowances/recompute", data={"csrf_token": token}, follow_redirects=False)
    assert many.status_code == 303
    assert many.headers["location"].startswith("/jobs/")
    page = client.get(many.headers["location"])
    assert page.status_code == 200
    assert "Recompute everyone" in page.text
    assert 'id="notice">The work has started. This page shows its progress.</div>' in page.text
    # Cancelling asks first, on a page of its own, then says what was done.
    confirm = client.get(f"{many.headers['location']}/cancel")
    assert "Yes: cancel the job" in confirm.text
    cancelled = client.post(
        f"{many.headers['location']}/cancel", data={"csrf_token": token}, follow_redirects=False
    )
    assert cancelled.status_code == 303
    shown = client.get(cancelled.headers["location"]).text
    assert 'id="notice">The job was cancelled.' in shown

    made = client.post(
        "/allowances/batches",
        data={"csrf_token": token, "title": "Big batch", "currency": "MMK"},
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    added = client.post(
        f"{made.headers['location']}/items",
        data={"csrf_token": token, "due_by": "2027-12-31"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert added.headers["location"].startswith("/jobs/")
