"""Importing a list of people from CSV or XLSX: dry run, all-or-nothing, the API and the page."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site
from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.errors import PermissionDenied
from haven.forces import repository as forces_repo
from haven.forces import service as forces
from haven.forces.models import Unit
from haven.kernel.sensitivity import bind_actor
from haven.people.models import Person
from haven.reception import import_api, import_views, importing
from haven.reception.models import ReceptionEvent, WeaponItem
from haven.security.permissions import Actor, Role
from haven.text import parse_nrc
from tests import factories as f

ZAWGYI_NAME = "ေမာင္ေအာင္ေက်ာ္"  # "Maung Aung Kyaw" typed with a Zawgyi keyboard
TODAY = datetime.now(UTC).date()
DAY = (TODAY - timedelta(days=3)).isoformat()
HEADER = [
    "name_my",
    "name_latin",
    "classification",
    "received_on",
    "birth_year",
    "sex",
    "origin_unit",
    "rank",
    "position",
    "service_months",
    "terms_signed",
    "father_name",
    "nrc",
    "service_number",
    "weapon_kind",
    "weapon_serial_number",
    "weapon_tag",
]


@dataclass
class Setting:
    org: Organisation
    site: Site
    registrar: Actor


@pytest.fixture
def setting(db: Session, fast_settings: Settings) -> Setting:
    org = f.organisation(db)
    site = f.site(db, organisation=org, name="Demoso reception point")
    registrar = actor_for(f.registrar(db, organisation=org, site=site, settings=fast_settings))
    bind_actor(db, registrar)
    return Setting(org, site, registrar)


def csv_bytes(
    rows: Sequence[Sequence[object]], *, bom: bool = False, delimiter: str = ","
) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    workbook.create_sheet("Notes").append(["anything here is ignored"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def person_row(number: int, **changes: object) -> list[object]:
    """One valid adult defector; `changes` overrides columns by name."""
    values: dict[str, object] = {
        "name_my": "",
        "name_latin": f"Aung Kyaw {number}",
        "classification": "defector",
        "received_on": DAY,
        "birth_year": "1990",
        "sex": "male",
        "origin_unit": "LIB 531",
        "rank": "Private",
        "position": "Rifleman",
        "service_months": "24",
        "terms_signed": "yes",
        "father_name": "",
        "nrc": "",
        "service_number": "",
        "weapon_kind": "",
        "weapon_serial_number": "",
        "weapon_tag": "",
    }
    values.update(changes)
    return [values[name] for name in HEADER]


def read(content: bytes, filename: str = "people.csv") -> list[importing.ImportRow]:
    return importing.read_file(content, filename=filename).rows


def count(db: Session, model: Any) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def audit_actions(db: Session) -> list[str]:
    return list(db.scalars(select(AuditEvent.action)))


# --- files ---------------------------------------------------------------------------------


def test_a_csv_import_writes_every_row_with_profile_and_weapon(
    db: Session, setting: Setting
) -> None:
    rows = read(
        csv_bytes(
            [
                HEADER,
                person_row(1, rank="Captain", position="Company commander", service_months="96"),
                person_row(
                    2,
                    father_name="U Ba Tin",
                    nrc="12/OuKaMa(N)123456",
                    service_number="BC-12345",
                    weapon_kind="rifle",
                    weapon_serial_number="MA1-0042",
                    weapon_tag="T-7",
                ),
            ],
            bom=True,
        )
    )
    report = importing.import_rows(db, setting.registrar, rows)
    assert report.errors == []
    assert (report.rows, report.imported, report.dry_run) == (2, 2, False)

    first, second = (db.get(Person, pid) for pid in report.person_ids)
    assert first is not None
    assert second is not None
    assert (first.name_latin, second.name_latin) == ("Aung Kyaw 1", "Aung Kyaw 2")
    assert first.site_id == setting.site.id  # the registrar's own site by default
    event = db.scalars(select(ReceptionEvent).where(ReceptionEvent.person_id == first.id)).one()
    army = forces.ensure_reference_data(db)
    captain = next(r for r in forces_repo.ranks_of(db, army.id) if r.name_en == "Captain")
    assert (event.rank_id, event.service_months, event.position) == (
        captain.id,
        96,
        "Company commander",
    )
    assert event.received_on == date.fromisoformat(DAY)
    assert event.terms_signed is True
    unit = forces_repo.unit_by_code(db, army.id, "LIB", "531")
    assert unit is not None
    assert event.origin_unit_id == unit.id
    assert (second.father_name, second.nrc, second.service_number) == (
        "U Ba Tin",
        "12/OUKAMA(N)123456",
        "BC-12345",
    )
    (weapon,) = db.scalars(select(WeaponItem)).all()
    assert (weapon.kind, weapon.serial_number, weapon.tag) == ("rifle", "MA1-0042", "T-7")
    imported = db.scalars(select(AuditEvent).where(AuditEvent.action == "people.imported")).all()
    assert len(imported) == 1
    assert imported[0].changes == {"people": {"before": None, "after": 2}}
    assert audit_actions(db).count("person.received") == 2


def test_an_xlsx_import_reads_typed_cells_and_varied_headings(
    db: Session, setting: Setting
) -> None:
    received = datetime(2026, 1, 15)  # noqa: DTZ001 - Excel cells hold naive date-times
    excel_serial = 46000  # a date cell whose date format was lost: 2025-12-09
    content = xlsx_bytes(
        [
            [
                "Name (Latin)",
                "CLASSIFICATION",
                "Date received",
                "Year of birth",
                "Rank",
                "Service months",
                "Terms signed",
                "Service Number",
                "Sex",
            ],
            ["Ko Min Htet", "surrendered", received, 1988, "Sgt", 120.0, True, 123456, "M"],
            [None, None, None, None, None, None, None, None, None],  # a blank row is skipped
            ["Ma Aye Aye", "disengaged", excel_serial, 1994, None, None, False, None, "f"],
        ]
    )
    rows = read(content, "people.xlsx")
    assert [r.number for r in rows] == [2, 4]
    report = importing.import_rows(db, setting.registrar, rows)
    assert report.errors == []
    first, second = (db.get(Person, pid) for pid in report.person_ids)
    assert first is not None
    assert second is not None
    assert (first.prefix, first.name_latin, first.birth_year, first.sex) == (
        "Ko",
        "Min Htet",
        1988,
        "male",
    )
    assert first.service_number == "123456"
    assert (second.prefix, second.name_latin, second.sex) == ("Ma", "Aye Aye", "female")
    events = {e.person_id: e for e in db.scalars(select(ReceptionEvent)).all()}
    assert events[first.id].received_on == date(2026, 1, 15)
    assert events[first.id].service_months == 120
    assert events[first.id].terms_signed is True
    assert events[second.id].received_on == date(1899, 12, 30) + timedelta(days=excel_serial)
    assert events[second.id].classification == "disengaged"
    assert events[second.id].terms_signed is False


def test_a_number_that_cannot_be_a_date_is_refused_in_a_workbook(
    db: Session, setting: Setting
) -> None:
    content = xlsx_bytes(
        [HEADER, person_row(1, received_on=2026), person_row(2, received_on=46000)]
    )
    report = importing.dry_run(db, setting.registrar, read(content, "people.xlsx"))
    assert [(e.row, e.field) for e in report.errors] == [(2, "received_on")]


def test_semicolon_csv_and_burmese_headings_are_read(db: Session, setting: Setting) -> None:
    content = csv_bytes(
        [
            ["အမည်", "classification", "received_on", "အဘအမည်", "ကျား/မ"],
            ["ကိုဇော်မင်း", "defector", DAY, "ဦးဘ", "ကျား"],
        ],
        delimiter=";",
    )
    (row,) = read(content)
    assert row.values["name_my"] == "ကိုဇော်မင်း"
    assert row.values["father_name"] == "ဦးဘ"
    report = importing.import_rows(db, setting.registrar, [row])
    assert report.errors == []
    person = db.get(Person, report.person_ids[0])
    assert person is not None
    assert (person.prefix, person.name_my, person.father_name, person.sex) == (
        "ကို",
        "ဇော်မင်း",
        "ဦးဘ",
        "male",
    )


def test_burmese_script_rows_zawgyi_names_and_burmese_digits(db: Session, setting: Setting) -> None:
    nrc = "၁၂/ဥကမ(နိုင်)၁၂၃၄၅၆"
    rows = read(
        csv_bytes(
            [
                [*HEADER, "text_encoding"],
                [
                    *person_row(
                        1,
                        name_my="မောင်အောင်ကျော်",
                        name_latin="",
                        rank="ဗိုလ်ကြီး",
                        origin_unit="ခမရ ၅၃၁",
                        birth_year="၁၉၉၀",
                        nrc=nrc,
                    ),
                    "",
                ],
                [
                    *person_row(2, name_my=ZAWGYI_NAME, name_latin="", classification="လက်နက်ချသူ"),
                    "zawgyi",
                ],
                [*person_row(3, name_my=ZAWGYI_NAME, name_latin="", rank="Private"), ""],
            ]
        )
    )
    report = importing.import_rows(db, setting.registrar, rows)
    assert report.errors == []
    people = [db.get(Person, pid) for pid in report.person_ids]
    assert [(p.prefix, p.name_my) for p in people if p] == [("မောင်", "အောင်ကျော်")] * 3
    first = people[0]
    assert first is not None
    assert first.birth_year == 1990
    assert first.nrc == parse_nrc(nrc).canonical
    assert first.nrc is not None
    assert first.nrc.startswith("12/")
    assert first.nrc.endswith("(N)123456")
    event = db.scalars(select(ReceptionEvent).where(ReceptionEvent.person_id == first.id)).one()
    army = forces.ensure_reference_data(db)
    captain = next(r for r in forces_repo.ranks_of(db, army.id) if r.name_en == "Captain")
    assert event.rank_id == captain.id
    assert event.origin_unit_text == "ခမရ ၅၃၁"
    assert forces_repo.unit_by_code(db, army.id, "LIB", "531") is not None
    second = db.scalars(select(ReceptionEvent).where(ReceptionEvent.person_id == people[1].id))  # type: ignore[union-attr]
    assert second.one().classification == "surrendered"  # a Burmese label is understood


def test_every_heading_names_one_column_only() -> None:
    keys = [importing.heading_key(h) for headings in importing.COLUMNS.values() for h in headings]
    assert len(keys) == len(set(keys))
    assert set(importing.COLUMNS) >= {"name_my", "name_latin", "classification", "received_on"}


# --- dry run and all-or-nothing ------------------------------------------------------------


def test_a_dry_run_reports_every_broken_row_and_field_and_writes_nothing(
    db: Session, setting: Setting
) -> None:
    this_year = TODAY.year
    content = csv_bytes(
        [
            HEADER,
            person_row(1),  # row 2: fine
            person_row(2, classification="tourist", received_on="25/11/2026"),  # row 3
            [],  # row 4: blank, skipped, but the numbering stays the file's
            person_row(4, classification="child", birth_year=str(this_year - 15)),  # row 5
            person_row(5, rank="Field Marshal", nrc="12/OuKaMa(X)12"),  # row 6
            person_row(6, name_latin="", birth_year="nineteen", terms_signed="maybe"),  # row 7
            person_row(7, birth_year=str(this_year - 17)),  # row 8: may be a child
            person_row(8, weapon_serial_number="MA1-1"),  # row 9: a weapon without kind
        ]
    )
    persons_before, units_before = count(db, Person), count(db, Unit)
    report = importing.dry_run(db, setting.registrar, read(content))
    found = {(e.row, e.field) for e in report.errors}
    assert found == {
        (3, "classification"),
        (3, "received_on"),
        (5, "origin_unit"),
        (5, "rank"),
        (5, "position"),
        (5, "service_months"),
        (6, "rank"),
        (6, "nrc"),
        (7, "name_latin"),
        (7, "birth_year"),
        (7, "terms_signed"),
        (8, "classification"),
        (9, "weapon_kind"),
    }
    messages = {(e.row, e.field): str(e.message) for e in report.errors}
    assert messages[(3, "classification")] == (
        "Enter one of: defector, surrendered, captured, disengaged, child."
    )
    assert (
        messages[(3, "received_on")] == "Enter the date as year-month-day, for example 2026-11-25."
    )
    assert (
        messages[(5, "origin_unit")]
        == "Military questions are never asked of children: leave this empty."
    )
    assert "Myanmar army" in messages[(6, "rank")]
    assert messages[(6, "nrc")].startswith("Enter the citizenship type")
    assert messages[(7, "birth_year")] == "Enter a whole number."
    assert messages[(7, "terms_signed")] == "Enter yes or no."
    assert "under 18" in messages[(8, "classification")]
    assert report.rows == 7
    assert report.rows_with_errors == 6
    assert (report.dry_run, report.imported, report.person_ids) == (True, 0, [])
    assert count(db, Person) == persons_before == 0
    assert count(db, Unit) == units_before  # not even the unit of the valid row
    assert "people.imported" not in audit_actions(db)
    assert "person.received" not in audit_actions(db)


def test_a_clean_dry_run_reports_no_error_and_writes_nothing(db: Session, setting: Setting) -> None:
    report = importing.dry_run(
        db, setting.registrar, read(csv_bytes([HEADER, person_row(1), person_row(2)]))
    )
    assert (report.errors, report.rows, report.imported) == ([], 2, 0)
    assert count(db, Person) == 0
    assert count(db, ReceptionEvent) == 0


def ten_rows(broken: int | None = None) -> bytes:
    rows = [HEADER]
    for number in range(1, 11):
        weapon = {"weapon_kind": "rifle", "weapon_serial_number": f"MA1-{number:04d}"}
        if number == broken:
            rows.append(person_row(number, classification="child", birth_year="2012", **weapon))
        else:
            rows.append(person_row(number, origin_unit=f"IB {number}", **weapon))
    return csv_bytes(rows)


def test_an_import_with_a_broken_row_in_the_middle_writes_nothing(
    db: Session, setting: Setting
) -> None:
    report = importing.import_rows(db, setting.registrar, read(ten_rows(broken=5)))
    assert {e.row for e in report.errors} == {6}  # the fifth person is on row 6 of the file
    assert {e.field for e in report.errors} == {"origin_unit", "rank", "position", "service_months"}
    assert (report.imported, report.person_ids) == (0, [])
    assert count(db, Person) == 0
    assert count(db, ReceptionEvent) == 0
    assert count(db, WeaponItem) == 0
    assert count(db, Unit) == 0  # units the rows before it would have created are gone too
    assert not {"person.received", "weapon.received", "people.imported"} & set(audit_actions(db))


def test_a_clean_import_writes_every_row_and_one_summary_event(
    db: Session, setting: Setting
) -> None:
    report = importing.import_rows(db, setting.registrar, read(ten_rows()))
    assert report.errors == []
    assert report.imported == 10
    assert count(db, Person) == 10
    assert count(db, ReceptionEvent) == 10
    assert sorted(db.scalars(select(WeaponItem.serial_number))) == [
        f"MA1-{n:04d}" for n in range(1, 11)
    ]
    names = sorted(db.scalars(select(Person.name_latin)), key=lambda n: int(str(n).split()[-1]))
    assert names == [f"Aung Kyaw {n}" for n in range(1, 11)]
    actions = audit_actions(db)
    assert actions.count("person.received") == 10
    assert actions.count("weapon.received") == 10
    assert actions.count("people.imported") == 1


def test_sites_are_looked_up_by_name_and_a_registrar_stays_at_their_own(
    db: Session, setting: Setting
) -> None:
    other = f.site(db, organisation=setting.org, name="Hpruso reception point")
    foreign = f.site(db, organisation=f.organisation(db), name="Far away point")
    content = csv_bytes(
        [
            [*HEADER, "site"],
            [*person_row(1), "demoso RECEPTION point"],
            [*person_row(2), other.name],
            [*person_row(3), foreign.name],
        ]
    )
    report = importing.dry_run(db, setting.registrar, read(content))
    messages = {(e.row, e.field): str(e.message) for e in report.errors}
    assert messages == {
        (3, "site"): "You can receive people only at your own site.",
        (4, "site"): "No site of your organisation has this name. Check the spelling.",
    }
    admin = Actor.system()
    report = importing.import_rows(
        db, admin, read(csv_bytes([[*HEADER, "site"], [*person_row(1), other.name]]))
    )
    assert report.errors == []
    person = db.get(Person, report.person_ids[0])
    assert person is not None
    assert person.site_id == other.id


def test_only_roles_that_receive_people_may_import(
    db: Session, setting: Setting, fast_settings: Settings
) -> None:
    worker = actor_for(
        f.user(db, organisation=setting.org, role=Role.CASE_WORKER, settings=fast_settings)
    )
    with pytest.raises(PermissionDenied):
        importing.dry_run(db, worker, read(csv_bytes([HEADER, person_row(1)])))


HEAD = b"name_latin,classification,received_on\n"
LATIN_1 = "name_latin,classification,received_on\nÄung,defector,2026-01-01\n".encode("latin-1")
FILE_PROBLEMS = [
    (b"", "a.csv", "The file is empty."),
    (LATIN_1, "a.csv", "The file is not in UTF-8."),
    (b"\x00\x01\x02garbage\xff\xfe" * 10, "a.bin", "The file is not in UTF-8."),
    (HEAD + b"\x00,defector,2026-01-01\n", "a.csv", "This is not a CSV or Excel (.xlsx) file."),
    (b"PK\x03\x04 not a zip", "a.xlsx", "could not be read as an Excel workbook (.xlsx)."),
    (b"\xd0\xcf\x11\xe0 old excel", "a.xls", "Old Excel files (.xls) cannot be read."),
    (b"name_latin,classification,received_on,fathers nme\n", "a.csv", "heading of column D."),
    (b"name_latin,received_on\nAung,2026-01-01\n", "a.csv", "needs a column “classification”."),
    (b"name_latin,classification\nAung,defector\n", "a.csv", "needs a column “received_on”"),
    (b"classification,received_on\ndefector,2026-01-01\n", "a.csv", "“name_my” or “name_latin”"),
    (b"name,name_latin,classification,received_on\n", "a.csv", "Columns A and B are for the same"),
    (HEAD, "a.csv", "The file has headings but no rows of people."),
    (b"\n" + HEAD + b"Aung,defector,2026-01-01\n", "a.csv", "The first row must hold the"),
    (HEAD + b"Aung,defector,2026-01-01,extra\n", "a.csv", "Column D has data but no heading."),
    (HEAD + b'"Aung,defector,2026-01-01\n', "a.csv", "every quotation mark is closed"),
]


@pytest.mark.parametrize(("content", "filename", "message"), FILE_PROBLEMS)
def test_file_problems_are_refused_with_a_clear_message(
    content: bytes, filename: str, message: str
) -> None:
    with pytest.raises(importing.FileRejected) as info:
        importing.read_file(content, filename=filename)
    assert message in str(info.value.message)
    assert info.value.fields["file"] == info.value.message
    assert info.value.status == 422


def test_too_large_and_too_many_rows_are_refused() -> None:
    with pytest.raises(importing.FileTooLarge) as info:
        importing.read_file(b"x" * (importing.MAX_BYTES + 1), filename="a.csv")
    assert info.value.status == 413
    assert str(info.value.message) == "The file is too large: at most 5 MB."
    many = [HEADER] + [person_row(n) for n in range(importing.MAX_ROWS + 1)]
    with pytest.raises(importing.FileRejected) as rows_info:
        importing.read_file(csv_bytes(many), filename="a.csv")
    assert "more than 5,000 rows" in str(rows_info.value.message)
    exactly = importing.read_file(csv_bytes(many[:-1]), filename="a.csv")
    assert len(exactly.rows) == importing.MAX_ROWS


def test_a_workbook_with_a_wrong_declared_size_loses_no_row() -> None:
    content = xlsx_bytes([HEADER, person_row(1), person_row(2), person_row(3)])
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":  # claim one row only
                data, found = re.subn(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:Q1"', data)
                assert found == 1
            target.writestr(item, data)
    rows = read(out.getvalue(), "people.xlsx")
    assert [r.values["name_latin"] for r in rows] == ["Aung Kyaw 1", "Aung Kyaw 2", "Aung Kyaw 3"]


def test_a_workbook_with_data_far_to_the_right_is_refused() -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in (HEADER, person_row(1)):
        sheet.append(row)
    sheet["BZ2"] = "a note far away"
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(importing.FileRejected) as info:
        read(out.getvalue(), "people.xlsx")
    assert str(info.value.message) == "The sheet has data beyond column 60. Remove those columns."


# --- the API and the page, through the real app ----------------------------------------------


@pytest.fixture
def import_client(app: FastAPI) -> Iterator[TestClient]:
    """The app with the import routers (mounted here until haven/web/app.py includes them)."""
    paths = {getattr(route, "path", None) for route in app.routes}
    if "/api/receptions/import" not in paths:
        app.include_router(import_api.router)
        app.include_router(import_views.router)
    with TestClient(app, base_url="http://testserver") as client:
        yield client


def _registrar_token(db: Session, setting: Setting, fast_settings: Settings) -> dict[str, str]:
    user = f.registrar(db, organisation=setting.org, site=setting.site, settings=fast_settings)
    return f.bearer(f.api_token(db, user=user))


def test_the_api_checks_by_default_then_imports(
    import_client: TestClient, db: Session, setting: Setting, fast_settings: Settings
) -> None:
    headers = _registrar_token(db, setting, fast_settings)
    files = {"file": ("people.csv", csv_bytes([HEADER, person_row(1), person_row(2)]), "text/csv")}
    checked = import_client.post("/api/receptions/import", files=files, headers=headers)
    assert checked.status_code == 200, checked.text
    assert checked.json() == {
        "dry_run": True,
        "rows": 2,
        "imported": 0,
        "errors": [],
        "person_ids": [],
        "skipped": [],
    }
    db.expire_all()
    assert count(db, Person) == 0

    done = import_client.post("/api/receptions/import?dry_run=false", files=files, headers=headers)
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["dry_run"], body["rows"], body["imported"], body["errors"]) == (False, 2, 2, [])
    db.expire_all()
    assert count(db, Person) == 2
    assert {str(p) for p in db.scalars(select(Person.id))} == set(body["person_ids"])


def test_the_api_answers_422_with_every_error_in_the_readers_language(
    import_client: TestClient, db: Session, setting: Setting, fast_settings: Settings
) -> None:
    headers = _registrar_token(db, setting, fast_settings)
    content = xlsx_bytes(
        [HEADER, person_row(1), person_row(2, birth_year="abc"), person_row(3, sex="robot")]
    )
    files = {"file": ("people.xlsx", content, "application/octet-stream")}
    response = import_client.post(
        "/api/receptions/import?dry_run=false", files=files, headers=headers
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "import_failed"
    assert body["detail"] == "Some rows need correcting. Nothing was saved."
    assert (body["dry_run"], body["rows"], body["imported"]) == (False, 3, 0)
    assert body["errors"] == [
        {"row": 3, "field": "birth_year", "message": "Enter a whole number."},
        {"row": 4, "field": "sex", "message": "Enter one of: female, male, other, unknown."},
    ]
    db.expire_all()
    assert count(db, Person) == 0

    burmese = import_client.post(
        "/api/receptions/import", files=files, headers=headers | {"Accept-Language": "my"}
    )
    assert burmese.status_code == 422
    assert burmese.json()["errors"][0]["message"] == "ကိန်းပြည့် ထည့်ပါ။"


TOO_LARGE = b"x" * (importing.MAX_BYTES + 1)
API_FILE_PROBLEMS = [
    (TOO_LARGE, 413, "file_too_large", "The file is too large: at most 5 MB."),
    (bytes(range(256)) * 40, 422, "invalid_file", "The file is not in UTF-8."),
    (b"PK\x03\x04" + bytes(range(256)) * 4, 422, "invalid_file", "as an Excel workbook"),
]


@pytest.mark.parametrize(("content", "status", "code", "message"), API_FILE_PROBLEMS)
def test_the_api_refuses_bad_files_with_a_4xx_and_a_clear_message(
    import_client: TestClient,
    db: Session,
    setting: Setting,
    fast_settings: Settings,
    content: bytes,
    status: int,
    code: str,
    message: str,
) -> None:
    headers = _registrar_token(db, setting, fast_settings)
    response = import_client.post(
        "/api/receptions/import",
        files={"file": ("people.csv", content, "text/csv")},
        headers=headers,
    )
    assert response.status_code == status
    body = response.json()
    assert body["error"] == code
    assert message in body["detail"]
    assert body["fields"]["file"] == body["detail"]


def test_the_api_needs_a_token_and_a_file(
    import_client: TestClient, db: Session, setting: Setting, fast_settings: Settings
) -> None:
    files = {"file": ("people.csv", csv_bytes([HEADER, person_row(1)]), "text/csv")}
    assert import_client.post("/api/receptions/import", files=files).status_code == 401
    headers = _registrar_token(db, setting, fast_settings)
    missing = import_client.post("/api/receptions/import", headers=headers)
    assert missing.status_code == 422
    assert missing.json()["fields"] == {"file": "This field is required."}


def test_the_api_refuses_roles_that_do_not_receive_people_before_reading_the_file(
    import_client: TestClient, db: Session, setting: Setting, fast_settings: Settings
) -> None:
    worker = f.user(db, organisation=setting.org, role=Role.CASE_WORKER, settings=fast_settings)
    headers = f.bearer(f.api_token(db, user=worker))
    files = {"file": ("people.csv", csv_bytes([HEADER, person_row(1)]), "text/csv")}
    response = import_client.post(
        "/api/receptions/import?dry_run=false", files=files, headers=headers
    )
    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"
    assert import_client.post("/api/receptions/import", headers=headers).status_code == 403
    db.expire_all()
    assert count(db, Person) == 0


def test_the_import_page_checks_then_imports(
    import_client: TestClient, db: Session, setting: Setting, fast_settings: Settings
) -> None:
    f.registrar(
        db,
        organisation=setting.org,
        site=setting.site,
        settings=fast_settings,
        username="desk.import",
    )
    f.login(import_client, username="desk.import")
    page = import_client.get("/reception/import")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert "name_latin" in page.text  # the column list
    token = f.csrf_from(import_client, "/reception/import")

    broken = csv_bytes([HEADER, person_row(1), person_row(2, received_on="yesterday")])
    response = import_client.post(
        "/reception/import",
        data={"csrf_token": token, "mode": "import"},
        files={"file": ("people.csv", broken, "text/csv")},
    )
    assert response.status_code == 422
    assert "1 of 2 rows need correcting. Nothing was saved." in response.text
    row = response.text.split('id="import-errors"')[1]
    assert "<td>3</td>" in row
    assert "Enter the date as year-month-day, for example 2026-11-25." in row
    db.expire_all()
    assert count(db, Person) == 0

    good = csv_bytes([HEADER, person_row(1), person_row(2)])
    checked = import_client.post(
        "/reception/import",
        data={"csrf_token": token, "mode": "check"},
        files={"file": ("people.csv", good, "text/csv")},
    )
    assert checked.status_code == 200
    assert "All 2 rows can be imported." in checked.text
    db.expire_all()
    assert count(db, Person) == 0

    imported = import_client.post(
        "/reception/import",
        data={"csrf_token": token, "mode": "import"},
        files={"file": ("people.xlsx", xlsx_bytes([HEADER, person_row(1), person_row(2)]), "")},
    )
    assert imported.status_code == 200
    assert "2 people imported." in imported.text
    db.expire_all()
    assert count(db, Person) == 2


def test_the_import_page_explains_file_problems_and_needs_csrf(
    import_client: TestClient, db: Session, setting: Setting, fast_settings: Settings
) -> None:
    f.registrar(
        db,
        organisation=setting.org,
        site=setting.site,
        settings=fast_settings,
        username="desk.files",
    )
    f.login(import_client, username="desk.files")
    token = f.csrf_from(import_client, "/reception/import")
    no_file = import_client.post("/reception/import", data={"csrf_token": token, "mode": "check"})
    assert no_file.status_code == 422
    assert "Choose a CSV or Excel (.xlsx) file." in no_file.text
    assert 'href="#field-file"' in no_file.text
    wrong = import_client.post(
        "/reception/import",
        data={"csrf_token": token},
        files={"file": ("people.csv", LATIN_1, "text/csv")},
    )
    assert wrong.status_code == 422
    assert "The file is not in UTF-8." in wrong.text
    forged = import_client.post(
        "/reception/import", files={"file": ("people.csv", ten_rows(), "text/csv")}
    )
    assert forged.status_code == 403
    template = import_client.get("/reception/import/template.csv")
    assert template.status_code == 200
    assert template.content.startswith("\ufeff".encode())
    assert template.text.lstrip("\ufeff").strip().split(",") == list(importing.COLUMNS)


def test_the_import_page_is_only_for_those_who_receive_people(
    import_client: TestClient, db: Session, setting: Setting, fast_settings: Settings
) -> None:
    f.user(
        db,
        organisation=setting.org,
        role=Role.CASE_WORKER,
        settings=fast_settings,
        username="cw.import",
    )
    f.login(import_client, username="cw.import")
    assert import_client.get("/reception/import").status_code == 403
