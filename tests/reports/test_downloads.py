"""What leaves Haven: the JSON API, XLSX, CSV and PDF downloads carry suppressed figures only
("<5" for small counts), HXL hashtags under the headings, a Burmese PDF shaped by HarfBuzz,
and an audit event per download with no figure in it."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven import i18n
from haven.accounts.sessions import actor_for
from haven.audit.actions import AuditAction
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.kernel.clock import local_today
from haven.reports import service
from haven.reports.catalogue import CATALOGUE
from haven.reports.tables import Filters
from haven.security.permissions import Role
from tests import factories as f
from tests.pow.pdf_glyphs import read


def test_downloads_and_the_api_publish_suppressed_figures_with_hxl(
    db: Session, client: TestClient, fast_settings: Settings
) -> None:
    organisation = f.organisation(db)
    site = f.site(db, organisation=organisation)
    manager_user = f.user(db, organisation=organisation, role=Role.MANAGER, settings=fast_settings)
    manager = actor_for(manager_user)
    registrar = actor_for(f.registrar(db, organisation=organisation, site=site))
    today = local_today()
    monday = today - timedelta(days=today.weekday())
    # This week: 2 women (a small count), 7 men.
    for n in range(9):
        f.receive(db, registrar, sex="female" if n < 2 else "male", received_on=monday)
    filters = Filters(start=monday, end=today)

    # The JSON API: "<5" where the page has 2; totals that would give it away withheld too.
    token = f.bearer(f.api_token(db, user=manager_user))
    answer = client.get(
        "/api/reports/arrivals", params={"start": str(monday), "end": str(today)}, headers=token
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["threshold"] == 5
    by_age = next(t for t in body["tables"] if t["key"] == "by-age-sex")
    unknown = next(r for r in by_age["rows"] if r["key"] == "unknown")
    assert unknown["values"][:2] == ["<5", "x"]  # its row's only other count goes with it
    assert by_age["columns"][0]["hxl"] == "#affected +f"

    # XLSX: notes, heading row, HXL row directly under it, "<5" as text.
    xlsx = service.download(db, manager, "arrivals", filters, "xlsx", language="en")
    book = load_workbook(io.BytesIO(xlsx.content))
    sheet = book["Arrivals by age and sex"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if r[0] == "Age")
    assert rows[head + 1][:3] == ["#indicator +age_band", "#affected +f", "#affected +m"]
    assert rows[head + 1 + 6][1:3] == ["<5", "x"]  # the "Age not known" row
    assert any("Counts under 5" in str(r[0]) for r in rows[:head])
    assert any(str(monday) in str(r[0]) for r in rows[:head])

    # CSV: one table; heading, HXL, rows; nothing from 1 to 4 shown.
    table = service.download(
        db, manager, "arrivals", filters, "csv", language="en", table="by-age-sex"
    )
    lines = list(csv.reader(io.StringIO(table.content.decode("utf-8-sig"))))
    assert lines[0][:2] == ["Age", "Women"]
    assert lines[1][:3] == ["#indicator +age_band", "#affected +f", "#affected +m"]
    shown = {cell for line in lines[2:] for cell in line[1:]}
    assert not shown & {"1", "2", "3", "4"}
    assert "<5" in shown

    # PDF in Burmese: the title and headings in Burmese, the figures suppressed.
    pdf = service.download(db, manager, "arrivals", filters, "pdf", language="my")
    text = read(pdf.content).text()
    for msgid in ("Arrivals", "Township", "Total"):
        assert i18n.gettext(msgid, "my") in text, msgid
    assert "<5" in text

    # Each download audited: report, format, threshold, filters, file hash; no figures.
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.action == AuditAction.REPORT_DOWNLOADED.value)
    ).all()
    assert [e.changes["format"] for e in events] == ["xlsx", "csv", "pdf"]
    assert events[1].changes["table"] == "by-age-sex"
    assert events[0].changes["threshold"] == 5
    assert events[0].changes["filters"]["start"] == str(monday)
    assert len(events[2].changes["sha256"]) == 64
    assert "values" not in str(events[0].changes)

    # A smaller threshold from the settings shows the 2 (and a period backwards is refused).
    assert service.published(service.build(db, manager, "arrivals", filters), 2)[1].cells(5)[0] == 2
    refused = client.get(
        "/api/reports/arrivals",
        params={"start": str(today), "end": str(monday - timedelta(1))},
        headers=token,
    )
    assert refused.status_code == 422


# HXL 1.1's core hashtags (hxlstandard.org/standard/1-1final/dictionary) that reports may use.
HXL_CORE = {
    "#activity", "#adm1", "#adm2", "#adm3", "#adm4", "#adm5", "#affected", "#beneficiary",
    "#currency", "#date", "#description", "#indicator", "#inneed", "#item", "#loc", "#meta",
    "#org", "#output", "#population", "#reached", "#sector", "#status", "#targeted", "#value",
}  # fmt: skip
HXL_TAG = re.compile(r"(#[a-z][a-z0-9_]*)( \+[a-z][a-z0-9_]*)*")


def test_every_column_of_every_report_has_a_valid_hxl_hashtag(
    db: Session, fast_settings: Settings
) -> None:
    """Each report's columns, built for an organisation with no records (the columns do not
    depend on the figures): an HXL hashtag of the core dictionary, attributes well formed."""
    organisation = f.organisation(db)
    finance = f.user(db, organisation=organisation, role=Role.FINANCE_OFFICER)
    manager = actor_for(f.user(db, organisation=organisation, role=Role.MANAGER))
    today = local_today()
    filters = Filters(start=today - timedelta(days=28), end=today)
    tags: dict[str, str] = {}
    for spec in CATALOGUE:
        actor = actor_for(finance) if spec.key == "payments" else manager
        for table in service.build(db, actor, spec.key, filters).tables:
            tags[f"{spec.key}/{table.key}"] = table.dimension_hxl
            for column in table.columns:
                tags[f"{spec.key}/{table.key}/{column.key}"] = column.hxl
    assert {key.split("/")[0] for key in tags} == {spec.key for spec in CATALOGUE}
    malformed = {k: v for k, v in tags.items() if not HXL_TAG.fullmatch(v)}
    assert malformed == {}
    unknown = {k: v for k, v in tags.items() if v.split(" ")[0] not in HXL_CORE}
    assert unknown == {}
