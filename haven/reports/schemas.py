"""What the JSON API of the reports sends: suppressed figures only (docs/reports.md)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel


class ReportLink(BaseModel):
    key: str
    title: str
    description: str
    filters: list[str]


class ColumnOut(BaseModel):
    key: str
    label: str
    hxl: str
    currency: str | None = None


class RowOut(BaseModel):
    key: str
    label: str
    # A count, "<5" (under the threshold) or "x" (withheld so that totals cannot reveal a
    # small one).
    values: list[int | str]
    total: int | str | None = None


class TableOut(BaseModel):
    key: str
    title: str
    description: str
    dimension: str
    dimension_hxl: str
    columns: list[ColumnOut]
    rows: list[RowOut]
    column_totals: list[int | str | None] | None = None
    grand_total: int | str | None = None


class ReportOut(BaseModel):
    key: str
    title: str
    start: date
    end: date
    agreement_id: str | None
    site_id: str | None
    threshold: int
    tables: list[TableOut]
    # What the figures leave out, e.g. a currency's amounts withheld (fewer people than the
    # threshold were paid in it).
    notes: list[str] = []
