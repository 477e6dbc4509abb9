"""A case worker records a reprisal against a defector's family: the person's page and the
incident show the raised risk; the incident moves to responding with an action logged; the
case worker lowers the risk with a reason once the family is safe."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from haven.kernel import clock
from haven.people.models import Person
from haven.security.permissions import Role
from tests.browser import world
from tests.browser.conftest import Haven, axe_violations, log_in


@dataclass(frozen=True)
class Cast:
    caseworker: world.Account
    person_id: str
    reference: str


@pytest.fixture
def cast(haven: Haven) -> Cast:
    suffix = world.tag()
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"Protection council {suffix}")
        site = world.site(session, organisation=organisation, name=f"Protection point {suffix}")
        person_id = world.receive(session, site=site, name_latin="Saw Threatened")
        person = session.get(Person, person_id)
        assert person is not None
        return Cast(
            caseworker=world.account(
                session, organisation=organisation, role=Role.CASE_WORKER, suffix=suffix
            ),
            person_id=str(person_id),
            reference=str(person.reference),
        )


def test_a_reprisal_raises_the_risk_until_a_case_worker_lowers_it(
    page: Page, server: str, cast: Cast
) -> None:
    today = clock.local_today().isoformat()
    log_in(page, server, cast.caseworker)
    page.goto(f"{server}/people/{cast.person_id}")
    expect(page.locator("#person-risk")).to_contain_text("Normal")
    page.click("#record-incident-for-person")
    expect(page.locator("#field-people")).to_have_value(cast.reference)
    page.select_option("#field-kind", "reprisal")
    page.click("#save-incident")  # no severity, no date, no account: each field says so
    expect(page.locator("#error-severity")).to_be_visible()
    expect(page.locator("#error-narrative")).to_be_visible()
    assert axe_violations(page) == []
    page.select_option("#field-severity", "high")
    page.fill("#field-occurred_on", today)
    page.fill("#field-narrative", "The family's house was searched at night (synthetic).")
    page.click("#save-incident")
    expect(page.locator("#incident-title")).to_contain_text("Reprisal against family")
    expect(page.locator("#incident-people")).to_contain_text("High")
    assert axe_violations(page) == []

    page.select_option("#field-state", "responding")
    page.fill("#field-reason", "The family was contacted")
    page.click("#move-button")
    expect(page.locator("#incident-state")).to_contain_text("Responding")
    page.fill("#field-text", "Arranged a safe house for the family")
    page.click("#action-button")
    expect(page.locator("#incident-actions")).to_contain_text("safe house")

    page.goto(f"{server}/protection/incidents?kind=reprisal")
    expect(page.locator("#incidents")).to_contain_text("Reprisal against family")
    page.goto(f"{server}/people/{cast.person_id}")
    expect(page.locator("#person-risk")).to_contain_text("High")
    expect(page.locator("#person-incidents")).to_contain_text("Responding")

    page.goto(f"{server}/protection/people/{cast.person_id}/risk")
    page.select_option("#field-level", "elevated")
    page.fill("#field-reason", "The family reached the safe house")
    page.click("#lower-button")
    expect(page.locator("#risk-level")).to_contain_text("Elevated")
    expect(page.locator("#risk-history")).to_contain_text("safe house")
    assert axe_violations(page) == []
