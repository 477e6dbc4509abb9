"""Batch deduplication as a background job: scored once, then linked and queued a part per
step; stopped in the middle and taken over by another worker, it ends as one run would."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from haven.jobs import public as jobs
from haven.jobs.models import JobState
from haven.jobs.runner import Runner
from haven.kernel.sensitivity import bind_actor
from haven.matching import dedupe_job
from haven.matching.models import MatchMerge, MatchReview
from tests.matching.test_dedupe import SYSTEM, World, _person, _same_soldier, world  # noqa: F401


class Crash(BaseException):
    """Stands for the worker's process dying between two steps (nothing catches it)."""


def test_a_dedupe_job_stopped_midway_ends_as_one_run_would(
    db: Session,
    session_factory: sessionmaker[Session],
    world: World,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(dedupe_job, "PART", 1)  # one link or one pair per step
    _same_soldier(db, world)
    soldiers = [
        _person(db, world, name_latin="Min Thu", birth_year=1990, service_number=f"BA-5501{n}")
        for n in range(2)
    ]
    for n in range(2):  # the same two soldiers again, written the other way
        _person(db, world, name_latin="Min Thu", birth_year=1990, service_number=f"ba 5501{n}")
    likely = [
        _person(db, world, name_latin="Thiha Zaw", birth_year=1988, father_name="U Tin Maung"),
        _person(
            db, world, name_latin=None, name_my="သီဟဇော်", birth_year=1988, father_name="ဦးတင်မောင်"
        ),
    ]
    for review in db.scalars(select(MatchReview)):
        db.delete(review)  # as if the reception hook had not seen them
    db.flush()
    bind_actor(db, SYSTEM)
    job_id = jobs.enqueue(
        db, SYSTEM, dedupe_job.DEDUPE.name, {"organisation_id": str(world.organisation_id)}, total=1
    )
    db.commit()

    steps: list[int] = []

    def crash_after_three(job: object) -> None:
        steps.append(1)
        if len(steps) == 3:
            raise Crash

    first = Runner(session_factory)
    assert first.claim() == job_id
    with pytest.raises(Crash):
        first.run(job_id, crash_after_three)
    merged_before = db.scalar(select(func.count()).select_from(MatchMerge)) or 0
    assert 0 < merged_before < 3  # the plan and some links are saved, not all

    [outcome] = Runner(session_factory, lease=timedelta(0)).run_pending()
    assert outcome.state is JobState.DONE
    job = jobs.get_any(db, job_id)
    db.refresh(job)
    result = jobs.result_of(db, job)
    assert result["linked"] == 3  # Kyaw Zin Htet once, each Min Thu once
    assert result["queued"] == 1  # Thiha Zaw, for two reviewers
    merges = db.scalars(select(MatchMerge).where(MatchMerge.undone_at.is_(None))).all()
    assert len(merges) == 3
    assert len({m.merged_id for m in merges}) == 3  # nobody merged twice
    assert {m.survivor_id for m in merges} >= set(soldiers)
    [queued] = db.scalars(select(MatchReview).where(MatchReview.state == "open")).all()
    assert {queued.person_a_id, queued.person_b_id} == set(likely)
    assert job.payload is None
    assert (job.done, job.total) == (5, 5)  # the plan, three links, one pair
