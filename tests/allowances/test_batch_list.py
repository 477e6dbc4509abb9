"""The payment batches as a list: filtered by state, newest or oldest first, a page at a time
with the count of every batch that matches."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.allowances import batches
from haven.allowances.lifecycle import BatchStatus
from haven.config import Settings
from haven.security.permissions import Role
from tests import factories as f
from tests.conftest import LAPTOP

# Plain SQL, checked on both engines when written: the laptop's engine suffices here.
LAPTOP_ONLY = pytest.mark.parametrize("engine", LAPTOP, indirect=True)


@LAPTOP_ONLY
def test_batches_filter_sort_and_page_with_counts(
    client: TestClient, db: Session, settings: Settings
) -> None:
    org = f.organisation(db)
    user = f.user(
        db, organisation=org, role=Role.FINANCE_OFFICER, username="fo.batches", settings=settings
    )
    officer = actor_for(user)
    made = [batches.create_batch(db, officer, title=f"Batch {n}", currency="MMK") for n in range(3)]
    batches.cancel(db, officer, made[1])

    newest, total = batches.batch_page(db, officer, limit=2)
    assert ([b.title for b in newest], total) == (["Batch 2", "Batch 1"], 3)
    oldest, _ = batches.batch_page(db, officer, sort="oldest", limit=2, offset=2)
    assert [b.title for b in oldest] == ["Batch 2"]
    drafts, total = batches.batch_page(db, officer, status=BatchStatus.DRAFT)
    assert ([b.title for b in drafts], total) == (["Batch 2", "Batch 0"], 2)

    f.login(client, username="fo.batches")
    page = client.get("/allowances/batches?per_page=2&sort=oldest").text
    assert "Showing 1–2 of 3" in page
    assert page.index("Batch 0") < page.index("Batch 1")
    assert 'href="/allowances/batches?per_page=2&amp;sort=oldest&amp;page=2"' in page
    cancelled = client.get("/allowances/batches?state=cancelled").text
    assert "Showing 1 of 1" in cancelled
    assert "Batch 1" in cancelled
    assert "Batch 0" not in cancelled
    assert 'href="/allowances/batches"' in client.get("/allowances").text
