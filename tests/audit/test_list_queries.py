"""The audit trail's viewer makes the same number of queries whatever the page's length."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from haven.audit import service
from haven.audit.actions import AuditAction
from haven.config import Settings
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.queries import counting


def _updates(db: Session, organisation_id: uuid.UUID, count: int) -> None:
    for _ in range(count):
        service.record(
            db,
            Actor.system(),
            AuditAction.PERSON_UPDATED,
            subject_type="listed_subject",
            subject_id=uuid.uuid4(),
            organisation_id=organisation_id,
            changes={"religion": {"before": "Buddhist", "after": "Christian"}},
        )


def test_the_events_page_makes_constant_queries(
    client: TestClient, db: Session, engine: Engine, fast_settings: Settings
) -> None:
    organisation = f.organisation(db)
    f.user(
        db,
        organisation=organisation,
        username="lists.auditor",
        role=Role.AUDITOR,
        settings=fast_settings,
    )
    f.login(client, username="lists.auditor")
    path = f"/audit?action={AuditAction.PERSON_UPDATED}"
    _updates(db, organisation.id, 2)
    with counting(engine) as few:
        page = client.get(path)
    assert page.status_code == 200, page.text
    assert page.text.count("listed_subject") == 2
    _updates(db, organisation.id, 6)
    with counting(engine) as many:
        page = client.get(path)
    assert page.text.count("listed_subject") == 8
    assert many.count == few.count
