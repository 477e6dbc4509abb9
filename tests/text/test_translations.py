"""Every msgid in haven.text has a Burmese translation.

New translations wait in haven/text/translations-my.tsv until they are merged into the Burmese
catalog; the test accepts either place, so it keeps guarding after the merge.
"""

from __future__ import annotations

import ast
from pathlib import Path

from babel.messages.pofile import read_po

import haven.text
from haven.i18n import TRANSLATIONS_DIR
from haven.text.normalise import has_myanmar

PACKAGE = Path(haven.text.__file__).parent
PENDING = PACKAGE / "translations-my.tsv"
CATALOG = TRANSLATIONS_DIR / "my" / "LC_MESSAGES" / "messages.po"


def _msgids() -> set[str]:
    found: set[str] = set()
    for source in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_":
                argument = node.args[0]
                assert isinstance(argument, ast.Constant)
                assert isinstance(argument.value, str)
                found.add(argument.value)
    return found


def _pending() -> dict[str, str]:
    if not PENDING.exists():
        return {}
    entries: dict[str, str] = {}
    for line in PENDING.read_text(encoding="utf-8").splitlines():
        msgid, tab, translation = line.partition("\t")
        assert tab, f"no tab in {line!r}: one msgid<TAB>translation per line"
        assert "\t" not in translation
        entries[msgid] = translation
    return entries


def _catalog() -> dict[str, str]:
    with CATALOG.open("rb") as po:
        catalog = read_po(po)
    return {
        str(message.id): str(message.string)
        for message in catalog
        if message.id and isinstance(message.string, str) and message.string
    }


def test_every_msgid_has_a_burmese_translation() -> None:
    msgids = _msgids()
    translations = {**_catalog(), **_pending()}
    assert len(msgids) > 20
    missing = sorted(msgid for msgid in msgids if not has_myanmar(translations.get(msgid, "")))
    assert missing == []


def test_placeholders_survive_translation() -> None:
    for msgid, translation in _pending().items():
        assert msgid.count("{") == translation.count("{")
