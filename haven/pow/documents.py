"""PDF documents of the registry: the capture card (Art. 70, GC III Annex IV B), the death
certificate (Art. 120) and the bureau's notice list, in English and Burmese.

fpdf2 shapes text with HarfBuzz (`set_text_shaping`, through uharfbuzz), so Burmese stacked
consonants, medials and reordered vowels come out as the font designer intended; without
shaping, Myanmar script renders as broken glyph sequences. The fonts are Noto Sans (Latin)
with Noto Sans Myanmar as fallback, both from the Debian package `fonts-noto-core`, embedded
(subset) in every file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from haven.errors import HavenError
from haven.i18n import N_

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_DIR = Path(os.environ.get("HAVEN_FONT_DIR", "/usr/share/fonts/truetype/noto"))
LATIN_FONT = "NotoSans-Regular.ttf"
MYANMAR_FONT = "NotoSansMyanmar-Regular.ttf"
FONT_PACKAGE = "fonts-noto-core"
REFUSED = "refused / ငြင်းဆိုသည်"


class FontsMissing(HavenError):
    code = "fonts_missing"
    status = 503
    default_message = N_(
        "The fonts for PDF documents are missing: install the Debian package fonts-noto-core."
    )


def font_path(name: str) -> Path:
    path = FONT_DIR / name
    if not path.is_file():
        raise FontsMissing
    return path


@dataclass(frozen=True)
class Line:
    """One labelled line: English label, Burmese label, value (None: not available)."""

    en: str
    my: str
    value: str | None


def new_pdf(title: str) -> FPDF:
    from fpdf import FPDF  # noqa: PLC0415 - fpdf2 loads with the first document, not at start-up

    # A5 (the card) and A4, in millimetres.
    pdf = FPDF(format=(148, 210) if title == "card" else (210, 297))
    pdf.set_title(title)
    pdf.set_creator("Haven")
    pdf.set_author("Haven")
    pdf.add_font("NotoSans", fname=str(font_path(LATIN_FONT)))
    pdf.add_font("NotoSansMyanmar", fname=str(font_path(MYANMAR_FONT)))
    pdf.set_font("NotoSans", size=10)
    pdf.set_fallback_fonts(["NotoSansMyanmar"])
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    return pdf


def _heading(pdf: FPDF, en: str, my: str) -> None:
    pdf.set_font_size(14)
    pdf.multi_cell(0, 8, en, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(12)
    pdf.multi_cell(0, 9, my, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(10)
    pdf.ln(2)


def _lines(pdf: FPDF, lines: list[Line]) -> None:
    label_width = (pdf.w - pdf.l_margin - pdf.r_margin) * 0.45
    for line in lines:
        y = pdf.get_y()
        pdf.set_font_size(8)
        pdf.multi_cell(label_width, 5, f"{line.en}\n{line.my}", new_x="RIGHT", new_y="TOP")
        pdf.set_font_size(10)
        pdf.multi_cell(0, 10, line.value if line.value else "—", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), y + 11))
        pdf.set_draw_color(200, 200, 200)
        pdf.line(pdf.l_margin, pdf.get_y() - 0.5, pdf.w - pdf.r_margin, pdf.get_y() - 0.5)


def render_card(lines: list[Line], *, footer: str) -> bytes:
    """The capture card: to the family and to the Central Tracing Agency."""
    pdf = new_pdf("card")
    _heading(
        pdf,
        "CAPTURE CARD FOR PRISONER OF WAR (GC III Art. 70)",
        "စစ်သုံ့ပန်း ဖမ်းဆီးခံရကြောင်း ကတ်",
    )
    _lines(pdf, lines)
    pdf.ln(3)
    pdf.set_font_size(8)
    pdf.multi_cell(0, 5, footer, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def render_certificate(lines: list[Line], *, footer: str) -> bytes:
    pdf = new_pdf("death-certificate")
    _heading(
        pdf,
        "DEATH CERTIFICATE OF A PRISONER OF WAR (GC III Art. 120)",
        "စစ်သုံ့ပန်း သေဆုံးကြောင်း သက်သေခံလက်မှတ်",
    )
    _lines(pdf, lines)
    pdf.ln(3)
    pdf.set_font_size(8)
    pdf.multi_cell(0, 5, footer, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def render_table(
    title_en: str, title_my: str, header: list[str], rows: list[list[str]], *, footer: str
) -> bytes:
    """A list (notices, weekly health report) as a landscape table."""
    from fpdf import FPDF  # noqa: PLC0415 - fpdf2 loads with the first document, not at start-up
    from fpdf.fonts import FontFace  # noqa: PLC0415 - as above

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.add_font("NotoSans", fname=str(font_path(LATIN_FONT)))
    pdf.add_font("NotoSansMyanmar", fname=str(font_path(MYANMAR_FONT)))
    pdf.set_font("NotoSans", size=7)
    pdf.set_fallback_fonts(["NotoSansMyanmar"])
    pdf.set_text_shaping(True)
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    _heading(pdf, title_en, title_my)
    pdf.set_font_size(6)
    # Regular weight for headings too: only the regular faces are embedded.
    headings = FontFace(emphasis="", fill_color=(230, 230, 230))
    with pdf.table(text_align="LEFT", line_height=4, headings_style=headings) as table:
        table.row(header)
        for row in rows:
            table.row([value or "—" for value in row])
    pdf.ln(3)
    pdf.multi_cell(0, 4, footer, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def birth_text(year: int | None, month: int | None, day: int | None) -> str | None:
    if year is None:
        return None
    if month is None:
        return str(year)
    if day is None:
        return f"{year}-{month:02d}"
    return date(year, month, day).isoformat()
