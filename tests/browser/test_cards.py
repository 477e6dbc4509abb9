"""A case worker issues a person's identity card, prints it, checks it by uploading a photo of
its code (valid, the photo on record matching), revokes it as lost, and the same check then
answers revoked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from haven.cards import qr, repository, signing
from haven.cards.models import Card
from haven.kernel.sensitivity import bind_actor
from haven.people import public as people
from haven.security.permissions import Actor, Role
from tests.browser import world
from tests.browser.conftest import Haven, axe_violations, log_in
from tests.cards.test_service import photo

SYSTEM = Actor.system()


@dataclass(frozen=True)
class Cast:
    caseworker: world.Account
    person_id: uuid.UUID
    name: str


@pytest.fixture
def cast(haven: Haven) -> Cast:
    """An organisation with a case worker and a received person with a photo; the programme's
    card-signing key (made at headquarters with `haven card new-key`)."""
    suffix = world.tag()
    name = world.burmese_name().name_latin
    with haven.transaction() as session:
        bind_actor(session, SYSTEM)
        if repository.signing_key(session) is None:
            signing.create_key(session, SYSTEM)
        organisation = world.organisation(session, name=f"Cards council {suffix}")
        site = world.site(session, organisation=organisation, name=f"Cards point {suffix}")
        person_id = world.receive(session, site=site, name_latin=name)
        people.set_photo(session, SYSTEM, person_id, photo())
        caseworker = world.account(
            session, organisation=organisation, role=Role.CASE_WORKER, suffix=suffix
        )
    return Cast(caseworker=caseworker, person_id=person_id, name=name)


def _code_image(haven: Haven, person_id: uuid.UUID, folder: Path) -> str:
    """A photo of the printed card's code: the QR of the person's newest card, as a PNG."""
    with haven.transaction() as session:
        bind_actor(session, SYSTEM)
        card: Card = repository.cards_of(session, person_id)[0]
        text = card.payload.decode()
    path = folder / f"card-{uuid.uuid4().hex[:6]}.png"
    path.write_bytes(qr.png(text))
    return str(path)


def _check(page: Page, server: str, image: str) -> None:
    page.goto(f"{server}/cards/verify")
    page.set_input_files("#field-image", image)
    page.click("#verify-submit")


def test_issue_print_verify_revoke(page: Page, haven: Haven, cast: Cast, tmp_path: Path) -> None:
    server = haven.url
    log_in(page, server, cast.caseworker)
    person_url = f"{server}/people/{cast.person_id}"
    page.goto(person_url)
    expect(page.locator("#card-none")).to_be_visible()
    page.click("#card-issue-submit")
    expect(page.locator("#notice")).to_contain_text("The card is issued")
    expect(page.locator("#card-current")).to_have_attribute("data-status", "active")
    assert axe_violations(page) == []

    # Print: the card as a PDF.
    href = page.get_attribute("#card-print", "href")
    assert href is not None
    printed = page.request.get(f"{server}{href}")
    assert printed.status == 200
    assert printed.body().startswith(b"%PDF-")

    # Check it by uploading a photo of its code: valid, the photo on record is the card's.
    image = _code_image(haven, cast.person_id, tmp_path)
    _check(page, server, image)
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "valid")
    expect(page.locator("#signed-fields")).to_contain_text(cast.name)
    expect(page.locator("#photo-check")).to_contain_text("is the one printed on the card")
    assert axe_violations(page) == []

    # Lost: revoked from the person's page; the same code now answers revoked.
    page.goto(person_url)
    page.select_option("#card-revoke-reason", value="lost")
    page.click("#card-revoke-submit")
    expect(page.locator("#notice")).to_contain_text("The card is revoked")
    expect(page.locator("#card-current")).to_have_attribute("data-status", "revoked")
    _check(page, server, image)
    expect(page.locator("#verdict")).to_have_attribute("data-verdict", "revoked")
    expect(page.locator("#verdict-reason")).to_contain_text("Lost")

    page.goto(f"{server}/cards?status=revoked")
    expect(page.locator("#cards-table")).to_contain_text("Lost")
    assert axe_violations(page) == []
