from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy.orm import Session

from haven.agreements import repository, roll, service
from haven.agreements.lifecycle import AgreementStatus
from haven.config import Settings
from haven.errors import Conflict
from haven.forces import repository as forces_repo
from haven.forces import service as forces
from haven.kernel.sensitivity import bind_actor
from haven.reception.public import FileRejected
from tests.agreements.helpers import Team, draft, team

GOOD = (
    "name_latin,name_my,rank,unit,company,weapons,family\n"
    "Aung Min,,Private,LIB 531,Coy 1,1,2\n"
    ",မောင်ထွန်း,တပ်ကြပ်,ခမရ ၅၃၁,Coy 2,1,0\n"
    "Saw Eh Htoo,,Cpl,LIB 531,Coy 2,2,0\n"
)


@pytest.fixture
def t(db: Session, fast_settings: Settings) -> Team:
    found = team(db, fast_settings)
    bind_actor(db, found.negotiator)  # the negotiator reads the roll, as in a request
    return found


def test_a_clean_roll_in_both_scripts_is_imported(db: Session, t: Team) -> None:
    agreement = draft(db, t)
    table = roll.read_roll(GOOD.encode(), filename="roll.csv")
    report = roll.import_roll(db, t.negotiator, agreement.id, table.rows, dry_run=False)
    assert report.ok, report.errors
    entries = repository.roll_of(db, agreement.id)
    assert [e.row_number for e in entries] == [1, 2, 3]
    army = forces.ensure_reference_data(db)
    ranks = {r.id: r.name_en for r in forces_repo.ranks_of(db, army.id)}
    assert ranks[entries[0].rank_id] == "Private"  # type: ignore[index]
    assert ranks[entries[2].rank_id] == "Corporal"  # type: ignore[index]
    assert (entries[1].prefix, entries[1].name_my) == ("မောင်", "ထွန်း")  # honorific apart
    assert entries[0].unit_id == entries[1].unit_id is not None  # both scripts: the same unit
    assert entries[2].prefix == "Saw"
    assert entries[2].name_latin == "Eh Htoo"
    # A second list appends after the first.
    again = roll.import_roll(db, t.negotiator, agreement.id, table.rows, dry_run=False)
    assert again.imported == 3
    assert repository.roll_size(db, agreement.id) == 6


def test_broken_rows_are_reported_row_by_row_and_nothing_is_written(db: Session, t: Team) -> None:
    agreement = draft(db, t)
    broken = (
        "name_latin,rank,unit,weapons,birth_year\n"
        "Good Soldier,Private,LIB 531,1,1990\n"
        ",Private,LIB 531,1,\n"  # row 3: no name
        "Bad Rank,Field Marshal X,LIB 531,1,\n"  # row 4: unknown rank (a warning only)
        "Bad Count,Private,LIB 531,many,1800\n"  # row 5: weapons and birth year
    )
    table = roll.read_roll(broken.encode(), filename="roll.csv")
    report = roll.import_roll(db, t.negotiator, agreement.id, table.rows, dry_run=False)
    found = {(e.row, e.field) for e in report.errors}
    assert found == {
        (3, "name_latin"),
        (5, "weapons"),
        (5, "birth_year"),
    }
    assert [(w.row, w.field, w.text) for w in report.warnings] == [(4, "rank", "Field Marshal X")]
    assert repository.roll_size(db, agreement.id) == 0
    dry = roll.import_roll(db, t.negotiator, agreement.id, table.rows[:1], dry_run=True)
    assert dry.ok
    assert repository.roll_size(db, agreement.id) == 0  # a dry run never writes


def test_zawgyi_names_are_asked_about_or_converted(db: Session, t: Team) -> None:
    agreement = draft(db, t)
    zawgyi = "ေမာင္ေအာင္ေက်ာ္"
    table = roll.read_roll(
        f"name_my,text_encoding\n{zawgyi},zawgyi\n".encode(), filename="roll.csv"
    )
    report = roll.import_roll(db, t.negotiator, agreement.id, table.rows, dry_run=False)
    assert report.ok, report.errors
    entry = repository.roll_of(db, agreement.id)[0]
    assert (entry.prefix, entry.name_my) == ("မောင်", "အောင်ကျော်")


def test_xlsx_rolls_are_read(db: Session, t: Team) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Rank", "Battalion", "Coy"])
    sheet.append(["Kyaw Zin", "Sgt", "IB 12", "A"])
    out = io.BytesIO()
    book.save(out)
    agreement = draft(db, t)
    table = roll.read_roll(out.getvalue(), filename="roll.xlsx")
    report = roll.import_roll(db, t.negotiator, agreement.id, table.rows, dry_run=False)
    assert report.ok, report.errors
    assert repository.roll_of(db, agreement.id)[0].company == "A"


def test_a_file_with_unknown_headings_is_refused_as_a_whole() -> None:
    with pytest.raises(FileRejected):
        roll.read_roll(b"name_latin,shoe size\nA,42\n", filename="roll.csv")


def test_no_roll_into_a_closed_agreement(db: Session, t: Team) -> None:
    agreement = draft(db, t)
    service.transition(db, t.negotiator, agreement.id, AgreementStatus.CANCELLED)
    table = roll.read_roll(GOOD.encode(), filename="roll.csv")
    with pytest.raises(Conflict):
        roll.import_roll(db, t.negotiator, agreement.id, table.rows, dry_run=False)
