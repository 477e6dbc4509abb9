"""The vetting queue as a list: sorted by number of hits or by how long a case has waited,
filtered by state, a page at a time with the count of every case that matches."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.config import Settings
from haven.security.permissions import Actor, Role
from haven.vetting import cases, incidents
from haven.vetting.lifecycle import CaseState
from haven.vetting.schemas import IncidentIn
from tests import factories as f
from tests.conftest import LAPTOP

# Plain SQL, checked on both engines when written: the laptop's engine suffices here.
LAPTOP_ONLY = pytest.mark.parametrize("engine", LAPTOP, indirect=True)


def _incident(db: Session, officer: Actor, units: str) -> None:
    incidents.record_incident(
        db,
        officer,
        IncidentIn.model_validate(
            {
                "kind": "arson",
                "period": "2024",
                "units": units,
                "summary": "Houses burned (synthetic).",
                "source_reliability": "B",
                "information_credibility": 2,
            }
        ),
    )


@LAPTOP_ONLY
def test_the_queue_sorts_by_hits_and_by_waiting_and_pages_with_counts(
    client: TestClient, db: Session, settings: Settings
) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    user = f.user(
        db, organisation=org, role=Role.VETTING_OFFICER, username="vo.queue", settings=settings
    )
    officer = actor_for(user)
    # Received in this order; two incidents implicate LIB 531, one of them IB 99 too.
    for name, unit in (("Min Zero", "LIR 7"), ("Min One", "IB 99"), ("Min Two", "LIB 531")):
        f.receive(
            db,
            Actor.system(),
            site_id=site.id,
            name_latin=name,
            origin_unit=unit,
            service_months=24,
        )
    _incident(db, officer, "LIB 531")
    _incident(db, officer, "LIB 531, IB 99")

    by_hits, total = cases.queue_page(db, officer, sort="hits")
    assert total == 3
    assert [(p.name_latin, n) for _c, p, n in by_hits] == [
        ("Min Two", 2),
        ("Min One", 1),
        ("Min Zero", 0),
    ]
    waiting, _ = cases.queue_page(db, officer, sort="waiting")
    changed = [c.state_changed_at for c, _p, _n in waiting]
    assert changed == sorted(changed)
    recent, _ = cases.queue_page(db, officer, sort="recent")
    assert [c.id for c, _p, _n in recent] == [c.id for c, _p, _n in reversed(waiting)]
    second, total = cases.queue_page(db, officer, sort="hits", limit=2, offset=2)
    assert ([p.name_latin for _c, p, _n in second], total) == (["Min Zero"], 3)
    state = CaseState(waiting[0][0].state)
    assert cases.queue_page(db, officer, state=state)[1] == sum(
        1 for c, _p, _n in waiting if c.state == state
    )

    f.login(client, username="vo.queue")
    page = client.get("/vetting?sort=hits&per_page=2").text
    assert "Showing 1–2 of 3" in page
    assert page.index("Min Two") < page.index("Min One")
    assert "Min Zero" not in page
    assert 'href="/vetting?per_page=2&amp;sort=hits&amp;page=2"' in page  # the sort is kept
    assert 'href="/vetting?per_page=2">' in page  # the default sort: waiting longest
