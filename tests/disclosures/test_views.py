"""The agreements' pages and the refused then allowed people export through the real app, the
log and its API, and the person's page showing where their data went."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.disclosures.models import Disclosure, SharingAgreement
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from tests import factories as f

SYSTEM = Actor.system()
EXPORT_FIELDS = ["names", "father_name", "date_of_birth", "sex", "nrc", "service_number"]


def _form(**overrides: object) -> dict[str, object]:
    return {
        "recipient_name": "UNHCR Yangon",
        "recipient_kind": "un_agency",
        "purpose": "Resettlement of people in exile",
        "legal_basis": "consent",
        "kinds": ["export"],
        "fields": EXPORT_FIELDS,
        "valid_from": "2026-01-01",
        **overrides,
    }


def test_agreement_pages_export_refused_then_logged(  # noqa: PLR0915 - one story
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    manager = f.user(
        db, organisation=org, role=Role.MANAGER, settings=fast_settings, username="dsa.manager"
    )
    f.user(db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings, username="dsa.cw")
    person = f.receive(db, SYSTEM, site_id=str(site.id), name_latin="Sharing Aung")
    assert isinstance(person, ReceptionEvent)
    f.login(client, username="dsa.manager")
    token = f.csrf_from(client, "/disclosures/agreements/new")
    # The case worker (who reads people and the log) exports; the manager keeps agreements.
    worker = TestClient(client.app, base_url=str(client.base_url))
    f.login(worker, username="dsa.cw")
    wtoken = f.csrf_from(worker, "/people")

    # A form with errors comes back with the message beside the field; nothing is written.
    bad = client.post(
        "/disclosures/agreements",
        data={**_form(valid_until="2025-01-01", kinds=[]), "csrf_token": token},
    )
    assert bad.status_code == 422
    assert 'href="#field-kinds"' in bad.text
    assert "UNHCR Yangon" in bad.text
    bad = client.post(
        "/disclosures/agreements", data={**_form(valid_until="2025-01-01"), "csrf_token": token}
    )
    assert bad.status_code == 422
    assert 'href="#field-valid_until"' in bad.text
    assert (
        db.scalars(select(SharingAgreement).where(SharingAgreement.organisation_id == org.id)).all()
        == []
    )

    made = client.post(
        "/disclosures/agreements", data={**_form(), "csrf_token": token}, follow_redirects=False
    )
    assert made.status_code == 303, made.text
    url = made.headers["location"]
    agreement_id = url.rsplit("/", 1)[1]
    assert "Draft" in client.get(url).text
    edited = client.post(
        f"{url}/edit",
        data={**_form(document_reference="DSA-2026-07"), "csrf_token": token},
        follow_redirects=False,
    )
    assert edited.status_code == 303

    # Exporting needs the agreement: none chosen, then a draft, are refused (and audited).
    search = worker.post("/people", data={"q": "sharing", "csrf_token": wtoken})
    assert 'name="agreement_id"' in search.text
    assert agreement_id not in search.text  # a draft is not offered
    for chosen in ("", agreement_id):
        refused = worker.post(
            "/people/export",
            data={"q": "sharing", "kind": "csv", "agreement_id": chosen, "csrf_token": wtoken},
        )
        assert refused.status_code == 422
        assert 'id="error-agreement_id"' in refused.text
    db.expire_all()
    refusals = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "disclosure.refused", AuditEvent.organisation_id == org.id
        )
    ).all()
    assert [e.changes["reason"] for e in refusals] == ["none", "draft"]
    assert db.scalars(select(Disclosure).where(Disclosure.organisation_id == org.id)).all() == []

    moved = client.post(f"{url}/move", data={"status": "in_force", "csrf_token": token})
    assert moved.status_code == 200
    assert "In force" in moved.text
    assert client.post(f"{url}/edit", data={**_form(), "csrf_token": token}).status_code == 409
    assert agreement_id in worker.post("/people", data={"q": "sharing", "csrf_token": wtoken}).text
    exported = worker.post(
        "/people/export",
        data={"q": "sharing", "kind": "csv", "agreement_id": agreement_id, "csrf_token": wtoken},
    )
    assert exported.status_code == 200
    assert "Sharing Aung" in exported.text

    # The log, its filters, the entry, and the person's page.
    log = worker.get("/disclosures")
    assert "UNHCR Yangon" in log.text
    assert 'id="disclosure-log"' in log.text
    assert "UNHCR Yangon" not in worker.get("/disclosures?kind=notice").text.split("</form>")[-1]
    assert "UNHCR Yangon" in worker.get(f"/disclosures?agreement={agreement_id}").text
    assert worker.get("/disclosures?from=yesterday").status_code == 200
    assert worker.get("/disclosures/agreements").status_code == 403
    entry = db.scalars(select(Disclosure).where(Disclosure.organisation_id == org.id)).one()
    assert "SHA-256" in worker.get(f"/disclosures/{entry.id}").text
    page = worker.get(f"/people/{person.person_id}")
    panel = page.text.split('id="disclosures"')[1]
    assert "UNHCR Yangon" in panel
    assert "NRC number" in panel

    # Suspended, the export is refused again; ended, it cannot come back.
    client.post(f"{url}/move", data={"status": "suspended", "csrf_token": token})
    again = worker.post(
        "/people/export",
        data={"q": "sharing", "kind": "csv", "agreement_id": agreement_id, "csrf_token": wtoken},
    )
    assert again.status_code == 422
    client.post(f"{url}/move", data={"status": "ended", "csrf_token": token})
    back = client.post(f"{url}/move", data={"status": "in_force", "csrf_token": token})
    assert back.status_code == 409
    moves = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "sharing_agreement.moved",
            AuditEvent.subject_id == entry.agreement_id,
        )
    ).all()
    assert [e.changes["status"]["after"] for e in moves] == ["in_force", "suspended", "ended"]

    # The API reads the same log (a token: no fresh login needed to read).
    api = f.bearer(f.api_token(db, user=manager))
    listed = client.get("/api/disclosures?kind=export", headers=api)
    assert listed.status_code == 200
    assert listed.headers["X-Total-Count"] == "1"
    detail = client.get(f"/api/disclosures/{entry.id}", headers=api).json()
    assert detail["person_ids"] == [str(person.person_id)]
    assert detail["people_count"] == 1
    agreements = client.get("/api/disclosures/agreements", headers=api).json()
    assert [a["status"] for a in agreements] == ["ended"]
