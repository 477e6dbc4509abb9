"""Background jobs in the authorisation matrix: a job is its starter's alone. Every role reads
and cancels its own job (`{job_id}` on the caller's side is the caller's job); nobody reaches
another organisation's job, nor (tests/jobs) another user's."""

from __future__ import annotations

import os

from haven.db.types import new_id
from haven.jobs.models import Job, JobState
from haven.security.fields import wrap_data_key
from haven.security.permissions import Role
from tests.security.matrix import Operation, Side, SideContext

OPERATIONS: list[Operation] = [
    Operation("GET", "/api/jobs/{job_id}", None, record=True),
    Operation("POST", "/api/jobs/{job_id}/cancel", None, record=True),
]


def seed(ctx: SideContext, side: Side) -> None:
    """One waiting job per role (made directly: which work it would do does not matter)."""
    kek = ctx.db.info["keyring"].field_kek
    for role, user in ctx.users.items():
        job_id = new_id()
        ctx.db.add(
            Job(
                id=job_id,
                kind="reception.import",
                organisation_id=ctx.organisation.id,
                created_by=user.id,
                state=JobState.QUEUED.value,
                total=1,
                done=0,
                cursor={},
                wrapped_key=wrap_data_key(kek, os.urandom(32), job_id),
            )
        )
        side.ids[f"job_id_{role.value}"] = job_id
    side.ids["job_id"] = side.ids[f"job_id_{Role.CASE_WORKER.value}"]
    ctx.db.flush()
