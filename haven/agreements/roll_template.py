"""The nominal roll template offered for download: the headings the roll import reads
(`roll.ROLL_COLUMNS`, in that order), as CSV or as an Excel workbook.

The CSV holds the heading row only, so that a file sent back unchanged adds nobody. The
workbook's first sheet (the one the import reads) holds the heading row only too; a second
sheet shows a synthetic example row and what each column means, in the reader's language.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping

from haven.agreements.roll import ROLL_COLUMNS
from haven.exports import safe_cell, to_csv

HEADINGS: tuple[str, ...] = tuple(ROLL_COLUMNS)

# A made-up soldier (haven/demo/names.py style): never a real person.
EXAMPLE: dict[str, str | int] = {
    "name_my": "မောင်အောင်မင်းထွန်း",
    "name_latin": "Maung Aung Min Htun",
    "prefix": "",
    "birth_year": 1994,
    "rank": "Corporal",
    "force": "",
    "unit": "LIB 531",
    "company": "2",
    "position": "Section leader",
    "weapons": 1,
    "family": 2,
    "text_encoding": "",
}


def template_csv() -> bytes:
    """The heading row, UTF-8 with a byte-order mark (Excel then reads Burmese right)."""
    return to_csv(HEADINGS, [])


def template_xlsx(
    help_texts: Mapping[str, str], translate: Callable[[str], str], *, example_title: str
) -> bytes:
    """A workbook: sheet 1 the heading row to fill in; sheet 2 an example row and, for each
    column, what to write (`help_texts` maps a column to its msgid, `translate` renders it)."""
    # openpyxl loads when someone asks for the workbook, not with every process.
    from openpyxl import Workbook  # type: ignore[import-untyped]  # noqa: PLC0415 - heavy

    book = Workbook(write_only=True)
    roll = book.create_sheet(title="Roll")
    roll.append(list(HEADINGS))
    example = book.create_sheet(title=example_title[:31])
    example.append(list(HEADINGS))
    example.append([safe_cell(EXAMPLE.get(name, "")) for name in HEADINGS])
    example.append([])
    for name in HEADINGS:
        example.append([name, safe_cell(translate(help_texts[name]) if name in help_texts else "")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
