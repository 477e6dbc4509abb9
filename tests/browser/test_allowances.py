"""The demo plan, funders, a new batch, a statement in Burmese and the report: in Chromium,
each page checked with axe."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations, log_in


def test_plan_batch_statement_and_report(page: Page, server: str) -> None:
    log_in(page, server, "admin")
    page.goto(f"{server}/allowances/plans")
    assert axe_violations(page) == []
    page.click("tr:has-text('Karenni defection plan (demo)') a")
    expect(page.locator("#plan-status")).to_have_text("published")
    expect(page.locator("main")).to_contain_text("Defection payment")
    assert axe_violations(page) == []
    page.goto(f"{server}/allowances/plans")
    page.click("tr:has-text('Plan revision under discussion (demo)') a")
    expect(page.locator("#component-form")).to_be_visible()  # a draft is editable
    page.fill("#field-code", "bad code")
    page.fill("#field-rules", "{")
    page.click("#component-form button[type=submit]")
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#field-code")).to_have_value("bad code")
    assert axe_violations(page) == []
    page.click("#logout-button")

    log_in(page, server, "finance")
    page.goto(f"{server}/allowances")
    assert axe_violations(page) == []
    page.fill("#field-title", "Browser batch")
    page.select_option("#field-currency", "THB")
    page.click("text=Create a draft batch")
    expect(page.locator("#batch-status")).to_contain_text("Draft")
    page.click("#add-due")
    # Demo vetting cases are undecided: everyone is held, nothing enters the batch.
    expect(page.locator("#added-notice")).to_contain_text("vetting not cleared")
    assert axe_violations(page) == []
    page.goto(f"{server}/allowances/funders")
    expect(page.locator("main")).to_contain_text("Interim Executive Council treasury (demo)")
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
