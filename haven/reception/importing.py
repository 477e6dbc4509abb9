"""Import a list of people from CSV or XLSX: a dry run that reports every row's errors, and an
import that writes everything or nothing.

Reading (`read_file`) turns a file into rows keyed by field name; a problem with the file as a
whole (size, encoding, headings, too many rows) raises `FileRejected` naming no person's data.
Each row then goes through the same schemas and the same services as the reception form
(`reception.service.receive`, then people's `update_profile` for the profile columns),
so every rule of a single reception applies to an imported one.

Every row is checked first: the schemas, then every rule of a reception
(`reception.prepare`: the child rule, the site, the rank of the force, the unit, the profile
as `update_profile` checks it), each error reported by row and column. A dry run stops there
and writes nothing; the checks are the same for both, so it reports exactly the errors an
import would. An import whose rows all passed then writes them on the set
(`reception.receive_many`): persons, events and weapons in one INSERT each, the same audit
events as a reception row by row (appended together), and `PersonReceived` published for the
whole chunk, so that matching, vetting and pathways work on the set (`publish_many`). Should
writing refuse something the checks let through, the rows are written again one by one, each
in a SAVEPOINT of its own, so the error names its row. All-or-nothing: everything happens
inside one SAVEPOINT, rolled back when any row fails. Services never commit; the caller's
transaction does (the import job commits a chunk of rows per step: `import_jobs`).
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import time
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.orm import Session

from haven.accounts import repository as accounts
from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.errors import HavenError, ValidationFailed
from haven.forces.public import (
    MYANMAR_ARMY,
    RankLookup,
    ensure_reference_data,
    force_by_name,
    list_ranks,
    rank_lookup,
    resolve_units,
)
from haven.i18n import N_, Text, gettext
from haven.kernel.labels import Labelled
from haven.people.public import ProfileUpdate, Sex, update_profile
from haven.reception import service as reception
from haven.reception.repository import imported_submissions
from haven.reception.schemas import Classification, LegalBasis, ReceptionCreate, WeaponKind
from haven.security.permissions import Actor, Permission, require
from haven.text import Assume, UncertainEncoding, clean_text, to_ascii_digits
from haven.validation import fields_from_errors

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 60
MAX_RECORDS = 20_000  # rows read from a sheet, blank ones included (bounds the work)
# A 5 MB workbook can unpack to gigabytes (a "zip bomb"); refuse before openpyxl reads it.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
# Cells written in a workbook's sheets (5,000 rows of 60 columns, with room): counted in the
# raw sheet XML before openpyxl reads a cell, so a 150 KB file of one 3,000,000-cell row is
# refused in a fraction of a second instead of being unpacked into memory.
MAX_CELLS = 400_000
# However a workbook is built, reading it stops after this long.
MAX_READ_SECONDS = 20.0
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CHUNK = 1024 * 1024

Cell = str | int | float | bool | date | None

# Every column Haven reads, in the order of a template, with the headings it accepts.
# Headings match ignoring case, spaces, underscores, dashes, dots, slashes and brackets.
COLUMNS: dict[str, tuple[str, ...]] = {
    "name_my": (
        "name_my",
        "name in myanmar script",
        "myanmar name",
        "burmese name",
        "အမည်",
        "မြန်မာစာဖြင့် အမည်",
    ),
    "name_latin": (
        "name_latin",
        "name in latin letters",
        "latin name",
        "english name",
        "name",
        "လက်တင်အက္ခရာဖြင့် အမည်",
    ),
    "prefix": ("prefix", "honorific", "title", "honorific or prefix", "ရှေ့ဆက်"),
    "classification": ("classification", "category", "how they came"),
    "received_on": ("received_on", "date received", "reception date", "received", "လက်ခံသည့်ရက်"),
    "site": ("site", "site name", "reception point", "လက်ခံရေးစခန်း", "စခန်း"),
    "birth_year": (
        "birth_year",
        "year of birth",
        "year of birth (if known)",
        "born",
        "မွေးနှစ်",
        "မွေးသက္ကရာဇ်",
    ),
    "sex": ("sex", "gender", "ကျား/မ"),
    "origin_unit": ("origin_unit", "unit", "battalion", "တပ်ရင်း"),
    "rank": ("rank", "rank name", "အဆင့်"),
    "position": ("position", "appointment", "ရာထူး"),
    "service_months": ("service_months", "months of service", "length of service months"),
    "legal_basis": ("legal_basis", "legal basis for the record"),
    "terms_signed": ("terms_signed", "terms"),
    "text_encoding": ("text_encoding", "encoding"),
    "father_name": ("father_name", "father's name", "father", "အဖအမည်", "အဘအမည်"),
    "mother_name": ("mother_name", "mother's name", "mother", "အမိအမည်"),
    "nrc": (
        "nrc",
        "nrc number",
        "national registration card",
        "နိုင်ငံသားစိစစ်ရေးကတ် နံပါတ်",
        "မှတ်ပုံတင်အမှတ်",
    ),
    "service_number": (
        "service_number",
        "military service number",
        "တပ်မှုထမ်း နံပါတ်",
        "ကိုယ်ပိုင်အမှတ်",
    ),
    "weapon_kind": ("weapon_kind", "weapon", "weapon type"),
    "weapon_serial_number": ("weapon_serial_number", "weapon serial", "serial number"),
    "weapon_tag": ("weapon_tag", "tag"),
}
# Not a column: where a KoBo/ODK submission's instanceID travels with its row
# (`reception.submissions`), to import each submission once.
INSTANCE = "instance_id"
PROFILE_COLUMNS = ("father_name", "mother_name", "nrc", "service_number")
WEAPON_COLUMNS = ("weapon_kind", "weapon_serial_number", "weapon_tag")
TEXT_COLUMNS = ("name_my", "name_latin", "prefix", "origin_unit", "position")
# Where a schema or service names a field differently from the file's column.
_COLUMN_OF = {
    "site_id": "site",
    "rank_id": "rank",
    "weapons.0.kind": "weapon_kind",
    "weapons.0.serial_number": "weapon_serial_number",
    "weapons.0.tag": "weapon_tag",
}

YES = frozenset({"yes", "y", "true", "1", "ဟုတ်", "ဟုတ်ကဲ့"})
NO = frozenset({"no", "n", "false", "0", "မဟုတ်"})
SEX_ALIASES = {"m": "male", "f": "female", "ကျား": "male", "မ": "female"}

_SEPARATORS = re.compile(r"[\s_\-./\\()\[\]'’:]+")
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
# Excel's serial numbers of 1950-01-01 and 2100-01-01.
EXCEL_1950, EXCEL_2100 = 18264, 73051


class FileRejected(ValidationFailed):
    """The file as a whole cannot be imported; the message (also under the field `file`, for
    forms) says how to fix it, and names no person's data."""

    code = "invalid_file"

    def __init__(self, message: Text | str) -> None:
        super().__init__(message, fields={"file": message})


class FileTooLarge(FileRejected):
    code = "file_too_large"
    status = 413


@dataclass(frozen=True)
class ImportRow:
    """One row of people data: its row number in the file (the headings are row 1)."""

    number: int
    values: dict[str, Cell]


@dataclass(frozen=True)
class ImportFile:
    rows: list[ImportRow]
    headings: dict[str, str]  # field name -> the heading as written in the file


@dataclass(frozen=True)
class RowError:
    row: int | None
    field: str | None
    message: Text | str


@dataclass
class ImportReport:
    dry_run: bool
    rows: int
    imported: int = 0
    errors: list[RowError] = field(default_factory=list)
    person_ids: list[uuid.UUID] = field(default_factory=list)
    # Rows of a KoBo/ODK export whose submission was imported before (or earlier in the same
    # file): reported and left out, never received twice.
    skipped: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rows_with_errors(self) -> int:
        return len({e.row for e in self.errors})


# --- reading the file ----------------------------------------------------------------------


def heading_key(text: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFC", text).casefold())


_HEADINGS: dict[str, str] = {heading_key(h): name for name, hs in COLUMNS.items() for h in hs}


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column index: 0 is A, 26 is AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _kind(content: bytes, filename: str | None, content_type: str | None) -> str:
    name = (filename or "").casefold()
    if content.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
        raise FileRejected(
            N_("Old Excel files (.xls) cannot be read. Save the file as .xlsx or as CSV UTF-8.")
        )
    if content.startswith(b"PK\x03\x04") or name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if "spreadsheetml" in (content_type or ""):
        return "xlsx"
    return "csv"


def _csv_records(content: bytes) -> Iterator[list[Cell]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRejected(
            N_(
                "The file is not in UTF-8. In Excel choose Save As, then “CSV UTF-8”; in "
                "other programs choose the UTF-8 encoding."
            )
        ) from None
    if "\x00" in text:
        raise FileRejected(N_("This is not a CSV or Excel (.xlsx) file."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        yield from reader
    except csv.Error:
        raise FileRejected(
            N_("The file could not be read as CSV: check that every quotation mark is closed.")
        ) from None


NOT_XLSX = N_("The file could not be read as an Excel workbook (.xlsx).")


def _check_workbook(content: bytes) -> None:
    """Refuse, before openpyxl reads it, a workbook that unpacks too large or writes too
    many cells (a "zip bomb", a row of millions of cells)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise FileRejected(N_("The workbook is too large. Split it into smaller files."))
        too_many = _cells_over_limit(content)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise FileRejected(NOT_XLSX) from None
    if too_many:
        raise FileRejected(
            N_("The workbook has too many cells. Keep only the rows and columns of people.")
        )


def _cells_over_limit(content: bytes) -> bool:
    """Whether the workbook's sheets write more than MAX_CELLS cells, counted in their raw XML
    a megabyte at a time (stopping as soon as the limit is passed)."""
    count = 0
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for member in archive.infolist():
            if not (
                member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
            ):
                continue
            with archive.open(member) as sheet:
                tail = b""
                while chunk := sheet.read(_CHUNK):
                    window = tail + chunk
                    # A tag cut by the chunk's end is counted in the next window, not twice.
                    cut = max(0, len(window) - 8)
                    count += len(_CELL.findall(window, 0, cut))
                    tail = window[cut:]
                    if count > MAX_CELLS:
                        return True
                count += len(_CELL.findall(tail))
    return count > MAX_CELLS


def _xlsx_records(content: bytes) -> list[list[Cell]]:
    _check_workbook(content)
    deadline = time.monotonic() + MAX_READ_SECONDS
    from openpyxl import load_workbook  # type: ignore[import-untyped, unused-ignore]  # noqa: PLC0415 - loaded when a workbook arrives, not at start-up

    records: list[list[Cell]] = []
    filled, too_wide, slow = 0, False, False
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # The declared size can be wrong: trusting it could drop rows without a word.
            sheet.reset_dimensions()
            for values in sheet.iter_rows(values_only=True):
                if len(records) > MAX_RECORDS or filled > MAX_ROWS + 1:
                    break  # enough to say the sheet is over the limit
                if time.monotonic() > deadline:
                    slow = True
                    break
                # A row is as wide as its last cell, even an empty one: look at the columns
                # Haven reads, and only count (in C, fast) what lies beyond them.
                head, beyond = values[:MAX_COLUMNS], values[MAX_COLUMNS:]
                if beyond.count(None) != len(beyond):
                    too_wide = True
                    break
                if any(v is not None for v in head):
                    filled += 1
                    records.append([_cell(v) for v in head])
                else:
                    records.append([])
        finally:
            workbook.close()
    except Exception:  # noqa: BLE001 - a malformed workbook can fail anywhere inside openpyxl
        raise FileRejected(NOT_XLSX) from None
    if slow:
        raise FileRejected(
            N_("The workbook took too long to read. Save it again as a plain .xlsx or CSV.")
        )
    if too_wide:
        raise FileRejected(N_("The sheet has data beyond column 60. Remove those columns."))
    if len(records) > MAX_RECORDS:
        raise FileRejected(N_("The sheet has too many rows. Split it into smaller files."))
    return records


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float | bool | date):
        return value
    return str(value)  # times, durations: kept as text, refused where a value is expected


def cell_text(value: Cell) -> str | None:
    """A cell as text: None when blank; whole numbers without ".0"; dates as YYYY-MM-DD."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _headings(header: Sequence[Cell]) -> dict[int, str]:
    columns: dict[int, str] = {}
    unknown: list[str] = []
    seen: dict[str, int] = {}
    for index, cell in enumerate(header):
        heading = cell_text(cell)
        if heading is None:
            continue
        name = _HEADINGS.get(heading_key(heading))
        if name is None:
            unknown.append(column_letter(index))
        elif name in seen:
            raise FileRejected(
                Text(
                    N_("Columns {first} and {second} are for the same thing. Keep one of them."),
                    {"first": column_letter(seen[name]), "second": column_letter(index)},
                )
            )
        else:
            seen[name] = index
            columns[index] = name
    if unknown:
        raise FileRejected(
            Text(
                N_(
                    "Haven does not know the heading of column {columns}. Use the headings of "
                    "the template, or remove the column."
                ),
                {"columns": ", ".join(unknown)},
            )
        )
    check_required(seen)
    return columns


def default_columns(header: Sequence[Cell]) -> dict[int, str]:
    """The import's own headings (`COLUMNS`): field name by column index."""
    return _headings(header)


def check_required(seen: Collection[str]) -> None:
    """Refuse a file without the columns every row needs."""
    if "classification" not in seen:
        raise FileRejected(N_("The file needs a column “classification”."))
    if "received_on" not in seen:
        raise FileRejected(N_("The file needs a column “received_on” (the date received)."))
    if "name_my" not in seen and "name_latin" not in seen:
        raise FileRejected(N_("The file needs a column “name_my” or “name_latin”, or both."))


def read_file(
    content: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    columns_of: Callable[[Sequence[Cell]], dict[int, str]] | None = None,
) -> ImportFile:
    """Read a CSV (UTF-8, with or without BOM) or XLSX file (its first sheet) into rows.

    The first row holds the headings, mapped to field names by `columns_of` (the reception
    import's by default; a nominal roll passes its own). Blank rows are skipped; row numbers
    stay those of the file, so that an error can be found where the user typed it.
    """
    if len(content) > MAX_BYTES:
        raise FileTooLarge(N_("The file is too large: at most 5 MB."))
    if not content.strip():
        raise FileRejected(N_("The file is empty."))
    kind = _kind(content, filename, content_type)
    records: Iterable[list[Cell]] = (
        _xlsx_records(content) if kind == "xlsx" else _csv_records(content)
    )
    iterator = iter(records)
    header = next(iterator, None)
    if header is None or all(cell_text(cell) is None for cell in header):
        raise FileRejected(N_("The first row must hold the column headings."))
    columns = (columns_of or _headings)(header)
    rows: list[ImportRow] = []
    for number, record in enumerate(iterator, start=2):
        if all(cell_text(cell) is None for cell in record):
            continue
        for index, cell in enumerate(record):
            if index not in columns and cell_text(cell) is not None:
                raise FileRejected(
                    Text(
                        N_("Column {column} has data but no heading. Add the heading."),
                        {"column": column_letter(index)},
                    )
                )
        if len(rows) == MAX_ROWS:
            raise FileRejected(
                N_("The file has more than 5,000 rows. Split it into smaller files.")
            )
        values = {name: record[i] if i < len(record) else None for i, name in columns.items()}
        rows.append(ImportRow(number=number, values=values))
    if not rows:
        raise FileRejected(N_("The file has headings but no rows of people."))
    headings = {name: str(cell_text(header[index])) for index, name in columns.items()}
    return ImportFile(rows=rows, headings=headings)


# --- checking and writing rows -------------------------------------------------------------


@dataclass(frozen=True)
class ImportLookups:
    army_id: uuid.UUID
    sites: dict[str, list[uuid.UUID]]
    # The army's ranks by every way of writing them (names, abbreviations, Burmese short
    # forms, romanisations: `forces.rank_lookup`).
    ranks: RankLookup
    # The army, its ranks and the sites, kept referenced: the session's identity map holds
    # objects weakly, and the services' lookups of them then cost no query per row.
    held: tuple[object, ...]

    @classmethod
    def load(cls, session: Session, actor: Actor) -> ImportLookups:
        sites: dict[str, list[uuid.UUID]] = {}
        site_rows = list(accounts.sites_visible(session, actor))
        for site in site_rows:
            sites.setdefault(heading_key(site.name), []).append(site.id)
        # The military by name (one query): `haven db upgrade` seeds the reference data, and
        # checking every force's rank table on each chunk cost a job's step 5-13 ms (and a
        # flush, so the write lock, in a check that writes nothing).
        army = force_by_name(session, MYANMAR_ARMY) or ensure_reference_data(session)
        rank_rows = list_ranks(session, actor, army.id)
        ranks = rank_lookup(session, actor, [army.id])
        return cls(army_id=army.id, sites=sites, ranks=ranks, held=(army, *rank_rows, *site_rows))


@lru_cache(maxsize=8)
def _forms(options: type[StrEnum]) -> dict[str, str]:
    """Every accepted spelling of an option: its value, its label in English and in Burmese."""
    forms: dict[str, str] = {}
    for option in options:
        label = option.label if isinstance(option, Labelled) else None
        for form in (option.value, label, gettext(label, "my") if label else None):
            if form:
                forms.setdefault(heading_key(form), option.value)
    return forms


def _choice(value: str, options: type[StrEnum], aliases: Mapping[str, str] | None = None) -> str:
    key = heading_key(value)
    found = _forms(options).get(key) or (aliases or {}).get(key)
    if found is None:
        raise ValueError(Text(N_("Enter one of: {options}."), {"options": ", ".join(options)}))
    return found


def _received_on(value: Cell) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    # Only workbooks give numbers: a date cell whose date format was lost. Outside the years a
    # reception can have happened in, the number is something else (a year typed alone?).
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and EXCEL_1950 <= value < EXCEL_2100
    ):
        from openpyxl.utils.datetime import from_excel  # type: ignore[import-untyped, unused-ignore]  # noqa: PLC0415 - loaded when a workbook arrives, not at start-up

        return from_excel(value).date()  # type: ignore[no-any-return, unused-ignore]
    found = _ISO_DATE.fullmatch(to_ascii_digits(cell_text(value) or ""))
    with contextlib.suppress(ValueError):  # 2026-02-30 matches the pattern but is no date
        if found:
            return date(int(found[1]), int(found[2]), int(found[3]))
    raise ValueError(N_("Enter the date as year-month-day, for example 2026-11-25."))


def cell_number(value: Cell) -> str | None:
    text = cell_text(value)
    return to_ascii_digits(text) if text is not None else None


def _yes_no(value: Cell) -> bool:
    text = (cell_text(value) or "no").casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(N_("Enter yes or no."))


def find_rank(value: str, lookups: ImportLookups, assume: Assume) -> str:
    cleaned = clean_text(value, assume=assume).text
    found = lookups.ranks.find(lookups.army_id, cleaned)
    if found is None:
        raise ValueError(
            N_(
                "Enter a rank of the Myanmar army table, in English or Burmese, for example "
                "Captain or ဗိုလ်ကြီး."
            )
        )
    return str(found)


def _site(value: str, lookups: ImportLookups) -> str:
    found = lookups.sites.get(heading_key(value), [])
    if not found:
        raise ValueError(N_("No site of your organisation has this name. Check the spelling."))
    if len(found) > 1:
        raise ValueError(N_("Several sites have this name: import their rows separately."))
    return str(found[0])


def assumed_encoding(encoding: str) -> Assume:
    return "unicode" if encoding == "unicode" else "zawgyi" if encoding == "zawgyi" else "detect"


def _convert(
    row: ImportRow, lookups: ImportLookups
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Text | str]]:
    """The row as input for `ReceptionCreate` and `ProfileUpdate`, and the errors found."""
    raw = row.values
    text = {name: cell_text(raw.get(name)) for name in COLUMNS}
    errors: dict[str, Text | str] = {}
    encoding = (text["text_encoding"] or "detect").casefold()
    if encoding not in ("detect", "unicode", "zawgyi"):
        errors["text_encoding"] = Text(
            N_("Enter one of: {options}."), {"options": "detect, unicode, zawgyi"}
        )
    data: dict[str, Any] = {"text_encoding": assumed_encoding(encoding)}
    data |= {name: text[name] for name in TEXT_COLUMNS}
    data |= {name: cell_number(raw.get(name)) for name in ("birth_year", "service_months")}

    def attempt(name: str, target: str, parse: Callable[[str], object]) -> None:
        value = text[name]
        if value is None:
            return
        try:
            data[target] = parse(value)
        except ValueError as error:  # UncertainEncoding too: its message asks the question
            errors[name] = error.args[0]

    attempt("classification", "classification", lambda v: _choice(v, Classification))
    attempt("sex", "sex", lambda v: _choice(v, Sex, SEX_ALIASES))
    attempt("legal_basis", "legal_basis", lambda v: _choice(v, LegalBasis))
    attempt("received_on", "received_on", lambda _v: _received_on(raw["received_on"]))
    attempt("terms_signed", "terms_signed", _yes_no)
    attempt("site", "site_id", lambda v: _site(v, lookups))
    attempt("rank", "rank_id", lambda v: find_rank(v, lookups, assumed_encoding(encoding)))
    if data.get("classification") not in (None, Classification.CHILD):
        data["origin_force_id"] = lookups.army_id  # known already: spares a lookup per row
    if text["classification"] is None:
        errors["classification"] = Text(
            N_("Enter one of: {options}."), {"options": ", ".join(Classification)}
        )
    if text["received_on"] is None:
        errors["received_on"] = N_("Enter the date received, for example 2026-11-25.")
    if text["name_my"] is None and text["name_latin"] is None:
        errors["name_latin"] = N_("Enter the name in Myanmar script, in Latin letters, or both.")
    if any(text[name] is not None for name in WEAPON_COLUMNS):
        weapon = {
            "text_encoding": data["text_encoding"],
            "serial_number": text["weapon_serial_number"],
            "tag": text["weapon_tag"],
        }
        if text["weapon_kind"] is None:
            errors["weapon_kind"] = Text(
                N_("Enter one of: {options}."), {"options": ", ".join(WeaponKind)}
            )
        data["weapons"] = [weapon]
        attempt("weapon_kind", "weapon_kind", lambda v: _choice(v, WeaponKind))
        if "weapon_kind" in data:
            weapon["kind"] = data.pop("weapon_kind")
    profile: dict[str, Any] = {n: text[n] for n in PROFILE_COLUMNS if text[n] is not None}
    if profile:
        profile["text_encoding"] = data["text_encoding"]
    return data, profile, errors


def _column(name: str) -> str:
    return _COLUMN_OF.get(name, name)


def _validate(
    row: ImportRow, lookups: ImportLookups
) -> tuple[ReceptionCreate | None, ProfileUpdate | None, dict[str, Text | str]]:
    data, profile_data, errors = _convert(row, lookups)
    created: ReceptionCreate | None = None
    profile: ProfileUpdate | None = None
    try:
        created = ReceptionCreate.model_validate(
            {k: v for k, v in data.items() if v is not None and _column(k) not in errors}
        )
    except PydanticValidationError as exc:
        for name, message in fields_from_errors(exc.errors()).items():
            errors.setdefault(_column(name), message)
    if profile_data:
        try:
            profile = ProfileUpdate.model_validate(profile_data)
        except PydanticValidationError as exc:
            for name, message in fields_from_errors(exc.errors()).items():
                errors.setdefault(_column(name), message)
    return created, profile, errors


def _add_errors(report: ImportReport, row: int, fields: Mapping[str, Text | str]) -> None:
    order = list(COLUMNS)
    for name in sorted(fields, key=lambda n: order.index(n) if n in order else len(order)):
        report.errors.append(RowError(row=row, field=name, message=fields[name]))


def _import_row(
    session: Session, actor: Actor, row: ImportRow, lookups: ImportLookups, report: ImportReport
) -> None:
    created, profile, errors = _validate(row, lookups)
    if errors or created is None:
        _add_errors(report, row.number, errors)
        return
    savepoint = session.begin_nested()
    try:
        event = reception.receive(session, actor, created)
        if profile is not None:
            update_profile(session, actor, event.person_id, profile)
    except UncertainEncoding as error:
        # The unit is read again when resolved; an unclear encoding there is the unit's.
        savepoint.rollback()
        _add_errors(report, row.number, {"origin_unit": error.message})
        return
    except HavenError as error:
        savepoint.rollback()
        if error.fields:
            _add_errors(report, row.number, {_column(k): v for k, v in error.fields.items()})
        else:
            report.errors.append(RowError(row=row.number, field=None, message=error.message))
        return
    savepoint.commit()
    report.person_ids.append(event.person_id)


Checked = tuple[ImportRow, ReceptionCreate, ProfileUpdate | None]


def _schema_checked(
    rows: Sequence[ImportRow],
    lookups: ImportLookups,
    report: ImportReport,
    kept: dict[int, Checked] | None = None,
    *,
    write: bool,
) -> list[Checked]:
    """The rows the schemas accept (the others' errors reported). With `kept`, a dry run
    keeps each accepted row there by its number and an import takes it back instead of
    converting the row again (the same values give the same result); every rule that
    reads the database (`prepare`) is still checked again when writing."""
    checked: list[Checked] = []
    for row in rows:
        if write and kept is not None:
            found = kept.pop(row.number, None)
            if found is not None and found[0].values == row.values:
                checked.append((row, found[1], found[2]))
                continue
        created, profile, errors = _validate(row, lookups)
        if not write and kept is not None and not errors and created is not None:
            kept[row.number] = (row, created, profile)
        if errors or created is None:
            _add_errors(report, row.number, errors)
        else:
            checked.append((row, created, profile))
    return checked


def _units(
    session: Session, actor: Actor, checked: Sequence[Checked], lookups: ImportLookups
) -> reception.UnitCache:
    """The units the rows name, resolved together (`forces.resolve_units`)."""
    texts = [
        created.origin_unit
        for _row, created, _profile in checked
        if created.origin_unit and created.origin_force_id == lookups.army_id
    ]
    found = resolve_units(session, actor, lookups.army_id, texts)
    return {(lookups.army_id, text): unit_id for text, unit_id in found.items()}


def _prepare_row(
    session: Session,
    actor: Actor,
    checked: Checked,
    units: reception.UnitCache,
    report: ImportReport,
) -> reception.Arrival | None:
    """The row checked by every rule of a reception (`reception.prepare`, the profile as
    `update_profile` checks it), or None with its errors reported."""
    row, created, profile = checked
    try:
        return reception.prepare(session, actor, created, profile=profile, units=units)
    except UncertainEncoding as error:
        # The unit is read again when resolved; an unclear encoding there is the unit's.
        _add_errors(report, row.number, {"origin_unit": error.message})
    except HavenError as error:
        if error.fields:
            _add_errors(report, row.number, {_column(k): v for k, v in error.fields.items()})
        else:
            report.errors.append(RowError(row=row.number, field=None, message=error.message))
    return None


def _write(
    session: Session,
    actor: Actor,
    rows: Sequence[ImportRow],
    arrivals: Sequence[reception.Arrival],
    lookups: ImportLookups,
    report: ImportReport,
) -> None:
    """Write the checked rows on the set (`reception.receive_many`). Should writing refuse
    something the checks let through (another domain's handler), the rows are written again
    one by one, each in a savepoint of its own, so that the error names its row."""
    savepoint = session.begin_nested()
    try:
        reception.receive_many(session, actor, arrivals)
    except HavenError:
        savepoint.rollback()
        for row in rows:
            _import_row(session, actor, row, lookups, report)
        return
    except BaseException:
        if savepoint.is_active:
            savepoint.rollback()
        raise
    savepoint.commit()
    report.person_ids.extend(arrival.person.id for arrival in arrivals)


def instance_uuid(value: Cell) -> uuid.UUID | None:
    """A submission's instanceID as a uuid: ODK's `uuid:…` read as it is, any other text
    turned into a name-based uuid (the same text, the same uuid)."""
    text = cell_text(value)
    if text is None:
        return None
    bare = text.removeprefix("uuid:").strip()
    try:
        return uuid.UUID(bare)
    except ValueError:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"haven:submission:{text}")


def _not_imported_yet(
    session: Session, actor: Actor, rows: Sequence[ImportRow], report: ImportReport
) -> Sequence[ImportRow]:
    """The rows to check and write: those of no submission, and those of a submission not
    imported before nor earlier in the file (the others are reported as skipped)."""
    ids = {row.number: instance_uuid(row.values.get(INSTANCE)) for row in rows}
    known = {i for i in ids.values() if i is not None}
    if not known:
        return rows
    done = imported_submissions(session, actor.organisation_id, known)
    kept: list[ImportRow] = []
    for row in rows:
        found = ids[row.number]
        if found is not None and found in done:
            report.skipped.append(row.number)
            continue
        if found is not None:
            done.add(found)
        kept.append(row)
    return kept


def _record_submissions(
    session: Session, actor: Actor, rows: Sequence[ImportRow], person_ids: Sequence[uuid.UUID]
) -> None:
    """One `submission.imported` event per submission written (the rows and the persons are
    in the same order): the mark that keeps it from being imported again."""
    entries = [
        audit.Entry(
            AuditAction.SUBMISSION_IMPORTED,
            "submission",
            found,
            actor.organisation_id,
            {"person_id": {"before": None, "after": str(person_id)}},
        )
        for row, person_id in zip(rows, person_ids, strict=True)
        if (found := instance_uuid(row.values.get(INSTANCE))) is not None
    ]
    if entries:
        audit.record_many(session, actor, entries)


def _run(
    session: Session,
    actor: Actor,
    rows: Sequence[ImportRow],
    *,
    write: bool,
    lookups: ImportLookups | None = None,
    kept: dict[int, Checked] | None = None,
) -> ImportReport:
    """Check every row (schemas, then every rule of a reception), and, when writing and
    every row passed, write them all on the set. A dry run stops after the checks: they are
    the same for both, so it reports exactly the errors an import would."""
    require(actor, Permission.RECEPTION_RECORD)
    report = ImportReport(dry_run=not write, rows=len(rows))
    outer = session.begin_nested()
    try:
        lookups = lookups or ImportLookups.load(session, actor)
        rows = _not_imported_yet(session, actor, rows, report)
        checked = _schema_checked(rows, lookups, report, kept, write=write)
        # Per call, never kept in `lookups`: a dry run's new units are rolled back with it.
        units = _units(session, actor, checked, lookups)
        with session.no_autoflush:  # the persons `prepare` completed are written together
            arrivals = [
                arrival
                for one in checked
                if (arrival := _prepare_row(session, actor, one, units, report)) is not None
            ]
        report.errors.sort(key=lambda error: error.row or 0)  # in the file's order
        if write and not report.errors:
            _write(session, actor, rows, arrivals, lookups, report)
        if not write or report.errors:
            outer.rollback()
            report.person_ids.clear()
            return report
        _record_submissions(session, actor, rows, report.person_ids)
        audit.record(
            session,
            actor,
            AuditAction.PEOPLE_IMPORTED,
            subject_type="import",
            subject_id=None,
            organisation_id=actor.organisation_id,
            changes={"people": {"before": None, "after": len(report.person_ids)}},
        )
        outer.commit()
    except BaseException:
        if outer.is_active:
            outer.rollback()
        raise
    report.imported = len(report.person_ids)
    return report


def dry_run(
    session: Session,
    actor: Actor,
    rows: Sequence[ImportRow],
    *,
    lookups: ImportLookups | None = None,
    kept: dict[int, Checked] | None = None,
) -> ImportReport:
    """Check every row as an import would, report each error by row and column; write nothing.

    `lookups` (sites, ranks) may be loaded once by a caller that checks a file in chunks.
    `kept`: where to keep the rows the schemas accepted, for `import_rows` of the same rows."""
    return _run(session, actor, rows, write=False, lookups=lookups, kept=kept)


def import_rows(
    session: Session,
    actor: Actor,
    rows: Sequence[ImportRow],
    *,
    lookups: ImportLookups | None = None,
    kept: dict[int, Checked] | None = None,
) -> ImportReport:
    """Receive every row, or nobody: when any row has an error, nothing at all is written.

    `kept`: the rows a `dry_run` of the same rows kept (taken out as they are used)."""
    return _run(session, actor, rows, write=True, lookups=lookups, kept=kept)
