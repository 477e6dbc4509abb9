"""A case worker plans the movement of a defector's wife out of a military compound: the plan
from the person's page, a refused form that keeps its values, a step overdue, the wife moved,
and the plans list showing the progress."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from haven.kernel import clock
from haven.people.public import FamilyMemberIn, add_family_member
from haven.security.permissions import Actor, Role
from tests.browser import world
from tests.browser.conftest import Haven, axe_violations, log_in


@dataclass(frozen=True)
class Cast:
    caseworker: world.Account
    person_id: str


@pytest.fixture
def cast(haven: Haven) -> Cast:
    suffix = world.tag()
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"Families council {suffix}")
        site = world.site(session, organisation=organisation, name=f"Families point {suffix}")
        person_id = world.receive(session, site=site, name_latin="Saw Family")
        add_family_member(
            session,
            Actor.system(),
            person_id,
            FamilyMemberIn.model_validate(
                {"relationship": "spouse", "name": "Naw Hser", "at_risk": True, "to_move": True}
            ),
        )
        return Cast(
            caseworker=world.account(
                session, organisation=organisation, role=Role.CASE_WORKER, suffix=suffix
            ),
            person_id=str(person_id),
        )


def test_a_wife_moved_out_of_a_compound(page: Page, server: str, cast: Cast) -> None:
    yesterday = (clock.local_today() - timedelta(days=1)).isoformat()
    log_in(page, server, cast.caseworker)
    page.goto(f"{server}/people/{cast.person_id}")
    page.click("#new-movement-plan")
    page.check("input[name=relative_ids]")
    page.check("input[name=origin_kind][value=compound]")
    page.click("#create-plan")  # no places: each field says so, the choices kept
    expect(page.locator("#error-origin")).to_be_visible()
    expect(page.locator("input[name=relative_ids]")).to_be_checked()
    assert axe_violations(page) == []
    page.fill("#field-origin", "Family quarters, compound 12 (synthetic)")
    page.fill("#field-destination", "Safe house 3 (synthetic)")
    page.click("#create-plan")
    expect(page.locator("#plan-status")).to_contain_text("Planned")
    expect(page.locator("#plan-origin")).to_contain_text("compound 12")

    page.click("#steps summary")
    page.fill("#field-title", "Guide meets the family at the market")
    page.fill("#field-planned_on", yesterday)
    page.fill("#field-responsible_partner", "Partner network")
    page.click("#add-step")
    expect(page.locator("#steps-table")).to_contain_text("Overdue")
    assert axe_violations(page) == []
    page.check("#relatives input[name=relative_ids]")
    page.click("#mark-moved")
    expect(page.locator("#plan-status")).to_contain_text("Under way")
    expect(page.locator("#plan-progress")).to_contain_text("1 of 1 relatives moved")

    page.goto(f"{server}/families")
    expect(page.locator("#plans")).to_contain_text("1 of 1 relatives moved")
    expect(page.locator("#overdue-notice")).to_be_visible()
    assert axe_violations(page) == []
