"""Payments against budget, by funder, plan component and currency (docs/reports.md,
"Payments against budget").

One table of money per currency: each funder's budget line for a component, its share of what
is owed (entitled), of what approved batches will pay, of what was paid in the period and up
to its end (the funders' ledger accounts, net of reversals), what remains of the budget and
the part used. One table of people per currency: how many different persons are behind each
component's figures. Every sum and count is made by the database
(`haven.allowances.public`).

Money is not a count of persons, but an amount paid to few people reveals them: the plan's
rates are known, so an amount tells how many were paid and what each one got. So a component
whose figures rest on 1 to `threshold - 1` persons (entitled, approved, paid in the period or
paid up to its end) is not shown on its own lines: its lines are added together, with every
other such component, into one line "Other components, all funders". If that line still rests
on too few persons, the smallest shown component joins it, until it does not; if the whole
currency rests on too few persons, its amounts are not shown at all (a note says so). Funders'
lines of one component are merged together because their shares are known: one funder's line
would reveal the others'.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from haven.allowances.public import (
    approved_by_line,
    budget_rows,
    entitled_by_line,
    paid_by_line,
    people_by_component,
)
from haven.config import get_settings
from haven.i18n import N_, Text
from haven.kernel import clock
from haven.reports.tables import (
    Column,
    Filters,
    Label,
    Names,
    Report,
    ReportSpec,
    Row,
    Table,
)
from haven.security.permissions import Actor, Permission, require

KEY = "payments"
TITLE = N_("Payments against budget")
DESCRIPTION = N_(
    "Budget, entitlements, approved and paid amounts by funder, plan component and currency."
)
FULL = 10_000  # basis points: a funder's share of a component

Component = tuple[str, str]  # (component code, currency)
People = tuple[int, int, int, int]  # entitled, approved, paid in the period, paid to its end


@dataclass
class Line:
    """One row of money: a funder's line (or lines added together), in minor units."""

    key: str
    label: Label
    budget: int = 0
    entitled: int = 0  # ×10,000 until shown
    approved: int = 0  # ×10,000 until shown
    paid: int = 0
    paid_to_date: int = 0

    def add(self, other: Line) -> None:
        self.budget += other.budget
        self.entitled += other.entitled
        self.approved += other.approved
        self.paid += other.paid
        self.paid_to_date += other.paid_to_date

    def values(self) -> tuple[int, ...]:
        remaining = self.budget - self.paid_to_date
        used = self.paid_to_date * 100 // self.budget if self.budget > 0 else 0
        return (
            self.budget,
            self.entitled // FULL,
            self.approved // FULL,
            self.paid,
            self.paid_to_date,
            remaining,
            used,
        )


def instants(filters: Filters) -> tuple[datetime, datetime]:
    return clock.start_of_day(filters.start), clock.start_of_day(filters.end + timedelta(days=1))


def money_columns(currency: str) -> tuple[Column, ...]:
    tag = currency.lower()

    def money(key: str, label: str, hxl: str) -> Column:
        return Column(key=key, label=label, hxl=f"{hxl} +{tag}", suppress=False, currency=currency)

    return (
        money("budget", N_("Budget"), "#value +budget"),
        money("entitled", N_("Entitled (funder's share)"), "#value +entitled"),
        money("approved", N_("Approved, not paid yet"), "#value +approved"),
        money("paid", N_("Paid in the period"), "#value +paid"),
        money("paid_to_date", N_("Paid up to the end of the period"), "#value +paid +total"),
        money("remaining", N_("Remaining of the budget"), "#value +remaining"),
        Column(key="used", label=N_("Budget used (%)"), hxl="#value +used +pct", suppress=False),
    )


PEOPLE_COLUMNS = (
    Column(key="entitled", label=N_("People entitled"), hxl="#affected +entitled"),
    Column(key="approved", label=N_("People approved, not paid yet"), hxl="#affected +approved"),
    Column(key="paid", label=N_("People paid in the period"), hxl="#reached +paid"),
    Column(key="paid_to_date", label=N_("People paid up to its end"), hxl="#reached +paid +total"),
)


def _few(people: People, threshold: int) -> bool:
    return any(0 < count < threshold for count in people)


def _combined(
    session: Session,
    actor: Actor,
    period: tuple[datetime, datetime],
    components: Iterable[Component],
) -> dict[str, People]:
    """Currency -> the persons behind these components together (counted by the database)."""
    found = people_by_component(session, actor, *period, combined=set(components))
    return {currency: people for (_, currency), people in found.items()}


def _hidden(
    session: Session,
    actor: Actor,
    period: tuple[datetime, datetime],
    people: dict[Component, People],
    threshold: int,
) -> dict[Component, bool]:
    """The components not shown on their own lines (`True`: not even in the combined line,
    the whole currency resting on too few persons)."""
    hidden = {c for c, counted in people.items() if _few(counted, threshold)}
    shown = sorted(
        (c for c in people if c not in hidden),
        key=lambda c: (people[c][0], c),  # the smallest first, by persons entitled
    )
    while True:
        together = _combined(session, actor, period, hidden) if hidden else {}
        still_few = {cur for cur, counted in together.items() if _few(counted, threshold)}
        if not still_few:
            return dict.fromkeys(hidden, False)
        joining = [c for c in shown if c[1] in still_few]
        if not joining:  # nothing left to add: the currency is not shown
            return {c: c[1] in still_few for c in hidden}
        hidden.add(joining[0])
        shown.remove(joining[0])


def build(session: Session, actor: Actor, filters: Filters) -> Report:
    require(actor, Permission.REPORT_AGGREGATE)
    threshold = get_settings().report_min_cell
    period = instants(filters)
    names: dict[str, tuple[str, str | None]] = {}  # funder -> its names in both scripts
    lines: dict[tuple[str, str, str], Line] = {}  # (funder, code, currency)

    def line(funder: str, code: str, currency: str) -> Line:
        key = (funder, code, currency)
        if key not in lines:
            en, my = names.get(funder, ("—", None))
            label = Names(f"{en} · {code}", f"{my} · {code}" if my else None)
            lines[key] = Line(key=f"{funder}:{code}", label=label)
        return lines[key]

    for funder_id, name, name_my, code, currency, _share, budget in budget_rows(session, actor):
        names[str(funder_id)] = (name, name_my)
        line(str(funder_id), code, currency).budget += budget
    for (funder_id, code, currency), amount in entitled_by_line(session, actor).items():
        line(str(funder_id), code, currency).entitled += amount
    for (funder_id, code, currency), amount in approved_by_line(session, actor).items():
        line(str(funder_id), code, currency).approved += amount
    for (funder_id, code, currency), (paid, to_date) in paid_by_line(
        session, actor, *period
    ).items():
        found = line(str(funder_id), code, currency)
        found.paid += paid
        found.paid_to_date += to_date

    people = people_by_component(session, actor, *period)
    hidden = _hidden(session, actor, period, people, threshold)
    tables: list[Table] = []
    notes: list[Label] = []
    for currency in sorted({key[2] for key in lines}):
        rows: list[Row] = []
        other = Line(key="other", label=Text(N_("Other components, all funders")))
        withheld = False
        for (_funder, code, cur), found in sorted(lines.items(), key=_order):
            if cur != currency:
                continue
            if (code, cur) in hidden:
                other.add(found)
                withheld = withheld or hidden[(code, cur)]
            else:
                rows.append(Row(key=found.key, label=found.label, values=found.values()))
        if withheld:
            notes.append(
                Text(
                    N_("Amounts in {currency} are not shown: fewer than {threshold} people."),
                    {"currency": currency, "threshold": threshold},
                )
            )
            continue
        if any(other.values()):
            rows.append(Row(key=other.key, label=other.label, values=other.values()))
        tables.append(_money_table(currency, rows))
    tables.append(_people_table(people))
    return Report(key=KEY, title=TITLE, filters=filters, tables=tuple(tables), notes=notes)


def _order(item: tuple[tuple[str, str, str], Line]) -> tuple[str, str]:
    label = item[1].label
    return (label.en if isinstance(label, Names) else str(label), item[0][1])


def _money_table(currency: str, rows: list[Row]) -> Table:
    return Table(
        key=f"money-{currency.lower()}",
        title=N_("Amounts against budget"),
        description=N_(
            "Each funder's budget line in one currency; amounts resting on too few people "
            "are added together in the last line."
        ),
        dimension=N_("Funder and component"),
        dimension_hxl="#org +funder +name",
        columns=money_columns(currency),
        rows=tuple(rows),
        row_totals=False,
        column_totals=False,
        chart=None,
    )


def _people_table(people: dict[Component, People]) -> Table:
    rows = tuple(
        Row(key=f"{code}:{currency}", label=f"{code} · {currency}", values=people[(code, currency)])
        for code, currency in sorted(people)
    )
    return Table(
        key="people",
        title=N_("People behind the amounts"),
        description=N_(
            "Different persons per component; a person can be in several components, so "
            "the columns are not added up."
        ),
        dimension=N_("Component"),
        dimension_hxl="#indicator +component",
        columns=PEOPLE_COLUMNS,
        rows=rows,
        row_totals=False,
        column_totals=False,
        chart=None,
    )


SPEC = ReportSpec(
    key=KEY,
    title=TITLE,
    description=DESCRIPTION,
    permission=Permission.REPORT_AGGREGATE,
    build=build,
)
