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


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Burmese script correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
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
