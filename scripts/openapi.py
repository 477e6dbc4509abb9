"""Write Haven's OpenAPI document to docs/openapi.json (`make openapi`), or check it (`--check`).

The snapshot is what `tests/web/test_openapi.py` compares the live document with: refresh it
after a change to the API, with the version bumped as `haven.web.openapi` says.
"""

from __future__ import annotations

import sys
from pathlib import Path

from haven.web.app import create_app
from haven.web.openapi import render, standalone

SNAPSHOT = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"


def main(argv: list[str]) -> int:
    text = render(standalone(create_app))
    if "--check" in argv:
        same = SNAPSHOT.exists() and SNAPSHOT.read_text(encoding="utf-8") == text
        print("docs/openapi.json is up to date." if same else "docs/openapi.json is out of date.")
        return 0 if same else 1
    SNAPSHOT.write_text(text, encoding="utf-8")
    print(f"Wrote {SNAPSHOT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
