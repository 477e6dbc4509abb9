"""Allowance statements that do not betray (docs/legal-framework.md): the form handed to the
person is the safe-to-carry one by default, in English and Burmese (a reference, dates and
amounts, paid or not); the full form for the files is an explicit choice, audited. The text
is read back from the page as printed (the statement and the page title)."""

from __future__ import annotations

import html
import re
import uuid
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.allowances import batches, entitlements
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.people.public import Person
from haven.security.permissions import Role
from tests import factories as f
from tests.allowances import support as s
from tests.vetting.support import clear_person

# Words that say how the person came or that they were screened; the plan's own component
# names ("Defection payment", Burmese included) and the explanations' rank.
FORBIDDEN = (
    "defect",
    "surrender",
    "weapon",
    "vetting",
    "standing",
    "reception point",
    "unit",
    "rank",
    "Private",
    "Defection payment",
    "Weapon reward",
    "ကူးပြောင်း",
    "ဘက်ပြောင်း",
    "လက်နက်",
    "တပ်ခွဲထွက်ငွေ",
    "စိစစ်",
    "Aung Kyaw",
)


def printed(page: str) -> str:
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    article = re.search(r'<article class="receipt" id="statement".*?</article>', page, re.S)
    assert title
    assert article
    no_print = re.sub(r'<p class="no-print">.*?</p>', " ", article.group(0), flags=re.S)
    text = re.sub(r"<[^>]+>", " ", title.group(1) + " " + no_print)
    return " ".join(html.unescape(text).split())


@pytest.fixture
def statement_url(client: TestClient, db: Session, fast_settings: Settings) -> str:
    w = s.world(db)
    s.publish_plan(db, w)
    s.fund_everything(db, w)
    pid = s.person(db, w, weapons=[{"kind": "rifle"}])
    clear_person(db, pid)
    entitlements.recompute(db, w.maker(db), [pid])
    batch = batches.create_batch(db, w.maker(db), title="Cash", currency="MMK")
    batches.add_due(db, w.maker(db), batch, due_by=date(2026, 12, 31))
    batches.submit(db, w.maker(db), batch)
    batches.approve(db, w.checker(db), batch)
    first = batches.items_of(db, batch)[0]
    batches.disburse(
        db,
        w.checker(db),
        first.id,
        idempotency_key="safe-statement-1",
        method="cash",
        receipt_reference="RC-7781",
    )
    f.user(db, organisation=w.org, role=Role.FINANCE_OFFICER, username="cash.safe",
           settings=fast_settings)  # fmt: skip
    f.login(client, username="cash.safe")
    return f"/allowances/people/{pid}"


@pytest.mark.parametrize("language", ["en", "my"])
def test_the_default_statement_is_safe_to_carry(
    language: str, client: TestClient, db: Session, statement_url: str
) -> None:
    page = client.get(f"{statement_url}?lang={language}")
    assert page.status_code == 200
    text = printed(page.text)
    person = db.get(Person, uuid.UUID(statement_url.rsplit("/", 1)[1]))
    assert person is not None
    assert person.reference in text  # the person's reference number, as the office types it
    assert "MMK" in text
    assert "THB" in text
    assert "RC-7781" in text  # the paid instalment's receipt
    lowered = text.lower()
    for word in FORBIDDEN:
        assert word.lower() not in lowered, (language, word, text)
    assert not db.scalars(
        select(AuditEvent).where(AuditEvent.action == "allowance.statement_full_form")
    ).all()


def test_the_full_form_is_for_the_files_and_audited(
    client: TestClient, db: Session, statement_url: str
) -> None:
    page = client.get(f"{statement_url}?form=full")
    assert page.status_code == 200
    text = printed(page.text)
    for value in ("Aung Kyaw", "Defection payment", "Weapon reward", "Vetting", "RC-7781"):
        assert value in text, value
    (event,) = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "allowance.statement_full_form")
    ).all()
    assert str(event.subject_id) in statement_url
