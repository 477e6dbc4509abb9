"""Audit fixtures: the app with the audit routers, and an attacker's raw access to the tables."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from haven.audit import api, views
from haven.audit.models import AuditEvent

EVENTS = AuditEvent.__table__


@pytest.fixture
def app(app: FastAPI) -> FastAPI:
    """The app with the audit viewer, until haven/web/app.py includes its routers."""
    paths = {getattr(route, "path", "") for route in app.routes}
    if "/api/audit/verify" not in paths:
        app.include_router(api.router)
        app.include_router(views.router)
    return app


APPEND_ONLY = ("audit_events", "audit_checkpoints", "audit_attestations")


def drop_append_only_triggers(session: Session | Connection) -> None:
    """What an attacker with the database file does first (undone with the test's rollback)."""
    bind = session if isinstance(session, Connection) else session.get_bind()
    if bind.dialect.name == "postgresql":
        for table in APPEND_ONLY:
            session.execute(text(f"DROP TRIGGER {table}_append_only ON {table}"))
            session.execute(text(f"DROP TRIGGER {table}_no_truncate ON {table}"))
    else:
        for table in APPEND_ONLY:
            for operation in ("update", "delete"):
                session.execute(text(f"DROP TRIGGER {table}_no_{operation}"))


def shift_seq(session: Session | Connection, *, from_seq: int, by: int) -> None:
    """Renumber events from `from_seq` on by `by`, in two steps so `seq` stays unique."""
    session.execute(text("UPDATE audit_events SET seq = -seq WHERE seq >= :s"), {"s": from_seq})
    session.execute(text("UPDATE audit_events SET seq = -seq + :by WHERE seq < 0"), {"by": by})


def raw_insert(session: Session | Connection, rows: Iterable[dict[str, Any]]) -> None:
    session.execute(EVENTS.insert(), list(rows))


def raw_row(session: Session | Connection, seq: int) -> dict[str, Any]:
    row = session.execute(EVENTS.select().where(EVENTS.c.seq == seq)).one()
    return dict(row._mapping)
