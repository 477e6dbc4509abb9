"""A plan, funders, a new batch, a statement in Burmese and the report: in Chromium, each
page checked with axe."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from haven.security.permissions import Role
from tests.browser import tally, world
from tests.browser.conftest import Haven, axe_violations, log_in


@dataclass(frozen=True)
class Cast:
    admin: world.Account
    finance: world.Account
    plan: str  # the published plan version
    draft: str  # the next version, still a draft
    funder: str


@pytest.fixture
def cast(haven: Haven) -> Cast:
    """The demo plan published under a name of the test's own, a draft of its next version,
    two funders sharing every component, and a defector received three days ago whose
    entitlements are computed: vetting has not decided about him, so everything he is owed
    is held."""
    suffix = world.tag()
    plan, draft = f"Karenni defection plan {suffix}", f"Plan revision under discussion {suffix}"
    funder = f"Interim Executive Council treasury {suffix}"
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"Allowances council {suffix}")
        site = world.site(session, organisation=organisation, name=f"Allowances point {suffix}")
        admin = world.account(
            session, organisation=organisation, role=Role.ADMINISTRATOR, suffix=suffix
        )
        finance = world.account(
            session, organisation=organisation, role=Role.FINANCE_OFFICER, suffix=suffix
        )
        world.published_plan(session, administrator=admin.actor, name=plan, draft_name=draft)
        world.plan_funders(
            session,
            administrator=admin.actor,
            shares={funder: 7000, f"People's Administration Group {suffix}": 3000},
        )
        person = world.receive(
            session,
            site=site,
            name_latin=world.burmese_name().name_latin,
            origin_unit="LIB 531",
            days_ago=3,
        )
        world.compute_entitlements(session, finance=finance.actor, person_ids=[person])
    return Cast(admin=admin, finance=finance, plan=plan, draft=draft, funder=funder)


def test_plan_batch_statement_and_report(page: Page, server: str, cast: Cast) -> None:
    log_in(page, server, cast.admin)
    page.goto(f"{server}/allowances/plans")
    assert axe_violations(page) == []
    page.click(f"tr:has-text('{cast.plan}') a")
    expect(page.locator("#plan-status")).to_have_text("Published")
    expect(page.locator("main")).to_contain_text("Defection payment")
    assert axe_violations(page) == []
    page.goto(f"{server}/allowances/plans")
    page.click(f"tr:has-text('{cast.draft}') a")
    page.click("#add-relocation_grant")  # a draft is editable: a form per kind of component
    expect(page.locator("#component-form")).to_be_visible()
    page.fill("#field-name_en", "Relocation top-up")
    page.select_option("#field-currency", "USD")
    page.fill("#field-amount", "300.005")  # in dollars, as people write it: too many decimals
    page.click("#component-form button[type=submit]")
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#field-amount")).to_have_value("300.005")
    assert axe_violations(page) == []
    page.fill("#field-amount", "300")
    page.click("#component-form button[type=submit]")
    expect(page.locator("#notice")).to_contain_text("The component was saved.")
    expect(page.locator("tr:has-text('Relocation top-up')")).to_contain_text("300.00 USD")
    page.click("#logout-button")

    log_in(page, server, cast.finance)
    with tally.counting(page) as task:
        task.go(page, f"{server}/allowances")
        assert axe_violations(page) == []
        page.fill("#field-title", "Browser batch")
        page.select_option("#field-currency", "THB")
        page.click("text=Create a draft batch")
        expect(page.locator("#batch-status")).to_contain_text("Draft")
        page.click("#add-due")
        # His vetting is undecided: he is held, nothing enters the batch.
        expect(page.locator("#added-notice")).to_contain_text("vetting not cleared")
    # The finance officer's day: a batch of what is due, made in one page and two buttons.
    assert (task.clicks, task.fields) == (3, 2), task
    assert axe_violations(page) == []
    page.goto(f"{server}/allowances/funders")
    expect(page.locator("main")).to_contain_text(cast.funder)
    assert axe_violations(page) == []
    page.goto(f"{server}/allowances/reports")
    expect(page.locator("#report-table")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{server}/allowances")
    statement = page.locator("#recent-statements a").first.get_attribute("href")
    assert statement is not None
    page.goto(f"{server}{statement}?lang=my")
    expect(page.locator("#statement")).to_have_attribute("lang", "my")
    expect(page.locator("#statement-lines")).to_be_visible()
    assert axe_violations(page) == []
