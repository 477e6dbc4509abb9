"""Log in, switch to Burmese, see the dashboard, log out — in headless Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from haven.security.permissions import Role
from tests.browser import tally, world
from tests.browser.conftest import Haven, axe_violations, log_in


@pytest.fixture
def admin(haven: Haven) -> world.Account:
    """An administrator of an organisation of the test's own, which also has a registrar."""
    suffix = world.tag()
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"Shell council {suffix}")
        site = world.site(session, organisation=organisation, name=f"Shell point {suffix}")
        world.account(
            session, organisation=organisation, role=Role.REGISTRAR, suffix=suffix, site=site
        )
        return world.account(
            session, organisation=organisation, role=Role.ADMINISTRATOR, suffix=suffix
        )


def test_login_switch_to_burmese_dashboard_and_logout(
    page: Page, server: str, admin: world.Account
) -> None:
    page.goto(f"{server}/login")
    assert axe_violations(page) == []
    log_in(page, server, admin)
    expect(page.locator("#dashboard-title")).to_have_text("Dashboard")
    assert axe_violations(page) == []

    page.click("button[name=language][value=my]")
    expect(page.locator("html")).to_have_attribute("lang", "my")
    expect(page.locator("#dashboard-title")).to_have_text("ဒက်ရှ်ဘုတ်")
    # Myanmar glyphs render with the Myanmar font Haven serves (not whatever the system has).
    page.evaluate("document.fonts.ready")
    assert page.evaluate("document.fonts.check('16px \"Noto Sans Myanmar\"', 'ဒက်ရှ်ဘုတ်')")
    width = page.evaluate(
        "() => { const e = document.getElementById('dashboard-title');"
        " return e.getBoundingClientRect().width; }"
    )
    assert width > 50  # rendered glyphs, not empty boxes collapsed to nothing
    assert axe_violations(page) == []

    # The choice is remembered: reload and it is still Burmese.
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "my")

    page.click("#logout-button")
    expect(page).to_have_url(f"{server}/login?logged_out=1")
    page.goto(f"{server}/")
    expect(page.locator("#login-button")).to_be_visible()


def test_wrong_password_shows_a_message(page: Page, server: str, admin: world.Account) -> None:
    log_in(page, server, admin, "not-the-password-at-all")
    expect(page.locator("#login-message")).to_contain_text("Wrong username or password.")


def test_user_administration_pages_are_accessible(
    page: Page, server: str, admin: world.Account
) -> None:
    log_in(page, server, admin)
    page.goto(f"{server}/users")
    expect(page.locator("#users-table")).to_contain_text("registrar")
    assert axe_violations(page) == []
    page.goto(f"{server}/users/new")
    page.click('form[action="/users/new"] button[type=submit]')
    expect(page.locator("#error-summary")).to_be_visible()
    assert axe_violations(page) == []


def test_an_auditors_day_finds_the_events_of_a_reception_and_checks_the_chain(
    page: Page, server: str, haven: Haven
) -> None:
    suffix = world.tag()
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"Audit council {suffix}")
        site = world.site(session, organisation=organisation, name=f"Audit point {suffix}")
        registrar = world.account(
            session, organisation=organisation, role=Role.REGISTRAR, suffix=suffix, site=site
        )
        auditor = world.account(
            session, organisation=organisation, role=Role.AUDITOR, suffix=suffix
        )
        world.receive(session, by=registrar.actor, name_latin=world.burmese_name().name_latin)
    log_in(page, server, auditor)
    with tally.counting(page) as task:
        page.click("a[href='/audit']")
        expect(page.locator("#chain-result")).to_contain_text("The audit trail is intact")
        page.fill("#field-actor", registrar.username)
        page.click("#audit-filters button[type=submit]")
        expect(page.locator("#audit-events")).to_contain_text("person.received")
        assert axe_violations(page) == []
    # The auditor's day: open the trail, filter by who acted, read (1 field, 2 clicks).
    assert (task.clicks, task.fields) == (2, 1), task
