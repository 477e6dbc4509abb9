"""Photos re-encoded on upload, so that no metadata (EXIF, GPS, camera serial) survives.

A photo of a person or of a signed receipt is decoded, converted to RGB, shrunk to fit a
square of `max_side` pixels and saved again as JPEG: only the pixels survive, never the
file's metadata, which can name the place and the device it was taken with.
"""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from haven.errors import ValidationFailed
from haven.i18n import N_

MAX_PHOTO_BYTES = 5 * 1024 * 1024
JPEG = "image/jpeg"


def clean_jpeg(content: bytes, *, field: str, max_side: int) -> bytes:
    """The photo re-encoded as JPEG without metadata; ValidationFailed (on `field`) when it
    is larger than `MAX_PHOTO_BYTES` or not an image."""
    if len(content) > MAX_PHOTO_BYTES:
        raise ValidationFailed(fields={field: N_("The photo is too large: at most 5 MB.")})
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            rgb = image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        raise ValidationFailed(
            fields={field: N_("Choose a photo in JPEG or PNG format.")}
        ) from None
    rgb.thumbnail((max_side, max_side))
    out = io.BytesIO()
    rgb.save(out, format="JPEG", quality=85)
    return out.getvalue()
