"""The vetting pages: restricted to vetting officers; the status alone on the person page."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.config import Settings
from haven.db.types import utcnow
from haven.people.public import Person
from haven.security.permissions import Actor, Role
from haven.vetting import reports
from haven.vetting.models import Decision
from tests import factories as f
from tests.vetting.support import case_of


def _csrf(client: TestClient, path: str) -> str:
    return f.csrf_from(client, path)


def test_pages_from_hit_to_proposal_and_restriction(
    client: TestClient, db: Session, settings: Settings
) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    f.user(db, organisation=org, role=Role.VETTING_OFFICER, username="vo1", settings=settings)
    f.user(db, organisation=org, role=Role.CASE_WORKER, username="cw1", settings=settings)
    event = f.receive(
        db,
        Actor.system(),
        site_id=site.id,
        name_latin="Min Thu",
        origin_unit="LIB 531",
        service_months=24,
    )
    person_id = event.person_id  # type: ignore[attr-defined]
    case = case_of(db, person_id)

    f.login(client, username="cw1")
    assert client.get("/vetting").status_code == 403
    assert client.get(f"/vetting/cases/{case.id}").status_code in (403, 404)
    assert client.get("/vetting/incidents").status_code == 403
    page = client.get(f"/people/{person_id}").text
    assert "Vetting pending" in page
    assert "vetting-case-link" not in page
    person = db.get(Person, person_id)
    assert person is not None
    assert f'id="person-reference">{person.reference}<' in page  # the person page's header
    client.cookies.clear()

    f.login(client, username="vo1")
    token = _csrf(client, "/vetting/incidents")
    response = client.post(
        "/vetting/incidents",
        data={"csrf_token": token, "kind": "arson", "period": "2099", "summary": ""},
    )
    assert response.status_code == 422
    assert "An incident cannot be in the future." in response.text
    assert "Describe what happened." in response.text
    response = client.post(
        "/vetting/incidents",
        data={
            "csrf_token": token,
            "kind": "arson",
            "period": "2024",
            "units": "LIB 531",
            "summary": "Houses burned (synthetic).",
            "source_reliability": "B",
            "information_credibility": "2",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    incident_page = client.get(response.headers["location"]).text
    assert "new hits: 1" in incident_page
    page = client.get("/vetting").text
    assert "Min Thu" in page
    page = client.get(f"/vetting/persons/{person_id}", follow_redirects=True).text
    assert "Unit LIB-531 was implicated" in page
    assert case.reference in page
    assert person.reference in page
    # Hits exist: assessing before hearing the person is refused.
    response = client.post(
        f"/vetting/cases/{case.id}/assessment", data={"csrf_token": token, "assessment": "x"}
    )
    assert response.status_code == 409
    client.post(f"/vetting/cases/{case.id}/interview", data={"csrf_token": token})
    response = client.post(
        f"/vetting/cases/{case.id}/hearings", data={"csrf_token": token, "held_on": "2026-11-01"}
    )
    assert response.status_code == 422
    assert "Record what the person said, or that they declined to speak." in response.text
    for path, data, done in (
        (
            "hearings",
            {"held_on": "2026-11-01", "statement": "I was on leave then."},
            "The hearing was recorded.",
        ),
        (
            "assessment",
            {"assessment": "Leave records confirm the absence."},
            "The assessment was recorded.",
        ),
        (
            "proposal",
            {
                "outcome": "cleared",
                "standard_of_proof": "balance_of_probabilities",
                "reasons": "Absent during the incident.",
                "disclosed_reasons": "You were on leave when it happened.",
            },
            "The decision was proposed.",
        ),
    ):
        response = client.post(
            f"/vetting/cases/{case.id}/{path}",
            data={"csrf_token": token, **data},
            follow_redirects=False,
        )
        assert response.status_code == 303, (path, response.text)
        shown = client.get(response.headers["location"]).text
        assert f'role="status" id="notice">{done}' in shown, path  # the success message
    page = client.get(f"/vetting/cases/{case.id}").text
    assert "A second vetting officer must confirm it." in page
    response = client.post(f"/vetting/cases/{case.id}/confirmation", data={"csrf_token": token})
    assert response.status_code == 409
    assert "second vetting officer must confirm" in response.text
    assert client.get("/vetting/reports").status_code == 200


def test_report_gives_the_longest_open_case_from_the_oldest_opening(
    db: Session, settings: Settings
) -> None:
    """The report's "longest open" is the database's oldest opening of an undecided case
    (computed there, not from every case's opening): a case opened ten days ago counts,
    a decided one does not."""
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    officer = f.user(
        db, organisation=org, role=Role.VETTING_OFFICER, username="vo-report", settings=settings
    )
    old, decided = (
        case_of(db, f.receive(db, Actor.system(), site_id=site.id, name_latin=name).person_id)  # type: ignore[attr-defined]
        for name in ("Aung Min", "Zaw Htet")
    )
    now = utcnow()
    old.created_at = now - timedelta(days=10)
    decided.created_at = now - timedelta(days=40)
    decided.outcome = "cleared"
    db.flush()
    actor = actor_for(officer)
    figures = reports.report(db, actor)
    assert figures.longest_open_days is not None
    assert 9.9 <= figures.longest_open_days <= 10.1
    assert figures.decided == 0
    assert figures.median_days_to_decision is None

    # Time to decision, counted by the database: the first confirmed decision of each case
    # (a later one, or one never confirmed, does not count); the median of an even count is
    # the mean of the two middle values, as statistics.median.
    received = f.receive(db, Actor.system(), site_id=site.id, name_latin="Ko Ko")
    third = case_of(db, received.person_id)  # type: ignore[attr-defined]
    third.created_at = now - timedelta(days=30)

    def decide(case: object, after_days: float | None) -> None:
        db.add(
            Decision(
                case_id=case.id,  # type: ignore[attr-defined]
                person_id=case.person_id,  # type: ignore[attr-defined]
                organisation_id=case.organisation_id,  # type: ignore[attr-defined]
                basis="initial",
                outcome="cleared",
                proposed_at=now,
                confirmed_at=None
                if after_days is None
                else case.created_at + timedelta(days=after_days),  # type: ignore[attr-defined]
            )
        )

    decide(decided, 2)  # 2 days
    decide(decided, 5)  # a later decision of the same case: not its first
    decide(third, 7)  # 7 days
    decide(old, None)  # proposed, never confirmed
    db.flush()
    figures = reports.report(db, actor)
    assert figures.decided == 2
    assert figures.median_days_to_decision == 4.5
    assert figures.mean_days_to_decision == 4.5
    decide(old, 12)  # 12 days: odd count, the middle value
    db.flush()
    figures = reports.report(db, actor)
    assert (figures.decided, figures.median_days_to_decision) == (3, 7.0)
    assert figures.mean_days_to_decision == 7.0
