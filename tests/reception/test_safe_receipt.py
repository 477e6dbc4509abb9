"""Weapon receipts that do not betray (docs/legal-framework.md): the form handed to the person
is the safe-to-carry one by default, in English and Burmese; the full form for the files is an
explicit choice, audited. The text is read back from the page as printed (the receipt and the
page title, which browsers print in the header)."""

from __future__ import annotations

import html
import re
import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.kernel.sensitivity import bind_actor
from haven.people.public import Person
from haven.reception.models import ReceptionEvent, WeaponItem
from tests import factories as f

SITE = "Nan Mae Khon reception point"
NAME = "Kyaw Zin Htet"
UNIT = "LIB-531"
SERIAL = "AK-99177"
TAG = "TG-5521"
# Words and values that say who the person is, where they came from, or how they came.
FORBIDDEN_EN = ("defect", "surrender", "weapon", "rifle", "reception point", "unit", "serial")
FORBIDDEN_MY = ("ကူးပြောင်း", "ဘက်ပြောင်း", "လက်နက်", "လက်ခံရေးစခန်း", "တပ်")
VALUES = (SITE, NAME, UNIT, "531", SERIAL, TAG)


def printed(page: str) -> str:
    """The page as it prints: its title and the receipt, tags stripped."""
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    article = re.search(r'<article class="receipt" id="receipt".*?</article>', page, re.S)
    assert title
    assert article
    text = re.sub(r"<[^>]+>", " ", title.group(1) + " " + article.group(0))
    return " ".join(html.unescape(text).split())


@pytest.fixture
def receipt_url(client: TestClient, db: Session, fast_settings: Settings) -> str:
    org = f.organisation(db)
    site = f.site(db, organisation=org, name=SITE)
    user = f.registrar(
        db, organisation=org, site=site, settings=fast_settings, username="desk.safe"
    )
    registrar = actor_for(user)
    bind_actor(db, registrar)
    event = f.receive(
        db,
        registrar,
        name_latin=NAME,
        classification="defector",
        received_on="2026-11-20",
        origin_unit="LIB 531",
        site_id=str(site.id),
        weapons=[{"kind": "rifle", "serial_number": SERIAL, "tag": TAG, "quantity": 2}],
    )
    assert isinstance(event, ReceptionEvent)
    item = db.scalars(select(WeaponItem).where(WeaponItem.reception_id == event.id)).one()
    f.login(client, username="desk.safe")
    return f"/weapons/{item.id}/receipt"


@pytest.mark.parametrize("language", ["en", "my"])
def test_the_default_receipt_is_safe_to_carry(
    language: str, client: TestClient, db: Session, receipt_url: str
) -> None:
    if language == "my":
        token = f.csrf_from(client, receipt_url)
        client.post("/language", data={"language": "my", "next": "/", "csrf_token": token})
    page = client.get(receipt_url)
    assert page.status_code == 200
    text = printed(page.text)
    assert "WR-20261120-" in text  # the reference number
    assert "2026-11-20" in text  # the date
    assert " 2 " in f" {text} "  # the quantity
    lowered = text.lower()
    for word in (*FORBIDDEN_EN, *FORBIDDEN_MY, *VALUES):
        assert word.lower() not in lowered, (language, word, text)
    assert not db.scalars(
        select(AuditEvent).where(AuditEvent.action == "weapon.receipt_full_form")
    ).all()


def test_the_full_form_is_for_the_files_and_audited(
    client: TestClient, db: Session, receipt_url: str
) -> None:
    page = client.get(f"{receipt_url}?form=full")
    assert page.status_code == 200
    text = printed(page.text)
    for value in (SITE, NAME, UNIT, SERIAL, TAG, "Defector", "Rifle", "Reception point"):
        assert value in text, value
    item = db.get(WeaponItem, uuid.UUID(receipt_url.split("/")[2]))
    event = db.get(ReceptionEvent, item.reception_id)  # type: ignore[union-attr]
    person = db.get(Person, event.person_id)  # type: ignore[union-attr]
    assert person is not None
    assert person.reference in text  # the person's reference number, for the files
    assert 'id="full-form-notice"' in page.text
    (event,) = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "weapon.receipt_full_form")
    ).all()
    assert event.subject_type == "weapon"
    assert str(event.subject_id) in receipt_url
