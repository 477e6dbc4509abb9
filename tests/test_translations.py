"""Every user-facing message exists in Burmese, with the same placeholders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "haven" / "translations" / "my" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}|%\([a-z_]+\)[sd]")


def _catalog() -> dict[tuple[str | None, str], str]:
    """(message context, msgid) → Burmese, for the singular messages."""
    with PO.open("rb") as handle:
        return {
            (m.context, str(m.id)): str(m.string)
            for m in read_po(handle, locale="my")
            if m.id and isinstance(m.id, str)
        }


def test_every_message_in_the_sources_is_translated(tmp_path: Path) -> None:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            str(ROOT / "babel.cfg"),
            "-k",
            "N_",
            "-k",
            "NC_:1c,2",
            "-o",
            str(pot),
            "--no-location",
            "haven",
        ],
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    with pot.open("rb") as handle:
        wanted = {(m.context, str(m.id)) for m in read_po(handle) if m.id and isinstance(m.id, str)}
    catalog = _catalog()
    missing = sorted(m for m in wanted if not catalog.get(m))
    assert missing == [], "run `make extract-messages` and translate: " + repr(missing[:10])


def test_placeholders_survive_translation() -> None:
    for (_context, msgid), translation in _catalog().items():
        if translation:
            assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(translation)), (
                msgid
            )
