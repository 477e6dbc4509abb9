"""The lifecycles of this domain as explicit transition tables, and who counts as a child.

An illegal move raises Conflict (409) naming both states; nothing is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.errors import Conflict
from haven.i18n import N_, Text
from haven.people.models import Person
from haven.reception.models import ReceptionEvent
from haven.reception.service import may_be_a_child

Table = Mapping[str, frozenset[str]]

CASE: Table = {
    "open": frozenset({"closed"}),
    "closed": frozenset({"reopened"}),
    "reopened": frozenset({"closed"}),
}
TASK: Table = {
    "open": frozenset({"done", "cancelled"}),
    "done": frozenset(),
    "cancelled": frozenset(),
}
REFERRAL: Table = {
    "sent": frozenset({"accepted", "declined"}),
    "accepted": frozenset({"completed"}),
    "declined": frozenset(),
    "completed": frozenset(),
}
SERVE: Table = {
    "claimed": frozenset({"verified", "disputed"}),
    "disputed": frozenset({"verified"}),
    "verified": frozenset({"posted"}),
    "posted": frozenset(),
}
HOME: Table = {
    # Going back on a plan (re-assessing the risk) is allowed until the person has left.
    "planning": frozenset({"assessed"}),
    "assessed": frozenset({"planning", "returned"}),
    "returned": frozenset({"following_up"}),
    "following_up": frozenset({"completed"}),
    "completed": frozenset(),
}
EXILE_STEP: Table = {
    "pending": frozenset({"in_progress"}),
    "in_progress": frozenset({"blocked", "done"}),
    "blocked": frozenset({"in_progress"}),
    "done": frozenset(),
}
EXILE_STEPS = ("documents", "travel", "arrival")
ACTIVE_CASE = frozenset({"open", "reopened"})


_ILLEGAL: dict[str, str] = {
    "case": N_("The case cannot go from “{current}” to “{wanted}”."),
    "task": N_("The task cannot go from “{current}” to “{wanted}”."),
    "referral": N_("The referral cannot go from “{current}” to “{wanted}”."),
    "serve record": N_("The serve record cannot go from “{current}” to “{wanted}”."),
    "home plan": N_("The going-home plan cannot go from “{current}” to “{wanted}”."),
    "exile step": N_("The exile step cannot go from “{current}” to “{wanted}”."),
}


def check(table: Table, what: str, current: str, wanted: str) -> None:
    """Raise Conflict unless `table` allows `current` → `wanted`."""
    if wanted not in table.get(current, frozenset()):
        raise Conflict(Text(_ILLEGAL[what], {"current": current, "wanted": wanted}))


def is_child(session: Session, person: Person, *, on: datetime | None = None) -> bool:
    """Reception's child rule, reused: received as a child, or possibly under 18 today by the
    year of birth (doubt is resolved in the child's favour)."""
    today = (on or datetime.now(UTC)).date()
    if may_be_a_child(person.birth_year, today):
        return True
    received_as_child = session.scalar(
        select(ReceptionEvent.id)
        .where(ReceptionEvent.person_id == person.id, ReceptionEvent.classification == "child")
        .limit(1)
    )
    return received_as_child is not None
