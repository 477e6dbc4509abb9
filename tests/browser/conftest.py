"""Browser tests: a real Haven server (subprocess, loopback) and headless Chromium.

Chromium comes from Debian (`/usr/bin/chromium`), never downloaded by the test tool.
axe-core (from npm) runs inside the page to catch mechanical accessibility failures.

One server per pytest-xdist worker, on an encrypted database that holds only the migrations
and the reference data (`haven db upgrade`): no demo data. Each test builds the organisation,
users and records it needs with `tests.browser.world`, through `haven.transaction()`, in the
server's own database, and reaches the server from a client address of its own (`server`).
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from haven.config import PROJECT_ROOT
from tests.browser import world
from tests.browser.loopback import Forwarder
from tests.served import Served, served

CHROMIUM = os.environ.get("HAVEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def haven(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A migrated database with reference data only, served on a free loopback port."""
    folder: Path = tmp_path_factory.mktemp("browser")
    keys: Path = tmp_path_factory.mktemp("browser-keys")
    with served(folder, keys) as server:
        yield server


# The worker's server, as the browser tests' helpers name it.
Haven = Served


_clients = itertools.count()


@pytest.fixture
def server(haven: Haven) -> Iterator[str]:
    """The server's address as this test's browser reaches it: through a forwarder that
    connects from a loopback address of the test's own, so that Haven's per-client login
    throttle counts each test apart (see tests/browser/loopback.py)."""
    number = next(_clients)
    source = f"127.0.{number // 250 % 256}.{number % 250 + 2}"
    with Forwarder((haven.host, haven.port), source=source) as forwarder:
        yield f"http://127.0.0.1:{forwarder.port}"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    # bypass_csp only so that the test can inject axe-core; Haven's pages never need it.
    context = browser.new_context(bypass_csp=True, locale="en-GB")
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page: Page) -> list[dict[str, object]]:
    """Run axe-core's WCAG 2.x A/AA rules on the current page; return the violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}));
        }"""
    )
    return list(result)


def log_in(page: Page, server: str, account: world.Account, password: str | None = None) -> None:
    """The login form, and the second step with the account's authenticator if asked."""
    page.goto(f"{server}/login")
    page.fill("#field-username", account.username)
    page.fill("#field-password", password or account.password)
    page.click("#login-button")
    page.wait_for_load_state()
    if page.url.endswith("/login/verify"):
        page.fill("#field-code", world.code_for(account))
        page.click("#verify-button")
        page.wait_for_load_state()
