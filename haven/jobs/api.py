"""JSON endpoints of background jobs: a job's state and progress, its result, cancelling."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from haven import i18n
from haven.jobs import public
from haven.jobs.models import Job
from haven.jobs.presenting import rendered, shown_result
from haven.web.deps import DB, ApiActor

router = APIRouter(prefix="/api", tags=["jobs"])


class JobOut(BaseModel):
    id: uuid.UUID
    kind: str
    state: str
    done: int
    total: int
    percent: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    result: dict[str, Any] | None


def _out(request: Request, session: DB, job: Job) -> JobOut:
    language = getattr(request.state, "language", i18n.DEFAULT_LANGUAGE)
    over = job.job_state.over
    return JobOut(
        id=job.id,
        kind=job.kind,
        state=job.state,
        done=job.done,
        total=job.total,
        percent=job.percent,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        result=rendered(shown_result(session, job), language) if over else None,
    )


@router.get("/jobs/{job_id}", response_model=JobOut)
def get_job(request: Request, session: DB, actor: ApiActor, job_id: uuid.UUID) -> JobOut:
    """A job you started: its state (`queued`, `running`, `done`, `failed`, `cancelled`), its
    progress (`done` of `total`), and once it is over its result, messages in your language."""
    return _out(request, session, public.get_for(session, actor, job_id))


@router.post("/jobs/{job_id}/cancel", response_model=JobOut)
def cancel_job(request: Request, session: DB, actor: ApiActor, job_id: uuid.UUID) -> JobOut:
    """Stop a job you started before its next step; what earlier steps saved stays saved."""
    return _out(request, session, public.cancel(session, actor, job_id))
