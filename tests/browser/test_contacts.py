"""A negotiator records a soldier's first contact under an offered code name, sets the
meeting, logs an exchange and links the crossing to the reception; a case worker of the same
organisation finds no trace of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from haven.db.types import utcnow
from haven.kernel import clock
from haven.people.models import Person
from haven.security.permissions import Role
from tests.browser import world
from tests.browser.conftest import Haven, axe_violations, log_in


@dataclass(frozen=True)
class Cast:
    negotiator: world.Account
    caseworker: world.Account
    reference: str  # of the person received when the soldier crossed


@pytest.fixture
def cast(haven: Haven) -> Cast:
    suffix = world.tag()
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"Contacts council {suffix}")
        site = world.site(session, organisation=organisation, name=f"Contacts point {suffix}")
        person_id = world.receive(session, site=site, name_latin="Saw Crossed")
        person = session.get(Person, person_id)
        assert person is not None
        return Cast(
            negotiator=world.account(
                session, organisation=organisation, role=Role.NEGOTIATOR, suffix=suffix
            ),
            caseworker=world.account(
                session, organisation=organisation, role=Role.CASE_WORKER, suffix=suffix
            ),
            reference=str(person.reference),
        )


def test_first_contact_to_crossing(page: Page, server: str, cast: Cast) -> None:
    log_in(page, server, cast.negotiator)
    page.goto(f"{server}/contacts")
    page.click("#new-contact")
    offered = page.input_value("#field-code_name")
    assert len(offered.split()) == 3  # a generated code name, ready to use
    page.select_option("#field-channel", "intermediary")
    page.fill("#field-channel_detail", "the tea-shop owner, alias Uncle Moon")
    page.select_option("#field-companions", "6-20")
    page.select_option("#field-family", "1-3")
    page.click("#record-contact")
    expect(page.locator("#contact-title")).to_have_text(offered)
    expect(page.locator("#contact-channel-detail")).to_contain_text("Uncle Moon")
    contact_url = page.url.split("#")[0]
    assert axe_violations(page) == []

    when = clock.local_time(utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#field-meeting_point", "the ferry landing")
    page.fill("#field-meeting_at", when)
    page.click("#set-meeting")
    expect(page.locator("#contact-status")).to_contain_text("Meeting set")
    page.fill("#field-note", "He will bring two others")
    page.click("#add-exchange")
    expect(page.locator("#exchanges")).to_contain_text("He will bring two others")
    page.goto(f"{server}/contacts")
    expect(page.locator("#contacts-table")).to_contain_text(offered)
    expect(page.locator("#contacts-table")).to_contain_text("Meeting set")

    page.goto(contact_url)
    page.fill("#field-person_reference", cast.reference.lower())  # typed as read, any case
    page.click("#link-crossing")
    expect(page.locator("#contact-status")).to_contain_text("Crossed")
    expect(page.locator("#contact-person")).to_contain_text(cast.reference)
    expect(page.locator("main")).not_to_contain_text("Saw Crossed")
    assert axe_violations(page) == []
    page.click("#logout-button")

    # The case worker: no contact page, no link to one.
    log_in(page, server, cast.caseworker)
    assert page.goto(contact_url).status == 404  # type: ignore[union-attr]
    assert page.goto(f"{server}/contacts").status == 404  # type: ignore[union-attr]
    page.goto(f"{server}/")
    expect(page.locator("a[href^='/contacts']")).to_have_count(0)
