"""The legal framework setting: through the API (administrators and programme managers change
it, every other role reads it, bad values are 422), audited, and shown on its page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.models import Organisation
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.kernel.clock import local_today
from haven.programme.public import Conflict, LegalFrameworkIn, framework_of, set_legal_framework
from haven.security.permissions import ROLE_PERMISSIONS, Actor, Permission, Role
from tests import factories as f

URL = "/api/programme/legal-framework"
NIAC: dict[str, Any] = {
    "conflict": "non_international",
    "commitment_kind": "unilateral_declaration",
    "commitment_date": "2023-06-15",
    "commitment_reference": "Declaration on detainees No. 1/2023",
}


def _token(db: Session, org: Organisation, role: Role, settings: Settings) -> dict[str, str]:
    site = f.site(db, organisation=org) if role is Role.REGISTRAR else None
    user = f.user(db, organisation=org, role=role, site=site, settings=settings)
    return f.bearer(f.api_token(db, user=user))


def test_unrecorded_reads_as_international_and_every_role_may_read(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    for role in Role:
        response = client.get(URL, headers=_token(db, org, role, fast_settings))
        assert response.status_code == 200, role
        body = response.json()
        assert body["conflict"] == "international"
        assert body["recorded"] is False
        assert body["commitment_kind"] is None
        assert body["status_line"] == "Prisoner of war under the Third Geneva Convention (1949)"
        assert "Third Geneva Convention (1949) applies" in body["basis"]


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.MANAGER])
def test_administrator_and_manager_record_it_audited(
    role: Role, client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    headers = _token(db, org, role, fast_settings)
    response = client.put(URL, json=NIAC, headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["conflict"] == "non_international"
    assert body["recorded"] is True
    assert body["commitment_date"] == "2023-06-15"
    assert body["status_line"] == (
        "Person detained in relation to the conflict — treated as a prisoner of war under the "
        "unilateral declaration of 2023-06-15 (Declaration on detainees No. 1/2023)"
    )
    assert "Common Article 3" in body["basis"]
    assert "does not apply as such" in body["basis"]
    assert "ဘုံအပိုဒ် ၃" in body["basis_my"]
    assert client.get(URL, headers=headers).json() == body

    (event,) = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "programme.legal_framework_set",
            AuditEvent.organisation_id == org.id,
        )
    )
    assert event.changes["conflict"] == {"before": None, "after": "non_international"}
    assert event.changes["commitment_date"] == {"before": None, "after": "2023-06-15"}

    # Back to international: the commitment goes, and the change is audited again.
    back = client.put(URL, json={"conflict": "international"}, headers=headers)
    assert back.status_code == 200
    assert back.json()["commitment_reference"] is None
    events = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "programme.legal_framework_set",
            AuditEvent.organisation_id == org.id,
        )
    ).all()
    assert len(events) == 2
    assert events[1].changes["conflict"] == {
        "before": "non_international",
        "after": "international",
    }
    # The same values again change nothing and write nothing.
    assert client.put(URL, json={"conflict": "international"}, headers=headers).status_code == 200
    assert (
        len(
            db.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == "programme.legal_framework_set",
                    AuditEvent.organisation_id == org.id,
                )
            ).all()
        )
        == 2
    )


def test_other_roles_are_refused(client: TestClient, db: Session, fast_settings: Settings) -> None:
    org = f.organisation(db)
    managers = {r for r in Role if Permission.PROGRAMME_MANAGE in ROLE_PERMISSIONS[r]}
    assert managers == {Role.ADMINISTRATOR, Role.MANAGER}
    for role in set(Role) - managers:
        response = client.put(URL, json=NIAC, headers=_token(db, org, role, fast_settings))
        assert response.status_code == 403, role
    assert framework_of(db, org.id).recorded is False


FUTURE = (local_today() + timedelta(days=3)).isoformat()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"conflict": "civil_war"}, "conflict"),
        ({}, "conflict"),
        ({**NIAC, "commitment_kind": None}, "commitment_kind"),
        ({**NIAC, "commitment_kind": "promise"}, "commitment_kind"),
        ({**NIAC, "commitment_date": None}, "commitment_date"),
        ({**NIAC, "commitment_date": "15/06/2023"}, "commitment_date"),
        ({**NIAC, "commitment_date": FUTURE}, "commitment_date"),
        ({**NIAC, "commitment_reference": "  "}, "commitment_reference"),
        ({**NIAC, "commitment_reference": "x" * 301}, "commitment_reference"),
        ({"conflict": "international", "commitment_kind": "special_agreement"}, "commitment_kind"),
        ({"conflict": "international", "commitment_date": "2023-06-15"}, "commitment_date"),
        ({**NIAC, "surprise": 1}, "surprise"),
    ],
)
def test_bad_values_are_422_with_the_field(
    body: dict[str, Any], field: str, client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    headers = _token(db, org, Role.ADMINISTRATOR, fast_settings)
    response = client.put(URL, json=body, headers=headers)
    assert response.status_code == 422, response.text
    assert field in response.json()["fields"], response.json()
    assert framework_of(db, org.id).recorded is False


def test_each_organisation_has_its_own(db: Session) -> None:
    mine, theirs = f.organisation(db), f.organisation(db)
    system = Actor.system()
    set_legal_framework(db, system, LegalFrameworkIn.model_validate(NIAC), organisation_id=mine.id)
    assert framework_of(db, mine.id).conflict is Conflict.NON_INTERNATIONAL
    assert framework_of(db, theirs.id).conflict is Conflict.INTERNATIONAL
    assert framework_of(db, theirs.id).recorded is False


def test_the_page_shows_it_and_an_administrator_changes_it(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    f.user(db, organisation=org, role=Role.MANAGER, username="prog.manager", settings=fast_settings)
    f.user(db, organisation=org, role=Role.REGISTRAR, site=f.site(db, organisation=org),
           username="prog.registrar", settings=fast_settings)  # fmt: skip
    f.login(client, username="prog.manager")
    page = client.get("/programme")
    assert page.status_code == 200
    assert "not yet recorded" in page.text
    assert 'href="/programme"' in page.text  # in the menu of those who may change it
    token = f.csrf_from(client, "/programme")
    bad = client.post(
        "/programme/legal-framework",
        data={"csrf_token": token, "conflict": "non_international"},
    )
    assert bad.status_code == 422
    assert 'id="error-commitment_date"' in bad.text
    saved = client.post(
        "/programme/legal-framework",
        data={"csrf_token": token, **NIAC},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    page = client.get("/programme")
    assert "Declaration on detainees No. 1/2023" in page.text
    assert "treated as prisoners of war under the unilateral declaration of 2023-06-15" in page.text
    assert 'id="legal-framework-form"' in page.text

    client.post("/logout", data={"csrf_token": f.csrf_from(client, "/programme")})
    f.login(client, username="prog.registrar")
    page = client.get("/programme")
    assert page.status_code == 200
    assert "treated as prisoners of war under the unilateral declaration" in page.text
    assert 'id="legal-framework-form"' not in page.text
    refused = client.post(
        "/programme/legal-framework",
        data={"csrf_token": f.csrf_from(client, "/programme"), "conflict": "international"},
    )
    assert refused.status_code == 403
