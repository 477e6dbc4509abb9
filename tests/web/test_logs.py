"""Structured logs without values (issue 19, finding 8), from a real `haven serve` process:
one line a request (method, route template, status, duration, request id); validation
errors and internal errors whose messages carry what the client sent leave none of it in the
log, only the exception's type and the request id."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from haven.accounts import service as accounts
from haven.accounts import tokens
from haven.accounts.schemas import UserCreate
from haven.config import get_settings
from haven.db.session import make_session_factory, transaction
from haven.security.permissions import Actor, Role
from haven.web.logs import JsonFormatter
from tests.cli_databases import CliDatabase, Templates, use
from tests.conftest import CANARY_MARK
from tests.postgres import free_port

ROOT = Path(__file__).resolve().parents[2]


def _token(database: CliDatabase) -> str:
    engine = database.engine()
    try:
        with transaction(make_session_factory(engine, database.keyring())) as session:
            assert isinstance(session, Session)
            system = Actor.system()
            org = accounts.create_organisation(session, system, name="Log org", kind="partner")
            site = accounts.create_site(session, system, organisation_id=org.id, name="Log site")
            user = accounts.create_user(
                session,
                system,
                UserCreate(
                    username="logs.registrar",
                    display_name="R",
                    role=Role.REGISTRAR,
                    site_id=site.id,
                    password="x" * 20,
                ),
                organisation_id=org.id,
            )
            plaintext, _ = tokens.issue(session, system, user=user, name="logs")
            return plaintext
    finally:
        engine.dispose()


@pytest.fixture
def server(
    cli_templates_sqlite: Templates, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, str, Path]]:
    """`haven serve` (with two faulty routes) on a migrated SQLCipher database, as deployed
    (logging does not depend on the engine); its log."""
    database = cli_templates_sqlite.provide("migrated", tmp_path)
    use(database, monkeypatch)
    try:
        token = _token(database)
        log = tmp_path / "server.log"
        port = free_port()
        env = {**os.environ, "HAVEN_ARGON2_MEMORY_KIB": "1024", "HAVEN_ARGON2_TIME_COST": "1"}
        with log.open("w") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "tests.web.fault_server", str(port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and process.poll() is None:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                time.sleep(0.2)
            else:
                raise RuntimeError(log.read_text())
            yield base, token, log
        finally:
            process.terminate()
            process.wait(timeout=20)
    finally:
        get_settings.cache_clear()
        cli_templates_sqlite.discard(database)


def _lines(log: Path) -> list[dict[str, Any]]:
    found = []
    for line in log.read_text().splitlines():
        with contextlib.suppress(ValueError):
            entry = json.loads(line)
            if isinstance(entry, dict):
                found.append(entry)
    return found


def test_request_lines_and_no_values_in_the_log(
    server: tuple[str, str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, token, log = server
    # The test's own HTTP client logs every URL it asks for, canaries included: only the
    # server's log is under test here, and the suite's own log must stay free of canaries.
    monkeypatch.setattr(logging.getLogger("httpx"), "disabled", True)
    bearer = {"Authorization": f"Bearer {token}"}
    canaries = [f"{CANARY_MARK}log{i}" for i in range(8)]
    answers = {}
    with httpx.Client(base_url=base, timeout=30) as client:
        answers["health"] = client.get("/healthz")
        # Validation errors, with the canaries in the body, the query string and the path.
        answers["body"] = client.post(
            "/api/receptions",
            json={
                "name_latin": canaries[0],
                "classification": canaries[1],
                "birth_year": canaries[2],
            },
            headers=bearer,
        )
        answers["query"] = client.get(f"/api/people?q={canaries[3]}", headers=bearer)
        answers["path"] = client.get(f"/api/people/{canaries[4]}", headers=bearer)
        answers["page"] = client.get(f"/nowhere/{canaries[5]}")
        # Internal errors whose messages carry what was sent. The server closes a connection
        # after an unhandled error, so each is sent on a connection of its own.
        close = {**bearer, "Connection": "close"}
        answers["fault"] = client.post("/api/test-fault", json={"name": canaries[6]}, headers=close)
        answers["invalid"] = client.post(
            "/api/test-invalid", json={"name": canaries[7]}, headers=close
        )
    assert answers["health"].status_code == 200
    assert answers["body"].status_code == 422
    assert answers["path"].status_code == 422
    assert answers["fault"].status_code == 500
    assert answers["invalid"].status_code == 500
    time.sleep(0.5)  # the server writes its lines as it answers; let the last ones land

    text = log.read_text()
    assert CANARY_MARK not in text, [line for line in text.splitlines() if CANARY_MARK in line]
    assert "Traceback" not in text
    assert "INSERT INTO" not in text
    assert "input_value" not in text

    lines = _lines(log)
    requests = [e for e in lines if e.get("logger") == "haven.access"]
    by_route = {(e["method"], e["route"], e["status"]) for e in requests}
    assert ("GET", "/healthz", 200) in by_route
    assert ("POST", "/api/receptions", 422) in by_route
    assert ("GET", "/api/people/{person_id}", 422) in by_route
    assert ("GET", "-", 404) in by_route  # no route: the typed address is not written
    assert ("POST", "/api/test-fault", 500) in by_route
    for entry in requests:
        assert set(entry) >= {"time", "method", "route", "status", "duration_ms", "request_id"}
    # The request id joins the 500's request line, the error line and the response header.
    fault_id = answers["fault"].headers["X-Request-ID"]
    assert answers["health"].headers["X-Request-ID"] != fault_id
    mentioning = [e for e in lines if e.get("request_id") == fault_id]
    assert {e.get("error") for e in mentioning} == {"RuntimeError"}
    assert any(e["logger"] == "haven.web" for e in mentioning)
    invalid_id = answers["invalid"].headers["X-Request-ID"]
    assert {e.get("error") for e in lines if e.get("request_id") == invalid_id} == {
        "ValidationError"
    }


def test_the_formatter_keeps_the_type_of_an_exception_and_nothing_else() -> None:
    """Any logger, any way of passing an exception: only its type reaches the line."""
    secret = f"{CANARY_MARK}formatter"
    exc = ValueError(f"bad value {secret}")
    record = logging.LogRecord(
        "somewhere", logging.ERROR, __file__, 1, "failed: %s", (exc,), (ValueError, exc, None)
    )
    line = JsonFormatter().format(record)
    assert secret not in line
    entry = json.loads(line)
    assert entry["message"] == "failed: ValueError"
    assert entry["error"] == "ValueError"
