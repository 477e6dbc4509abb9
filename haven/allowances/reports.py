"""Reports: disbursed and outstanding, by funder, component and month, and a bar chart.

Disbursed figures come from the funders' ledger accounts (payments minus reversals, in the
month they were posted); outstanding figures from instalments owed and not paid, in the month
they fall due, attributed to funders by their current shares.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from haven.allowances import ledger
from haven.allowances.models import (
    Disbursement,
    Funder,
    Instalment,
    LedgerEntry,
    PaymentItem,
)
from haven.allowances.plans import require_any
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
    names = {
        f.id: f.name
        for f in session.scalars(select(Funder).where(Funder.organisation_id == organisation)).all()
    }
    cells: dict[tuple[str, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for owner, code, month, currency, total in session.execute(
        select(
            LedgerEntry.owner_id,
            LedgerEntry.component_code,
            LedgerEntry.month,
            LedgerEntry.currency,
            func.sum(LedgerEntry.amount_minor),
        )
        .where(LedgerEntry.account == "funder", LedgerEntry.organisation_id == organisation)
        .group_by(
            LedgerEntry.owner_id,
            LedgerEntry.component_code,
            LedgerEntry.month,
            LedgerEntry.currency,
        )
    ).all():
        cells[(names.get(owner, "?") if owner else "?", code, month, currency)][0] += int(total)
    paid = exists().where(
        PaymentItem.instalment_id == Instalment.id,
        PaymentItem.generation == Instalment.generation,
        Disbursement.item_id == PaymentItem.id,
    )
    outstanding: dict[tuple[str, str, str], int] = defaultdict(int)
    for code, due_on, currency, total in session.execute(
        select(
            Instalment.component_code,
            Instalment.due_on,
            Instalment.currency,
            func.sum(Instalment.amount_minor),
        )
        .where(
            Instalment.organisation_id == organisation,
            Instalment.status == "owed",
            ~paid,
        )
        .group_by(Instalment.component_code, Instalment.due_on, Instalment.currency)
    ).all():
        outstanding[(code, f"{due_on:%Y-%m}", currency)] += int(total)
    for (code, month, currency), total in outstanding.items():
        shares = ledger.shares_for(session, organisation, code, currency) if organisation else []
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
