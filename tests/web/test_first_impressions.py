"""What a new user meets first (issue 20, finding 10): the login page at `/` without an
error, a port for `make run`, every demo account in the README, and a cancelled live search
that logs no error."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import anyio
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from starlette.types import Message

from haven.demo.accounts import USERS

ROOT = Path(__file__).resolve().parents[2]


def test_an_anonymous_visitor_at_the_root_gets_the_login_page_without_an_error(
    client: TestClient,
) -> None:
    page = client.get("/")
    assert 'id="field-password"' in page.text
    assert 'id="login-message"' not in page.text
    assert 'role="alert"' not in page.text
    deeper = client.get("/people")  # asked for by its own address: say why the login
    assert 'id="login-message"' in deeper.text


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_serves_on_the_port_asked_for() -> None:
    def serve_line(*args: str, **env: str) -> str:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("HAVEN_")}
        dry = subprocess.run(
            ["make", "-n", "-s", "run", *args],
            cwd=ROOT,
            env={**environment, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return next(line for line in dry.stdout.splitlines() if " serve" in line)

    assert serve_line().endswith("serve --host 127.0.0.1 --port 8000")
    assert serve_line("PORT=8080").endswith("--port 8080")
    assert serve_line(HAVEN_PORT="8081").endswith("--port 8081")


def test_the_readme_lists_every_demo_account() -> None:
    readme = (ROOT / "README.md").read_text()
    listed = set(re.findall(r"^\| `([a-z0-9-]+)` \|", readme, flags=re.MULTILINE))
    assert {username for username, *_ in USERS} <= listed


def test_a_cancelled_request_is_no_error(app: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    """The browser abandons a live search while its body is still on the way (htmx cancels
    it at the next keystroke): Starlette raises ClientDisconnect reading the form. That is
    nobody's error: no ERROR line, no traceback, and no 500."""
    sent: list[Message] = []
    body = b"q=Aung+Kyaw&csrf_token=x"

    async def receive() -> Message:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/login",
        "raw_path": b"/login",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
            (b"hx-request", b"true"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    # In a thread of its own: a browser test's Playwright may hold this thread's event loop.
    failures: list[BaseException] = []

    def serve() -> None:
        try:
            anyio.run(app, scope, receive, send)
        except BaseException as error:  # noqa: BLE001 - re-raised in the test's thread
            failures.append(error)

    with caplog.at_level(logging.DEBUG):
        thread = threading.Thread(target=serve)
        thread.start()
        thread.join(timeout=30)
    assert failures == []
    # Haven's own lines and the server's (another test's leftovers, such as an asyncio task
    # collected late in this thread, are not this request's).
    ours = [r for r in caplog.records if r.name.split(".")[0] in {"haven", "uvicorn", "starlette"}]
    assert [r for r in ours if r.levelno >= logging.ERROR] == []
    assert not any(r.exc_info for r in ours)
    assert any("client disconnected" in r.getMessage() for r in ours)
    starts = [m for m in sent if m["type"] == "http.response.start"]
    assert [m["status"] for m in starts] == [499]  # nginx's "client closed request"
