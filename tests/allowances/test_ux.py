"""Allowances that do not read like a database (issue 20, finding 4): amounts typed in major
units and converted exactly, a form per kind of component, who a grant is for in words,
entitlements kept current by events, four eyes without a useless button, confirmations and
success messages."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.allowances import batches, funders, plans
from haven.allowances.forms import AMOUNT_DECIMALS, AMOUNT_WHOLE, to_major, to_minor
from haven.allowances.handlers import entitle_received_many
from haven.allowances.rules import ComponentKind
from haven.audit.actions import AuditAction
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.reception.public import PersonReceived
from haven.security.permissions import Role
from tests import factories as f
from tests.allowances import support as s
from tests.vetting.support import clear_person


@pytest.mark.parametrize(
    ("typed", "currency", "minor"),
    [
        ("300", "USD", 30_000),
        ("1,500.50", "THB", 150_050),
        ("0.07", "USD", 7),  # exact: no float ever rounds it to 6
        ("150000", "MMK", 150_000),
        ("150,000", "MMK", 150_000),
    ],
)
def test_amounts_are_typed_in_major_units_and_converted_exactly(
    typed: str, currency: str, minor: int
) -> None:
    assert to_minor(typed, currency) == minor
    assert to_minor(to_major(minor, currency), currency) == minor


def test_amounts_that_a_currency_cannot_hold_are_refused_in_words() -> None:
    for typed, currency, message in (
        ("1.5", "MMK", AMOUNT_WHOLE),
        ("1.005", "USD", AMOUNT_DECIMALS),
    ):
        with pytest.raises(ValueError, match=r"Enter") as refused:
            to_minor(typed, currency)
        assert refused.value.args[0] == message
    for typed in ("abc", "0", "-5", "NaN", "1e40"):
        with pytest.raises(ValueError, match=r"Enter an amount"):
            to_minor(typed, "USD")
    assert to_major(30_000, "USD") == "300.00"
    assert to_major(150_000, "MMK") == "150000"


def test_a_component_form_in_major_units_stores_minor_units(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    w = s.world(db)
    f.user(db, organisation=w.org, role=Role.ADMINISTRATOR, username="form.admin",
           settings=fast_settings)  # fmt: skip
    draft = plans.create_version(
        db, w.admin, name="Draft", effective_from=date(2026, 1, 1), notes="", copy_from=None
    )
    db.commit()
    f.login(client, username="form.admin")
    url = f"/allowances/plans/{draft.id}"
    blank = client.get(f"{url}?add=monthly_stipend")
    assert 'id="component-form"' in blank.text
    assert "<textarea" not in blank.text  # no JSON to type
    token = f.csrf_from(client, url)
    form = {
        "csrf_token": token,
        "kind": "monthly_stipend",
        "currency": "THB",
        "name_en": "Monthly stipend",
        "step-0-amount": "1,500.50",
        "step-0-months": "2",
        "step-1-amount": "1000",
        "step-1-months": "1",
        "pathways": "serve",
    }
    saved = client.post(f"{url}/components", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    [component] = plans.components_of(db, draft.id)
    assert component.rules["instalments"] == [150_050, 150_050, 100_000]
    page = client.get(url).text
    assert "The component was saved." in page  # the success message, once
    assert "1,500.50 THB a month for 2 months" in page
    assert "Open to those who chose: Serve with rank and position." in page
    assert ">monthly_stipend<" not in page  # the code is never shown
    change = client.get(f"{url}?edit={component.code}").text
    assert 'value="1500.50"' in change
    # An amount the currency cannot hold: the message beside the field, the values kept.
    form |= {"code": component.code, "currency": "MMK", "step-0-amount": "1500.50"}
    wrong = client.post(f"{url}/components", data=form)
    assert wrong.status_code == 422
    assert 'id="error-step-0-amount"' in wrong.text
    assert 'value="1500.50"' in wrong.text


def test_every_kind_has_its_form_and_a_stored_band_shows_in_major_units(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    w = s.world(db)
    published = s.publish_plan(db, w)
    f.user(db, organisation=w.org, role=Role.ADMINISTRATOR, username="kind.admin",
           settings=fast_settings)  # fmt: skip
    draft = plans.create_version(
        db, w.admin, name="Next", effective_from=date(2027, 1, 1), notes="", copy_from=published.id
    )
    db.commit()
    f.login(client, username="kind.admin")
    url = f"/allowances/plans/{draft.id}"
    for kind in ComponentKind:
        page = client.get(f"{url}?add={kind}")
        assert page.status_code == 200
        assert 'id="component-form"' in page.text, kind
    band = client.get(f"{url}?edit=defection").text
    assert 'name="band-1-amount" type="text" value="500000"' in band  # whole kyat
    grant = client.get(f"{url}?edit=relocation").text
    assert 'value="300.00"' in grant  # 30000 cents
    assert client.get(f"{url}?lang=my").status_code == 200


def test_a_person_received_is_entitled_at_once(db: Session) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    pid = s.person(db, w, seniority=10)  # nobody presses "Apply these changes"
    assert s.owed(db, pid)[("defection", 1)] == 500_000
    reasons = db.scalars(
        select(AuditEvent.changes).where(
            AuditEvent.action == AuditAction.ALLOWANCE_ENTITLEMENT_COMPUTED,
            AuditEvent.subject_id == pid,
        )
    ).all()
    assert [r["reason"] for r in reasons] == ["person received"]


def test_an_import_s_persons_are_entitled_once_a_plan_is_published(db: Session) -> None:
    """The handler of an import's chunk skips its work while no plan is published; once one
    is, the persons are entitled as one by one."""
    w = s.world(db)
    pid = s.person(db, w, seniority=10)  # no plan yet: nothing owed
    received = PersonReceived(
        person_id=pid,
        reception_id=uuid.uuid4(),
        organisation_id=w.org.id,
        classification="defector",
    )
    entitle_received_many(db, w.registrar, [received])
    assert s.owed(db, pid) == {}
    s.publish_plan(db, w)
    entitle_received_many(db, w.registrar, [received])
    assert s.owed(db, pid)[("defection", 1)] == 500_000


def test_the_maker_sees_who_must_approve_and_the_checker_confirms(
    app: FastAPI, client: TestClient, db: Session, fast_settings: Settings
) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    s.fund_everything(db, w)
    pid = s.person(db, w)
    clear_person(db, pid)
    for name in ("ux.maker", "ux.checker"):
        f.user(db, organisation=w.org, role=Role.FINANCE_OFFICER, username=name,
               settings=fast_settings)  # fmt: skip
    db.commit()
    f.login(client, username="ux.maker")
    token = f.csrf_from(client, "/allowances")
    created = client.post(
        "/allowances/batches",
        data={"csrf_token": token, "title": "Cash", "currency": "MMK"},
        follow_redirects=False,
    )
    batch_url = created.headers["location"]
    client.post(f"{batch_url}/items", data={"csrf_token": token, "due_by": "2026-12-31"})
    confirm = client.get(f"{batch_url}/submit")
    assert 'id="confirm-button"' in confirm.text
    client.post(f"{batch_url}/submit", data={"csrf_token": token})
    page = client.get(batch_url).text
    assert 'id="approve-batch"' not in page
    assert 'id="approver-needed"' in page
    refused = client.post(f"{batch_url}/approve", data={"csrf_token": token})
    assert refused.status_code == 403
    assert 'id="refused-message"' in refused.text  # the batch page, with the reason
    assert "another finance officer must approve it" in refused.text

    checker = TestClient(app, base_url="http://testserver")
    f.login(checker, username="ux.checker")
    confirm = checker.get(f"{batch_url}/approve")
    assert confirm.status_code == 200
    assert "Approve this batch?" in confirm.text
    token = f.csrf_from(checker, batch_url)
    approved = checker.post(f"{batch_url}/approve", data={"csrf_token": token})
    assert "The batch was approved" in approved.text
    batch = batches.get_batch(db, w.maker(db), uuid.UUID(batch_url.rsplit("/")[-1]))
    db.refresh(batch)
    assert batch.status == "approved"
    person_page = checker.get(f"/people/{pid}").text
    assert f'href="/allowances/people/{pid}"' in person_page
    checker.close()


def test_budgets_are_typed_in_major_units(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    w = s.world(db)
    s.publish_plan(db, w)
    funder = funders.save_funder(db, w.admin, name="Township PAG")
    f.user(db, organisation=w.org, role=Role.ADMINISTRATOR, username="budget.admin",
           settings=fast_settings)  # fmt: skip
    db.commit()
    f.login(client, username="budget.admin")
    token = f.csrf_from(client, "/allowances/funders")
    line = {"csrf_token": token, "funder_id": str(funder.id), "share_percent": "60"}
    page = client.get("/allowances/funders").text
    assert '<option value="relocation" >Relocation grant</option>' in page  # by name
    saved = client.post(
        "/allowances/funders/budget-lines",
        data=line | {"component_code": "relocation", "currency": "USD", "budget": "5,000.50"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    [state] = funders.budget_states(db, w.admin)
    assert state.line.budget_minor == 500_050
    wrong = client.post(
        "/allowances/funders/budget-lines",
        data=line | {"component_code": "defection", "currency": "MMK", "budget": "1.5"},
    )
    assert wrong.status_code == 422
    assert 'id="error-budget"' in wrong.text
    assert 'value="1.5"' in wrong.text
