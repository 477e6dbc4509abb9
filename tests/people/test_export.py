"""Exports of people: fresh login required, audited, masked, safe from formula injection."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.db.types import utcnow
from haven.security.models import LoginSession
from haven.security.permissions import Role
from tests import factories as f
from tests.disclosures.support import agreement


def test_export_is_fresh_audited_and_formula_safe(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    registrar = f.registrar(
        db, organisation=org, site=site, settings=fast_settings, username="export.desk"
    )
    actor = actor_for(registrar)
    f.receive(db, actor, name_latin="Export Aung")
    f.receive(db, actor, name_latin="=HYPERLINK(1) Export")  # a hostile value typed at the desk
    # An export leaves Haven only under a data-sharing agreement in force (docs/disclosures.md).
    covering = str(agreement(db, organisation_id=org.id).id)
    f.login(client, username="export.desk")
    token = f.csrf_from(client, "/people")

    response = client.post(
        "/people/export",
        data={"q": "export", "kind": "csv", "csrf_token": token, "agreement_id": covering},
    )
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="people.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = sorted(r["name_latin"] for r in rows)
    assert names == ["'=HYPERLINK(1) Export", "Export Aung"]

    xlsx = client.post(
        "/people/export",
        data={"q": "export", "kind": "xlsx", "csrf_token": token, "agreement_id": covering},
    )
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    values = [c.value for c in sheet["D"]][1:]
    assert "'=HYPERLINK(1) Export" in values
    assert all(c.data_type == "s" for c in sheet["D"])

    db.expire_all()
    exported = db.scalars(select(AuditEvent).where(AuditEvent.action == "people.exported")).all()
    assert [e.changes["rows"]["after"] for e in exported] == [2, 2]
    assert "Export" not in str([e.changes for e in exported])

    login = db.scalars(select(LoginSession).where(LoginSession.user_id == registrar.id)).one()
    login.authenticated_at = utcnow() - timedelta(minutes=6)
    db.flush()
    stale = client.post(
        "/people/export",
        data={"q": "export", "kind": "csv", "csrf_token": token, "agreement_id": covering},
        follow_redirects=False,
    )
    assert stale.status_code == 303
    assert stale.headers["location"].startswith("/reauth?next=")


def test_export_needs_the_right_to_read_people(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    f.user(
        db,
        organisation=f.organisation(db),
        username="export.manager",
        role=Role.MANAGER,
        settings=fast_settings,
    )
    f.login(client, username="export.manager")
    token = f.csrf_from(client, "/")
    response = client.post("/people/export", data={"q": "x", "kind": "csv", "csrf_token": token})
    assert response.status_code == 403
