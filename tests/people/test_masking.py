"""Confidential fields are masked unless the caller's role holds the right (through the API)."""

from __future__ import annotations

import io

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.security.permissions import Role
from tests import factories as f

PROFILE = {
    "religion": "Buddhist",
    "nrc": "၁၂/ဥကမ(နိုင်)၁၁၂၂၃၃",
    "service_number": "BA-778899",
    "phone": "09-111222",
    "contact_notes": "through the abbot",
    "disability": {"walking": "some_difficulty"},
}
CONFIDENTIAL_PERSON_FIELDS = [
    "contact_notes",
    "disability",
    "nrc",
    "phone",
    "religion",
    "service_number",
]


@pytest.fixture
def tokens(db: Session, fast_settings: Settings) -> dict[str, dict[str, str]]:
    org = f.organisation(db)
    site = f.site(db, organisation=org)

    def token(role: Role) -> dict[str, str]:
        user = f.user(
            db,
            organisation=org,
            role=role,
            site=site if role is Role.REGISTRAR else None,
            settings=fast_settings,
        )
        return f.bearer(f.api_token(db, user=user))

    roles = (
        Role.REGISTRAR,
        Role.CASE_WORKER,
        Role.VETTING_OFFICER,
        Role.FINANCE_OFFICER,
        Role.POW_OFFICER,
    )
    return {str(role): token(role) for role in roles}


@pytest.fixture
def person_id(client: TestClient, tokens: dict[str, dict[str, str]]) -> str:
    registrar = tokens["registrar"]
    body = {"name_latin": "Zaw Masked", "classification": "defector"}
    pid = str(client.post("/api/receptions", json=body, headers=registrar).json()["person_id"])
    assert client.patch(f"/api/people/{pid}", json=PROFILE, headers=registrar).status_code == 200
    family = {"relationship": "wife", "name": "Ma Aye", "whereabouts": "Hidden hamlet 4"}
    assert (
        client.post(f"/api/people/{pid}/family", json=family, headers=registrar).status_code == 201
    )
    raw = io.BytesIO()
    Image.new("RGB", (16, 16), "blue").save(raw, format="PNG")
    photo = {"photo": ("p.png", raw.getvalue(), "image/png")}
    assert client.put(f"/api/people/{pid}/photo", files=photo, headers=registrar).status_code == 204
    return pid


@pytest.mark.parametrize(
    ("role", "visible", "sees_whereabouts", "sees_photo"),
    [
        ("registrar", CONFIDENTIAL_PERSON_FIELDS, False, True),
        ("case_worker", CONFIDENTIAL_PERSON_FIELDS, True, True),
        ("pow_officer", CONFIDENTIAL_PERSON_FIELDS, False, True),
        ("vetting_officer", ["nrc", "service_number"], False, False),
        ("finance_officer", [], False, False),
    ],
)
def test_each_role_sees_what_its_clearance_allows(
    client: TestClient,
    tokens: dict[str, dict[str, str]],
    person_id: str,
    role: str,
    visible: list[str],
    sees_whereabouts: bool,
    sees_photo: bool,
) -> None:
    headers = tokens[role]
    body = client.get(f"/api/people/{person_id}", headers=headers).json()
    assert body["name_latin"] == "Zaw Masked"  # names (PERSONAL) are never masked
    expected = {
        "religion": "Buddhist",
        "nrc": "12/OUKAMA(N)112233",
        "service_number": "BA-778899",
        "phone": "09-111222",
        "contact_notes": "through the abbot",
        "disability": {"walking": "some_difficulty"},
    }
    for name, value in expected.items():
        if name in visible:
            assert body[name] == value, name
        else:
            assert body[name] in (None, {}), name
    assert body["masked_fields"] == sorted(set(CONFIDENTIAL_PERSON_FIELDS) - set(visible))
    family = client.get(f"/api/people/{person_id}/family", headers=headers)
    assert family.status_code == 200
    member = family.json()[0]
    assert member["name"] == "Ma Aye"
    assert member["whereabouts"] == ("Hidden hamlet 4" if sees_whereabouts else None)
    photo = client.get(f"/api/people/{person_id}/photo", headers=headers)
    assert photo.status_code == (200 if sees_photo else 403)
    # Search results show the service number only to those who may see it.
    found = client.post("/api/people/search", json={"q": "Zaw Masked"}, headers=headers).json()
    assert [p["id"] for p in found] == [person_id]
    assert found[0]["service_number"] == ("BA-778899" if "service_number" in visible else None)


def test_reads_are_audited_with_the_classes_revealed(
    client: TestClient, tokens: dict[str, dict[str, str]], person_id: str, db: Session
) -> None:
    expected = {
        "case_worker": ["confidential", "highly_confidential"],
        "registrar": ["confidential"],
        "vetting_officer": ["confidential"],
        "finance_officer": [],
    }
    for role in expected:
        assert client.get(f"/api/people/{person_id}", headers=tokens[role]).status_code == 200
    db.expire_all()
    events = db.scalars(
        select(AuditEvent)
        .where(AuditEvent.action == "person.viewed", AuditEvent.subject_id.isnot(None))
        .order_by(AuditEvent.seq)
    ).all()
    revealed = [e.changes["revealed"] for e in events[-4:]]
    assert revealed == list(expected.values())
