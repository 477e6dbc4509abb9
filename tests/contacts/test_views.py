"""The contact pages through the real app: a negotiator records a contact (a refused form
comes back with the message on the field and the values kept, nothing written), sets a
meeting, logs an exchange and links the crossing; a case worker meets 404 on every contact
page and sees no link or hint of contacts on the pages they use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.contacts.models import Contact
from haven.db.types import utcnow
from haven.kernel import clock
from haven.people.models import Person
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.conftest import LAPTOP

SYSTEM = Actor.system()
LAPTOP_ONLY = pytest.mark.parametrize("engine", LAPTOP, indirect=True)


@LAPTOP_ONLY  # pages are the same on both engines; tests/contacts/test_api.py runs on both
def test_a_negotiator_works_a_contact_and_no_one_else_sees_it(  # noqa: PLR0915 - one story
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    org = f.organisation(db, name="Contacts pages org")
    site = f.site(db, organisation=org)
    f.user(db, organisation=org, role=Role.NEGOTIATOR, settings=fast_settings, username="neg.c")
    f.user(db, organisation=org, role=Role.CASE_WORKER, settings=fast_settings, username="cw.c")
    received = f.receive(db, SYSTEM, site_id=str(site.id), name_latin="Saw Page")
    assert isinstance(received, ReceptionEvent)
    person = db.get(Person, received.person_id)
    assert person is not None

    f.login(client, username="neg.c")
    new = client.get("/contacts/new")
    assert new.status_code == 200
    offered = new.text.split('id="field-code_name" name="code_name" type="text" value="')[1]
    assert offered.split('"')[0].count(" ") == 2  # a generated code name is offered
    token = f.csrf_from(client, "/contacts/new")
    form = {
        "csrf_token": token,
        "code_name": "Ms. Real Name",
        "channel": "phone",
        "channel_detail": "+95 9 555 0101",
        "companions": "alone",
        "family": "none",
        "agreement_id": "",
        "handler_id": "",
    }
    before = db.scalar(select(func.count()).select_from(Contact))
    refused = client.post("/contacts", data=form)
    assert refused.status_code == 422
    assert 'href="#field-code_name"' in refused.text
    assert 'value="+95 9 555 0101"' in refused.text  # the values stay in the form
    assert db.scalar(select(func.count()).select_from(Contact)) == before
    saved = client.post("/contacts", data={**form, "code_name": "river kite 31"})
    assert saved.status_code == 200  # followed to the contact's page
    assert "RIVER KITE 31" in saved.text
    assert "+95 9 555 0101" in saved.text
    contact = db.scalars(select(Contact).where(Contact.code_name == "RIVER KITE 31")).one()
    page = f"/contacts/{contact.id}"

    when = clock.local_time(utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    blank = client.post(
        f"{page}/meeting", data={"csrf_token": token, "meeting_point": "", "meeting_at": when}
    )
    assert blank.status_code == 422
    assert 'href="#field-meeting_point"' in blank.text
    met = client.post(
        f"{page}/meeting",
        data={"csrf_token": token, "meeting_point": "the bridge", "meeting_at": when},
    )
    assert "the bridge" in met.text
    assert 'id="contact-status">Meeting set' in met.text
    logged = client.post(
        f"{page}/exchanges", data={"csrf_token": token, "channel": "phone", "note": "All quiet"}
    )
    assert "All quiet" in logged.text
    listing = client.get("/contacts")
    assert "RIVER KITE 31" in listing.text
    assert "Time passed, not crossed" not in listing.text
    crossed = client.post(
        f"{page}/crossing", data={"csrf_token": token, "person_reference": str(person.reference)}
    )
    assert 'id="contact-status">Crossed' in crossed.text
    assert str(person.reference) in crossed.text
    assert "Saw Page" not in crossed.text  # the team sees the reference, not the name

    # A case worker: 404 on every contact page, and nothing of contacts on their pages.
    client.post("/logout", data={"csrf_token": f.csrf_from(client, "/")})
    f.login(client, username="cw.c")
    for path in ("/contacts", "/contacts/new", page):
        assert client.get(path).status_code == 404, path
    token = f.csrf_from(client, "/")
    assert client.post(f"{page}/wipe", data={"csrf_token": token}).status_code == 404
    for path in ("/", f"/people/{person.id}"):
        shown = client.get(path).text
        assert "/contacts" not in shown, path
        assert "RIVER KITE 31" not in shown, path
