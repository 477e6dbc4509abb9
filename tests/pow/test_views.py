"""The registry's pages through the real app, and the signed bureau export."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.db.keyring import Keyring
from haven.db.types import utcnow
from haven.kernel.sensitivity import bind_actor
from haven.pow import bureau, care
from haven.pow.models import PowNotice, PowRecord
from haven.pow.schemas import InspectionIn
from haven.security.models import LoginSession
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.pow.conftest import Setting, captured, complete_check, place


def _officer(client: TestClient, db: Session, fast_settings: Settings, setting: Setting) -> None:
    f.user(
        db,
        organisation=setting.organisation,
        role=Role.POW_OFFICER,
        username="pow.desk",
        settings=fast_settings,
    )
    f.login(client, username="pow.desk")


def _register(client: TestClient, db: Session, setting: Setting) -> PowRecord:
    event = captured(db, setting, name="Min Thu Aung")
    camp = place(db, setting, "Camp North")
    token = f.csrf_from(client, "/pow/register")
    response = client.post(
        "/pow/register",
        data={
            "csrf_token": token,
            "person_id": str(event.person_id),
            "captured_on": "2026-11-01",
            "place_id": str(camp.id),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return db.scalars(select(PowRecord).where(PowRecord.person_id == event.person_id)).one()


def test_register_print_transfer_and_board(
    client: TestClient, db: Session, fast_settings: Settings, setting: Setting
) -> None:
    _officer(client, db, fast_settings, setting)
    record = _register(client, db, setting)
    page = client.get(f"/pow/records/{record.id}")
    assert page.status_code == 200
    assert "Min Thu Aung" in page.text
    card_link = page.text.split('href="/pow/cards/')[1].split('"')[0]
    pdf = client.get(f"/pow/cards/{card_link}")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")

    south = place(db, setting, "Camp South")
    token = f.csrf_from(client, f"/pow/records/{record.id}")
    moved = client.post(
        f"/pow/records/{record.id}/transfer",
        data={
            "csrf_token": token,
            "to_place_id": str(south.id),
            "moved_on": "2026-11-03",
            "risk_assessed_by": "Naw Paw",
            "risk_assessed_on": "2026-11-02",
            "risks": ["persecution", "exposure"],
            "risk_conclusion": "no_real_risk",
        },
        follow_redirects=False,
    )
    assert moved.status_code == 303, moved.text
    page = client.get(f"/pow/records/{record.id}")
    assert "Camp South" in page.text
    assert "2026-11-10" in page.text  # the transfer card's due date

    board = client.get("/pow")
    assert board.status_code == 200
    assert 'id="cards-table"' in board.text
    assert "Min Thu Aung" in board.text


def test_form_errors_name_the_field_and_write_nothing(
    client: TestClient, db: Session, fast_settings: Settings, setting: Setting
) -> None:
    _officer(client, db, fast_settings, setting)
    event = captured(db, setting, name="Hla Win")
    token = f.csrf_from(client, "/pow/register")
    response = client.post(
        "/pow/register",
        data={"csrf_token": token, "person_id": str(event.person_id), "captured_on": "not a date"},
    )
    assert response.status_code == 422
    assert 'href="#field-captured_on"' in response.text
    assert db.scalars(select(PowRecord)).all() == []

    record = _register(client, db, setting)
    token = f.csrf_from(client, f"/pow/records/{record.id}")
    bad = client.post(
        f"/pow/records/{record.id}/art17",
        data={"csrf_token": token, "surname": "Aung", "refused": "surname", "first_names": "X"},
    )
    assert bad.status_code == 422
    assert "both given and refused" in bad.text
    assert 'value="X"' in bad.text
    db.refresh(record)
    assert record.surname is None


def test_pages_are_for_pow_officers_only(
    client: TestClient, db: Session, fast_settings: Settings, setting: Setting
) -> None:
    f.registrar(
        db,
        organisation=setting.organisation,
        site=setting.site,
        settings=fast_settings,
        username="desk.reg",
    )
    f.login(client, username="desk.reg")
    assert client.get("/pow").status_code == 403
    assert client.get("/pow/register").status_code == 403


def _rewrite(content: bytes, name: str, old: bytes, new: bytes) -> bytes:
    archive = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in archive.namelist():
            data = archive.read(item)
            target.writestr(item, data.replace(old, new) if item == name else data)
    return out.getvalue()


def _tampering_is_caught(content: bytes, public: Ed25519PublicKey) -> None:
    """A changed file, or a changed manifest, fails verification."""
    changed = _rewrite(content, "notices.csv", b"Sergeant", b"Captain!")
    assert bureau.verify_export(changed, public) == ["notices.csv was changed"]
    forged = _rewrite(content, "manifest.json", b'"rows": 1', b'"rows": 2')
    assert bureau.verify_export(forged, public) == ["the signature does not match the manifest"]


def test_signed_notice_export_carries_art122_items_and_nothing_else(
    client: TestClient,
    db: Session,
    fast_settings: Settings,
    setting: Setting,
    keyring: Keyring,
) -> None:
    _officer(client, db, fast_settings, setting)
    record = _register(client, db, setting)
    token = f.csrf_from(client, f"/pow/records/{record.id}")
    client.post(
        f"/pow/records/{record.id}/art122",
        data={
            "csrf_token": token,
            "place_of_birth": "Loikaw",
            "father_first_name": "U Ba Tin",
            "mother_maiden_name": "Daw Mya",
            "refused": ["address", "person_to_inform"],
        },
    )
    client.post(
        f"/pow/records/{record.id}/art17",
        data={
            "csrf_token": token,
            "first_names": "Min Thu Aung",
            "rank": "Sergeant",
            "birth_year": "1990",
            "service_number": "BA-123456",
            "refused": "surname",
        },
    )
    system = Actor.system()
    bind_actor(db, system)
    care.record_inspection(
        db,
        system,
        record.id,
        InspectionIn(inspected_on=date(2026, 11, 2), findings="HVNCANARY-findings"),
    )

    page = client.get("/pow/notices")
    assert "Min Thu Aung" in page.text
    token = f.csrf_from(client, "/pow/notices")
    response = client.post("/pow/notices/export", data={"csrf_token": token})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"

    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [
        "manifest.json",
        "manifest.sig",
        "notices.csv",
        "notices.pdf",
        "signing-key.pem",
    ]
    csv = archive.read("notices.csv").decode("utf-8-sig")
    header, row = csv.splitlines()[0], csv.splitlines()[1]
    assert header.split(",") == list(bureau.NOTICE_COLUMNS)
    values = dict(zip(header.split(","), row.split(","), strict=True))
    assert values["notice"] == "capture"
    assert values["first_names"] == "Min Thu Aung"
    assert values["rank"] == "Sergeant"
    assert values["service_number"] == "BA-123456"
    assert values["date_of_birth"] == "1990"
    assert values["place_of_birth"] == "Loikaw"
    assert values["father_first_name"] == "U Ba Tin"
    assert values["mother_maiden_name"] == "Daw Mya"
    assert values["surname"].startswith("refused")
    assert values["address"].startswith("refused")
    assert values["person_to_inform"].startswith("refused")
    assert values["power_depended_on"] == ""  # not available: empty, not invented
    # Nothing the role may not send: no NRC, no findings, no family, no vetting or case data.
    whole = b"".join(archive.read(n) for n in archive.namelist())
    for secret in (b"123456(N)", b"OUKAMA", b"HVNCANARY", b"12/", b"Village"):
        assert secret not in whole, secret

    public = keyring.audit_signing_key.public_key()
    assert bureau.verify_export(response.content, public) == []
    _tampering_is_caught(response.content, public)

    assert db.scalars(select(PowNotice).where(PowNotice.exported_at.is_(None))).all() == []
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "pow.notices_exported")).one()
    assert "Min Thu Aung" not in str(event.changes)
    again = client.post("/pow/notices/export", data={"csrf_token": token})
    assert again.status_code == 409


def test_export_needs_a_fresh_login(
    client: TestClient, db: Session, fast_settings: Settings, setting: Setting
) -> None:
    _officer(client, db, fast_settings, setting)
    _register(client, db, setting)
    token = f.csrf_from(client, "/pow/notices")
    for login in db.scalars(select(LoginSession)):
        login.authenticated_at = utcnow() - timedelta(minutes=6)
    db.flush()
    response = client.post(
        "/pow/notices/export", data={"csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303
    assert response.headers["location"].startswith("/reauth")


def test_other_pages_render_in_burmese_too(
    client: TestClient, db: Session, fast_settings: Settings, setting: Setting
) -> None:
    _officer(client, db, fast_settings, setting)
    record = _register(client, db, setting)
    token = f.csrf_from(client, f"/pow/records/{record.id}")
    client.post("/language", data={"language": "my", "next": "/", "csrf_token": token})
    for path in ("/pow", "/pow/places", "/pow/pay-rates", "/pow/notices", "/pow/register"):
        page = client.get(path)
        assert page.status_code == 200, path
    assert "စစ်သုံ့ပန်း" in client.get(f"/pow/records/{record.id}").text

    token = f.csrf_from(client, "/pow/pay-rates")
    colleague = _org_actor(db, setting)
    bind_actor(db, colleague)
    rates = care.pay_rates(db, colleague)
    bad = client.post("/pow/pay-rates", data={"csrf_token": token, f"amount-{rates[0].id}": "x"})
    assert bad.status_code == 422
    form = {f"amount-{r.id}": f"{r.amount_minor / 100:.2f}" for r in rates}
    form[f"amount-{rates[0].id}"] = "9.50"
    saved = client.post(
        "/pow/pay-rates", data={"csrf_token": token, **form}, follow_redirects=False
    )
    assert saved.status_code == 303
    db.refresh(rates[0])
    assert rates[0].amount_minor == 950

    death = client.post(
        f"/pow/records/{record.id}/death",
        data={
            "csrf_token": token,
            "died_on": "2026-11-05",
            "place_of_death": "Camp North",
            "cause": "Illness",
            "cremated": "yes",
        },
    )
    assert death.status_code == 422  # a cremation needs its reason
    token = f.csrf_from(client, f"/pow/records/{record.id}")
    death = client.post(
        f"/pow/records/{record.id}/death",
        data={
            "csrf_token": token,
            "died_on": "2026-11-05",
            "place_of_death": "Camp North",
            "cause": "Illness",
            "burial_place": "Demoso cemetery",
            "grave_number": "A-7",
        },
        follow_redirects=False,
    )
    assert death.status_code == 303, death.text
    certificate = client.get(f"/pow/records/{record.id}/death-certificate.pdf")
    assert certificate.status_code == 200
    assert certificate.content.startswith(b"%PDF-")
    health = client.post("/pow/health-report", data={"csrf_token": token})
    assert health.status_code == 200
    assert "health.csv" in zipfile.ZipFile(io.BytesIO(health.content)).namelist()


def _org_actor(db: Session, setting: Setting) -> Actor:
    user = f.user(db, organisation=setting.organisation, role=Role.POW_OFFICER)
    return actor_for(user)


def test_api_refuses_defection_without_a_completed_check(
    client: TestClient, db: Session, fast_settings: Settings, setting: Setting
) -> None:
    user = f.user(db, organisation=setting.organisation, role=Role.POW_OFFICER)
    headers = f.bearer(f.api_token(db, user=user))
    event = captured(db, setting, name="Api Prisoner")
    made = client.post(
        "/api/pow/records",
        json={"person_id": str(event.person_id), "captured_on": "2026-11-01"},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    pow_id = made.json()["id"]
    check = client.post(
        f"/api/pow/records/{pow_id}/voluntariness-checks",
        json={
            "interviewer_name": "Detaining unit captain",
            "interviewer_independent": False,
            "detaining_unit_absent": False,
            "statement": "Yes.",
            "outcome": "voluntary",
        },
        headers=headers,
    )
    assert check.status_code == 201
    assert check.json()["completed_at"] is None
    refused = client.post(
        f"/api/pow/records/{pow_id}/defect", json={"check_id": check.json()["id"]}, headers=headers
    )
    assert refused.status_code == 409
    assert refused.json()["error"] == "conflict"
    assert client.get(f"/api/pow/records/{pow_id}", headers=headers).json()["status"] == "interned"


def test_voluntariness_tracing_and_risk_forms_on_the_record_page(
    client: TestClient, db: Session, fast_settings: Settings, setting: Setting
) -> None:
    _officer(client, db, fast_settings, setting)
    record = _register(client, db, setting)
    page = client.get(f"/pow/records/{record.id}")
    for field in ('name="former_commanders_absent"', 'name="present"', 'name="mark"'):
        assert field in page.text
    assert 'id="transfer-risk_assessed_by"' in page.text
    assert 'id="release-risk_conclusion"' in page.text
    assert 'id="defect-button"' not in page.text  # no complete check yet
    token = f.csrf_from(client, f"/pow/records/{record.id}")

    # A transfer without its risk assessment names each missing item and writes nothing.
    south = place(db, setting, "Camp South")
    refused = client.post(
        f"/pow/records/{record.id}/transfer",
        data={"csrf_token": token, "to_place_id": str(south.id)},
    )
    assert refused.status_code == 422
    for name in ("risk_assessed_by", "risks", "risk_conclusion"):
        assert f'id="error-{name}"' in refused.text
    assert "Camp South" in refused.text  # the choice is kept

    # The check, through the form (ticks and the list of paths).
    check = {k: v for k, v in complete_check().items() if v is not None}
    for tick in ("interviewer_independent", "detaining_unit_absent", "former_commanders_absent"):
        check[tick] = "yes"
    saved = client.post(
        f"/pow/records/{record.id}/check",
        data={"csrf_token": token, **check},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    page = client.get(f"/pow/records/{record.id}")
    assert 'id="defect-button"' in page.text
    check_id = page.text.split('name="check_id" value="')[1].split('"')[0]
    defected = client.post(
        f"/pow/records/{record.id}/defect",
        data={"csrf_token": token, "check_id": check_id, "changed_on": "2026-11-05"},
        follow_redirects=False,
    )
    assert defected.status_code == 303, defected.text
    page = client.get(f"/pow/records/{record.id}")
    assert 'id="tracing-current"' in page.text
    assert "No notice (nothing recorded)" in page.text
    assert "withheld: the person changed sides" in page.text
    assert 'id="no-notices"' in client.get("/pow/notices").text

    # The person's choice needs a witness and that it was explained.
    bad = client.post(
        f"/pow/records/{record.id}/tracing",
        data={"csrf_token": token, "choice": "family_privately", "chosen_on": "2026-11-06"},
    )
    assert bad.status_code == 422
    assert 'id="error-informed"' in bad.text
    assert 'id="error-witness_name"' in bad.text
    chosen = client.post(
        f"/pow/records/{record.id}/tracing",
        data={
            "csrf_token": token,
            "choice": "family_privately",
            "chosen_on": "2026-11-06",
            "witness_name": "Daw Mya",
            "informed": "yes",
        },
        follow_redirects=False,
    )
    assert chosen.status_code == 303, chosen.text
    notices = client.get("/pow/notices").text
    assert "Private message to the family" in notices

    # The export carries the family message without anything military.
    token = f.csrf_from(client, "/pow/notices")
    export = client.post("/pow/notices/export", data={"csrf_token": token})
    assert export.status_code == 200, export.text
    text = zipfile.ZipFile(io.BytesIO(export.content)).read("notices.csv").decode("utf-8-sig")
    (values,) = list(csv.DictReader(io.StringIO(text)))
    assert values["notice"] == "family_private"
    assert values["first_names"] == "Min Thu Aung"
    assert (values["rank"], values["service_number"], values["date_of_birth"]) == ("", "", "")
    assert values["detail"].startswith("For the family only")

    # The page reads in Burmese too.
    client.post("/language", data={"language": "my", "next": "/", "csrf_token": token})
    assert client.get(f"/pow/records/{record.id}").status_code == 200
