"""The approval page: a named approver sees the screening hits on the commander and the roll,
approving before acknowledging them is refused, acknowledging (with a note) lets the approval
through; the negotiation team sees only how many hits there are."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.agreements import repository, roll, service
from haven.agreements.lifecycle import AgreementStatus
from haven.agreements.models import Agreement
from haven.config import Settings
from haven.security.permissions import Role
from haven.vetting import incidents
from haven.vetting.schemas import IncidentIn
from tests import factories as f
from tests.agreements.helpers import Team, draft, roll_rows, team


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _negotiating_with_hits(db: Session, t: Team, fast_settings: Settings) -> Agreement:
    """The commander (LIB 531) and the roll (LIB 531) of a unit implicated in an incident."""
    officer = f.user(db, organisation=t.org, role=Role.VETTING_OFFICER, settings=fast_settings)
    incidents.record_incident(
        db,
        actor_for(officer),
        IncidentIn.model_validate(
            {
                "kind": "arson",
                "period": "2022",
                "township": "Demoso",
                "units": ["LIB 531"],
                "summary": "Synthetic test record.",
                "source_reliability": "C",
                "information_credibility": 3,
            }
        ),
    )
    agreement = draft(db, t)
    report = roll.import_roll(db, t.negotiator, agreement.id, roll_rows(2), dry_run=False)
    assert report.hits == 2
    service.transition(db, t.negotiator, agreement.id, AgreementStatus.NEGOTIATING)
    return agreement


def test_the_approver_sees_the_hits_and_must_acknowledge_them_to_approve(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    agreement = _negotiating_with_hits(db, t, fast_settings)
    approver = f.user(
        db, organisation=t.org, role=Role.MANAGER, settings=fast_settings, username="appr.a"
    )
    service.name_approver(db, t.negotiator, agreement.id, approver.id)
    f.login(client, username="appr.a")
    page = client.get(f"/agreements/{agreement.id}")
    assert page.status_code == 200
    assert 'id="screening-hits"' in page.text
    assert "Bo HVNCANARY-Commander" in page.text
    assert "Soldier 0001" in page.text  # the roll entry, named for the approver
    assert "Unit LIB-531 was implicated in incident" in page.text
    assert 'id="acknowledge-form"' in page.text
    token = _csrf(page.text)

    refused = client.post(f"/agreements/{agreement.id}/approve", data={"csrf_token": token})
    assert refused.status_code == 409
    assert "Screening found 3 hits" in refused.text
    unnoted = client.post(
        f"/agreements/{agreement.id}/screening/acknowledge",
        data={
            "csrf_token": token,
            "hit_id": re.findall(r'name="hit_id" value="([^"]+)"', page.text),
        },
    )
    assert unnoted.status_code == 422
    assert "Write why the agreement may go ahead despite these hits." in unnoted.text

    hit_ids = re.findall(r'name="hit_id" value="([^"]+)"', page.text)
    assert len(hit_ids) == 3
    done = client.post(
        f"/agreements/{agreement.id}/screening/acknowledge",
        data={"csrf_token": token, "hit_id": hit_ids, "note": "Unit-wide: interviews planned."},
    )
    assert done.status_code == 200, done.text
    assert 'id="screening-acknowledged"' in done.text
    assert "Unit-wide: interviews planned." in done.text
    approved = client.post(
        f"/agreements/{agreement.id}/approve", data={"csrf_token": token}, follow_redirects=False
    )
    assert approved.status_code == 303, approved.text


def test_the_team_sees_how_many_hits_and_nothing_of_what_they_say(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    agreement = _negotiating_with_hits(db, t, fast_settings)
    f.user(db, organisation=t.org, role=Role.NEGOTIATOR, settings=fast_settings, username="neg.s")
    f.login(client, username="neg.s")
    page = client.get(f"/agreements/{agreement.id}")
    assert page.status_code == 200
    assert 'id="screening-count"' in page.text
    assert "Screening found 3 hits" in page.text
    assert "implicated in incident" not in page.text
    assert 'id="acknowledge-form"' not in page.text
    hit_ids = [str(h.id) for h in repository.hits_of(db, agreement.id)]
    team_ack = client.post(
        f"/agreements/{agreement.id}/screening/acknowledge",
        data={"csrf_token": _csrf(page.text), "hit_id": hit_ids, "note": "Not ours to say."},
    )
    assert team_ack.status_code == 403
