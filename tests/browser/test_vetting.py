"""A case from hit to decision: an alleged perpetrator recorded, a person with that name
received, heard, assessed, a decision proposed by one officer and confirmed by another."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from haven.security.permissions import Role
from tests.browser import tally, world
from tests.browser.conftest import Haven, axe_violations, log_in


@dataclass(frozen=True)
class Cast:
    vetting: world.Account
    vetting2: world.Account
    registrar: world.Account
    perpetrator: str  # the name an incident report gives, in Latin letters


@pytest.fixture
def cast(haven: Haven) -> Cast:
    suffix = world.tag()
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"Vetting council {suffix}")
        site = world.site(session, organisation=organisation, name=f"Vetting point {suffix}")
        return Cast(
            vetting=world.account(
                session, organisation=organisation, role=Role.VETTING_OFFICER, suffix=suffix
            ),
            vetting2=world.account(
                session,
                organisation=organisation,
                role=Role.VETTING_OFFICER,
                suffix=suffix,
                stem="vetting2",
            ),
            registrar=world.account(
                session, organisation=organisation, role=Role.REGISTRAR, suffix=suffix, site=site
            ),
            perpetrator=world.burmese_name().name_latin,
        )


def _record_incident(page: Page, server: str, cast: Cast) -> None:
    log_in(page, server, cast.vetting)
    page.goto(f"{server}/vetting/incidents")
    assert axe_violations(page) == []
    page.select_option("#field-kind", "massacre")
    page.fill("#field-period", "2021-12-24")
    page.fill("#field-township", "Hpruso")
    page.fill("#field-units", "LIB 999")
    page.fill("#field-perpetrators", f"{cast.perpetrator} | Captain | LIB 999")
    page.fill("#field-summary", "Synthetic record: civilians killed.")
    page.select_option("#field-source_reliability", "B")
    page.select_option("#field-information_credibility", "2")
    page.click("#record-incident")
    expect(page.locator("#rescreen-notice")).to_be_visible()
    assert axe_violations(page) == []
    page.click("#logout-button")


def _receive_the_named_person(page: Page, server: str, cast: Cast) -> None:
    log_in(page, server, cast.registrar)
    page.goto(f"{server}/reception/new")
    page.fill("#field-name_latin", f"Ko {cast.perpetrator}")
    page.check("#classification-defector")
    page.fill("#field-origin_unit", "LIB 999")
    page.click("#receive-button")
    expect(page.locator("#received-notice")).to_be_visible()
    # The status code, whatever the registrar's language.
    expect(page.locator("#vetting-status")).to_have_attribute("data-status", "pending")
    expect(page.locator("#vetting-case-link")).to_have_count(0)  # the registrar sees the status
    page.click("#logout-button")


def _hear_assess_and_propose(page: Page, server: str, cast: Cast) -> str:
    """As the first officer; returns the case's address."""
    log_in(page, server, cast.vetting)
    with tally.counting(page) as task:
        task.go(page, f"{server}/vetting?state=pending")
        page.click(f"#vetting-queue >> text={cast.perpetrator}")
        _hear_and_assess(page, cast)
    # The vetting officer's day: from the queue to a hearing, an assessment and a proposed
    # decision (the second officer's confirmation is one more click).
    assert (task.clicks, task.fields) == (6, 9), task
    case_url = page.url.split("#")[0]
    page.click("#logout-button")
    return case_url


def _hear_and_assess(page: Page, cast: Cast) -> None:
    expect(page.locator("#hit-list")).to_contain_text("Name matches an alleged perpetrator")
    expect(page.locator("#hit-list")).to_contain_text(f"Captain {cast.perpetrator}")
    assert axe_violations(page) == []
    page.click("#start-interview")
    page.fill("#field-statement", "I deserted before December 2021 and was not there.")
    page.check("#field-interpreter_present")
    page.click("#record-hearing")
    expect(page.locator("main")).to_contain_text("I deserted before December 2021")
    page.fill("#field-assessment", "Same name and unit; desertion date unverified.")
    page.click("#record-assessment")
    page.check("#outcome-referred")
    page.select_option("#field-standard_of_proof", "reasonable_grounds")
    page.fill("#field-reasons", "Credible witness accounts name him; he denies it.")
    page.fill("#field-disclosed_reasons", "Witnesses name you; you deny it.")
    page.fill("#field-mechanism", "Synthetic interim council tribunal")
    page.select_option("#field-protection", "prisoner_of_war")
    assert axe_violations(page) == []
    page.click("#propose-decision")
    expect(page.locator("#awaiting-second")).to_be_visible()
    expect(page.locator("#confirm-decision")).to_have_count(0)  # not by the same officer


def test_a_case_from_hit_to_decision_by_two_officers(page: Page, server: str, cast: Cast) -> None:
    _record_incident(page, server, cast)
    _receive_the_named_person(page, server, cast)
    case_url = _hear_assess_and_propose(page, server, cast)
    log_in(page, server, cast.vetting2)
    page.goto(case_url)
    page.click("#confirm-decision-open")
    page.click("#confirm-decision")
    expect(page.locator("#decided-notice")).to_be_visible()
    expect(page.locator("#case-status")).to_contain_text("Referred for accountability")
    expect(page.locator("#decision-history")).to_contain_text("Prisoner of war")
    assert axe_violations(page) == []
