"""The standing on the pages: the case page shows the person's standing, why, and what
remains open; the choice page offers only the open pathways and shows a refused one on the
form (409) with the values kept."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor, Role
from haven.vetting.lifecycle import Outcome
from tests import factories as f
from tests.pathways.support import SAFEGUARDS_FORM, choose, consent_text
from tests.vetting.support import clear_person

SYSTEM = Actor.system()


def _referred(db: Session, settings: Settings) -> uuid.UUID:
    org = f.organisation(db, name="Council (standing views)")
    site = f.site(db, organisation=org)
    f.user(db, organisation=org, role=Role.CASE_WORKER, settings=settings, username="cw.standing")
    consent_text(db, organisation_id=org.id, body="We will not force you to fight. Choose freely.")
    event = f.receive(db, SYSTEM, site_id=str(site.id), name_latin="Kyaw Htet", birth_year=1984)
    assert isinstance(event, ReceptionEvent)
    clear_person(db, event.person_id, outcome=Outcome.REFERRED)
    return event.person_id


def test_the_case_page_shows_the_standing_and_what_remains_open(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    person = _referred(db, fast_settings)
    choice = choose(db, person, "home")
    f.login(client, username="cw.standing")
    page = client.get(f"/cases/{choice.case_id}")
    assert page.status_code == 200
    section = page.text.split('id="standing"')[1].split("</section>")[0]
    assert 'data-state="referred"' in section
    assert "Referred for accountability" in section
    assert "excluded from serving" in section  # why
    open_list = section.split('id="standing-open"')[1].split("</ul>")[0]
    assert 'data-path="home"' in open_list
    assert "(under conditions)" in open_list
    assert 'data-path="exile"' in open_list
    assert 'data-path="custody_and_justice"' in open_list
    assert 'data-path="serve"' not in open_list
    closed = section.split('id="standing-closed"')[1]
    assert 'data-path="serve"' in closed
    # In Burmese too.
    burmese = client.get(f"/cases/{choice.case_id}", headers={"Accept-Language": "my"})
    assert burmese.status_code == 200
    assert 'data-state="referred"' in burmese.text


def test_the_choice_page_never_offers_serve_to_a_referred_person(
    client: TestClient, db: Session, fast_settings: Settings
) -> None:
    person = _referred(db, fast_settings)
    f.login(client, username="cw.standing")
    page = client.get(f"/people/{person}/choice")
    assert page.status_code == 200
    assert 'value="serve"' not in page.text
    assert 'value="home"' in page.text
    assert 'value="exile"' in page.text
    assert 'id="standing-state" data-state="referred"' in page.text
    token = f.csrf_from(client, f"/people/{person}/choice")
    text_id = page.text.split('name="consent_text_id" value="')[1].split('"')[0]
    form = {
        "csrf_token": token,
        "language": "en",
        "consent_text_id": text_id,
        "explained": "yes",
        **SAFEGUARDS_FORM,
        "statement": "I want to serve.",
    }
    # A forged form choosing serve: refused on the page, the statement kept.
    refused = client.post(f"/people/{person}/choice", data={**form, "pathway": "serve"})
    assert refused.status_code == 409
    assert 'id="error-summary"' in refused.text
    assert "excluded from serving" in refused.text
    assert "I want to serve." in refused.text
    saved = client.post(
        f"/people/{person}/choice", data={**form, "pathway": "exile"}, follow_redirects=False
    )
    assert saved.status_code == 303, saved.text
