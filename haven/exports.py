"""CSV and XLSX exports that spreadsheet programs cannot be tricked into executing.

A cell beginning with `=`, `+`, `-`, `@`, a tab or a carriage return (or their full-width
forms) is read as a formula by Excel, LibreOffice and Google Sheets; a value typed by anyone
(a name, a note) could then run a formula on the machine of whoever opens the export
(OWASP "CSV injection"). Such values are prefixed with an apostrophe, which spreadsheets show
as text. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def safe_cell(value: Any) -> Any:
    """The value as an export should hold it: text that could start a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    text = str(value)
    if text.startswith(_TRIGGERS):
        return "'" + text
    return text


def to_csv(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    hxl: Sequence[str] | None = None,
) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Burmese script correctly.
    `hxl`: the columns' HXL hashtags (`#affected +f`), a row directly under the heading row,
    as humanitarian tools expect (https://hxlstandard.org)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    if hxl is not None:
        writer.writerow([safe_cell(tag) for tag in hxl])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(
    header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str = "Export"
) -> bytes:
    # openpyxl loads with the first workbook, not with every process that can export.
    from openpyxl import Workbook  # type: ignore[import-untyped]  # noqa: PLC0415 - heavy

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    sheet.append([safe_cell(h) for h in header])
    for row in rows:
        # openpyxl would store a string starting with "=" as a formula: quote it first.
        sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: lines of notes above the table (a title, what it covers),
    the heading row, the HXL hashtag row directly under it (none: `()`), the rows."""

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    hxl: Sequence[str] = ()
    notes: Sequence[str] = ()


def to_workbook(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook of several sheets, every cell made safe as `to_xlsx` does. Sheet
    titles are cut to Excel's 31 characters, without the characters it refuses, and made
    unique."""
    from openpyxl import Workbook  # noqa: PLC0415 - heavy, as in to_xlsx

    book = Workbook(write_only=True)
    used: set[str] = set()
    for sheet in sheets:
        title = "".join(ch for ch in sheet.title if ch not in "[]:*?/\\")[:28] or "Sheet"
        name, n = title, 1
        while name.lower() in used:
            n += 1
            name = f"{title} {n}"
        used.add(name.lower())
        out_sheet = book.create_sheet(title=name)
        for note in sheet.notes:
            out_sheet.append([safe_cell(note)])
        if sheet.notes:
            out_sheet.append([])
        out_sheet.append([safe_cell(h) for h in sheet.header])
        if sheet.hxl:
            out_sheet.append([safe_cell(tag) for tag in sheet.hxl])
        for row in sheet.rows:
            out_sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
