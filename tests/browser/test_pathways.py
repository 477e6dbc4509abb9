"""A case worker records a choice after the explanation, works a task and sends a referral;
the partner organisation's case worker accepts and completes it; each side sees its part."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from haven.kernel import clock
from haven.security.permissions import Role
from tests.browser import tally, world
from tests.browser.conftest import Haven, axe_violations, log_in


@dataclass(frozen=True)
class Cast:
    registrar: world.Account
    caseworker: world.Account
    partner_caseworker: world.Account  # of the partner organisation
    partner: str  # the partner organisation's name
    name: str  # of the person received


@pytest.fixture
def cast(haven: Haven) -> Cast:
    """An organisation with the explanation texts, a registrar and a case worker; a
    civil-society partner organisation with a case worker of its own."""
    suffix = world.tag()
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"Pathways council {suffix}")
        world.explanation_texts(session, organisation=organisation)
        site = world.site(session, organisation=organisation, name=f"Pathways point {suffix}")
        partner = world.organisation(
            session, name=f"Civil-society partner {suffix}", kind="partner"
        )
        return Cast(
            registrar=world.account(
                session, organisation=organisation, role=Role.REGISTRAR, suffix=suffix, site=site
            ),
            caseworker=world.account(
                session, organisation=organisation, role=Role.CASE_WORKER, suffix=suffix
            ),
            partner_caseworker=world.account(
                session,
                organisation=partner,
                role=Role.CASE_WORKER,
                suffix=suffix,
                stem="partner-caseworker",
            ),
            partner=partner.name,
            name=f"Saw {world.burmese_name().name_latin}",
        )


def _receive(page: Page, server: str, cast: Cast) -> str:
    log_in(page, server, cast.registrar)
    page.goto(f"{server}/reception/new")  # the desk's form, open all day
    with tally.counting(page) as reception:
        page.fill("#field-name_latin", cast.name)
        page.check("#classification-defector")
        page.click("#receive-button")
        expect(page.locator("#received-notice")).to_be_visible()
    # The registrar's minimum reception: a name and how they came, then Receive.
    assert (reception.clicks, reception.fields) == (1, 2), reception
    person_url = page.url.split("?")[0]
    page.click("#logout-button")
    return person_url


def _choose_and_work(page: Page, server: str, cast: Cast, person_url: str) -> str:
    log_in(page, server, cast.caseworker)
    with tally.counting(page) as choice:
        choice.go(page, person_url)
        _record_the_choice(page)
    # The case worker's day: from the person to their free choice recorded, including one
    # refusal that names what protects the choice (the safeguards) before it is accepted.
    assert (choice.clicks, choice.fields) == (5, 9), choice
    case_url = page.url.split("?")[0]
    _task_and_referral(page, cast, case_url)
    return case_url


def _record_the_choice(page: Page) -> None:
    page.click("#case-link")
    # The explanation is shown, in the person's language, before any choice; none preselected.
    expect(page.locator("#explanation-text")).to_contain_text("We will not force you to fight")
    page.select_option("#explain-language", "my")
    page.click("#explanation button")
    expect(page.locator("#explanation-text")).to_contain_text("အတင်း မခိုင်းပါဘူး")
    expect(page.locator("input[name=pathway]:checked")).to_have_count(0)
    assert axe_violations(page) == []
    page.check("#pathway-home")
    page.fill("#field-statement", "I want to go back to my family.")
    page.check("#explained")
    page.click("#record-choice")
    # What protects the choice from coercion is asked for, each missing item by name.
    expect(page.locator("#error-summary")).to_contain_text("no former commander present")
    expect(page.locator("#field-statement")).to_have_value("I want to go back to my family.")
    page.fill("#field-statement_language", "Burmese")
    page.fill("#field-present", "Case worker (recorder); interpreter")
    page.check("#former_commanders_absent")
    page.check("#mark-thumbprint")
    page.fill("#field-mark_attested_by", "Case worker")
    page.check("#explained")
    page.click("#record-choice")
    expect(page.locator("#current-pathway")).to_contain_text("Go home to the family")
    expect(page.locator("#choice-safeguards")).to_contain_text("Thumbprint attested by Case worker")
    expect(page.locator("#choice")).to_contain_text("explanation version 1")
    assert axe_violations(page) == []


def _task_and_referral(page: Page, cast: Cast, case_url: str) -> None:
    # A task, added and completed.
    page.fill("#field-title", "Call the mother in Demoso")
    page.fill("#field-due_on", clock.local_today().isoformat())
    page.click("#add-task")
    row = page.locator("#tasks-table tr", has_text="Call the mother in Demoso")
    expect(row).to_contain_text("Open")
    row.locator("button[value=done]").click()
    expect(page.locator("#tasks-table tr", has_text="Call the mother in Demoso")).to_contain_text(
        "Done"
    )

    # A referral to the civil-society partner, with a confidential note kept back.
    page.select_option("#field-to_organisation_id", label=cast.partner)
    page.select_option("#field-kind", "psychosocial")
    page.fill("#field-reason", "Trouble sleeping since the crossing")
    page.click("#send-referral")
    expect(page.locator("#referrals-table")).to_contain_text("Sent")
    page.goto(f"{case_url}/notes")
    page.fill("#field-text", "Confidential: the brother is still in the battalion")
    page.click("#add-note")
    expect(page.locator("main")).to_contain_text("the brother is still in the battalion")
    page.click("#logout-button")


def test_choice_task_and_referral_round_trip(page: Page, server: str, cast: Cast) -> None:
    case_url = _choose_and_work(page, server, cast, _receive(page, server, cast))
    log_in(page, server, cast.partner_caseworker)
    page.goto(f"{server}/cases")
    page.locator("#incoming-table a", has_text=cast.name).first.click()
    expect(page.locator("#referral-reason")).to_contain_text("Trouble sleeping")
    expect(page.locator("main")).not_to_contain_text("brother")
    assert axe_violations(page) == []
    page.fill("#field-response", "First session on Monday")
    page.click("#accept-referral")
    expect(page.locator("#referral-status")).to_contain_text("Accepted")
    page.click("#complete-referral")
    expect(page.locator("#referral-status")).to_contain_text("Completed")
    # The case and its notes stay with the sending organisation.
    assert page.goto(case_url).status == 404  # type: ignore[union-attr]
    assert page.goto(f"{case_url}/notes").status == 404  # type: ignore[union-attr]
    page.goto(f"{server}/cases")
    page.click("#logout-button")

    log_in(page, server, cast.caseworker)
    page.goto(case_url)
    expect(page.locator("#referrals-table")).to_contain_text("Completed")
    expect(page.locator("#referrals-table")).to_contain_text("First session on Monday")
