"""The agreement's page as a day's work: moves that say what they do and confirm what cannot
be undone, terms and commanders changed while the agreement is still editable (approvals
withdrawn, audited, values kept on error), approvals that say where they stand, and the roll
template (docs/agreements.md)."""

from __future__ import annotations

import io
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.agreements import repository, roll, service
from haven.agreements.lifecycle import AgreementStatus
from haven.agreements.roll_template import EXAMPLE, HEADINGS
from haven.audit.actions import AuditAction
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.security.permissions import Role
from tests import factories as f
from tests.agreements.helpers import Team, draft, team
from tests.conftest import LAPTOP

# Pages and forms over the services: the engine adds nothing here (the services' own tests
# run on both).
pytestmark = pytest.mark.parametrize("engine", LAPTOP, indirect=True)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def _negotiator(client: TestClient, db: Session, t: Team, settings: Settings) -> None:
    f.user(db, organisation=t.org, role=Role.NEGOTIATOR, settings=settings, username="neg.e")
    f.login(client, username="neg.e")


def test_moves_say_what_they_do_confirm_and_report(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    agreement = draft(db, t)
    _negotiator(client, db, t, fast_settings)
    page = client.get(f"/agreements/{agreement.id}")
    assert ">Start negotiating</button>" in page.text
    # Cancelling cannot be undone: the button opens the consequence and a confirm button.
    assert '<details class="confirm" id="confirm-cancelled">' in page.text
    assert "binds no one" in page.text
    assert 'id="confirm-move-cancelled"' in page.text
    moved = client.post(
        f"/agreements/{agreement.id}/transition",
        data={"csrf_token": _csrf(page.text), "to": "negotiating"},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    after = client.get(moved.headers["location"])
    assert "Negotiations have started" in after.text
    assert "Record that the agreement collapsed" in after.text
    # In Burmese, the state in a refusal is the state's label, not its code.
    client.post("/language", data={"language": "my", "next": "/", "csrf_token": _csrf(after.text)})
    refused = client.post(
        f"/agreements/{agreement.id}/transition",
        data={"csrf_token": _csrf(after.text), "to": "completed"},
    )
    assert refused.status_code == 409
    assert "ညှိနှိုင်းဆဲ" in refused.text
    assert "negotiating" not in refused.text.split('id="error-summary"')[1].split("</div>")[0]


def test_terms_change_with_errors_kept_approvals_withdrawn_and_audited(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    agreement = draft(db, t)
    service.transition(db, t.negotiator, agreement.id, AgreementStatus.NEGOTIATING)
    for manager in (t.manager1, t.manager2):
        assert manager.user_id is not None
        service.name_approver(db, t.negotiator, agreement.id, manager.user_id)
    service.approve(db, f.fresh(db, t.manager1), agreement.id)
    _negotiator(client, db, t, fast_settings)
    form = client.get(f"/agreements/{agreement.id}/edit")
    assert form.status_code == 200
    assert 'id="approvals-warning"' in form.text
    assert 'value="Route HVNCANARY-ROUTE"' in form.text
    token = _csrf(form.text)
    values = {
        "csrf_token": token,
        "site_id": str(t.site.id),
        "expected_crossing_on": "2027-01-15",
        "expected_headcount": "-4",
        "safe_passage": "Route North",
        "crossing_place": "Ford 9",
        "positions_retained": "yes",
        "notes": "",
    }
    wrong = client.post(f"/agreements/{agreement.id}/edit", data=values)
    assert wrong.status_code == 422
    assert 'href="#field-expected_headcount"' in wrong.text
    assert 'value="Route North"' in wrong.text  # values kept
    assert 'id="field-ranks_retained" checked' not in wrong.text
    assert 'id="field-positions_retained" checked' in wrong.text
    saved = client.post(
        f"/agreements/{agreement.id}/edit",
        data=values | {"expected_headcount": "40"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    page = client.get(saved.headers["location"])
    assert "The approvals already given are withdrawn" in page.text
    db.expire_all()
    assert service.approval_progress(db, agreement).given == 0
    secret = service.read_confidential(db, t.negotiator, agreement)
    assert secret.terms["safe_passage"] == "Route North"
    assert secret.terms["ranks_retained"] is False
    assert secret.terms["positions_retained"] is True
    event = db.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.subject_id == agreement.id,
            AuditEvent.action == str(AuditAction.AGREEMENT_UPDATED),
        )
        .order_by(AuditEvent.occurred_at)
    ).first()
    assert event is not None
    assert event.changes["expected_headcount"] == {"before": 3, "after": 40}
    assert "HVNCANARY" not in str(event.changes)  # the terms are never copied


def test_once_finalized_only_the_logistics_change(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    agreement = draft(db, t)
    service.transition(db, t.negotiator, agreement.id, AgreementStatus.NEGOTIATING)
    for manager in (t.manager1, t.manager2):
        assert manager.user_id is not None
        service.name_approver(db, t.negotiator, agreement.id, manager.user_id)
        service.approve(db, f.fresh(db, manager), agreement.id)
    assert agreement.status == AgreementStatus.FINALIZED
    _negotiator(client, db, t, fast_settings)
    form = client.get(f"/agreements/{agreement.id}/edit")
    assert 'id="terms-fixed"' in form.text
    assert 'name="safe_passage"' not in form.text
    saved = client.post(
        f"/agreements/{agreement.id}/edit",
        data={
            "csrf_token": _csrf(form.text),
            "site_id": "",
            "expected_crossing_on": "2027-03-01",
            "safe_passage": "ignored",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    db.expire_all()
    assert str(agreement.expected_crossing_on) == "2027-03-01"
    assert service.read_confidential(db, t.negotiator, agreement).terms["safe_passage"] == (
        "Route HVNCANARY-ROUTE"
    )
    assert client.get(f"/agreements/{agreement.id}/parties/new").status_code == 409


def test_commanders_are_added_corrected_and_removed(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    agreement = draft(db, t)
    _negotiator(client, db, t, fast_settings)
    page = client.get(f"/agreements/{agreement.id}")
    token = _csrf(page.text)
    unnamed = client.post(
        f"/agreements/{agreement.id}/parties/new",
        data={"csrf_token": token, "name": "", "rank": "Major"},
    )
    assert unnamed.status_code == 422
    assert "Enter the commander" in unnamed.text
    assert 'value="Major"' in unnamed.text
    added = client.post(
        f"/agreements/{agreement.id}/parties/new",
        data={"csrf_token": token, "name": "Aung Thura", "rank": "Major"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    parties = repository.parties_of(db, agreement.id)
    assert len(parties) == 2
    new_id = parties[1].id
    form = client.get(f"/agreements/{agreement.id}/parties/{new_id}")
    assert 'value="Aung Thura"' in form.text
    corrected = client.post(
        f"/agreements/{agreement.id}/parties/{new_id}",
        data={"csrf_token": token, "name": "Aung Thura Win", "rank": "Major"},
        follow_redirects=False,
    )
    assert corrected.status_code == 303
    assert "The commander is saved." in client.get(corrected.headers["location"]).text
    db.expire_all()
    _agreement, view = service.party_of(db, t.negotiator, agreement.id, new_id)
    assert view.name == "Aung Thura Win"
    removed = client.post(
        f"/agreements/{agreement.id}/parties/{new_id}/remove",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    assert len(repository.parties_of(db, agreement.id)) == 1


def test_approvals_say_who_approved_and_what_is_still_needed(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    agreement = draft(db, t)
    service.transition(db, t.negotiator, agreement.id, AgreementStatus.NEGOTIATING)
    approver = f.user(
        db, organisation=t.org, role=Role.MANAGER, settings=fast_settings, username="appr.e"
    )
    service.name_approver(db, t.negotiator, agreement.id, approver.id)
    assert t.manager2.user_id is not None
    service.name_approver(db, t.negotiator, agreement.id, t.manager2.user_id)
    f.login(client, username="appr.e")
    page = client.get(f"/agreements/{agreement.id}")
    assert "0 of 2 approvals given" in page.text
    if 'id="approve-button"' not in page.text:  # the commander's screening found hits
        hit_ids = re.findall(r'name="hit_id" value="([^"]+)"', page.text)
        assert 'id="approve-blocked"' in page.text
        client.post(
            f"/agreements/{agreement.id}/screening/acknowledge",
            data={"csrf_token": _csrf(page.text), "hit_id": hit_ids, "note": "Checked."},
        )
    approved = client.post(
        f"/agreements/{agreement.id}/approve",
        data={"csrf_token": _csrf(page.text)},
        follow_redirects=False,
    )
    assert approved.status_code == 303, approved.text
    after = client.get(approved.headers["location"])
    assert "Your approval is recorded. A second named approver must approve." in after.text
    assert 'id="my-approval"' in after.text
    assert "1 of 2 approvals given" in after.text
    assert 'id="approve-button"' not in after.text


def test_the_roll_template_is_offered_and_reads_back(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    t = team(db, fast_settings)
    agreement = draft(db, t)
    _negotiator(client, db, t, fast_settings)
    page = client.get(f"/agreements/{agreement.id}")
    assert 'href="/agreements/roll-template.xlsx"' in page.text
    csv = client.get("/agreements/roll-template.csv")
    assert csv.status_code == 200
    assert csv.text.lstrip("\ufeff").strip() == ",".join(HEADINGS)
    # The template with the example row written in reads without an error.
    filled = csv.content + (",".join(str(EXAMPLE[name]) for name in HEADINGS) + "\r\n").encode()
    table = roll.read_roll(filled, filename="roll.csv", content_type="text/csv")
    report = roll.import_roll(db, t.negotiator, agreement.id, table.rows, dry_run=True)
    assert report.errors == [], report.errors
    assert report.warnings == [], report.warnings
    workbook = client.get("/agreements/roll-template.xlsx")
    assert workbook.status_code == 200
    from openpyxl import load_workbook  # noqa: PLC0415 - only this test reads a workbook

    book = load_workbook(io.BytesIO(workbook.content), read_only=True)
    first, second = book.worksheets[0], book.worksheets[1]
    assert [c for row in first.iter_rows(values_only=True) for c in row] == list(HEADINGS)
    rows = list(second.iter_rows(values_only=True))
    assert rows[1][HEADINGS.index("name_latin")] == EXAMPLE["name_latin"]
    # The error that names the template links to it.
    wrong = client.post(
        f"/agreements/{agreement.id}/roll",
        data={"csrf_token": _csrf(page.text), "mode": "check"},
        files={"file": ("roll.csv", b"name_latin,shoe size\nA,9\n", "text/csv")},
    )
    assert wrong.status_code == 422
    assert "roll template" in wrong.text
    assert 'id="roll-template-hint"' in wrong.text
    f.user(db, organisation=t.org, role=Role.CASE_WORKER, settings=fast_settings, username="cw.e")
    f.login(client, username="cw.e")
    assert client.get("/agreements/roll-template.csv").status_code == 403
