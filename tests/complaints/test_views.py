"""The complaints pages through the real app: a relative's complaint in two steps without
JavaScript, errors on the fields with nothing written, the log worked from the complaint's
page, the list's overdue flag, the person page's panel, constant queries whatever the rows,
and the report without names."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from haven.complaints import service
from haven.complaints.models import Complaint
from haven.complaints.schemas import AssignIn, ComplaintIn, EntryIn
from haven.config import Settings
from haven.kernel import clock
from haven.kernel.sensitivity import bind_actor
from haven.people import service as people
from haven.people.schemas import FamilyMemberIn
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.queries import counting

SYSTEM = Actor.system()


def _count(client: TestClient, engine: Engine, path: str) -> int:
    with counting(engine) as seen:
        response = client.get(path)
    assert response.status_code == 200, response.text
    return seen.count


def test_complaints_through_the_pages(  # noqa: PLR0915 - one flow through the pages
    client: TestClient, db: Session, engine: Engine, fast_settings: Settings
) -> None:
    org = f.organisation(db, name="Council (complaint views)")
    site = f.site(db, organisation=org)
    worker_id = f.user(
        db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings, username="cw.cp"
    ).id
    event = f.receive(db, SYSTEM, site_id=str(site.id), name_latin="Naw Paw Complains")
    assert isinstance(event, ReceptionEvent)
    bind_actor(db, SYSTEM)
    people.add_family_member(
        db, SYSTEM, event.person_id, FamilyMemberIn(relationship="mother", name="Daw Hla Relative")
    )
    reference = people.person_by_id(db, event.person_id).reference  # type: ignore[union-attr]
    f.login(client, username="cw.cp")
    token = f.csrf_from(client, "/complaints/new")
    count = db.scalar(select(func.count()).select_from(Complaint))

    # Anonymous with a contact: refused on the field, values kept, nothing written.
    refused = client.post(
        "/complaints/new",
        data={
            "csrf_token": token,
            "kind": "complaint",
            "complainant": "anonymous",
            "category": "other",
            "channel": "letter",
            "contact": "09 555",
            "text": "Nobody listens.",
        },
    )
    assert refused.status_code == 422
    assert 'href="#field-contact"' in refused.text
    assert "Nobody listens." in refused.text
    assert db.scalar(select(func.count()).select_from(Complaint)) == count
    # A relative: the person's reference first, then their relatives are offered.
    step = client.post(
        "/complaints/new",
        data={
            "csrf_token": token,
            "kind": "complaint",
            "complainant": "relative",
            "person_reference": reference,
            "category": "payment_not_received",
            "channel": "phone",
            "text": "My son's allowance did not come.",
        },
    )
    assert step.status_code == 422
    assert "Daw Hla Relative" in step.text
    member = step.text.split('name="family_member_id">')[1].split('<option value="')[2][:36]
    past = (clock.local_today() - timedelta(days=30)).isoformat()
    done = client.post(
        "/complaints/new",
        data={
            "csrf_token": token,
            "kind": "complaint",
            "complainant": "relative",
            "person_id": str(event.person_id),
            "family_member_id": member,
            "category": "payment_not_received",
            "channel": "phone",
            "received_on": past,
            "text": "My son's allowance did not come.",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    recorded = client.get(done.headers["location"])
    assert recorded.status_code == 200
    assert 'id="complaint-reference"' in recorded.text
    complaint = db.scalars(select(Complaint).order_by(Complaint.created_at.desc())).first()
    assert complaint is not None
    assert complaint.family_member_id is not None

    # The list flags it overdue; the person page lists it.
    listing = client.get("/complaints?overdue=yes")
    assert complaint.reference in listing.text
    assert "Overdue: flagged to the managers" in listing.text
    assert complaint.reference in client.get(f"/people/{event.person_id}").text

    # Worked from its page: a response without saying how is refused on the field.
    page = f"/complaints/{complaint.id}"
    token = f.csrf_from(client, page)
    assert (
        client.post(
            f"{page}/acknowledge",
            data={"csrf_token": token, "given_by": "phone"},
            follow_redirects=False,
        ).status_code
        == 303
    )
    bad = client.post(
        f"{page}/entries", data={"csrf_token": token, "kind": "response", "text": "Paid today."}
    )
    assert bad.status_code == 422
    assert 'href="#field-given_by"' in bad.text
    assert (
        client.post(
            f"{page}/entries",
            data={
                "csrf_token": token,
                "kind": "response",
                "text": "Paid today.",
                "given_by": "in_person",
            },
            follow_redirects=False,
        ).status_code
        == 303
    )
    conflict = client.post(f"{page}/reopen", data={"csrf_token": token, "reason": "Why not"})
    assert conflict.status_code == 409
    shown = client.get(page).text
    assert "Paid today." in shown
    assert "Daw Hla Relative" in shown

    # The list, the complaint's page and the person page make constant queries.
    pages = ("/complaints", page, f"/people/{event.person_id}")
    service.assign(db, SYSTEM, complaint.id, AssignIn(user_id=worker_id))
    few = [_count(client, engine, path) for path in pages]
    data = ComplaintIn.model_validate(
        {
            "category": "other",
            "channel": "phone",
            "complainant": "person",
            "person_id": str(event.person_id),
            "text": "Counted.",
        }
    )
    for _ in range(2):
        more = service.record(db, SYSTEM, data)
        service.assign(db, SYSTEM, more.id, AssignIn(user_id=worker_id))
        service.add_entry(db, SYSTEM, complaint.id, EntryIn(text="A note more."))
    assert [_count(client, engine, path) for path in pages] == few

    report = client.get("/complaints/report")
    assert report.status_code == 200
    for leaked in (complaint.reference, "Naw Paw", "Daw Hla", "allowance did not come"):
        assert leaked not in report.text
    assert client.get("/complaints/deadlines").status_code == 200

    # Made confidential by the case worker, not its handler: it leaves their sight (back to
    # the list, then 404).
    service.assign(db, SYSTEM, complaint.id, AssignIn(user_id=None))
    token = f.csrf_from(client, page)
    hidden = client.post(
        f"{page}/confidentiality",
        data={"csrf_token": token, "confidential": "true", "reason": "About a guard"},
        follow_redirects=False,
    )
    assert hidden.status_code == 303
    assert hidden.headers["location"] == "/complaints"
    assert client.get(page).status_code == 404
