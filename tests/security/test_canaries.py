"""1,000 canary values registered through the API are found nowhere they must not be: not in
the database file, its WAL or SHM files, temporary files, backups — plain or compressed —
nor in the log output of the whole test suite (checked by `pytest_sessionfinish` in
tests/conftest.py, which fails the run if the canary mark appears in any log record).

This runs against a real SQLCipher file (not the rolled-back test transaction), as deployed.
"""

from __future__ import annotations

import contextlib
import gzip
import logging
import secrets
import tempfile
import zlib
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from haven.accounts import service as accounts
from haven.accounts import tokens
from haven.accounts.schemas import UserCreate
from haven.backup import create_backup
from haven.config import Settings
from haven.db.engine import make_engine
from haven.db.keyring import read_key_file
from haven.db.session import make_session_factory, transaction
from haven.security.permissions import Actor, Role
from haven.web.app import create_app
from tests.cli_databases import Templates
from tests.conftest import CANARY_MARK

PERSONS = 250  # four canaries each: name, father's name, phone, family whereabouts


def _forms(value: str) -> list[bytes]:
    """The ways a value could sit in a file: UTF-8, UTF-16, and inside compressed data."""
    return [value.encode(), value.encode("utf-16-le")]


def _contents(path: Path) -> list[bytes]:
    data = path.read_bytes()
    found = [data]
    for decompress in (gzip.decompress, zlib.decompress, lambda b: zlib.decompress(b, -15)):
        with contextlib.suppress(OSError, zlib.error, EOFError):
            found.append(decompress(data))
    return found


def _leaks(paths: list[Path], canaries: list[str]) -> list[tuple[str, str]]:
    leaks = []
    needles = [(c, form) for c in canaries for form in _forms(c)] + [
        (CANARY_MARK, CANARY_MARK.encode())
    ]
    marks = _forms(CANARY_MARK)
    for path in paths:
        for blob in _contents(path):
            if not any(mark in blob for mark in marks):
                continue  # every canary starts with the mark, in either form: none is here
            for canary, needle in needles:
                if needle in blob:
                    leaks.append((path.name, canary))
    return leaks


def test_a_thousand_canaries_leave_no_trace(
    tmp_path: Path,
    fast_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    cli_templates_sqlite: Templates,
) -> None:
    # A migrated SQLCipher file of this test's own (a copy of this worker's template) and its
    # key file, in a folder of its own.
    database = cli_templates_sqlite.provide("schema", tmp_path / "data")
    assert database.path is not None
    key_file, db_file, url = database.key_file, database.path, database.url
    keyring = read_key_file(key_file)

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    caplog.set_level(logging.DEBUG)

    engine = make_engine(url, keyring=keyring)
    factory = make_session_factory(engine, keyring)
    with transaction(factory) as session:
        org = accounts.create_organisation(
            session, Actor.system(), name="Canary org", kind="partner"
        )
        site = accounts.create_site(
            session, Actor.system(), organisation_id=org.id, name="Canary site"
        )
        registrar = accounts.create_user(
            session,
            Actor.system(),
            UserCreate(
                username="canary.registrar",
                display_name="R",
                role=Role.REGISTRAR,
                site_id=site.id,
                password="x" * 20,
            ),
            organisation_id=org.id,
            settings=fast_settings,
        )
        worker = accounts.create_user(
            session,
            Actor.system(),
            UserCreate(
                username="canary.worker", display_name="W", role=Role.CASE_WORKER, password="x" * 20
            ),
            organisation_id=org.id,
            settings=fast_settings,
        )
        registrar_token, _ = tokens.issue(session, Actor.system(), user=registrar, name="canary")
        worker_token, _ = tokens.issue(session, Actor.system(), user=worker, name="canary")

    settings = fast_settings.model_copy(
        update={"database_url": url, "key_file": key_file, "key_dir": tmp_path / "keydir"}
    )
    app = create_app(settings, engine=engine, keyring=keyring, check_migrations=False)
    canaries: list[str] = []

    def canary() -> str:
        value = f"{CANARY_MARK}{secrets.token_hex(6)}"
        canaries.append(value)
        return value

    reg = {"Authorization": f"Bearer {registrar_token}"}
    work = {"Authorization": f"Bearer {worker_token}"}
    with TestClient(app) as client:
        for _ in range(PERSONS):
            made = client.post(
                "/api/receptions",
                json={"name_latin": canary(), "classification": "defector"},
                headers=reg,
            )
            assert made.status_code == 201, made.text
            pid = made.json()["person_id"]
            patched = client.patch(
                f"/api/people/{pid}", json={"father_name": canary(), "phone": canary()}, headers=reg
            )
            assert patched.status_code == 200, patched.text
            family = client.post(
                f"/api/people/{pid}/family",
                json={"relationship": "mother", "whereabouts": canary()},
                headers=reg,
            )
            assert family.status_code == 201, family.text
        # The values are really there, readable through the API by those allowed to see them.
        last = client.get(f"/api/people/{pid}/family", headers=work).json()
        assert last[0]["whereabouts"] == canaries[-1]
    assert len(canaries) == 1000

    backup_file = tmp_path / "backup" / "haven.backup"
    backup_file.parent.mkdir()
    create_backup(engine, keyring, backup_file)

    files = [p for p in db_file.parent.iterdir() if p.is_file()]
    assert {p.name for p in files} >= {db_file.name}
    files += [p for p in scratch.rglob("*") if p.is_file()]
    files.append(backup_file)
    assert _leaks(files, canaries) == []
    assert not any(CANARY_MARK in record.getMessage() for record in caplog.records)
    engine.dispose()
    # After closing, the WAL has been checkpointed into the file: check the file once more.
    assert _leaks([p for p in db_file.parent.iterdir() if p.is_file()], canaries) == []


def test_the_scan_finds_a_planted_canary(tmp_path: Path) -> None:
    """The detector itself works: plain, UTF-16 and gzip-compressed plants are all found."""
    value = f"{CANARY_MARK}feedface"
    (tmp_path / "plain").write_bytes(b"xx" + value.encode() + b"yy")
    (tmp_path / "utf16").write_bytes(value.encode("utf-16-le"))
    (tmp_path / "gz").write_bytes(gzip.compress(b"abc" + value.encode()))
    found = {name for name, _ in _leaks(sorted(tmp_path.iterdir()), [value])}
    assert found == {"plain", "utf16", "gz"}
