"""Every query about the programme settings."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.programme.models import ProgrammeSettings


def settings_of(session: Session, organisation_id: uuid.UUID) -> ProgrammeSettings | None:
    """The organisation's settings row (None: nothing recorded yet)."""
    return session.scalar(
        select(ProgrammeSettings).where(ProgrammeSettings.organisation_id == organisation_id)
    )


def add(session: Session, row: ProgrammeSettings) -> ProgrammeSettings:
    session.add(row)
    session.flush()
    return row
