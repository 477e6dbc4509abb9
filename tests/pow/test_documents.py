"""The capture card PDF: its text, and the shaping of its Burmese checked against HarfBuzz."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import uharfbuzz as hb
from fontTools.ttLib import TTFont
from sqlalchemy.orm import Session

from haven.pow import bureau, documents, repository, service
from haven.pow.schemas import Art17In, Art122In
from tests.pow.conftest import Setting, place, register
from tests.pow.pdf_glyphs import read

NAME_MY = "ထက်နိုင်ဝင်း"  # stacked and reordered signs: wrong without shaping
MYANMAR = documents.FONT_DIR / documents.MYANMAR_FONT


def harfbuzz_glyphs(text: str, font_file: Path) -> list[int]:
    font = hb.Font(hb.Face(hb.Blob.from_file_path(str(font_file))))
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    hb.shape(font, buffer)
    return [info.codepoint for info in buffer.glyph_infos]


def unshaped_glyphs(text: str, font_file: Path) -> list[int]:
    font = TTFont(str(font_file))
    cmap = font.getBestCmap()
    return [font.getGlyphID(cmap[ord(c)]) for c in text]


def contains(drawn: list[set[int]], expected: list[int]) -> bool:
    """Whether the glyphs `expected` are drawn one after the other somewhere."""
    n = len(expected)
    return any(
        all(expected[k] in drawn[i + k] for k in range(n)) for i in range(len(drawn) - n + 1)
    )


def test_capture_card_text_and_burmese_shaping(db: Session, setting: Setting) -> None:
    camp = place(db, setting, "Camp Nan Mae Khon")
    record = register(db, setting, captured_on=date(2026, 11, 1), at=camp)
    service.update_art17(
        db,
        setting.officer,
        record.id,
        Art17In(
            first_names=NAME_MY,
            rank="Sergeant",
            birth_year=1990,
            birth_month=3,
            birth_day=14,
            service_number="BA-123456",
            refused=["surname"],
        ),
    )
    service.update_art122(
        db,
        setting.officer,
        record.id,
        Art122In(place_of_birth="Loikaw", father_first_name="U Ba Tin", refused=["address"]),
    )
    (card,) = repository.cards_of(db, record.id)
    content = bureau.capture_card_pdf(db, setting.officer, card.id)
    assert content.startswith(b"%PDF-")

    pdf = read(content)
    page = pdf.text()
    for expected in (
        "CAPTURE CARD FOR PRISONER OF WAR",
        "စစ်သုံ့ပန်း",
        NAME_MY,
        "Sergeant",
        "1990-03-14",
        "BA-123456",
        "Loikaw",
        "U Ba Tin",
        "2026-11-01",
        "Camp Nan Mae Khon",
        "due by / နောက်ဆုံးထား: 2026-11-08",
    ):
        assert expected in page, expected
    assert page.count("refused") == 2  # the surname and the address, nothing else

    # The Burmese name's glyphs are exactly HarfBuzz's for the same string and font …
    shaped = harfbuzz_glyphs(NAME_MY, MYANMAR)
    drawn = pdf.glyphs("NotoSansMyanmar", MYANMAR)
    assert contains(drawn, shaped)
    # … and shaping mattered: the character-by-character glyphs are different and absent.
    naive = unshaped_glyphs(NAME_MY, MYANMAR)
    assert naive != shaped
    assert not contains(drawn, naive)


def test_missing_fonts_name_the_package(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(documents, "FONT_DIR", tmp_path)
    with pytest.raises(documents.FontsMissing) as raised:
        documents.render_card([], footer="")
    assert "fonts-noto-core" in str(raised.value.message)
    assert raised.value.status == 503
