"""The allowances pages through the real app: plan import, maker-checker, a disbursement with
a fresh login, the statement in Burmese, the report with its chart."""

from __future__ import annotations

import json

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.allowances import entitlements
from haven.config import Settings
from haven.security.permissions import Role
from tests import factories as f
from tests.allowances import support as s
from tests.vetting.support import clear_person


def test_pages_from_plan_to_statement(  # noqa: PLR0915 - one walk through every page
    app: FastAPI, client: TestClient, db: Session, fast_settings: Settings
) -> None:
    w = s.world(db)
    for name, role in (
        ("plan.admin", Role.ADMINISTRATOR),
        ("cash.maker", Role.FINANCE_OFFICER),
        ("cash.checker", Role.FINANCE_OFFICER),
    ):
        f.user(db, organisation=w.org, role=role, username=name, settings=fast_settings)
    # An administrator imports the plan file and publishes it.
    f.login(client, username="plan.admin")
    token = f.csrf_from(client, "/allowances/plans")
    bad = client.post(
        "/allowances/plans/import",
        data={"csrf_token": token},
        files={"file": ("plan.json", b"{not json", "application/json")},
    )
    assert bad.status_code == 422
    assert "not valid JSON" in bad.text
    imported = client.post(
        "/allowances/plans/import",
        data={"csrf_token": token},
        files={"file": ("plan.json", json.dumps(s.PLAN).encode(), "application/json")},
        follow_redirects=False,
    )
    assert imported.status_code == 303, imported.text
    plan_url = imported.headers["location"]
    page = client.get(plan_url)
    assert "Defection payment" in page.text
    assert 'role="status" id="notice">The plan version was imported as a draft.</div>' in page.text
    wrong = client.post(
        f"{plan_url}/components",
        data={
            "csrf_token": token,
            "kind": "monthly_stipend",
            "currency": "MMK",
            "name_en": "Bad",
            "step-0-amount": "1500.50",  # the kyat has no decimals
            "step-0-months": "3",
        },
    )
    assert wrong.status_code == 422
    assert 'value="1500.50"' in wrong.text
    assert "the kyat has no smaller unit" in wrong.text
    assert client.post(f"{plan_url}/publish", data={"csrf_token": token}).status_code == 200
    s.fund_everything(db, w)
    pid = s.person(db, w, dependants=1)
    clear_person(db, pid)
    entitlements.recompute(db, s.SYSTEM, [pid])

    # The maker prepares and submits a batch; the maker's own approval is refused.
    maker = TestClient(app, base_url="http://testserver")
    f.login(maker, username="cash.maker")
    token = f.csrf_from(maker, "/allowances")
    created = maker.post(
        "/allowances/batches",
        data={"csrf_token": token, "title": "Cash", "currency": "MMK"},
        follow_redirects=False,
    )
    batch_url = created.headers["location"]
    added = maker.post(f"{batch_url}/items", data={"csrf_token": token, "due_by": "2026-12-31"})
    assert 'id="added-notice"' in added.text
    maker.post(f"{batch_url}/submit", data={"csrf_token": token})
    refused = maker.post(f"{batch_url}/approve", data={"csrf_token": token})
    assert refused.status_code == 403

    # The checker approves and records a payment.
    checker = TestClient(app, base_url="http://testserver")
    f.login(checker, username="cash.checker")
    token = f.csrf_from(checker, batch_url)
    assert checker.post(f"{batch_url}/approve", data={"csrf_token": token}).status_code == 200
    page = checker.get(batch_url).text
    item_id = page.split('action="/allowances/items/')[1].split("/")[0]
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    form = {
        "csrf_token": token,
        "batch_id": batch_url.rsplit("/", 1)[1],
        "idempotency_key": key,
        "method": "cash",
        "receipt_reference": "",
    }
    missing = checker.post(f"/allowances/items/{item_id}/disburse", data=form)
    assert missing.status_code == 422
    form["receipt_reference"] = "RC-001"
    for _ in range(2):  # a double click: the same key pays once
        done = checker.post(f"/allowances/items/{item_id}/disburse", data=form)
        assert done.status_code == 200
    assert checker.get(batch_url).text.count("RC-001") == 1

    # The statement in Burmese, and the report with its chart.
    statement = checker.get(f"/allowances/people/{pid}?lang=my")
    assert statement.status_code == 200
    assert 'lang="my"' in statement.text
    assert "500,000 MMK" in statement.text
    funders_page = checker.get("/allowances/funders")
    assert funders_page.status_code == 200
    assert "Township PAG" in funders_page.text
    report = checker.get("/allowances/reports")
    assert "<svg" in report.text
    assert "Township PAG" in report.text
    # Each row names its component, never its code.
    rows = report.text.split('id="report-table">')[1].split("</table>")[0]
    assert "<td>Defection payment</td>" in rows
    assert "<td>defection</td>" not in rows
    maker.close()
    checker.close()
