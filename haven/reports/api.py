"""JSON endpoints of the programme reports: the list, and a report's figures as they may leave
Haven (suppressed: "<5" under the threshold, "x" withheld so that totals cannot reveal one)."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Request

from haven import i18n
from haven.reports import service
from haven.reports.downloads import label, note
from haven.reports.schemas import ColumnOut, ReportLink, ReportOut, RowOut, TableOut
from haven.reports.suppression import Published
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api/reports", tags=["reports"])


def _language(request: Request) -> str:
    return getattr(request.state, "language", i18n.DEFAULT_LANGUAGE)


@router.get("")
def list_reports(request: Request, actor: ApiActor) -> list[ReportLink]:
    """The reports the caller may open."""
    language = _language(request)
    return [
        ReportLink(
            key=spec.key,
            title=i18n.gettext(spec.title, language),
            description=i18n.gettext(spec.description, language),
            filters=sorted(spec.filters),
        )
        for spec in service.reports_for(actor)
    ]


@router.get("/{report_key}")
def get_report(
    report_key: str,
    request: Request,
    session: DB,
    actor: ApiActor,
    start: date | None = None,
    end: date | None = None,
    agreement_id: uuid.UUID | None = None,
    site_id: uuid.UUID | None = None,
) -> ReportOut:
    """A report's tables, every figure suppressed as a download's are."""
    language = _language(request)
    filters = service.filters_of(start, end, agreement_id, site_id)
    report = service.build(session, actor, report_key, filters)
    threshold = service.threshold()
    return ReportOut(
        key=report.key,
        title=i18n.gettext(report.title, language),
        start=report.filters.start,
        end=report.filters.end,
        agreement_id=str(report.filters.agreement_id) if report.filters.agreement_id else None,
        site_id=str(report.filters.site_id) if report.filters.site_id else None,
        threshold=threshold,
        tables=[_table(p, language) for p in service.published(report, threshold)],
        notes=[note(value, language) for value in report.notes],
    )


def _table(published: Published, language: str) -> TableOut:
    table = published.table
    return TableOut(
        key=table.key,
        title=i18n.gettext(table.title, language),
        description=i18n.gettext(table.description, language),
        dimension=i18n.gettext(table.dimension, language),
        dimension_hxl=table.dimension_hxl,
        columns=[
            ColumnOut(
                key=c.key, label=i18n.gettext(c.label, language), hxl=c.hxl, currency=c.currency
            )
            for c in table.columns
        ],
        rows=[
            RowOut(
                key=row.key,
                label=label(row.label, language),
                values=published.cells(i),
                total=published.row_total(i) if table.row_totals else None,
            )
            for i, row in enumerate(table.rows)
        ],
        column_totals=published.column_totals() if table.column_totals else None,
        grand_total=(published.grand_total() if table.column_totals and table.row_totals else None),
    )
