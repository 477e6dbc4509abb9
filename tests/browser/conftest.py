"""Browser tests: a real Haven server (subprocess, loopback) and headless Chromium.

Chromium comes from Debian (`/usr/bin/chromium`), never downloaded by the test tool.
axe-core (from npm) runs inside the page to catch mechanical accessibility failures.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from haven.config import PROJECT_ROOT
from haven.security.keyring import new_key_file
from tests.postgres import free_port

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


def _run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "haven", *args], env=env, check=True, capture_output=True)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database with demo data, served on a free loopback port."""
    folder: Path = tmp_path_factory.mktemp("browser")
    # The encrypted database as deployed, its key file in a folder of its own (never beside it).
    key_file = tmp_path_factory.mktemp("browser-keys") / "haven.key"
    new_key_file(key_file)
    env = {
        **os.environ,
        "HAVEN_DATABASE_URL": f"sqlite+pysqlcipher:///{folder / 'haven.db'}",
        "HAVEN_KEY_FILE": str(key_file),
        "HAVEN_KEY_DIR": str(key_file.parent),
        "HAVEN_ARGON2_MEMORY_KIB": "1024",
        "HAVEN_ARGON2_TIME_COST": "1",
    }
    _run(["db", "upgrade"], env)
    _run(["demo", "--people", "80"], env)
    port = free_port()
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "haven", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # a loaded 2-core machine can take long to start the server
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        process.terminate()
        raise RuntimeError((folder / "server.log").read_text())
    yield url
    process.terminate()
    process.wait(timeout=10)


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


_USED_STEPS: dict[str, int] = {}


def demo_totp_code(username: str) -> str:
    """A current code for a demo user that this run has not used yet (no code works twice)."""
    from haven.demo.accounts import DEMO_TOTP_SECRET

    while True:
        now = int(time.time()) // 30
        for step in (now - 1, now, now + 1):
            if step > _USED_STEPS.get(username, -1):
                _USED_STEPS[username] = step
                return str(pyotp.TOTP(DEMO_TOTP_SECRET).generate_otp(step))
        time.sleep(1)


def log_in(page: Page, server: str, username: str, password: str = "haven-demo-passphrase") -> None:
    page.goto(f"{server}/login")
    page.fill("#field-username", username)
    page.fill("#field-password", password)
    page.click("#login-button")
    page.wait_for_load_state()
    if page.url.endswith("/login/verify"):
        page.fill("#field-code", demo_totp_code(username))
        page.click("#verify-button")
