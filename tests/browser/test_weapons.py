"""A store keeper counts the armoury: 30 rounds are missing, the count is refused until the
difference is explained, then the ledger is adjusted to the count; the programme manager then
records the destruction of a rifle before two witnesses, with photos before and after, and the
rifle leaves the store."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from haven.kernel.sensitivity import bind_actor
from haven.reception.public import ReceptionCreate, receive
from haven.security.permissions import Actor, Role
from haven.weapons import intake, repository, service
from haven.weapons.schemas import IntakeIn, StoreIn
from tests.browser import world
from tests.browser.conftest import Haven, log_in
from tests.weapons.support import png

SYSTEM = Actor.system()


@dataclass(frozen=True)
class Cast:
    keeper: world.Account
    manager: world.Account
    store_id: uuid.UUID


@pytest.fixture
def cast(haven: Haven) -> Cast:
    suffix = world.tag()
    with haven.transaction() as session:
        bind_actor(session, SYSTEM)
        organisation = world.organisation(session, name=f"Weapons council {suffix}")
        site = world.site(session, organisation=organisation, name=f"Armoury point {suffix}")
        keeper = world.account(
            session, organisation=organisation, role=Role.REGISTRAR, suffix=suffix, site=site
        )
        manager = world.account(
            session, organisation=organisation, role=Role.MANAGER, suffix=suffix
        )
        store = service.open_store(
            session,
            SYSTEM,
            StoreIn.model_validate(
                {
                    "name": f"Armoury {suffix}",
                    "kind": "armoury",
                    "site_id": str(site.id),
                    "key_holder_ids": [str(keeper.actor.user_id)],
                }
            ),
        )
        event = receive(
            session,
            SYSTEM,
            ReceptionCreate.model_validate(
                {
                    "name_latin": "Synthetic Defector",
                    "classification": "defector",
                    "site_id": str(site.id),
                    "weapons": [
                        {"kind": "rifle", "serial_number": f"BR-{suffix}"},
                        {"kind": "ammunition", "quantity": 200, "calibre": "7.62x39"},
                    ],
                }
            ),
        )
        intake.take_in(session, SYSTEM, store.id, IntakeIn(reception_id=event.id))
        assert repository.calibre_balances(session, store.id) == {"7.62x39": 200}
        return Cast(keeper=keeper, manager=manager, store_id=store.id)


def test_a_stock_check_with_a_difference_then_a_destruction(
    page: Page, server: str, cast: Cast
) -> None:
    log_in(page, server, cast.keeper)
    page.goto(f"{server}/weapons/stores/{cast.store_id}")
    page.click("#stock-check-link")
    rounds_row = page.locator("tr", has_text="7.62×39")
    rounds_row.locator("input[type=number]").fill("170")
    page.fill("#field-witness_name", "Sgt. Mya Witness")
    page.fill("#field-witness_role", "Guard commander")
    page.click("#record-stock-check")
    expect(page.locator("#error-summary")).to_be_visible()  # the difference needs its reason
    rounds_row = page.locator("tr", has_text="7.62×39")
    expect(rounds_row.locator("input[type=number]")).to_have_value("170")  # kept
    rounds_row.locator("input[type=text]").fill("Thirty rounds used in a training shoot")
    page.click("#record-stock-check")
    expect(page.locator("#balance-calibres")).to_contain_text("170")
    page.click("#logout-button")

    log_in(page, server, cast.manager)
    page.goto(f"{server}/weapons/stores/{cast.store_id}")
    page.click("#destruction-link")
    page.select_option("#field-method", "cutting")
    page.fill("#field-place", "Range 3, north of the camp")
    page.fill("#field-witness_name-0", "Naw Witness")
    page.fill("#field-witness_role-0", "Observer, partner organisation")
    page.fill("#field-witness_name-1", "Saw Witness")
    page.fill("#field-witness_role-1", "Medic")
    photo = {"name": "photo.png", "mimeType": "image/png", "buffer": png()}
    page.set_input_files("#field-photo_before", files=[photo])
    page.set_input_files("#field-photo_after", files=[photo])
    page.check("#item-0")
    page.click("#record-destruction")
    expect(page.locator("#store-title")).to_be_visible()
    expect(page.locator("#balance-items")).to_have_count(0)  # the rifle is gone
    expect(page.locator("#ledger-table")).to_contain_text("Destroyed")
