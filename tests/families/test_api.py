"""Relatives and movement plans through the real app: the JSON API (status codes, shapes,
404 for strangers, 409 on an illegal move) and the pages (forms with field-level errors, the
values kept and nothing written on a refused input; the person page's panels)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.families.models import FamilyPlan
from haven.people.public import FamilyMemberIn, add_family_member
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from tests import factories as f

SYSTEM = Actor.system()


def test_relatives_and_a_plan_through_the_api(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    registrar = f.bearer(
        f.api_token(db, user=f.registrar(db, organisation=org, site=site, settings=fast_settings))
    )
    worker = f.bearer(
        f.api_token(
            db, user=f.user(db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings)
        )
    )
    stranger = f.bearer(
        f.api_token(
            db,
            user=f.user(
                db, organisation=f.organisation(db), role=Role.CASE_WORKER, settings=fast_settings
            ),
        )
    )
    event = f.receive(db, SYSTEM, site_id=str(site.id), name_latin="Saw Htoo")
    assert isinstance(event, ReceptionEvent)
    person = str(event.person_id)

    added = client.post(
        f"/api/people/{person}/family",
        json={
            "relationship": "daughter",
            "name": "Naw Paw",
            "birth_year": 2019,
            "area": "regime_held",
            "at_risk": True,
        },
        headers=registrar,
    )
    assert added.status_code == 201, added.text
    relative = added.json()
    assert (relative["relationship"], relative["is_dependant"], relative["area"]) == (
        "child",
        True,
        "regime_held",
    )
    one = client.get(f"/api/people/{person}/family/{relative['id']}", headers=worker)
    assert one.json()["name"] == "Naw Paw"
    assert (
        client.get(f"/api/people/{person}/family/{relative['id']}", headers=stranger).status_code
        == 404
    )
    patched = client.patch(
        f"/api/people/{person}/family/{relative['id']}", json={"to_move": True}, headers=registrar
    )
    assert patched.json()["to_move"] is True

    body = {
        "person_id": person,
        "origin_kind": "compound",
        "origin": "Compound 7",
        "destination": "Safe house 2",
        "relative_ids": [relative["id"]],
    }
    assert (
        client.post(
            "/api/families/plans", json=body | {"origin_kind": "palace"}, headers=worker
        ).status_code
        == 422
    )
    assert client.post("/api/families/plans", json=body, headers=stranger).status_code == 404
    created = client.post("/api/families/plans", json=body, headers=worker)
    assert created.status_code == 201, created.text
    plan = created.json()
    assert plan["relatives"][0]["name"] == "Naw Paw"
    assert plan["progress"] == {
        "relatives": 1,
        "moved": 0,
        "at_risk": 1,
        "steps": 0,
        "steps_done": 0,
        "overdue": 0,
    }
    base = f"/api/families/plans/{plan['id']}"
    step = client.post(
        f"{base}/steps", json={"title": "Guide", "planned_on": "2020-01-01"}, headers=worker
    )
    assert step.status_code == 201
    assert step.json()["overdue"] is False
    assert client.get(base, headers=worker).json()["steps"][0]["overdue"] is True
    assert (
        client.post(f"{base}/steps/{step.json()['id']}/done", json={}, headers=worker).status_code
        == 200
    )
    refused = client.post(f"{base}/status", json={"status": "cancelled"}, headers=worker)
    assert refused.status_code == 422
    assert "reason" in refused.json()["fields"]
    assert (
        client.post(f"{base}/status", json={"status": "completed"}, headers=worker).status_code
        == 409
    )
    moved = client.post(f"{base}/moved", json={"relative_ids": [relative["id"]]}, headers=worker)
    assert moved.json()["status"] == "under_way"
    assert moved.json()["progress"]["moved"] == 1
    assert (
        client.patch(base, json={"unnamed_relatives": 2}, headers=worker).json()["progress"][
            "relatives"
        ]
        == 3
    )
    listed = client.get(f"/api/families/plans?person_id={person}", headers=worker).json()
    assert [p["id"] for p in listed] == [plan["id"]]
    assert "Compound" not in str(listed)
    assert client.get(base, headers=stranger).status_code == 404
    assert client.get("/api/families/plans", headers=stranger).json() == []


def test_a_relative_through_the_person_page(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    f.user(
        db,
        organisation=org,
        role=Role.REGISTRAR,
        site=site,
        settings=fast_settings,
        username="reg.families",
    )
    event = f.receive(db, SYSTEM, site_id=str(site.id), name_latin="Khun Aung")
    assert isinstance(event, ReceptionEvent)
    person = event.person_id
    f.login(client, username="reg.families")
    token = f.csrf_from(client, f"/people/{person}")

    # A relative through the person page: a missing relation comes back beside the field.
    refused = client.post(f"/people/{person}/family", data={"csrf_token": token, "name": "Ma Ma"})
    assert refused.status_code == 422
    assert 'href="#field-relationship"' in refused.text
    added = client.post(
        f"/people/{person}/family",
        data={
            "csrf_token": token,
            "relationship": "spouse",
            "name": "Ma Ma",
            "area": "contested",
            "at_risk": "yes",
            "is_dependant": "rule",
        },
    )
    assert added.status_code == 200  # followed to the person page
    page = client.get(f"/people/{person}")
    assert "Contested area" in page.text
    assert 'id="movements"' not in page.text  # a registrar does not see movement plans
    edit_link = page.text.split('id="edit-relative-1"')[0].rsplit('href="', 1)[1].split('"')[0]
    form = client.get(edit_link)
    assert form.status_code == 200
    assert 'value="spouse" selected' in form.text
    saved = client.post(
        edit_link.removesuffix("/edit"),
        data={
            "csrf_token": token,
            "relationship": "spouse",
            "name": "Ma Ma",
            "area": "abroad",
            "is_dependant": "no",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303


def test_a_plan_through_the_pages(client: TestClient, db: Session, fast_settings: Settings) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    f.user(
        db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings, username="cw.families"
    )
    event = f.receive(db, SYSTEM, site_id=str(site.id), name_latin="Khun Aung")
    assert isinstance(event, ReceptionEvent)
    person = event.person_id
    add_family_member(db, SYSTEM, person, FamilyMemberIn(relationship="spouse", name="Ma Ma"))
    f.login(client, username="cw.families")
    token = f.csrf_from(client, f"/people/{person}")
    page = client.get(f"/people/{person}")
    assert 'id="movements"' in page.text
    assert "/families/new/person/" in page.text
    new = client.get(f"/families/new/person/{person}")
    assert new.status_code == 200
    assert "Ma Ma" in new.text
    relative = new.text.split('name="relative_ids" value="')[1].split('"')[0]
    before = db.scalar(select(func.count()).select_from(FamilyPlan))
    missing = client.post(
        "/families",
        data={
            "csrf_token": token,
            "person_id": str(person),
            "origin_kind": "village",
            "relative_ids": relative,
        },
    )
    assert missing.status_code == 422
    assert 'href="#field-origin"' in missing.text
    assert 'value="village" checked' in missing.text
    assert db.scalar(select(func.count()).select_from(FamilyPlan)) == before
    created = client.post(
        "/families",
        data={
            "csrf_token": token,
            "person_id": str(person),
            "origin_kind": "village",
            "origin": "Village 4",
            "destination": "Camp 9",
            "relative_ids": relative,
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    plan_url = created.headers["location"]
    plan_page = client.get(plan_url)
    assert "Village 4" in plan_page.text
    assert "Camp 9" in plan_page.text
    bad_step = client.post(
        f"{plan_url}/steps", data={"csrf_token": token, "title": "Go", "planned_on": "soon"}
    )
    assert bad_step.status_code == 422
    assert 'href="#field-planned_on"' in bad_step.text
    assert (
        client.post(
            f"{plan_url}/steps",
            data={"csrf_token": token, "title": "Go", "planned_on": "2020-02-02"},
        ).status_code
        == 200
    )
    no_reason = client.post(f"{plan_url}/status", data={"csrf_token": token, "status": "suspended"})
    assert no_reason.status_code == 422
    assert 'href="#field-reason"' in no_reason.text
    moved = client.post(f"{plan_url}/moved", data={"csrf_token": token, "relative_ids": relative})
    assert moved.status_code == 200
    assert "Under way" in moved.text
    listing = client.get("/families")
    assert listing.status_code == 200
    assert "1 of 1 relatives moved" in listing.text
    assert "1 step overdue" in listing.text
    edit = client.post(
        f"{plan_url}/edit",
        data={"csrf_token": token, "origin_kind": "village", "origin": "", "destination": "Camp 9"},
    )
    assert edit.status_code == 422
    assert 'href="#field-origin"' in edit.text
