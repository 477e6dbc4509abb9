"""Register a defector from the reception form in Burmese, complete the profile, find them."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from haven.demo.names import ELDER, DemoName
from haven.security.permissions import Role
from tests.browser import world
from tests.browser.conftest import Haven, axe_violations, log_in


@dataclass(frozen=True)
class Cast:
    registrar: world.Account  # at the first reception point
    registrar2: world.Account  # at the second one
    caseworker: world.Account  # organisation-wide
    name: DemoName  # of the person to register
    father: DemoName


@pytest.fixture
def cast(haven: Haven) -> Cast:
    suffix = world.tag()
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"Reception council {suffix}")
        first = world.site(session, organisation=organisation, name=f"Demoso point {suffix}")
        second = world.site(
            session, organisation=organisation, name=f"Hpruso point {suffix}", township="Hpruso"
        )
        return Cast(
            registrar=world.account(
                session, organisation=organisation, role=Role.REGISTRAR, suffix=suffix, site=first
            ),
            registrar2=world.account(
                session,
                organisation=organisation,
                role=Role.REGISTRAR,
                suffix=suffix,
                stem="registrar2",
                site=second,
            ),
            caseworker=world.account(
                session, organisation=organisation, role=Role.CASE_WORKER, suffix=suffix
            ),
            name=world.young_man(world.burmese_name()),
            father=world.burmese_name(syllables=2),
        )


def test_register_in_burmese_complete_profile_and_search(
    page: Page, server: str, cast: Cast
) -> None:
    name = cast.name.name_my  # without the honorific, as Haven stores and shows it
    log_in(page, server, cast.registrar)
    page.click("button[name=language][value=my]")
    expect(page.locator("html")).to_have_attribute("lang", "my")

    page.goto(f"{server}/reception/new")
    assert axe_violations(page) == []
    page.fill("#field-name_my", cast.name.full_my)
    page.check("#classification-defector")
    page.fill("#field-origin_unit", "ခမရ ၅၃၁")
    page.select_option("#field-rank_id", label="ဗိုလ်ကြီး")
    page.click("#receive-button")
    # Some names read as well in Zawgyi as in Unicode: the form then asks the registrar how
    # the text was typed, and the registrar answers (it was typed in Unicode).
    page.locator("#received-notice, #field-text_encoding").first.wait_for()
    if page.locator("#field-text_encoding").count():
        page.check("input[name=text_encoding][value=unicode]")
        page.click("#receive-button")
    expect(page.locator("#received-notice")).to_be_visible()
    expect(page.locator("#person-name")).to_contain_text(name)
    expect(page.locator("main")).to_contain_text("LIB-531")
    assert axe_violations(page) == []

    page.click("#complete-profile")
    page.fill("#field-father_name", ELDER["male"].my + cast.father.name_my)
    page.fill("#field-birth_year", "1994")
    page.fill("#field-nrc", "၁၂/ဥကမ(နိုင်)၄၅၆၇၈၉")
    assert axe_violations(page) == []
    page.click("#save-profile")
    expect(page.locator("#saved-notice")).to_be_visible()
    expect(page.locator("#person-nrc")).to_contain_text("456789")

    page.goto(f"{server}/people")
    page.fill("#field-q", name)
    expect(page.locator("#results-table")).to_contain_text(name)  # HTMX search as you type
    page.fill("#field-q", cast.father.name_my)  # the father's name finds them too
    expect(page.locator("#results-table")).to_contain_text(name)
    assert axe_violations(page) == []

    # A registrar of another site does not find them; an organisation-wide case worker does.
    page.click("#logout-button")
    log_in(page, server, cast.registrar2)
    page.goto(f"{server}/people")
    page.fill("#field-q", name)
    expect(page.locator("#no-results")).to_be_visible()
    page.click("#logout-button")
    log_in(page, server, cast.caseworker)
    page.goto(f"{server}/people")
    page.fill("#field-q", name)
    expect(page.locator("#results-table")).to_contain_text(name)
