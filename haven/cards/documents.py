"""The card as a PDF: two ID-1 pages (85.6 x 54 mm), the front with the photo, both names, the
reference, the card number, the issuer and the validity; the back with the signed QR code.

What the card must never say (docs/cards.md): a unit, a rank, or a word that says defector,
deserter or prisoner, in either language. The card prints only the fields below, never the
person's honorific (it can be a rank word, "Bo"), and an issuer whose name says one of those
words is printed as "Haven" instead (`safe_issuer`). Shaping as in the registry's documents:
fpdf2 with HarfBuzz, Noto Sans and Noto Sans Myanmar embedded.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from haven.cards import qr
from haven.errors import HavenError
from haven.i18n import N_

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_DIR = Path(os.environ.get("HAVEN_FONT_DIR", "/usr/share/fonts/truetype/noto"))
LATIN_FONT = "NotoSans-Regular.ttf"
MYANMAR_FONT = "NotoSansMyanmar-Regular.ttf"
CARD_SIZE = (54.0, 85.6)  # ID-1, landscape
ISSUER_MAX = 60
FALLBACK_ISSUER = "Haven"

# Words that say what the holder was: in English (a word starting so, any case) and in
# Burmese (anywhere): prisoner of war, deserter, defector, surrender, unit words, officer.
_ENGLISH = re.compile(
    r"\b(defect|desert|prisoner|pow\b|p\.o\.w|surrender|captiv|captured|battalion|"
    r"regiment|soldier|rank\b|unit\b)",
    re.IGNORECASE,
)
BURMESE = (
    "ကူးပြောင်း",  # the glossary's defector, ပြည်သူ့ဘက် ကူးပြောင်းသူ (docs/glossary.md)
    "စစ်သုံ့ပန်း",
    "တပ်ပြေး",
    "တပ်ခွဲ",
    "တပ်ရင်း",
    "တပ်မ",
    "ဗိုလ်",
    "လက်နက်ချ",
    "ခံဝင်",
    "စစ်သား",
)


class FontsMissing(HavenError):
    code = "fonts_missing"
    status = 503
    default_message = N_(
        "The fonts for PDF documents are missing: install the Debian package fonts-noto-core."
    )


def says_too_much(text: str) -> bool:
    return _ENGLISH.search(text) is not None or any(word in text for word in BURMESE)


def safe_issuer(name: str) -> str:
    """The issuer as the card prints and signs it: the organisation's name, unless that name
    says what the holder was (then "Haven"), cut to fit."""
    name = " ".join(name.split())[:ISSUER_MAX]
    return FALLBACK_ISSUER if not name or says_too_much(name) else name


@dataclass(frozen=True)
class CardFace:
    name_latin: str
    name_my: str
    reference: str
    card_number: str
    issuer: str
    issued_on: date
    valid_until: date
    photo: bytes | None
    qr_text: str


def _font(name: str) -> str:
    path = FONT_DIR / name
    if not path.is_file():
        raise FontsMissing
    return str(path)


def _new_pdf() -> FPDF:
    from fpdf import FPDF  # noqa: PLC0415 - fpdf2 loads with the first document, not at start-up

    pdf = FPDF(orientation="landscape", format=CARD_SIZE)
    pdf.set_title("card")
    pdf.set_creator("Haven")
    pdf.set_author("Haven")
    pdf.add_font("NotoSans", fname=_font(LATIN_FONT))
    pdf.add_font("NotoSansMyanmar", fname=_font(MYANMAR_FONT))
    pdf.set_font("NotoSans", size=7)
    pdf.set_fallback_fonts(["NotoSansMyanmar"])
    pdf.set_text_shaping(True)
    pdf.set_margins(4, 4, 4)
    pdf.set_auto_page_break(auto=False)
    return pdf


def _line(pdf: FPDF, x: float, label: str, value: str, *, size: float = 7) -> None:
    pdf.set_x(x)
    pdf.set_font_size(4.6)
    pdf.cell(0, 2.6, label, new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(x)
    pdf.set_font_size(size)
    pdf.multi_cell(pdf.w - x - pdf.r_margin, 3.6, value or "—", new_x="LMARGIN", new_y="NEXT")


def _qr(pdf: FPDF, text: str, x: float, y: float, size: float) -> None:
    """The code drawn as vector squares: crisp at any printer's resolution."""
    code = qr.make(text)
    rows = list(code.matrix)
    module = size / len(rows)
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                pdf.rect(x + c * module, y + r * module, module, module, style="F")


def render(face: CardFace) -> bytes:
    pdf = _new_pdf()
    # The front.
    pdf.add_page()
    pdf.set_font_size(8)
    pdf.cell(0, 4, f"{face.issuer}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(6)
    pdf.cell(0, 3.5, "IDENTITY CARD / သက်သေခံကတ်ပြား", new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 1
    photo_w, photo_h = 20.0, 25.0
    if face.photo:
        pdf.image(io.BytesIO(face.photo), x=pdf.l_margin, y=top, w=photo_w, h=photo_h)
    else:
        pdf.set_draw_color(150, 150, 150)
        pdf.rect(pdf.l_margin, top, photo_w, photo_h)
    x = pdf.l_margin + photo_w + 3
    pdf.set_y(top)
    _line(pdf, x, "Name / အမည်", face.name_latin, size=7.5)
    _line(pdf, x, "အမည် (မြန်မာ)", face.name_my, size=7.5)
    _line(pdf, x, "Reference / ကိုးကားနံပါတ်", face.reference)
    _line(pdf, x, "Card number / ကတ်နံပါတ်", face.card_number)
    pdf.set_y(max(pdf.get_y(), top + photo_h) + 0.5)
    pdf.set_font_size(5.5)
    pdf.cell(
        0,
        3,
        f"Issued / ထုတ်ပေးသည့်ရက် {face.issued_on.isoformat()}   "
        f"Valid until / သက်တမ်းကုန်ရက် {face.valid_until.isoformat()}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    # The back: the signed code, as large as the card allows.
    pdf.add_page()
    size = pdf.h - pdf.t_margin - pdf.b_margin
    _qr(pdf, face.qr_text, pdf.l_margin, pdf.t_margin, size)
    x = pdf.l_margin + size + 3
    pdf.set_y(pdf.t_margin + 2)
    _line(pdf, x, "Card number / ကတ်နံပါတ်", face.card_number)
    _line(pdf, x, "Issued by / ထုတ်ပေးသူ", face.issuer, size=6)
    pdf.set_x(x)
    pdf.set_font_size(5)
    pdf.multi_cell(
        pdf.w - x - pdf.r_margin,
        2.8,
        "Scan the code to check this card. / ကတ်ကို စစ်ဆေးရန် ကုဒ်ကို စကင်ဖတ်ပါ။",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
