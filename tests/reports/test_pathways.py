"""The pathways report's figures against choices made in the test (docs/reports.md)."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from haven.kernel import clock
from haven.pathways import repository as pathways
from haven.pathways.models import PathwayChoice
from haven.reports import service
from haven.reports.tables import Filters
from tests import factories as f
from tests.pathways.support import choose
from tests.reports.figures import cells, nothing_small_leaves, people, world


def _track(db: Session, person_id: uuid.UUID, status: str, step: str = "arrival") -> None:
    """Move the track the choice started (a serve record, a home plan, an exile step)."""
    case = pathways.case_of_person(db, person_id)
    assert case is not None
    serve, home = pathways.serve_of(db, case.id), pathways.home_of(db, case.id)
    exile = pathways.exile_of(db, case.id)
    if serve is not None:
        serve.status = status
    elif home is not None:
        home.status = status
    else:
        assert exile is not None
        for found in pathways.exile_steps(db, exile.id):
            if found.step == step:
                found.status = status
    db.flush()


def test_pathways_report_counts_every_choice_once_by_what_became_of_it(
    db: Session, client: TestClient
) -> None:
    w = world(db)
    today = clock.local_today()
    filters = Filters(start=today - timedelta(days=40), end=today)
    p = people(db, w, 9)
    for person, pathway in zip(p, ["serve"] * 3 + ["home"] * 2 + ["exile"] * 2, strict=False):
        choose(db, person, pathway)
    _track(db, p[1], "verified")  # in progress (p[0]: only claimed, not started)
    _track(db, p[2], "posted")  # completed
    _track(db, p[3], "completed")  # completed
    _track(db, p[4], "assessed")  # begun, then the case closed: stopped
    case = pathways.case_of_person(db, p[4])
    assert case is not None
    case.status = "closed"
    _track(db, p[5], "done")  # arrived: completed
    _track(db, p[6], "in_progress", step="documents")  # in progress
    choose(db, p[7], "serve")
    choose(db, p[7], "home")  # a change: serve (changed) -> home (not started)
    old = choose(db, p[8], "home")  # before the period: not counted
    old.chosen_at = clock.start_of_day(filters.start) - timedelta(hours=1)
    first = pathways.current_choice(db, p[0])
    assert first is not None  # made in the first (part) month of the period
    first.chosen_at = clock.start_of_day(filters.start) + timedelta(hours=1)
    other = world(db)  # another organisation's choice is not seen
    choose(db, people(db, other, 1)[0], "exile")
    db.flush()

    built = service.build(db, w.manager, "pathways", filters)

    progress = cells(built.table("progress"))
    # not started, in progress, completed, case closed first, changed later
    assert progress == {
        "serve": (1, 1, 1, 0, 1),
        "home": (1, 0, 1, 1, 0),
        "exile": (0, 1, 1, 0, 0),
    }
    assert cells(built.table("changes")) == {
        "serve": (0, 1, 0),
        "home": (0, 0, 0),
        "exile": (0, 0, 0),
    }
    months = cells(built.table("months"))
    assert months[f"{filters.start:%Y-%m}"] == (1, 0, 0)
    assert months[f"{today:%Y-%m}"] == (3, 3, 2)
    assert sum(sum(v) for v in months.values()) == 9
    assert db.query(PathwayChoice).count() >= 11  # the two left out exist
    nothing_small_leaves(built)
    # The JSON API has the same figures suppressed: "<5" for 1 to 4, never the number.
    token = f.api_token(db, user=w.manager_user)
    query = f"start={filters.start}&end={filters.end}"
    answer = client.get(f"/api/reports/pathways?{query}", headers=f.bearer(token))
    assert answer.status_code == 200, answer.text
    progress_out = answer.json()["tables"][0]
    assert progress_out["key"] == "progress"
    shown = {row["key"]: row["values"] for row in progress_out["rows"]}
    assert shown["serve"] == ["<5", "<5", "<5", 0, "<5"]
