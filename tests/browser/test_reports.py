"""A programme manager opens the arrivals report, narrows its period, sees a small count
marked as withheld from downloads, and downloads the workbook, where it reads "<5"."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from haven.kernel.clock import local_today
from haven.security.permissions import Role
from tests.browser import world
from tests.browser.conftest import Haven, log_in


@dataclass(frozen=True)
class Cast:
    manager: world.Account


@pytest.fixture
def cast(haven: Haven) -> Cast:
    suffix = world.tag()
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"Reports council {suffix}")
        site = world.site(session, organisation=organisation, name=f"Reports point {suffix}")
        for n in range(3):  # three women received today: a small count
            world.receive(session, site=site, name_latin=f"Report Person {n}", sex="female")
        world.receive(session, site=site, name_latin="Report Person old", days_ago=200)
        return Cast(
            manager=world.account(
                session, organisation=organisation, role=Role.MANAGER, suffix=suffix
            )
        )


def test_a_manager_filters_a_report_and_downloads_it(page: Page, server: str, cast: Cast) -> None:
    log_in(page, server, cast.manager)
    page.goto(f"{server}/reports")
    page.click("#report-arrivals")
    expect(page.locator("#report-title")).to_have_text("Arrivals")
    today = local_today()
    page.fill("#filter-start", (today - timedelta(days=400)).isoformat())
    page.click("#filter-apply")
    expect(page).to_have_url(re.compile(f"start={(today - timedelta(days=400)).isoformat()}"))
    total = page.locator("#table-by-week tbody tr").last
    expect(total).to_contain_text("4")
    page.fill("#filter-start", today.isoformat())
    page.click("#filter-apply")
    women = page.locator("#table-by-age-sex tbody tr", has_text="Age not known")
    expect(women).to_contain_text("3*")  # exact here, marked as withheld from downloads
    with page.expect_download() as download:
        page.click("#download-xlsx")
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    cells = [c for row in book["Arrivals by age and sex"].iter_rows(values_only=True) for c in row]
    assert "<5" in cells
    assert 3 not in cells
