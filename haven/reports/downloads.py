"""A report as it leaves Haven: XLSX (one sheet a table), CSV (one table a file) and PDF,
every figure suppressed (`haven.reports.suppression`), texts in the reader's language
(docs/reports.md).

XLSX and CSV carry each column's HXL hashtag in a row directly under the heading row, so
humanitarian tools (HXL Proxy, HDX) read them; values go through `haven.exports`, which keeps
text that could start a spreadsheet formula from being one.

The PDF is drawn by fpdf2 with HarfBuzz shaping (uharfbuzz), Noto Sans with Noto Sans Myanmar
as fallback, as the other documents are (`haven/pow/documents.py`): without shaping, Burmese
comes out as broken glyph sequences. Tables only, no charts: the figures are what a reader of
the PDF needs, and a chart of suppressed values would have to draw bars it cannot know.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from haven import exports, i18n
from haven.errors import HavenError
from haven.i18n import N_
from haven.reports.suppression import Published, suppress
from haven.reports.tables import TOTAL, TOTAL_HXL, Label, Report, Table

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_DIR = Path(os.environ.get("HAVEN_FONT_DIR", "/usr/share/fonts/truetype/noto"))
LATIN_FONT = "NotoSans-Regular.ttf"
MYANMAR_FONT = "NotoSansMyanmar-Regular.ttf"

PERIOD = N_("Period: {start} to {end}")
SUPPRESSION_NOTE = N_(
    'Counts under {threshold} are shown as "<{threshold}"; figures marked "x" are withheld '
    "so that totals cannot reveal them."
)
NOTES = N_("Notes")
NO_FIGURES = N_("No figures for this period.")


class FontsMissing(HavenError):
    code = "fonts_missing"
    status = 503
    default_message = N_(
        "The fonts for PDF documents are missing: install the Debian package fonts-noto-core."
    )


def label(value: Label, language: str) -> str:
    """A row's label in the reader's language (data is shown as stored)."""
    return value if isinstance(value, str) else value.render(language)


def note(value: Label, language: str) -> str:
    """A report's note in the reader's language (a msgid, or a `Text` with its values)."""
    return i18n.gettext(value, language) if isinstance(value, str) else value.render(language)


def notes(report: Report, language: str, threshold: int) -> list[str]:
    """The lines above every download: title, period, the rule of suppression, the notes."""
    start, end = report.filters.start.isoformat(), report.filters.end.isoformat()
    return [
        i18n.gettext(report.title, language),
        i18n.gettext(PERIOD, language).format(start=start, end=end),
        i18n.gettext(SUPPRESSION_NOTE, language).format(threshold=threshold),
        *(note(value, language) for value in report.notes),
    ]


def header(table: Table, language: str) -> list[str]:
    out = [i18n.gettext(table.dimension, language)]
    out += [i18n.gettext(c.label, language) for c in table.columns]
    if table.row_totals:
        out.append(i18n.gettext(TOTAL, language))
    return out


def hxl_row(table: Table) -> list[str]:
    out = [table.dimension_hxl, *(c.hxl for c in table.columns)]
    if table.row_totals:
        out.append(TOTAL_HXL)
    return out


def body(published: Published, language: str) -> list[list[int | str]]:
    """The table's rows as published, then the totals row."""
    table = published.table
    rows: list[list[int | str]] = []
    for i, row in enumerate(table.rows):
        line: list[int | str] = [label(row.label, language), *published.cells(i)]
        if table.row_totals:
            line.append(published.row_total(i))
        rows.append(line)
    if table.column_totals and table.rows:
        totals: list[int | str] = [i18n.gettext(TOTAL, language)]
        totals += ["" if v is None else v for v in published.column_totals()]
        if table.row_totals:
            totals.append(published.grand_total())
        rows.append(totals)
    return rows


def to_xlsx(report: Report, language: str, threshold: int) -> bytes:
    lines = notes(report, language, threshold)
    sheets = [
        exports.Sheet(
            title=i18n.gettext(table.title, language),
            notes=[*lines[:1], i18n.gettext(table.title, language), *lines[1:]],
            header=header(table, language),
            hxl=hxl_row(table),
            rows=body(suppress(table, threshold), language),
        )
        for table in report.tables
    ]
    return exports.to_workbook(sheets)


def to_csv(table: Table, language: str, threshold: int) -> bytes:
    """One table: the heading row, the HXL row, the rows (no notes above: HXL tools and
    spreadsheets expect the heading first; the period and the rule are in the file name and
    the XLSX)."""
    return exports.to_csv(
        header(table, language), body(suppress(table, threshold), language), hxl=hxl_row(table)
    )


def _font(name: str) -> str:
    path = FONT_DIR / name
    if not path.is_file():
        raise FontsMissing
    return str(path)


def to_pdf(report: Report, language: str, threshold: int) -> bytes:
    from fpdf import FPDF  # noqa: PLC0415 - fpdf2 loads with the first document, not at start-up

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(i18n.gettext(report.title, language))
    pdf.set_creator("Haven")
    pdf.set_author("Haven")
    pdf.add_font("NotoSans", fname=_font(LATIN_FONT))
    pdf.add_font("NotoSansMyanmar", fname=_font(MYANMAR_FONT))
    pdf.set_font("NotoSans", size=9)
    pdf.set_fallback_fonts(["NotoSansMyanmar"])
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    title, *rest = notes(report, language, threshold)
    pdf.set_font_size(16)
    pdf.multi_cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(9)
    for line in rest:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    for table in report.tables:
        _table(pdf, table, language, threshold)
    return bytes(pdf.output())


def _table(pdf: FPDF, table: Table, language: str, threshold: int) -> None:
    from fpdf.fonts import FontFace  # noqa: PLC0415 - loads with fpdf2, at the first document

    pdf.ln(4)
    pdf.set_font_size(12)
    pdf.multi_cell(0, 8, i18n.gettext(table.title, language), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(9)
    pdf.multi_cell(0, 6, i18n.gettext(table.description, language), new_x="LMARGIN", new_y="NEXT")
    if table.empty:
        pdf.multi_cell(0, 6, i18n.gettext(NO_FIGURES, language), new_x="LMARGIN", new_y="NEXT")
        return
    heading = header(table, language)
    rows: Sequence[Sequence[int | str]] = body(suppress(table, threshold), language)
    widths = (3, *([2] * (len(heading) - 1)))
    with pdf.table(
        col_widths=widths,
        text_align=("LEFT", *(["RIGHT"] * (len(heading) - 1))),
        line_height=6,
        headings_style=FontFace(fill_color=(230, 230, 230)),  # no bold: one weight embedded
    ) as grid:
        head = grid.row()
        for text in heading:
            head.cell(text)
        for values in rows:
            line = grid.row()
            for value in values:
                line.cell(f"{value:,}" if isinstance(value, int) else value)
