"""The jobs table: one row per job, its progress, and its input and result sealed under a
key of its own."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from haven.db.base import Base, IdMixin, TimestampMixin
from haven.i18n import N_
from haven.kernel.labels import Labelled


class JobState(Labelled):
    QUEUED = "queued", N_("Waiting to start")
    RUNNING = "running", N_("Running")
    DONE = "done", N_("Finished")
    FAILED = "failed", N_("Stopped with an error")
    CANCELLED = "cancelled", N_("Cancelled")

    @property
    def over(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


class Job(IdMixin, TimestampMixin, Base):
    """A job. `payload` (its input) and `result` are AES-GCM ciphertexts under the job's own
    data key (`wrapped_key`, wrapped by the keyring's field key): an import's rows are
    personal data. The payload is deleted once the job is over."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state_created_at", "state", "created_at"),)

    kind: Mapped[str] = mapped_column(String(60))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"))
    # The user the job acts as; None: the operator at the machine (`Actor.system`), for work
    # only the command line starts (batch deduplication).
    created_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[str] = mapped_column(String(20), default=JobState.QUEUED.value)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    cursor: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    payload: Mapped[bytes | None] = mapped_column(LargeBinary)
    result: Mapped[bytes | None] = mapped_column(LargeBinary)
    worker: Mapped[str | None] = mapped_column(String(120))
    heartbeat_at: Mapped[datetime | None]
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    steps: Mapped[int] = mapped_column(default=0)
    retries: Mapped[int] = mapped_column(default=0)

    @property
    def job_state(self) -> JobState:
        return JobState(self.state)

    @property
    def percent(self) -> int:
        if self.job_state is JobState.DONE:
            return 100
        if self.total <= 0:
            return 0
        return min(100, self.done * 100 // self.total)
