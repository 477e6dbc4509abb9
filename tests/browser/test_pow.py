"""The POW officer registers a prisoner, prints the capture card and records a transfer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from haven.security.permissions import Role
from tests.browser import tally, world
from tests.browser.conftest import Haven, axe_violations, log_in


@dataclass(frozen=True)
class Cast:
    officer: world.Account
    prisoner: str  # the person id of a captured soldier not yet registered as a prisoner
    name: str  # his name in Latin letters, as the officer searches for it
    camp: str  # where the prisoner is first held
    transit: str  # where they are transferred to


@pytest.fixture
def cast(haven: Haven) -> Cast:
    """A POW officer, the organisation's places, and a captured soldier received yesterday,
    not yet registered as a prisoner."""
    suffix = world.tag()
    camp, transit = f"Demoso holding camp {suffix}", f"Loikaw transit camp {suffix}"
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"POW council {suffix}")
        site = world.site(session, organisation=organisation, name=f"POW point {suffix}")
        officer = world.account(
            session, organisation=organisation, role=Role.POW_OFFICER, suffix=suffix
        )
        world.pow_places(
            session,
            officer=officer.actor,
            places=[
                (camp, "camp", "Demoso"),
                (transit, "transit_camp", "Loikaw"),
                (f"Hpruso field hospital {suffix}", "hospital", "Hpruso"),
            ],
        )
        name = world.burmese_name().name_latin
        prisoner = world.receive(
            session,
            site=site,
            classification="captured",
            name_latin=name,
            origin_unit="LIB 428",
            days_ago=1,
        )
    return Cast(officer=officer, prisoner=str(prisoner), name=name, camp=camp, transit=transit)


def test_register_print_card_and_transfer(page: Page, server: str, cast: Cast) -> None:
    log_in(page, server, cast.officer)
    page.goto(f"{server}/pow")
    expect(page.locator("h1")).to_contain_text("Prisoners of war")
    assert axe_violations(page) == []

    page.click("#register-link")
    assert axe_violations(page) == []
    # The person a registrar received is found by a search, not picked from a dropdown.
    page.fill("#find-q", cast.name)
    page.click("#find-button")
    page.click(f"#choose-{cast.prisoner}")
    captured_on = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    page.fill("#field-captured_on", captured_on)
    page.select_option("#field-place_id", label=cast.camp)
    page.click("#register-button")
    expect(page.locator("#notice")).to_contain_text("Registered")
    expect(page.locator("#pow-place")).to_contain_text(cast.camp)
    expect(page.locator("#cards-table tbody tr")).to_have_count(1)
    assert axe_violations(page) == []

    # Print the capture card: a PDF in English and Burmese.
    href = page.get_attribute("#print-card-1", "href")
    assert href is not None
    card = page.request.get(f"{server}{href}")
    assert card.status == 200
    assert card.headers["content-type"] == "application/pdf"
    assert card.body().startswith(b"%PDF-")

    # Record a transfer: refused without its risk assessment (non-refoulement, docs/pow.md);
    # with it, the place changes and a new card falls due.
    page.select_option("#field-to_place_id", label=cast.transit)
    page.click("#transfer-button")
    expect(page.locator("#error-summary")).to_contain_text("Name who assessed the risks")
    assert axe_violations(page) == []
    page.fill("#transfer-risk_assessed_by", "Naw Paw (protection officer)")
    page.check("#transfer-risk-persecution")
    page.select_option("#transfer-risk_conclusion", value="no_real_risk")
    page.click("#transfer-button")
    expect(page.locator("#saved-notice")).to_be_visible()
    expect(page.locator("#pow-place")).to_contain_text(cast.transit)
    expect(page.locator("#transfers-table")).to_contain_text(cast.camp)
    expect(page.locator("#cards-table tbody tr")).to_have_count(2)
    expect(page.locator("#cards-table")).to_contain_text("Superseded by a later card")
    assert axe_violations(page) == []

    page.goto(f"{server}/pow")
    expect(page.locator("#notices-pending-count")).not_to_have_text("0")

    # A captured soldier nobody received yet: registered in one form (finding 7).
    with tally.counting(page) as task:
        page.click("#register-link")
        page.fill("#field-name_latin", world.burmese_name().name_latin)
        page.fill("#field-captured_on", captured_on)
        page.fill("#field-captured_place", "Near the Hpruso road")
        page.click("#capture-button")
        expect(page.locator("#notice")).to_contain_text("Registered")
    # The prisoner-of-war officer's registration of a captured person from the board.
    assert (task.clicks, task.fields) == (2, 3), task
    expect(page.locator("#pow-captured")).to_contain_text("Near the Hpruso road")
    assert axe_violations(page) == []
