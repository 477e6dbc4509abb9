"""Fill the Burmese catalog from a table of translations (used while writing them).

Usage: python scripts/fill_translations.py table.tsv [more.tsv ...] — each line
`msgid<TAB>translation`; a message with a context is written `[context] msgid`; a plural is
named by either of its msgids and takes one Burmese form for every count.
Existing translations are kept unless a table gives a new one.
"""

import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

PO = Path("haven/translations/my/LC_MESSAGES/messages.po")


def _find(catalog: Catalog, msgid: str) -> Message | None:
    message = catalog.get(msgid)
    if message is None and msgid.startswith("[") and "] " in msgid:
        context, _, plain = msgid[1:].partition("] ")
        message = catalog.get(plain, context=context)
    return message


def main(*tables: str) -> None:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="my")
    rows = [
        line.split("\t", 1)
        for table in tables
        for line in Path(table).read_text(encoding="utf-8").splitlines()
        if "\t" in line
    ]
    plurals = {m.id[1]: m for m in catalog if isinstance(m.id, tuple)}
    for msgid, translation in rows:
        message = _find(catalog, msgid)
        if message is None and msgid in plurals:
            # A plural form's second msgid: Burmese has one form, used for every count.
            message = plurals[msgid]
        if message is None:
            print(f"not in catalog: {msgid!r}", file=sys.stderr)
            continue
        if isinstance(message.id, tuple):
            message.string = tuple(translation.strip() for _ in message.id)
        else:
            message.string = translation.strip()
        message.flags.discard("fuzzy")
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False)
    missing = [m.id for m in catalog if m.id and not m.string]
    print(f"{len(catalog) - 1} messages, {len(missing)} untranslated")
    for msgid in missing:
        print(f"  untranslated: {msgid!r}")


if __name__ == "__main__":
    main(*sys.argv[1:])
