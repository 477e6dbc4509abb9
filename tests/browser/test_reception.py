"""Register a defector from the reception form in Burmese, complete the profile, find them."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations, log_in


def test_register_in_burmese_complete_profile_and_search(page: Page, server: str) -> None:
    log_in(page, server, "registrar")
    page.click("button[name=language][value=my]")
    expect(page.locator("html")).to_have_attribute("lang", "my")

    page.goto(f"{server}/reception/new")
    assert axe_violations(page) == []
    page.fill("#field-name_my", "ကိုထက်နိုင်ဝင်း")
    page.check("#classification-defector")
    page.fill("#field-origin_unit", "ခမရ ၅၃၁")
    page.select_option("#field-rank_id", label="ဗိုလ်ကြီး")
    page.click("#receive-button")
    expect(page.locator("#received-notice")).to_be_visible()
    expect(page.locator("#person-name")).to_contain_text("ထက်နိုင်ဝင်း")
    expect(page.locator("main")).to_contain_text("LIB-531")
    assert axe_violations(page) == []

    page.click("#complete-profile")
    page.fill("#field-father_name", "ဦးဘိုးသိန်း")
    page.fill("#field-birth_year", "1994")
    page.fill("#field-nrc", "၁၂/ဥကမ(နိုင်)၄၅၆၇၈၉")
    assert axe_violations(page) == []
    page.click("#save-profile")
    expect(page.locator("#saved-notice")).to_be_visible()
    expect(page.locator("#person-nrc")).to_contain_text("456789")

    page.goto(f"{server}/people")
    page.fill("#field-q", "ထက်နိုင်ဝင်း")
    expect(page.locator("#results-table")).to_contain_text("ထက်နိုင်ဝင်း")  # HTMX search as you type
    page.fill("#field-q", "ဘိုးသိန်း")  # the father's name finds them too
    expect(page.locator("#results-table")).to_contain_text("ထက်နိုင်ဝင်း")
    assert axe_violations(page) == []

    # A registrar of another site does not find them; an organisation-wide case worker does.
    page.click("#logout-button")
    log_in(page, server, "registrar2")
    page.goto(f"{server}/people")
    page.fill("#field-q", "ထက်နိုင်ဝင်း")
    expect(page.locator("#no-results")).to_be_visible()
    page.click("#logout-button")
    log_in(page, server, "caseworker")
    page.goto(f"{server}/people")
    page.fill("#field-q", "ထက်နိုင်ဝင်း")
    expect(page.locator("#results-table")).to_contain_text("ထက်နိုင်ဝင်း")
