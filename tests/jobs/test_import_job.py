"""Large imports run as background jobs: checked then written in short steps, with progress
on the page and in the API, errors by row as before, and only the starter sees the job."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.jobs import public
from haven.jobs.models import Job, JobState
from haven.jobs.runner import Runner
from haven.kernel.sensitivity import bind_actor
from haven.reception import import_jobs, importing
from haven.reception.models import ReceptionEvent
from tests import factories as f
from tests.reception.test_import import HEADER, csv_bytes, person_row

# Files of more than JOB_ROWS rows become jobs; the tests lower it to keep files small.
JOB_ROWS = 20
ROWS = 45


@pytest.fixture(autouse=True)
def _small_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_jobs, "JOB_ROWS", JOB_ROWS)
    monkeypatch.setattr(import_jobs, "FIRST_CHUNK", 10)


def big_file(rows: int = ROWS, **bad: dict[str, object]) -> bytes:
    """`rows` valid people; `bad` maps "row<N>" (N counting people from 1) to changed columns."""
    people = [person_row(n, **bad.get(f"row{n}", {})) for n in range(1, rows + 1)]
    return csv_bytes([HEADER, *people])


def receptions(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(ReceptionEvent)) or 0


@pytest.fixture
def registrar(db: Session, fast_settings: Settings) -> dict[str, str]:
    org = f.organisation(db)
    site = f.site(db, organisation=org, name="Demoso reception point")
    user = f.registrar(db, organisation=org, site=site, settings=fast_settings)
    bind_actor(db, actor_for(user))
    headers = f.bearer(f.api_token(db, user=user))
    db.commit()
    return headers


def test_a_large_import_is_a_job_that_writes_in_steps(
    client: TestClient,
    db: Session,
    session_factory: sessionmaker[Session],
    registrar: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sent = client.post(
        "/api/receptions/import",
        params={"dry_run": "false"},
        files={"file": ("people.csv", big_file(), "text/csv")},
        headers=registrar,
    )
    assert sent.status_code == 202, sent.text
    job_id = sent.json()["job_id"]
    assert sent.json()["status_url"] == f"/api/jobs/{job_id}"
    waiting = client.get(f"/api/jobs/{job_id}", headers=registrar).json()
    assert (waiting["state"], waiting["done"], waiting["total"]) == ("queued", 0, 2 * ROWS)
    assert receptions(db) == 0  # nothing is written by the request itself

    converted: list[int] = []
    validate = importing._validate

    def counting(row: importing.ImportRow, lookups: importing.ImportLookups) -> Any:
        converted.append(row.number)
        return validate(row, lookups)

    monkeypatch.setattr(importing, "_validate", counting)
    seen: list[tuple[int, int]] = []
    [outcome] = Runner(session_factory).run_pending(lambda job: seen.append((job.done, job.total)))
    # Each row converted once: the check's results are kept for the write phase, then let go.
    assert len(converted) == ROWS
    assert import_jobs.IMPORT._kept == {}

    assert outcome.state is JobState.DONE
    assert outcome.steps > 2  # a chunk per step, never the whole file in one transaction
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[-1] == (2 * ROWS, 2 * ROWS)
    answer = client.get(f"/api/jobs/{job_id}", headers=registrar).json()
    assert (answer["state"], answer["percent"]) == ("done", 100)
    assert answer["result"]["errors"] == []
    assert len(set(answer["result"]["person_ids"])) == ROWS
    assert receptions(db) == ROWS
    job = db.get(Job, uuid.UUID(job_id))
    assert job is not None
    assert job.payload is None  # the rows are not kept once the job is over
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == job.id)).all()
    assert set(actions) == {"job.queued", "job.finished"}


def test_a_large_file_with_an_error_saves_nothing_and_names_the_row(
    client: TestClient,
    db: Session,
    session_factory: sessionmaker[Session],
    registrar: dict[str, str],
) -> None:
    content = big_file(row40={"classification": "deserter"}, row3={"received_on": "soon"})
    sent = client.post(
        "/api/receptions/import",
        params={"dry_run": "false"},
        files={"file": ("people.csv", content, "text/csv")},
        headers=registrar,
    )
    assert sent.status_code == 202, sent.text
    Runner(session_factory).run_pending()
    answer = client.get(f"/api/jobs/{sent.json()['job_id']}", headers=registrar).json()
    assert answer["state"] == "done"
    assert answer["total"] == 2 * ROWS
    assert answer["done"] == ROWS
    errors = answer["result"]["errors"]
    # Row numbers count the headings as row 1.
    assert [(e["row"], e["field"]) for e in errors] == [(4, "received_on"), (41, "classification")]
    assert answer["result"].get("person_ids", []) == []
    assert receptions(db) == 0


def test_the_page_shows_progress_then_the_result_and_only_to_its_starter(
    client: TestClient,
    db: Session,
    session_factory: sessionmaker[Session],
    fast_settings: Settings,
) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org, name="Demoso reception point")
    user = f.registrar(db, organisation=org, site=site, settings=fast_settings)
    other = f.registrar(db, organisation=org, site=site, settings=fast_settings)
    db.commit()
    f.login(client, username=user.username)
    token = f.csrf_from(client, "/reception/import")
    sent = client.post(
        "/reception/import",
        data={"mode": "check", "csrf_token": token},
        files={"file": ("people.csv", big_file(), "text/csv")},
        follow_redirects=False,
    )
    assert sent.status_code == 303, sent.text
    page_url = sent.headers["location"]
    assert page_url.startswith("/jobs/")
    waiting = client.get(page_url)
    assert 'id="job-bar"' in waiting.text
    assert 'value="0"' in waiting.text
    assert "Waiting to start" in waiting.text
    assert 'hx-trigger="every 1s"' in waiting.text  # the bar refreshes itself

    Runner(session_factory).run_pending()

    finished = client.get(page_url)
    assert "The file is ready to import" in finished.text
    assert f"All {ROWS} rows can be imported" in finished.text
    assert 'hx-trigger="every 1s"' not in finished.text
    fragment = client.get(f"{page_url}/progress")
    assert fragment.headers.get("HX-Refresh") == "true"
    assert "My jobs" in client.get("/jobs").text
    assert receptions(db) == 0  # a check writes nothing

    client.cookies.clear()
    f.login(client, username=other.username)
    assert client.get(page_url).status_code == 404
    assert page_url not in client.get("/jobs").text


def test_a_cancelled_job_stops_before_its_next_step(
    client: TestClient,
    db: Session,
    session_factory: sessionmaker[Session],
    registrar: dict[str, str],
) -> None:
    sent = client.post(
        "/api/receptions/import",
        params={"dry_run": "false"},
        files={"file": ("people.csv", big_file(), "text/csv")},
        headers=registrar,
    )
    job_id = sent.json()["job_id"]
    cancelled = client.post(f"/api/jobs/{job_id}/cancel", headers=registrar)
    assert cancelled.status_code == 200
    assert cancelled.json()["state"] == "cancelled"
    assert Runner(session_factory).run_pending() == []
    assert receptions(db) == 0
    again = client.post(f"/api/jobs/{job_id}/cancel", headers=registrar)
    assert again.status_code == 409


def test_small_files_are_still_imported_in_the_request(
    client: TestClient, db: Session, registrar: dict[str, str]
) -> None:
    sent = client.post(
        "/api/receptions/import",
        params={"dry_run": "false"},
        files={"file": ("people.csv", big_file(JOB_ROWS), "text/csv")},
        headers=registrar,
    )
    assert sent.status_code == 200, sent.text
    assert sent.json()["imported"] == JOB_ROWS
    assert db.scalar(select(func.count()).select_from(Job)) == 0


def test_a_job_acts_with_its_starters_rights_as_they_are_now(
    db: Session, session_factory: sessionmaker[Session], fast_settings: Settings
) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org, name="Demoso reception point")
    user = f.registrar(db, organisation=org, site=site, settings=fast_settings)
    actor = actor_for(user)
    bind_actor(db, actor)
    table = import_jobs.importing.read_file(big_file(), filename="people.csv", content_type=None)
    job_id = public.enqueue(
        db, actor, import_jobs.IMPORT.name, import_jobs.payload_for(table, write=True), total=1
    )
    user.is_active = False
    db.commit()
    [outcome] = Runner(session_factory).run_pending()
    assert outcome.state is JobState.FAILED
    job = db.get(Job, job_id)
    assert job is not None
    db.refresh(job)
    assert public.result_of(db, job)["error"]["msgid"].startswith("The person who started")
    assert receptions(db) == 0
