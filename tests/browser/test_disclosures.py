"""A manager drafts a data-sharing agreement and brings it into force; a case worker's export
is refused until the agreement is chosen, then leaves and is logged; the log and the person's
page show where the data went. (The page sweep checks these pages with axe.)"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from haven.security.permissions import Role
from tests.browser import world
from tests.browser.conftest import Haven, log_in


@dataclass(frozen=True)
class Cast:
    manager: world.Account
    caseworker: world.Account
    recipient: str
    name: str
    person_id: str


@pytest.fixture
def cast(haven: Haven) -> Cast:
    suffix = world.tag()
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"Sharing council {suffix}")
        site = world.site(session, organisation=organisation, name=f"Sharing point {suffix}")
        name = f"Saw {world.burmese_name().name_latin}"
        person_id = world.receive(session, site=site, name_latin=name)
        return Cast(
            manager=world.account(
                session, organisation=organisation, role=Role.MANAGER, suffix=suffix
            ),
            caseworker=world.account(
                session, organisation=organisation, role=Role.CASE_WORKER, suffix=suffix
            ),
            recipient=f"Resettlement agency {suffix}",
            name=name,
            person_id=str(person_id),
        )


def _agreement(page: Page, server: str, cast: Cast) -> None:
    log_in(page, server, cast.manager)
    page.goto(f"{server}/disclosures/agreements")
    page.click("#new-agreement")
    page.fill("#field-recipient_name", cast.recipient)
    page.select_option("#field-recipient_kind", "un_agency")
    page.fill("#field-purpose", "Resettlement of people in exile")
    page.select_option("#field-legal_basis", "consent")
    page.check("#field-kinds input[value=export]")
    for field in ("names", "father_name", "date_of_birth", "sex", "nrc", "service_number"):
        page.check(f"#field-fields input[value={field}]")
    page.click("#save-agreement")
    expect(page.locator("#agreement-state")).to_contain_text("Draft")
    page.click("#move-in_force")
    expect(page.locator("#agreement-state")).to_contain_text("In force")
    page.click("#logout-button")


def test_an_export_leaves_only_under_an_agreement_and_is_logged(
    page: Page, server: str, cast: Cast
) -> None:
    _agreement(page, server, cast)
    log_in(page, server, cast.caseworker)
    page.goto(f"{server}/people")
    page.fill("#field-q", cast.name)
    page.press("#field-q", "Enter")
    expect(page.locator("#export-form")).to_be_visible()
    # Without an agreement chosen, nothing leaves: the message is beside the choice.
    page.click("#export-csv")
    expect(page.locator("#error-agreement_id")).to_be_visible()
    option = page.locator("#field-agreement_id option", has_text=cast.recipient)
    page.select_option("#field-agreement_id", option.get_attribute("value"))
    with page.expect_download() as download:
        page.click("#export-csv")
    # The honorific ("Saw") has its own column.
    assert cast.name.split(" ", 1)[1] in download.value.path().read_text(encoding="utf-8-sig")
    page.goto(f"{server}/disclosures")
    row = page.locator("#disclosure-log tbody tr", has_text=cast.recipient)
    expect(row).to_contain_text("Export")
    page.goto(f"{server}/people/{cast.person_id}")
    expect(page.locator("#disclosures")).to_contain_text(cast.recipient)
    expect(page.locator("#disclosures")).to_contain_text("NRC number")
