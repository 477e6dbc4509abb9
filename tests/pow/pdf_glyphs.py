"""A small reader for the PDFs fpdf2 writes: the glyphs each text operator draws, mapped back
to the glyph ids of the original font file, and the text its ToUnicode maps give.

Enough of PDF for our own files (Type0/Identity-H fonts, FlateDecode streams, Tj/TJ), so
the test compares what is really in the file, not what fpdf2 says it wrote.
"""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

from fontTools.pens.recordingPen import RecordingPen
from fontTools.ttLib import TTFont

_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in _OBJ.finditer(data)}


def _stream(obj: bytes) -> bytes:
    start = obj.index(b"stream") + len(b"stream")
    if obj[start : start + 2] == b"\r\n":
        start += 2
    elif obj[start : start + 1] == b"\n":
        start += 1
    length = int(re.search(rb"/Length (\d+)", obj).group(1))  # type: ignore[union-attr]
    raw = obj[start : start + length]
    return zlib.decompress(raw) if b"/FlateDecode" in obj[: obj.index(b"stream")] else raw


def _ref(obj: bytes, key: bytes) -> int:
    return int(re.search(rb"/" + key + rb" \[?(\d+) 0 R", obj).group(1))  # type: ignore[union-attr]


def _literal(content: bytes, i: int) -> tuple[bytes, int]:
    """A PDF literal string starting at content[i] == '('; returns (bytes, index after)."""
    out = bytearray()
    depth, i = 1, i + 1
    escapes = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
    while True:
        c = content[i]
        if c == ord("\\"):
            nxt = content[i + 1]
            if nxt in escapes:
                out.append(escapes[nxt])
                i += 2
            elif ord("0") <= nxt <= ord("7"):
                digits = re.match(rb"[0-7]{1,3}", content[i + 1 : i + 4]).group(0)  # type: ignore[union-attr]
                out.append(int(digits, 8) & 0xFF)
                i += 1 + len(digits)
            elif nxt in (10, 13):  # line continuation
                i += 2
            else:
                out.append(nxt)
                i += 2
            continue
        if c == ord("("):
            depth += 1
        elif c == ord(")"):
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(c)
        i += 1


def _runs(content: bytes) -> list[tuple[str, bytes]]:
    """(font resource name, string bytes) of every string shown, in order."""
    runs: list[tuple[str, bytes]] = []
    font, i, pending = "", 0, []
    while i < len(content):
        c = content[i : i + 1]
        if c == b"(":
            value, i = _literal(content, i)
            pending.append(value)
            continue
        if c == b"/":
            name = re.match(rb"/([A-Za-z0-9]+)", content[i:]).group(1)  # type: ignore[union-attr]
            rest = content[i + 1 + len(name) :]
            if re.match(rb"\s+[\d.]+\s+Tf", rest):
                font = name.decode()
            i += 1 + len(name)
            continue
        if content[i : i + 2] in (b"Tj", b"TJ"):
            runs.extend((font, value) for value in pending)
            pending = []
            i += 2
            continue
        if c == b"<" and content[i : i + 2] != b"<<":  # hex string
            end = content.index(b">", i)
            pending.append(bytes.fromhex(content[i + 1 : end].decode()))
            i = end + 1
            continue
        i += 1
    return runs


@dataclass
class PdfFont:
    cid_to_gid: bytes
    subset: TTFont
    to_unicode: dict[int, str]

    def original_gids(self, code: int, outlines: dict[str, set[int]]) -> set[int]:
        """The glyph ids of the original font drawn exactly like the subset's glyph for
        `code` (the subset renumbers glyphs and drops their names, so outlines decide)."""
        gid = (self.cid_to_gid[2 * code] << 8) | self.cid_to_gid[2 * code + 1]
        return outlines.get(_outline(self.subset, self.subset.getGlyphOrder()[gid]), set())


def _outline(font: TTFont, name: str) -> str:
    pen = RecordingPen()
    font.getGlyphSet()[name].draw(pen)
    return repr((font["hmtx"][name][0], pen.value))


def outlines_of(font_file: Path) -> dict[str, set[int]]:
    font = TTFont(str(font_file))
    found: dict[str, set[int]] = {}
    for gid, name in enumerate(font.getGlyphOrder()):
        found.setdefault(_outline(font, name), set()).add(gid)
    return found


def _to_unicode(cmap: bytes) -> dict[int, str]:
    found: dict[int, str] = {}
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for code, target in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", section):
            found[int(code, 16)] = bytes.fromhex(target.decode()).decode("utf-16-be")
    return found


@dataclass
class PdfText:
    fonts: dict[str, PdfFont]
    base_fonts: dict[str, str]
    runs: list[tuple[str, bytes]]

    def glyphs(self, base_font: str, font_file: Path) -> list[set[int]]:
        """For each glyph drawn with the font whose name ends in `base_font`, the glyph ids
        of `font_file` it can be (a set: a font may hold identical glyphs)."""
        outlines = outlines_of(font_file)
        ids: list[set[int]] = []
        for name, value in self.runs:
            if self.base_fonts[name].endswith(base_font):
                font = self.fonts[name]
                codes = [int.from_bytes(value[j : j + 2], "big") for j in range(0, len(value), 2)]
                ids.extend(font.original_gids(code, outlines) for code in codes)
        return ids

    def text(self) -> str:
        """The page's text through the ToUnicode maps (what copy and search see)."""
        out = []
        for name, value in self.runs:
            font = self.fonts[name]
            for j in range(0, len(value), 2):
                out.append(font.to_unicode.get(int.from_bytes(value[j : j + 2], "big"), ""))
        return "".join(out)


def read(data: bytes) -> PdfText:
    objects = _objects(data)
    fonts: dict[str, PdfFont] = {}
    base_fonts: dict[str, str] = {}
    for obj in objects.values():
        if b"/Font <<" not in obj and b"/Font <</" not in obj:
            continue
        for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", obj):
            type0 = objects[int(number)]
            cid = objects[_ref(type0, b"DescendantFonts")]
            descriptor = objects[_ref(cid, b"FontDescriptor")]
            base_fonts[name.decode()] = re.search(rb"/BaseFont /(\S+)", type0).group(1).decode()  # type: ignore[union-attr]
            fonts[name.decode()] = PdfFont(
                cid_to_gid=_stream(objects[_ref(cid, b"CIDToGIDMap")]),
                subset=TTFont(io.BytesIO(_stream(objects[_ref(descriptor, b"FontFile2")]))),
                to_unicode=_to_unicode(_stream(objects[_ref(type0, b"ToUnicode")])),
            )
    runs: list[tuple[str, bytes]] = []
    for obj in objects.values():
        if re.search(rb"/Type /Page\b", obj):
            for number in re.findall(rb"/Contents (\d+) 0 R", obj):
                runs.extend(_runs(_stream(objects[int(number)])))
    return PdfText(fonts=fonts, base_fonts=base_fonts, runs=runs)
