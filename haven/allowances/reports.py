"""Reports: disbursed and outstanding, by funder, component and month, and a bar chart.

Disbursed figures come from the funders' ledger accounts (payments minus reversals, in the
month they were posted); outstanding figures from instalments owed and not paid, in the month
they fall due, attributed to funders by their current shares.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from haven.allowances import ledger
from haven.allowances.funders import shares_by_component
from haven.allowances.models import BudgetLine
from haven.allowances.plans import require_any
from haven.allowances.repository import BudgetLines, Funders, Instalments, Ledger
from haven.allowances.rules import format_money
from haven.security.permissions import Actor, Permission

READERS = (Permission.PAYMENT_READ,)


@dataclass(frozen=True)
class Row:
    funder: str
    component_code: str
    month: str
    currency: str
    disbursed: int
    outstanding: int


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    text: str
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class Chart:
    currency: str
    bars: list[Bar]
    height: int
    width: int
    maximum: str


@dataclass(frozen=True)
class Report:
    rows: list[Row]
    charts: list[Chart]
    totals: dict[str, tuple[int, int]]  # currency -> (disbursed, outstanding)


def _organisation(actor: Actor, organisation_id: uuid.UUID | None) -> uuid.UUID | None:
    return organisation_id if actor.is_system else actor.organisation_id


def build(session: Session, actor: Actor, *, organisation_id: uuid.UUID | None = None) -> Report:
    require_any(actor, READERS)
    organisation = _organisation(actor, organisation_id)
    names = Funders(session).names(actor, organisation)
    cells: dict[tuple[str, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for owner, code, month, currency, total in Ledger(session).disbursed_cells(organisation):
        cells[(names.get(owner, "?") if owner else "?", code, month, currency)][0] += total
    outstanding: dict[tuple[str, str, str], int] = defaultdict(int)
    for code, due_on, currency, total in Instalments(session).outstanding(organisation):
        outstanding[(code, f"{due_on:%Y-%m}", currency)] += total
    # Every share of the organisation in one read, not one per component and month.
    lines: Sequence[BudgetLine] = (
        BudgetLines(session).of_organisation(organisation) if organisation else []
    )
    by_component = shares_by_component(lines)
    for (code, month, currency), total in outstanding.items():
        shares = by_component.get((organisation, code, currency), []) if organisation else []
        if not shares:
            cells[("—", code, month, currency)][1] += total
            continue
        covered = sum(bp for _, bp in shares)
        parts = ledger.split(total * covered // 10_000, shares)
        for funder_id, part in parts:
            cells[(names.get(funder_id, "?"), code, month, currency)][1] += part
        unfunded = total - sum(p for _, p in parts)
        if unfunded:
            cells[("—", code, month, currency)][1] += unfunded
    rows = [
        Row(funder, code, month, currency, values[0], values[1])
        for (funder, code, month, currency), values in sorted(cells.items())
        if values[0] or values[1]
    ]
    totals: dict[str, tuple[int, int]] = {}
    for row in rows:
        done, due = totals.get(row.currency, (0, 0))
        totals[row.currency] = (done + row.disbursed, due + row.outstanding)
    return Report(rows=rows, charts=_charts(rows), totals=totals)


def _charts(rows: list[Row]) -> list[Chart]:
    """One bar chart per currency: disbursed per month (at most the last 24 months)."""
    by_currency: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        if row.disbursed:
            by_currency[row.currency][row.month] += row.disbursed
    charts = []
    for currency, months in sorted(by_currency.items()):
        ordered = sorted(months.items())[-24:]
        top = max((v for _, v in ordered), default=0) or 1
        bar_width, gap, height, base = 40, 16, 200, 40
        bars = []
        for index, (month, value) in enumerate(ordered):
            bar_height = max(1, round(height * max(value, 0) / top)) if value > 0 else 0
            bars.append(
                Bar(
                    label=month,
                    value=value,
                    text=format_money(value, currency),
                    x=60 + index * (bar_width + gap),
                    y=height - bar_height + 10,
                    width=bar_width,
                    height=bar_height,
                )
            )
        charts.append(
            Chart(
                currency=currency,
                bars=bars,
                height=height + base + 10,
                width=60 + len(bars) * (bar_width + gap) + 20,
                maximum=format_money(top, currency),
            )
        )
    return charts
