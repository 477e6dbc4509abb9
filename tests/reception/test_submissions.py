"""Import of KoBoToolbox and ODK Central exports of the reception XLSForm's submissions."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Sequence
from datetime import timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.forces.public import ensure_reference_data
from haven.jobs.runner import merged
from haven.kernel.clock import local_today
from haven.kernel.sensitivity import bind_actor
from haven.people.models import Person
from haven.reception import import_jobs, importing, submissions, xlsform
from haven.reception.importing import FileRejected
from haven.reception.models import WeaponItem
from haven.security.permissions import Actor
from tests import factories as f

DAY = (local_today() - timedelta(days=2)).isoformat()


def form_paths() -> dict[str, str]:
    """Each field of the published form with its groups' path (`person/name_latin`)."""
    paths: dict[str, str] = {}
    groups: list[str] = []
    for question in xlsform.survey():
        if question.kind == "begin_group":
            groups.append(question.name)
        elif question.kind == "end_group":
            groups.pop()
        else:
            paths[question.name] = "/".join([*groups, question.name])
    return paths


def submission(instance: uuid.UUID, number: int, **changes: str) -> dict[str, str]:
    """One valid submission, by field name, as a phone sends it (XML values)."""
    values = {
        "name_latin": f"Kyaw Zin {number}",
        "classification": "defector",
        "received_on": DAY,
        "birth_year": "1991",
        "sex": "male",
        "origin_unit": "LIB 531",
        "rank": "lieutenant_colonel",
        "service_months": "30",
        "terms_signed": "yes",
        "weapon_kind": "rifle",
        "weapon_serial_number": f"BA63-{number:04d}",
        "instance": f"uuid:{instance}",
    }
    return values | changes


def csv_bytes(rows: Sequence[Sequence[str]], delimiter: str = ",") -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode()


def kobo_export(rows: Sequence[dict[str, str]]) -> bytes:
    """KoBoToolbox's CSV export (XML values and headers, group paths with `/`, `;`)."""
    paths = form_paths()
    fields = list(paths)
    header = [paths[n] for n in fields]
    header += ["meta/instanceID", "_id", "_uuid", "_submission_time", "_validation_status"]
    header += ["_notes", "_status", "_submitted_by", "__version__", "_tags", "_index"]
    lines = [header]
    for index, row in enumerate(rows, start=1):
        bare = row["instance"].removeprefix("uuid:")
        lines.append(
            [row.get(n, "") for n in fields]
            + [row["instance"], str(900 + index), bare, f"{DAY}T09:00:00", ""]
            + ["", "submitted_via_web", "", "vQ2x", "", str(index)]
        )
    return csv_bytes(lines, delimiter=";")


def odk_export(rows: Sequence[dict[str, str]]) -> bytes:
    """ODK Central's CSV export (group paths with `-`, its own columns around the fields)."""
    paths = form_paths()
    fields = list(paths)
    header = ["SubmissionDate", *(paths[n].replace("/", "-") for n in fields)]
    header += ["meta-instanceID", "KEY", "SubmitterID", "SubmitterName", "AttachmentsPresent"]
    header += ["AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion"]
    lines = [header]
    for row in rows:
        lines.append(
            [
                f"{DAY}T09:00:00.000Z",
                *(row.get(n, "") for n in fields),
                *(row["instance"], row["instance"], "5", "collector", "0", "0", "", "", ""),
                *("0", "2230edf66003"),
            ]
        )
    return csv_bytes(lines)


def persons(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Person)) or 0


@pytest.fixture
def registrar(db: Session, fast_settings: Settings) -> Actor:
    ensure_reference_data(db)
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    actor = actor_for(f.registrar(db, organisation=org, site=site, settings=fast_settings))
    bind_actor(db, actor)
    return actor


def test_a_kobo_export_is_checked_then_imported_once_and_odk_skips_what_is_imported(
    db: Session, registrar: Actor
) -> None:
    ids = [uuid.uuid4() for _ in range(4)]
    # The third submission is of a child with a rank: military questions are never asked.
    rows = [
        submission(ids[0], 1),
        submission(ids[1], 2, sex="female", weapon_kind="", weapon_serial_number=""),
        submission(ids[2], 3, classification="child", birth_year="2012"),
    ]
    table = submissions.read(kobo_export(rows), filename="kobo.csv")
    assert [r.number for r in table.rows] == [2, 3, 4]
    assert table.headings["rank"] == "service/rank"
    assert not any(key.startswith("_") for row in table.rows for key in row.values)

    report = importing.dry_run(db, registrar, table.rows)
    assert {(e.row, e.field) for e in report.errors} == {
        (4, "origin_unit"),
        (4, "rank"),
        (4, "service_months"),
    }
    assert persons(db) == 0

    # Corrected on the server and exported again: everyone is registered.
    rows[2] = submission(ids[2], 3, classification="child", birth_year="2012", origin_unit="")
    rows[2] |= {"rank": "", "service_months": ""}
    table = submissions.read(kobo_export(rows), filename="kobo.csv")
    assert importing.dry_run(db, registrar, table.rows).errors == []
    report = importing.import_rows(db, registrar, table.rows)
    assert (report.errors, report.imported, report.skipped) == ([], 3, [])
    assert persons(db) == 3
    assert db.scalar(select(WeaponItem.serial_number)) == "BA63-0001"
    marks = db.scalars(
        select(AuditEvent.subject_id).where(AuditEvent.action == "submission.imported")
    )
    assert set(marks) == set(ids[:3])

    # The same export again: nothing is received twice.
    again = importing.import_rows(db, registrar, table.rows)
    assert (again.errors, again.imported, again.skipped) == ([], 0, [2, 3, 4])
    assert persons(db) == 3

    # ODK Central's export: the first submission is known, the new one is received, and a
    # submission repeated in the file is received once.
    odk_rows = [submission(ids[0], 1), submission(ids[3], 4), submission(ids[3], 4)]
    table = submissions.read(odk_export(odk_rows), filename="central.csv")
    assert table.headings["weapon_kind"] == "weapon-weapon_kind"
    report = importing.import_rows(db, registrar, table.rows)
    assert (report.errors, report.imported, report.skipped) == ([], 1, [2, 4])
    assert persons(db) == 4


def test_a_large_export_imported_as_a_job_lists_what_it_left_out(
    db: Session, registrar: Actor
) -> None:
    """A file of many rows is imported by a background job, step by step: the submissions
    imported before are left out there too, and its result lists them (once)."""
    ids = [uuid.uuid4() for _ in range(3)]
    rows = [submission(ids[n], n + 1) for n in range(3)]
    first = submissions.read(kobo_export(rows[1:2]), filename="kobo.csv")
    assert importing.import_rows(db, registrar, first.rows).imported == 1
    table = submissions.read(kobo_export(rows), filename="kobo.csv")
    payload = import_jobs.payload_for(table, write=True)
    result: dict[str, object] = {}
    cursor: dict[str, object] = {"chunk": 1}  # a step per row: the list spans steps
    for _ in range(10):
        step = import_jobs.IMPORT.step(db, registrar, payload, cursor)
        result, cursor = merged(result, step.result or {}), step.cursor
        if step.finished:
            break
    report = import_jobs.report_of(result)
    assert (report.errors, report.imported, report.skipped) == ([], 2, [3])
    assert persons(db) == 3


def test_exports_are_told_apart_from_the_import_file_and_unknown_columns_refused() -> None:
    plain = csv_bytes([["name_latin", "classification", "received_on"], ["A", "defector", DAY]])
    table = submissions.read(plain, filename="people.csv")
    assert table.rows[0].values == {
        "name_latin": "A",
        "classification": "defector",
        "received_on": DAY,
    }
    assert not submissions.looks_like_submissions(["name_latin", "classification"])
    # An export with labels for headings cannot be read back: the columns are named.
    labelled = csv_bytes(
        [
            ["person/Name in Latin letters", "person/classification", "person/received_on"],
            ["A", "defector", DAY],
        ]
    )
    with pytest.raises(FileRejected) as refused:
        submissions.read(labelled, filename="kobo.csv")
    assert "column A" in str(refused.value.fields["file"])
    assert importing.instance_uuid("uuid:6f1b3c1e-6b0e-4f43-9a43-2b1e1c1d1e1f") == uuid.UUID(
        "6f1b3c1e-6b0e-4f43-9a43-2b1e1c1d1e1f"
    )
    assert importing.instance_uuid("odk-7") == importing.instance_uuid("odk-7")


def test_a_kobo_xlsx_export_reads_as_its_csv_does() -> None:
    rows = [submission(uuid.uuid4(), 1), submission(uuid.uuid4(), 2)]
    records = list(csv.reader(io.StringIO(kobo_export(rows).decode()), delimiter=";"))
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for record in records:
        sheet.append([int(v) if v.isdigit() else v for v in record])
    out = io.BytesIO()
    workbook.save(out)
    from_xlsx = submissions.read(out.getvalue(), filename="kobo.xlsx").rows
    from_csv = submissions.read(kobo_export(rows), filename="kobo.csv").rows
    assert [importing.cell_text(r.values["birth_year"]) for r in from_xlsx] == ["1991", "1991"]
    assert [r.values[importing.INSTANCE] for r in from_xlsx] == [
        r.values[importing.INSTANCE] for r in from_csv
    ]
