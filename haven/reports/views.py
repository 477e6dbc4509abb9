"""HTML pages of the programme reports and their downloads.

`/reports` lists the reports the user may open; `/reports/{report_key}` shows one with its
filters (a GET form: the address keeps them), a chart and a table for each of its tables, and
the download links. The page inside Haven shows exact figures and marks those a download
withholds; `/reports/{report_key}/download/{fmt}` sends the suppressed file (audited).
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from haven import i18n
from haven.accounts import repository as accounts
from haven.agreements.public import agreement_references
from haven.allowances.public import format_money
from haven.errors import NotFound, ValidationFailed
from haven.i18n import N_
from haven.reports import service
from haven.reports.catalogue import spec_of
from haven.reports.downloads import header, label
from haven.reports.suppression import Mark, Published
from haven.reports.tables import Filters, Table
from haven.security.permissions import Actor
from haven.web.charts import Chart, Point, number
from haven.web.charts import render as render_chart
from haven.web.deps import DB, HtmlActor
from haven.web.templating import render

router = APIRouter(include_in_schema=False)

NOT_A_DATE = N_("Enter a date as YYYY-MM-DD.")
NOT_A_CHOICE = N_("Choose one of the list.")
PEOPLE = N_("People")
FORMATS = ("xlsx", "csv", "pdf")


@router.get("/reports", response_class=HTMLResponse)
def reports_hub(request: Request, actor: HtmlActor) -> Response:
    return render(request, "reports/hub.html", {"specs": service.reports_for(actor)})


def _date(request: Request, name: str, errors: dict[str, str]) -> date | None:
    text = request.query_params.get(name, "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors[name] = NOT_A_DATE
        return None


def _uuid(request: Request, name: str, errors: dict[str, str]) -> uuid.UUID | None:
    text = request.query_params.get(name, "").strip()
    if not text:
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        errors[name] = NOT_A_CHOICE
        return None


def _filters(request: Request, errors: dict[str, str]) -> Filters:
    start, end = _date(request, "start", errors), _date(request, "end", errors)
    agreement_id = _uuid(request, "agreement_id", errors)
    site_id = _uuid(request, "site_id", errors)
    try:
        filters = service.filters_of(start, end, agreement_id, site_id)
        service.check_filters(filters)
    except ValidationFailed as error:
        errors.update({k: str(v) for k, v in error.fields.items()})
        filters = service.filters_of(None, None, agreement_id, site_id)
    return filters


@router.get("/reports/{report_key}", response_class=HTMLResponse)
def report_page(report_key: str, request: Request, session: DB, actor: HtmlActor) -> Response:
    errors: dict[str, str] = {}
    filters = _filters(request, errors)
    report = service.build(session, actor, report_key, filters)
    spec = spec_of(report_key)
    language = request.state.language
    threshold = service.threshold()
    tables = [_view(p, language) for p in service.published(report, threshold)]
    query = _query(report.filters)
    return render(
        request,
        "reports/report.html",
        {
            "spec": spec,
            "report": report,
            "tables": tables,
            "threshold": threshold,
            "errors": errors,
            "query": query,
            "agreements": _agreements(session, actor) if "agreement" in spec.filters else [],
            "sites": _sites(session, actor) if "site" in spec.filters else [],
            "any_hidden": any(t["hidden"] for t in tables),
        },
        status_code=422 if errors else 200,
    )


@router.get("/reports/{report_key}/download/{fmt}")
def report_download(
    report_key: str, fmt: str, request: Request, session: DB, actor: HtmlActor
) -> Response:
    if fmt not in FORMATS:
        raise NotFound
    errors: dict[str, str] = {}
    filters = _filters(request, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    table = request.query_params.get("table") or None
    file = service.download(
        session,
        actor,
        report_key,
        filters,
        fmt,  # type: ignore[arg-type]  # checked against FORMATS above
        language=request.state.language,
        table=table,
    )
    return Response(
        content=file.content,
        media_type=file.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{file.filename}"',
            "Cache-Control": "no-store",
        },
    )


def _query(filters: Filters) -> str:
    parts = [f"start={filters.start.isoformat()}", f"end={filters.end.isoformat()}"]
    if filters.agreement_id:
        parts.append(f"agreement_id={filters.agreement_id}")
    if filters.site_id:
        parts.append(f"site_id={filters.site_id}")
    return "&".join(parts)


def _agreements(session: Session, actor: Actor) -> list[tuple[str, str]]:
    return [(str(i), ref) for i, ref in agreement_references(session, actor)]


def _sites(session: Session, actor: Actor) -> list[tuple[str, str]]:
    return [(str(s.id), s.name) for s in accounts.sites_visible(session, actor)]


def _view(published: Published, language: str) -> dict[str, Any]:
    """A table as the page draws it: exact figures, each with whether downloads withhold it."""
    table = published.table
    rows = []
    for i, row in enumerate(table.rows):
        cells = [
            (_text(value, column.currency, language), published.mark(i, j) is not Mark.SHOWN)
            for j, (value, column) in enumerate(zip(row.values, table.columns, strict=True))
        ]
        total = None
        if table.row_totals:
            total = (
                number(table.row_total(i), language),
                published.mark(i, len(table.columns)) is not Mark.SHOWN,
            )
        rows.append({"label": label(row.label, language), "cells": cells, "total": total})
    totals = None
    if table.column_totals and table.rows:
        end = published.totals_row
        totals = [
            (
                _text(table.column_total(j), c.currency, language),
                c.suppress and published.mark(end, j) is not Mark.SHOWN,
            )
            for j, c in enumerate(table.columns)
        ]
    grand = None
    if table.column_totals and table.row_totals and table.rows:
        grand = (
            number(table.grand_total, language),
            published.mark(published.totals_row, len(table.columns)) is not Mark.SHOWN,
        )
    return {
        "table": table,
        "header": header(table, language),
        "rows": rows,
        "totals": totals,
        "grand": grand,
        "hidden": published.any_hidden,
        "chart": _chart(table, language),
    }


def _text(value: int, currency: str | None, language: str) -> str:
    return format_money(value, currency) if currency else number(value, language)


def _chart(table: Table, language: str) -> Markup | None:
    if table.chart is None or table.empty:
        return None
    points = [
        Point(
            label=label(row.label, language),
            value=table.row_total(i) if table.row_totals else row.values[0],
        )
        for i, row in enumerate(table.rows)
    ]
    chart = Chart(
        key=f"chart-{table.key}",
        title=i18n.gettext(table.title, language),
        description=i18n.gettext(table.description, language),
        x_label=i18n.gettext(table.dimension, language),
        y_label=i18n.gettext(PEOPLE, language),
        points=points,
        kind=table.chart,
    )
    return render_chart(chart, language)
