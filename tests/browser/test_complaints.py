"""A registrar takes down an anonymous complaint of mistreatment from the complaint box; it
is confidential; the programme manager acknowledges it, answers by public notice, and reads
the report, which names nothing; a case worker finds no trace of it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from haven.security.permissions import Role
from tests.browser import world
from tests.browser.conftest import Haven, axe_violations, log_in

SAID = "A guard at the gate beat a young man on Tuesday night"


@dataclass(frozen=True)
class Cast:
    registrar: world.Account
    caseworker: world.Account
    manager: world.Account


@pytest.fixture
def cast(haven: Haven) -> Cast:
    suffix = world.tag()
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"Complaints council {suffix}")
        site = world.site(session, organisation=organisation, name=f"Complaints point {suffix}")
        return Cast(
            registrar=world.account(
                session, organisation=organisation, role=Role.REGISTRAR, suffix=suffix, site=site
            ),
            caseworker=world.account(
                session, organisation=organisation, role=Role.CASE_WORKER, suffix=suffix
            ),
            manager=world.account(
                session, organisation=organisation, role=Role.MANAGER, suffix=suffix
            ),
        )


def test_an_anonymous_complaint_kept_confidential_and_answered(
    page: Page, server: str, cast: Cast
) -> None:
    log_in(page, server, cast.registrar)
    page.goto(f"{server}/complaints")
    page.click("#new-complaint")
    page.check("#kind-complaint")
    page.check("#complainant-anonymous")
    page.fill("#field-contact", "the boy's uncle")  # refused: anonymous keeps no contact
    page.select_option("#field-category", "mistreatment")
    page.select_option("#field-channel", "complaint_box")
    page.fill("#field-text", SAID)
    page.click("#record-complaint")
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#field-text")).to_have_value(SAID)  # what was typed stays
    # The refused form is no GET page of the sweep (which checks every page with axe).
    assert axe_violations(page) == []
    page.fill("#field-contact", "")
    page.click("#record-complaint")
    expect(page.locator("#recorded-title")).to_be_visible()
    expect(page.locator("#confidential-note")).to_be_visible()
    reference = page.inner_text("#complaint-reference")
    page.click("#logout-button")

    log_in(page, server, cast.manager)
    page.goto(f"{server}/complaints")
    page.click(f"text={reference}")
    expect(page.locator("#complaint-text")).to_have_text(SAID)
    expect(page.locator("#complaint-confidential")).to_be_visible()
    complaint_url = page.url.split("#")[0]
    page.select_option("#field-ack-given_by", "public_notice")
    page.click("#acknowledge-button")
    expect(page.locator("#complaint-state")).to_have_text("Acknowledged")
    page.check("#kind-response")
    page.select_option("#field-entry-given_by", "public_notice")
    page.fill("#field-entry-text", "The guard was moved; a notice was posted at the gate.")
    page.click("#entries-button")
    expect(page.locator("#complaint-state")).to_have_text("Responded")
    expect(page.locator("#log")).to_contain_text("a notice was posted")
    page.goto(f"{server}/complaints/report")
    expect(page.locator("#report-total")).to_have_text("1")
    expect(page.locator("main")).not_to_contain_text(reference)
    expect(page.locator("main")).not_to_contain_text("guard")
    page.click("#logout-button")

    # Confidential: the case worker neither lists nor opens it.
    log_in(page, server, cast.caseworker)
    page.goto(f"{server}/complaints")
    expect(page.locator("main")).not_to_contain_text(reference)
    assert page.goto(complaint_url).status == 404  # type: ignore[union-attr]
