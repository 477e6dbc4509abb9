"""The rules of programme reports (docs/reports.md).

- Every report needs REPORT_AGGREGATE and its own permission (`catalogue.may_open`); an
  unknown report key answers 404.
- A report covers a period of at most `MAX_DAYS` days, its start not after its end.
- Whatever leaves Haven — a download, the JSON API — is suppressed with the configured
  threshold (`Settings.report_min_cell`); the page inside Haven shows exact figures and marks
  the ones a download withholds.
- Each download is audited: report, format, table, threshold, filters and the file's SHA-256;
  never a figure. Aggregates are not personal data: no disclosure is logged.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, replace
from datetime import date
from typing import Literal

from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.config import get_settings
from haven.errors import NotFound, PermissionDenied, ValidationFailed
from haven.i18n import N_
from haven.kernel.clock import local_today
from haven.reports import downloads
from haven.reports.catalogue import available, may_open, spec_of
from haven.reports.suppression import Published, suppress
from haven.reports.tables import Filters, Report, ReportSpec, Table
from haven.security.permissions import Actor

MAX_DAYS = 3 * 366
START_AFTER_END = N_("The period's first day is after its last day.")
TOO_LONG = N_("A report covers at most three years.")
OUT_OF_RANGE = N_("Choose a date between 1900 and 2100.")
EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)

Format = Literal["xlsx", "csv", "pdf"]
MEDIA_TYPES: dict[str, str] = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
}


def threshold() -> int:
    return get_settings().report_min_cell


def reports_for(actor: Actor) -> tuple[ReportSpec, ...]:
    """The reports the actor may open (PermissionDenied without REPORT_AGGREGATE)."""
    specs = available(actor)
    if not specs:
        raise PermissionDenied
    return specs


def filters_of(
    start: date | None,
    end: date | None,
    agreement_id: uuid.UUID | None = None,
    site_id: uuid.UUID | None = None,
) -> Filters:
    """The filters a page or the API asked for; the period defaults to the last twelve weeks
    (a missing end is today, a missing start twelve weeks before the end)."""
    for name, value in (("start", start), ("end", end)):
        if value is not None and not EARLIEST <= value <= LATEST:
            raise ValidationFailed(fields={name: OUT_OF_RANGE})
    default = Filters.default(end or local_today())
    return Filters(
        start=start or default.start,
        end=end or default.end,
        agreement_id=agreement_id,
        site_id=site_id,
    )


def check_filters(filters: Filters) -> None:
    if filters.start > filters.end:
        raise ValidationFailed(fields={"start": START_AFTER_END})
    if (filters.end - filters.start).days > MAX_DAYS:
        raise ValidationFailed(fields={"start": TOO_LONG})


def build(session: Session, actor: Actor, key: str, filters: Filters) -> Report:
    """The report with exact figures (for the page inside Haven)."""
    spec = spec_of(key)
    if not may_open(actor, spec):
        raise PermissionDenied
    check_filters(filters)
    if "agreement" not in spec.filters:
        filters = replace(filters, agreement_id=None)
    if "site" not in spec.filters:
        filters = replace(filters, site_id=None)
    return spec.build(session, actor, filters)


def published(report: Report, min_cell: int | None = None) -> list[Published]:
    """Each table of the report marked for publication."""
    limit = threshold() if min_cell is None else min_cell
    return [suppress(table, limit) for table in report.tables]


@dataclass(frozen=True)
class Download:
    content: bytes
    filename: str
    media_type: str


def download(
    session: Session,
    actor: Actor,
    key: str,
    filters: Filters,
    fmt: Format,
    *,
    language: str,
    table: str | None = None,
    min_cell: int | None = None,
) -> Download:
    """The report as a file (CSV: one table, the first unless `table` names one), audited."""
    report = build(session, actor, key, filters)
    limit = threshold() if min_cell is None else min_cell
    period = f"{report.filters.start.isoformat()}_{report.filters.end.isoformat()}"
    if fmt == "xlsx":
        content = downloads.to_xlsx(report, language, limit)
        name = f"{key}_{period}.xlsx"
    elif fmt == "pdf":
        content = downloads.to_pdf(report, language, limit)
        name = f"{key}_{period}.pdf"
    elif fmt == "csv":
        chosen = report.tables[0] if table is None else _table(report, table)
        table = chosen.key
        content = downloads.to_csv(chosen, language, limit)
        name = f"{key}_{chosen.key}_{period}.csv"
    else:  # pragma: no cover - the boundary accepts only the three formats
        raise NotFound
    audit.record(
        session,
        actor,
        AuditAction.REPORT_DOWNLOADED,
        subject_type="report",
        subject_id=None,
        organisation_id=actor.organisation_id,
        changes={
            "report": key,
            "format": fmt,
            "table": table,
            "language": language,
            "threshold": limit,
            "filters": report.filters.as_audit(),
            "sha256": hashlib.sha256(content).hexdigest(),
        },
    )
    return Download(content=content, filename=name, media_type=MEDIA_TYPES[fmt])


def _table(report: Report, key: str) -> Table:
    try:
        return report.table(key)
    except KeyError:
        raise NotFound from None
