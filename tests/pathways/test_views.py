"""The pathways pages through the real app: the choice with its explanation, the child rule
in the form, a task and a referral worked from both sides, the manager's counts."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.kernel import clock
from haven.pathways import repository
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.pathways.support import SAFEGUARDS_FORM, consent_text

SYSTEM = Actor.system()


def _setup(db: Session, settings: Settings) -> dict[str, object]:
    org = f.organisation(db, name="Council (views)")
    site = f.site(db, organisation=org)
    partner = f.organisation(db, name="Partner (views)")
    for username, organisation, role in (
        ("cw.views", org, Role.CASE_WORKER),
        ("partner.views", partner, Role.CASE_WORKER),
        ("mgr.views", org, Role.MANAGER),
    ):
        f.user(db, organisation=organisation, role=role, settings=settings, username=username)
    consent_text(db, organisation_id=org.id, body="We will not force you to fight. Choose freely.")
    consent_text(db, organisation_id=org.id, language="my", body="တိုက်ခိုက်ရန် မည်သူမျှ အတင်းမခိုင်းပါ။")
    adult = f.receive(db, SYSTEM, site_id=str(site.id), name_latin="Khun Aung")
    child = f.receive(db, SYSTEM, site_id=str(site.id), name_latin="Mi Mi", classification="child")
    assert isinstance(adult, ReceptionEvent)
    assert isinstance(child, ReceptionEvent)
    return {"adult": adult.person_id, "child": child.person_id, "partner": partner.id}


def test_choice_task_and_referral_through_the_pages(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    ids = _setup(db, fast_settings)
    f.login(client, username="cw.views")
    page = client.get(f"/people/{ids['adult']}/choice?language=my")
    assert "အတင်းမခိုင်းပါ" in page.text
    assert 'value="serve"' in page.text
    assert "checked" not in page.text.split('id="field-pathway"')[1].split("</fieldset>")[0]
    token = f.csrf_from(client, f"/people/{ids['adult']}/choice")
    text_id = page.text.split('name="consent_text_id" value="')[1].split('"')[0]
    # Without confirming the explanation: the form comes back with the values kept.
    refused = client.post(
        f"/people/{ids['adult']}/choice",
        data={"csrf_token": token, "pathway": "home", "language": "my", "consent_text_id": text_id},
    )
    assert refused.status_code == 422
    assert 'href="#field-explained"' in refused.text
    assert 'value="home" id="pathway-home" checked' in refused.text
    saved = client.post(
        f"/people/{ids['adult']}/choice",
        data={
            "csrf_token": token,
            "pathway": "home",
            "language": "my",
            "consent_text_id": text_id,
            "explained": "yes",
            **SAFEGUARDS_FORM,
            "statement": "အိမ်ပြန်ချင်ပါတယ်",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    case_url = saved.headers["location"].split("?")[0]
    case_page = client.get(case_url)
    assert "Go home to the family" in case_page.text
    assert "explanation version 1" in case_page.text
    # A task: an error keeps the values; then added and done.
    bad = client.post(f"{case_url}/tasks", data={"csrf_token": token, "title": "Call mother"})
    assert bad.status_code == 422
    assert 'value="Call mother"' in bad.text
    today = clock.local_today().isoformat()
    client.post(
        f"{case_url}/tasks", data={"csrf_token": token, "title": "Call mother", "due_on": today}
    )
    case = repository.case_of_person(db, ids["adult"])  # type: ignore[arg-type]
    assert case is not None
    task = repository.tasks_of(db, case.id)[0]
    done = client.post(f"/tasks/{task.id}/status", data={"csrf_token": token, "status": "done"})
    assert done.status_code == 200
    db.refresh(task)
    assert task.status == "done"
    # A referral to the partner organisation.
    sent = client.post(
        f"{case_url}/referrals",
        data={
            "csrf_token": token,
            "to_organisation_id": str(ids["partner"]),
            "kind": "medical",
            "reason": "Leg wound needs dressing",
        },
    )
    assert sent.status_code == 200
    referral = repository.referrals_of_case(db, case.id)[0]
    client.post(f"{case_url}/notes", data={"csrf_token": token, "text": "Private matter"})
    notes = client.get(f"{case_url}/notes")
    assert "Private matter" in notes.text
    client.post("/logout", data={"csrf_token": token})

    f.login(client, username="partner.views")
    partner_token = f.csrf_from(client, "/cases")
    inbox = client.get("/cases")
    assert "Khun Aung" in inbox.text
    view = client.get(f"/referrals/{referral.id}")
    assert "Leg wound needs dressing" in view.text
    assert client.get(case_url).status_code == 404
    assert client.get(f"{case_url}/notes").status_code == 404
    for status in ("accepted", "completed"):
        moved = client.post(
            f"/referrals/{referral.id}/status", data={"csrf_token": partner_token, "status": status}
        )
        assert moved.status_code == 200
    assert "Completed" in client.get(f"/referrals/{referral.id}").text


def test_a_child_is_not_offered_serve_and_cannot_post_it(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    ids = _setup(db, fast_settings)
    f.login(client, username="cw.views")
    page = client.get(f"/people/{ids['child']}/choice")
    assert 'id="child-notice"' in page.text
    assert 'value="serve"' not in page.text
    token = f.csrf_from(client, f"/people/{ids['child']}/choice")
    text_id = page.text.split('name="consent_text_id" value="')[1].split('"')[0]
    forced = client.post(
        f"/people/{ids['child']}/choice",
        data={
            "csrf_token": token,
            "pathway": "serve",
            "language": "en",
            "consent_text_id": text_id,
            "explained": "yes",
            **SAFEGUARDS_FORM,
        },
    )
    assert forced.status_code == 422
    assert "A child cannot be given the serve pathway" in forced.text
    # The child's case shows the protection task, due within 48 hours.
    case = repository.case_of_person(db, ids["child"])  # type: ignore[arg-type]
    assert case is not None
    assert "Refer to child protection and hand over" in client.get(f"/cases/{case.id}").text


def test_a_manager_sees_counts_not_cases(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    ids = _setup(db, fast_settings)
    f.login(client, username="mgr.views")
    page = client.get("/cases")
    assert page.status_code == 200
    assert 'id="caseload-table"' in page.text
    assert 'id="unassigned-table"' in page.text  # the child's case waits for a case worker
    assert "Mi Mi" not in page.text
    case = repository.case_of_person(db, ids["child"])  # type: ignore[arg-type]
    assert case is not None
    assert case.reference in page.text  # the waiting case by its reference, not a cut id
    assert client.get(f"/cases/{case.id}").status_code == 403
    assert client.get(f"/cases/{case.id}/notes").status_code == 403


def test_an_administrator_adds_explanation_versions(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db, name="Council (texts)")
    f.user(
        db, organisation=org, role=Role.ADMINISTRATOR, settings=fast_settings, username="adm.texts"
    )
    f.login(client, username="adm.texts")
    token = f.csrf_from(client, "/consent-texts")
    short = client.post("/consent-texts", data={"csrf_token": token, "language": "my", "text": "တို"})
    assert short.status_code == 422
    assert 'href="#field-text"' in short.text
    for body in ("ရွေးချယ်ခွင့် သုံးမျိုး ရှိပါသည်။ မည်သူမျှ အတင်းမခိုင်းပါ။", "ဒုတိယ ဗားရှင်း: ရွေးချယ်ခွင့် သုံးမျိုး ရှိပါသည်။"):
        saved = client.post(
            "/consent-texts", data={"csrf_token": token, "language": "my", "text": body}
        )
        assert saved.status_code == 200
    page = client.get("/consent-texts").text
    assert "version 2" in page
    assert "version 1" in page
