"""The POW officer registers a prisoner, prints the capture card and records a transfer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import axe_violations, log_in


def test_register_print_card_and_transfer(page: Page, server: str) -> None:
    log_in(page, server, "pow")
    page.goto(f"{server}/pow")
    expect(page.locator("h1")).to_contain_text("Prisoners of war")
    assert axe_violations(page) == []

    page.click("#register-link")
    assert axe_violations(page) == []
    page.select_option("#field-person_id", index=1)
    captured_on = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    page.fill("#field-captured_on", captured_on)
    page.select_option("#field-place_id", label="Demoso holding camp (demo)")
    page.click("#register-button")
    expect(page.locator("#registered-notice")).to_be_visible()
    expect(page.locator("#pow-place")).to_contain_text("Demoso holding camp")
    expect(page.locator("#cards-table tbody tr")).to_have_count(1)
    assert axe_violations(page) == []

    # Print the capture card: a PDF in English and Burmese.
    href = page.get_attribute("#print-card-1", "href")
    assert href is not None
    card = page.request.get(f"{server}{href}")
    assert card.status == 200
    assert card.headers["content-type"] == "application/pdf"
    assert card.body().startswith(b"%PDF-")

    # Record a transfer: the place changes and a new card falls due.
    page.select_option("#field-to_place_id", label="Loikaw transit camp (demo)")
    page.click("#transfer-button")
    expect(page.locator("#saved-notice")).to_be_visible()
    expect(page.locator("#pow-place")).to_contain_text("Loikaw transit camp")
    expect(page.locator("#transfers-table")).to_contain_text("Demoso holding camp")
    expect(page.locator("#cards-table tbody tr")).to_have_count(2)
    expect(page.locator("#cards-table")).to_contain_text("Superseded by a later card")
    assert axe_violations(page) == []

    page.goto(f"{server}/pow")
    expect(page.locator("#notices-pending-count")).not_to_have_text("0")
