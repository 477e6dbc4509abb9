"""The QR code: made with segno, read back from a photo or scan with zxing-cpp (a real
decoder, the one the checkpoint command and the verification page's upload use)."""

from __future__ import annotations

import io

import segno
import zxingcpp
from PIL import Image, UnidentifiedImageError

# Level M survives a scuffed or partly covered card (15 % of the code) and keeps the code
# small enough (about 65 modules across) to scan from 30 mm on a printed card.
ERROR_LEVEL = "m"
MAX_IMAGE_PIXELS = 40_000_000


def make(text: str) -> segno.QRCode:
    return segno.make_qr(text, error=ERROR_LEVEL, boost_error=False)


def png(text: str, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    make(text).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def svg_data_uri(text: str) -> str:
    """For a page (the CSP allows `data:` images)."""
    return str(make(text).svg_data_uri(scale=4, border=4))


def decode_image(data: bytes) -> str | None:
    """The text of the first QR code in an image (PNG, JPEG…), None when there is none or the
    data is no image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                return None
            image.load()
            qr_only = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
            found = zxingcpp.read_barcodes(image.convert("L"), formats=qr_only)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    return found[0].text if found else None
