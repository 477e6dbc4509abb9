"""A screening hit's explanation, stored as its parts and written in the reader's language.

A hit is explained when it is found and the explanation is stored (encrypted, with the hit),
but the reader may read Burmese or English: so what is stored is the facts as JSON (who the
entry is, the reasons found, the unit, incident and periods) and `render` writes the
sentence in the language asked for. Explanations stored before this were English sentences;
they are shown as they were.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from haven import i18n
from haven.i18n import N_
from haven.vetting.schemas import IncidentKind

KIND_LABELS = i18n.labels(IncidentKind)

NAME_HIT = N_("Name may be %(entry)s: %(reasons)s.")
PERPETRATOR = N_("alleged perpetrator “%(name)s” of incident %(incident)s")
PERPETRATOR_IN_UNIT = N_("alleged perpetrator “%(name)s” (%(unit)s) of incident %(incident)s")
WATCHLIST_ENTRY = N_("entry “%(name)s” of watchlist “%(watchlist)s”")
UNIT_HIT = N_(
    "Unit %(unit)s was implicated in incident %(incident)s (%(kind)s, %(period)s); "
    "the person served in %(unit)s from %(start)s to %(end)s."
)
UNIT_HIT_IN_TOWNSHIP = N_(
    "Unit %(unit)s was implicated in incident %(incident)s (%(kind)s, %(period)s, "
    "%(township)s); the person served in %(unit)s from %(start)s to %(end)s."
)
UNKNOWN_DATE = N_("an unknown date")
REASON_SEPARATOR = N_("; ")


def perpetrator(*, name: str, rank: str | None, unit: str | None, incident: str) -> dict[str, str]:
    """Who a perpetrator entry is, for a name hit's explanation."""
    about = {"entry": "perpetrator", "name": f"{rank} {name}" if rank else name}
    return about | {"incident": incident} | ({"unit": unit} if unit else {})


def watchlist_entry(*, name: str, watchlist: str) -> dict[str, str]:
    """Who a watchlist entry is, for a name hit's explanation."""
    return {"entry": "watchlist", "name": name, "watchlist": watchlist}


def name_hit(about: dict[str, str], reasons: Sequence[str]) -> str:
    """The stored explanation of a name hit."""
    return json.dumps({"hit": "name", "about": about, "reasons": list(reasons)}, ensure_ascii=False)


def unit_hit(
    *,
    unit: str,
    incident: str,
    kind: str,
    period: str,
    township: str | None,
    start: date | None,
    end: date,
) -> str:
    """The stored explanation of a unit-and-period hit."""
    return json.dumps(
        {
            "hit": "unit",
            "unit": unit,
            "incident": incident,
            "kind": kind,
            "period": period,
            "township": township,
            "start": start.isoformat() if start else None,
            "end": end.isoformat(),
        },
        ensure_ascii=False,
    )


def render(stored: str | None, language: str | None = None) -> str:
    """The explanation in `language` (default: the request's); an old English sentence as
    it was stored."""
    if not stored:
        return ""
    try:
        facts = json.loads(stored)
    except ValueError:
        return stored
    if not isinstance(facts, dict):
        return stored
    if facts.get("hit") == "name":
        return _name(facts, language)
    if facts.get("hit") == "unit":
        return _unit(facts, language)
    return stored


def _(msgid: str, language: str | None) -> str:
    return i18n.gettext(msgid, language)


def _name(facts: dict[str, Any], language: str | None) -> str:
    about: dict[str, str] = facts.get("about") or {}
    if about.get("entry") == "watchlist":
        entry = _(WATCHLIST_ENTRY, language) % {
            "name": about.get("name", ""),
            "watchlist": about.get("watchlist", ""),
        }
    else:
        template = PERPETRATOR_IN_UNIT if about.get("unit") else PERPETRATOR
        entry = _(template, language) % {
            "name": about.get("name", ""),
            "unit": about.get("unit", ""),
            "incident": about.get("incident", ""),
        }
    # The matching's reasons are its msgids ("same unit"): written in the reader's language.
    reasons = _(REASON_SEPARATOR, language).join(
        _(str(reason), language) for reason in facts.get("reasons") or []
    )
    return _(NAME_HIT, language) % {"entry": entry, "reasons": reasons}


def _unit(facts: dict[str, Any], language: str | None) -> str:
    template = UNIT_HIT_IN_TOWNSHIP if facts.get("township") else UNIT_HIT
    kind = str(facts.get("kind") or "")
    return _(template, language) % {
        "unit": facts.get("unit", ""),
        "incident": facts.get("incident", ""),
        "kind": _kind_label(kind, language),
        "period": facts.get("period", ""),
        "township": facts.get("township") or "",
        "start": facts.get("start") or _(UNKNOWN_DATE, language),
        "end": facts.get("end", ""),
    }


def _kind_label(kind: str, language: str | None) -> str:
    label = KIND_LABELS.get(kind)
    return i18n.render(label, language) if label else kind
