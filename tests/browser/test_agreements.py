"""Crossing day at a desk: search the roll as you type, pick the person, confirm, register;
a few arrivals, each in three interactions; the negotiator sees them in the reconciliation."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from haven.security.permissions import Role
from tests.browser import tally, world
from tests.browser.conftest import Haven, axe_violations, log_in


@dataclass(frozen=True)
class Cast:
    registrar: world.Account  # staffs the desk at the agreement's reception point
    negotiator: world.Account
    code_name: str
    commander: str  # the party on the other side, never shown at the desk


@pytest.fixture
def cast(haven: Haven) -> Cast:
    """An agreement finalized by two programme managers and being executed at the
    registrar's reception point: a roll of 40, five of them registered already."""
    suffix = world.tag()
    code_name = f"Operation Bamboo {suffix}"
    commander = f"Bo {world.burmese_name().name_latin}"
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"Agreements council {suffix}")
        site = world.site(session, organisation=organisation, name=f"Bamboo point {suffix}")
        registrar = world.account(
            session, organisation=organisation, role=Role.REGISTRAR, suffix=suffix, site=site
        )
        negotiator = world.account(
            session, organisation=organisation, role=Role.NEGOTIATOR, suffix=suffix
        )
        # Named approvers who never log in here: no authenticator app needed.
        approvers = [
            world.account(
                session,
                organisation=organisation,
                role=Role.MANAGER,
                suffix=suffix,
                stem=stem,
                authenticator=False,
            ).actor
            for stem in ("manager", "manager2")
        ]
        world.executing_agreement(
            session,
            negotiator=negotiator.actor,
            approvers=approvers,
            desk=registrar.actor,
            site=site,
            code_name=code_name,
            commander=commander,
        )
    return Cast(
        registrar=registrar, negotiator=negotiator, code_name=code_name, commander=commander
    )


def _count(page: Page, label: str) -> int:
    text = page.locator("#desk-counts").inner_text()
    found = re.search(label + r": (\d+)", text)
    assert found, text
    return int(found.group(1))


def test_a_desk_registers_a_few_arrivals_from_the_roll(page: Page, server: str, cast: Cast) -> None:
    log_in(page, server, cast.registrar)
    page.goto(f"{server}/agreements")
    expect(page.locator("#board-table")).to_be_visible()
    page.get_by_role("link", name=re.compile(re.escape(cast.code_name))).click()
    expect(page.locator("h1")).to_contain_text("Crossing desk")
    assert axe_violations(page) == []
    before, arrived = _count(page, "Registered by you"), _count(page, "Arrived")
    registered: list[str] = []
    for query in ("1", "2", "3"):
        page.fill("#field-q", query)  # 1. type: HTMX searches the roll as you type
        first = page.locator("#desk-results button.pick").first
        expect(first).to_be_visible()
        registered.append(first.inner_text().split(" — ")[0].strip())
        first.click()  # 2. pick: the confirm form, pre-filled from the roll
        expect(page.locator("#field-name_latin")).to_have_value(registered[-1])
        expect(page.locator("#field-weapon_kind")).to_have_value("rifle")
        if query == "1":
            assert axe_violations(page) == []
        page.fill("#field-weapon_serial_number", f"BR-{query}")
        page.click("#register-button")  # 3. register
        expect(page.locator("#registered-notice")).to_be_visible()
    assert _count(page, "Registered by you") == before + 3
    # Each of them now shows as already registered, at this desk and any other.
    page.fill("#field-q", registered[0])
    expect(page.locator("#desk-results")).to_contain_text("already registered")
    assert cast.commander not in page.content()  # the desk never sees the parties

    page.click("#logout-button")
    log_in(page, server, cast.negotiator)
    page.goto(f"{server}/agreements")
    page.get_by_role("link", name=cast.code_name, exact=True).click()
    expect(page.locator("#parties")).to_contain_text(cast.commander)
    expect(page.locator("#total-arrived")).to_have_text(str(arrived + 3))
    assert axe_violations(page) == []

    # The negotiator's day: the next agreement drafted, its commander and its promises.
    with tally.counting(page) as task:
        task.go(page, f"{server}/agreements/new")
        page.fill("#field-code_name", f"Second {cast.code_name}")
        page.fill("#field-party_name", world.burmese_name().name_latin)
        page.fill("#field-party_rank", "Major")
        page.fill("#field-party_unit", "LIB 428")
        # Ranks and positions retained are ticked already: the programme's promise.
        expect(page.locator("#field-ranks_retained")).to_be_checked()
        expect(page.locator("#field-positions_retained")).to_be_checked()
        page.click("#create-agreement")
        expect(page.locator("#agreement-status")).to_contain_text("Draft")
    assert (task.clicks, task.fields) == (2, 4), task
