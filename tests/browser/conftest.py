"""Browser tests: a real Haven server (subprocess, loopback) and headless Chromium.

Chromium comes from Debian (`/usr/bin/chromium`), never downloaded by the test tool.
axe-core (from npm) runs inside the page to catch mechanical accessibility failures.

One server per pytest-xdist worker, on an encrypted database that holds only the migrations
and the reference data (`haven db upgrade`): no demo data. Each test builds the organisation,
users and records it needs with `tests.browser.world`, through `haven.transaction()`, in the
server's own database, and reaches the server from a client address of its own (`server`).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from haven.config import PROJECT_ROOT
from haven.db.engine import make_engine
from haven.db.keyring import Keyring, new_key_file, read_key_file
from haven.db.session import make_session_factory, transaction
from tests.browser import world
from tests.browser.loopback import Forwarder
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


def _serve(env: dict[str, str], log_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    """`haven serve` on a free loopback port, once it answers; another port if it exits
    first (another process may take the port between `free_port()` and the bind)."""
    command = [sys.executable, "-m", "haven", "serve", "--host", "127.0.0.1", "--port"]
    for _attempt in range(3):
        port = free_port()
        with log_path.open("a") as log:
            process = subprocess.Popen(
                [*command, str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
            )
        # A loaded 2-core machine (other suites running) can take long to start the server.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and process.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                answered = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                if answered.status_code == 200 and process.poll() is None:
                    return process, port  # ours answered, not another process on the port
            time.sleep(0.2)
        if process.poll() is None:  # never answered: no use trying another port
            process.terminate()
            process.wait(timeout=10)
            break
    raise RuntimeError(log_path.read_text())


@dataclass(frozen=True)
class Haven:
    """The worker's server: its address, and its database opened from the test process."""

    host: str
    port: int
    engine: Engine
    keyring: Keyring
    log: Path

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work on the server's database, committed when the block ends."""
        with transaction(make_session_factory(self.engine, self.keyring)) as session:
            yield session


@pytest.fixture(scope="session")
def haven(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Haven]:
    """A migrated database with reference data only, served on a free loopback port."""
    folder: Path = tmp_path_factory.mktemp("browser")
    # The encrypted database as deployed, its key file in a folder of its own (never beside it).
    key_file = tmp_path_factory.mktemp("browser-keys") / "haven.key"
    new_key_file(key_file)
    database_url = f"sqlite+pysqlcipher:///{folder / 'haven.db'}"
    env = {
        **os.environ,
        "HAVEN_DATABASE_URL": database_url,
        "HAVEN_KEY_FILE": str(key_file),
        "HAVEN_KEY_DIR": str(key_file.parent),
        "HAVEN_ARGON2_MEMORY_KIB": "1024",
        "HAVEN_ARGON2_TIME_COST": "1",
    }
    _run(["db", "upgrade"], env)
    log_path = folder / "server.log"
    process, port = _serve(env, log_path)
    keyring = read_key_file(key_file)
    engine = make_engine(database_url, keyring=keyring)
    try:
        yield Haven(host="127.0.0.1", port=port, engine=engine, keyring=keyring, log=log_path)
    finally:
        engine.dispose()
        process.terminate()
        process.wait(timeout=10)


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
