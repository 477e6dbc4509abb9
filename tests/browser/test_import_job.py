"""A registrar imports a 230-row file: Haven takes them to a progress bar that moves on its
own (htmx), then shows how many people were imported, in the page's language."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from haven.reception import import_jobs
from haven.security.permissions import Role
from tests.browser import world
from tests.browser.conftest import Haven, axe_violations, log_in
from tests.reception.test_import import HEADER, csv_bytes, person_row

ROWS = import_jobs.JOB_ROWS + 30


def test_a_large_import_shows_its_progress_then_its_result(
    page: Page, server: str, haven: Haven, tmp_path: Path
) -> None:
    suffix = world.tag()
    with haven.transaction() as session:
        organisation = world.organisation(session, name=f"Import council {suffix}")
        site = world.site(session, organisation=organisation, name=f"Import point {suffix}")
        registrar = world.account(
            session, organisation=organisation, role=Role.REGISTRAR, suffix=suffix, site=site
        )
    people = [person_row(n, name_latin=f"Import {suffix} {n}") for n in range(1, ROWS + 1)]
    file = tmp_path / "people.csv"
    file.write_bytes(csv_bytes([HEADER, *people]))

    log_in(page, server, registrar)
    page.goto(f"{server}/reception/import")
    page.set_input_files("#field-file", str(file))
    page.check("#mode-import")
    page.click("#import-button")

    expect(page).to_have_url(re.compile(r"/jobs/[0-9a-f-]{36}$"))
    expect(page.locator("#job-bar")).to_be_visible()
    expect(page.locator("#import-summary")).to_contain_text("Import complete", timeout=180_000)
    expect(page.locator("#import-summary")).to_contain_text(f"{ROWS} people imported.")
    expect(page.locator("#job-state")).to_contain_text("Finished")
    assert axe_violations(page) == []

    page.click("text=My jobs")
    expect(page.locator("#jobs")).to_contain_text("Import people from a file")
