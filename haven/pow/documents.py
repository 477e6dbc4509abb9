"""PDF documents of the registry: the capture card (Art. 70, GC III Annex IV B), the death
certificate (Art. 120) and the bureau's notice list, in English and Burmese.

The capture card follows the Convention's model: its items in the model's order, then the
date and signature lines left blank for the prisoner (Annex IV B, items 13 and 14).

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
from haven.programme.public import LegalFramework

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
    if title == "card":  # one A5 page: the model card's items, then date and signature
        pdf.set_margins(9, 8, 9)
        pdf.set_auto_page_break(auto=True, margin=7)
    else:
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


def _lines(pdf: FPDF, lines: list[Line], *, compact: bool = False) -> None:
    label_width = (pdf.w - pdf.l_margin - pdf.r_margin) * 0.45
    label_size, label_height, value_height = (6.5, 3.3, 6.5) if compact else (8, 5, 10)
    for line in lines:
        y = pdf.get_y()
        pdf.set_font_size(label_size)
        pdf.multi_cell(
            label_width, label_height, f"{line.en}\n{line.my}", new_x="RIGHT", new_y="TOP"
        )
        pdf.set_font_size(8.5 if compact else 10)
        value = line.value if line.value else "—"
        pdf.multi_cell(0, value_height, value, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(max(pdf.get_y(), y + value_height + 1))
        pdf.set_draw_color(200, 200, 200)
        pdf.line(pdf.l_margin, pdf.get_y() - 0.5, pdf.w - pdf.r_margin, pdf.get_y() - 0.5)


def _blank_lines(pdf: FPDF, labels: list[tuple[str, str]]) -> None:
    """Lines to write on by hand (the capture card's date and signature)."""
    label_width = (pdf.w - pdf.l_margin - pdf.r_margin) * 0.3
    pdf.set_draw_color(0, 0, 0)
    for en, my in labels:
        pdf.ln(2)
        pdf.set_font_size(8)
        pdf.multi_cell(label_width, 7, f"{en} / {my}", new_x="RIGHT", new_y="TOP")
        # fpdf2 re-selects the main font only when the font changes: after text drawn with
        # the Myanmar fallback, the next label would be drawn with the fallback's glyphs.
        pdf.set_font_size(10)
        y = pdf.get_y() + 6
        pdf.line(pdf.get_x(), y, pdf.w - pdf.r_margin, y)
        pdf.ln(7)


def _titled(
    pdf: FPDF,
    framework: LegalFramework | None,
    *,
    of_pow: tuple[str, str],
    plain: tuple[str, str],
    article: str,
) -> None:
    """The title as the legal framework has it (docs/legal-framework.md): in an international
    conflict, "... of a prisoner of war (GC III Art. n)"; in a non-international one, the plain
    title, the article's standard "applied by commitment", and the line naming the commitment,
    never Convention prisoner-of-war status."""
    if framework is None or framework.international:
        cite = framework.article(article).en if framework else f"(GC III Art. {article})"
        _heading(pdf, f"{of_pow[0]} {cite}", of_pow[1])
        return
    cite_both = framework.article(article)
    _heading(pdf, f"{plain[0]} {cite_both.en}", f"{plain[1]} {cite_both.my}")
    pdf.set_font_size(9)
    pdf.multi_cell(0, 5, framework.status_line.en, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 6, framework.status_line.my, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(10)
    pdf.ln(2)


def _footer(pdf: FPDF, footer: str, framework: LegalFramework | None, *, height: float = 5) -> None:
    """The document's own footer, then the law that binds (the framework's basis)."""
    pdf.multi_cell(0, height, footer, new_x="LMARGIN", new_y="NEXT")
    if framework is not None:
        pdf.multi_cell(0, height, framework.basis.en, new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, height + 1, framework.basis.my, new_x="LMARGIN", new_y="NEXT")


def render_card(
    lines: list[Line], *, footer: str, framework: LegalFramework | None = None
) -> bytes:
    """The capture card: to the family and to the Central Tracing Agency."""
    pdf = new_pdf("card")
    _titled(
        pdf,
        framework,
        of_pow=("CAPTURE CARD FOR PRISONER OF WAR", "စစ်သုံ့ပန်း ဖမ်းဆီးခံရကြောင်း ကတ်"),
        plain=("CAPTURE CARD", "ဖမ်းဆီးခံရကြောင်း ကတ်"),
        article="70",
    )
    _lines(pdf, lines, compact=True)
    _blank_lines(pdf, [("Date", "ရက်စွဲ"), ("Signature", "လက်မှတ်")])
    pdf.ln(2)
    pdf.set_font_size(6)
    _footer(pdf, footer, framework, height=3)
    return bytes(pdf.output())


def render_certificate(
    lines: list[Line], *, footer: str, framework: LegalFramework | None = None
) -> bytes:
    pdf = new_pdf("death-certificate")
    _titled(
        pdf,
        framework,
        of_pow=(
            "DEATH CERTIFICATE OF A PRISONER OF WAR",
            "စစ်သုံ့ပန်း သေဆုံးကြောင်း သက်သေခံလက်မှတ်",
        ),
        plain=("DEATH CERTIFICATE", "သေဆုံးကြောင်း သက်သေခံလက်မှတ်"),
        article="120",
    )
    _lines(pdf, lines)
    pdf.ln(3)
    pdf.set_font_size(8)
    _footer(pdf, footer, framework)
    return bytes(pdf.output())


def render_table(
    title_en: str,
    title_my: str,
    header: list[str],
    rows: list[list[str]],
    *,
    footer: str,
    framework: LegalFramework | None = None,
    article: str | None = None,
) -> bytes:
    """A list (notices, weekly health report) as a landscape table; its title cites the
    article as the legal framework has it (the article itself, or its standard applied by
    commitment)."""
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
    if framework is not None and article is not None:
        cite = framework.article(article)
        title_en, title_my = f"{title_en} {cite.en}", f"{title_my} {cite.my}"
    _heading(pdf, title_en, title_my)
    pdf.set_font_size(6)
    # Regular weight for headings too: only the regular faces are embedded.
    headings = FontFace(emphasis="", fill_color=(230, 230, 230))
    with pdf.table(text_align="LEFT", line_height=4, headings_style=headings) as table:
        table.row(header)
        for row in rows:
            table.row([value or "—" for value in row])
    pdf.ln(3)
    _footer(pdf, footer, framework, height=4)
    return bytes(pdf.output())


def birth_text(year: int | None, month: int | None, day: int | None) -> str | None:
    if year is None:
        return None
    if month is None:
        return str(year)
    if day is None:
        return f"{year}-{month:02d}"
    return date(year, month, day).isoformat()
