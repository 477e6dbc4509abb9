"""An upload never stalls other users (issue 19, finding 3): a real server is sent a 3,000,000
-cell workbook of a few kilobytes while another client keeps asking for its own account; the
workbook is refused in seconds, read while the server held no database lock, and every
other request is answered in under a second. The same holds while a large file is imported:
the server's job worker checks and writes it a chunk at a time (issue 22)."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from pathlib import Path

import httpx
import pytest

from haven.kernel.sensitivity import bind_actor
from haven.reception import import_jobs, importing
from haven.security.permissions import Actor
from tests import factories as f
from tests.reception.test_import import HEADER, csv_bytes, person_row
from tests.served import served

CELLS = 3_000_000
WORKBOOK = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    b'<sheets><sheet name="People" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
PARTS = {
    "[Content_Types].xml": (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        b'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        b'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
        b'"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
        b'"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        b'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": WORKBOOK,
    "xl/_rels/workbook.xml.rels": (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        b'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        b'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def hostile_workbook(cells: int = CELLS) -> bytes:
    """One row of `cells` numeric cells: a few kilobytes packed, tens of megabytes unpacked."""
    sheet = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
        b'.org/spreadsheetml/2006/main"><sheetData><row r="1">'
        + b'<c t="n"><v>1</v></c>' * cells
        + b"</row></sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in PARTS.items():
            archive.writestr(name, content)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def test_a_hostile_workbook_is_refused_before_it_is_unpacked() -> None:
    content = hostile_workbook()
    assert len(content) < 200_000
    started = time.perf_counter()
    with pytest.raises(importing.FileRejected) as refused:
        importing.read_file(content, filename="people.xlsx")
    assert time.perf_counter() - started < 5
    assert "too many cells" in str(refused.value.message)


def test_an_upload_never_stalls_other_users(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "keys").mkdir()
    with served(tmp_path / "db", tmp_path / "keys") as server:
        with server.transaction() as db:
            bind_actor(db, Actor.system())
            org = f.organisation(db)
            site = f.site(db, organisation=org)
            registrar = f.registrar(db, organisation=org, site=site)
            uploader = f.bearer(f.api_token(db, user=registrar))
            reader = f.bearer(f.api_token(db, user=registrar))
        answer: dict[str, object] = {}

        def upload() -> None:
            started = time.perf_counter()
            with httpx.Client(base_url=server.url, timeout=120) as client:
                response = client.post(
                    "/api/receptions/import",
                    params={"dry_run": "true"},
                    files={"file": ("people.xlsx", hostile_workbook(), "application/zip")},
                    headers=uploader,
                )
            answer.update(status=response.status_code, body=response.json())
            answer["seconds"] = time.perf_counter() - started

        thread = threading.Thread(target=upload)
        latencies: list[float] = []
        with httpx.Client(base_url=server.url, timeout=60) as client:
            assert client.get("/api/me", headers=reader).status_code == 200  # warm
            thread.start()
            while thread.is_alive() or len(latencies) < 5:
                started = time.perf_counter()
                me = client.get("/api/me", headers=reader)
                latencies.append(time.perf_counter() - started)
                assert me.status_code == 200, me.text
                time.sleep(0.05)
        thread.join()
        assert answer["status"] == 422, answer
        assert answer["body"]["error"] == "invalid_file"  # type: ignore[index]
        assert answer["seconds"] < 10, answer  # type: ignore[operator]
        assert max(latencies) < 1.0, latencies


LARGE = import_jobs.JOB_ROWS + 40  # a job, not a request


def test_a_large_import_runs_as_a_job_while_others_are_served(tmp_path: Path) -> None:
    (tmp_path / "db").mkdir()
    (tmp_path / "keys").mkdir()
    people = [person_row(n) for n in range(1, LARGE + 1)]
    content = csv_bytes([HEADER, *people])
    assert LARGE > import_jobs.JOB_ROWS
    with served(tmp_path / "db", tmp_path / "keys") as server:
        with server.transaction() as db:
            bind_actor(db, Actor.system())
            org = f.organisation(db)
            site = f.site(db, organisation=org, name="Demoso reception point")
            registrar = f.registrar(db, organisation=org, site=site)
            uploader = f.bearer(f.api_token(db, user=registrar))
            reader = f.bearer(f.api_token(db, user=registrar))
        latencies: list[float] = []
        states: set[str] = set()
        with httpx.Client(base_url=server.url, timeout=60) as client:
            assert client.get("/api/me", headers=reader).status_code == 200  # warm
            sent = client.post(
                "/api/receptions/import",
                params={"dry_run": "false"},
                files={"file": ("people.csv", content, "text/csv")},
                headers=uploader,
            )
            assert sent.status_code == 202, sent.text
            status_url = sent.json()["status_url"]
            deadline = time.monotonic() + 900
            job: dict[str, object] = {"state": "queued"}
            while job["state"] in ("queued", "running") and time.monotonic() < deadline:
                started = time.perf_counter()
                me = client.get("/api/me", headers=reader)
                latencies.append(time.perf_counter() - started)
                assert me.status_code == 200, me.text
                job = client.get(status_url, headers=uploader).json()
                states.add(str(job["state"]))
                time.sleep(0.05)
        assert job["state"] == "done", job
        assert "running" in states  # the requests above were answered while it ran
        result = job["result"]
        assert isinstance(result, dict)
        assert len(set(result["person_ids"])) == LARGE
        assert max(latencies) < 1.0, sorted(latencies)[-5:]
