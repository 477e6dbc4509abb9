"""Migrations, column types and the refusal to run on an unmigrated database."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from haven.accounts.models import Organisation, Site
from haven.db.engine import make_engine
from haven.db.migrate import DatabaseNotMigrated, current_revision, head_revision
from haven.db.registry import load_models
from haven.db.types import new_id
from haven.web.app import create_app


def test_database_is_at_head_and_matches_the_models(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, load_models().metadata)
    assert differences == []


def test_ids_are_time_ordered_uuid7() -> None:
    ids = [new_id() for _ in range(50)]
    assert all(i.version == 7 for i in ids)
    assert ids == sorted(ids)
    assert len(set(ids)) == 50


def test_timestamps_come_back_timezone_aware_utc(db: Session) -> None:
    org = Organisation(name="Timezone test", kind="partner")
    db.add(org)
    db.flush()
    db.expire(org)
    assert org.created_at.tzinfo is not None
    assert org.created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert isinstance(org.id, uuid.UUID)


def test_naive_datetimes_are_refused(db: Session) -> None:
    db.add(Organisation(name="Naive", kind="partner", created_at=datetime(2026, 1, 1)))  # noqa: DTZ001
    with pytest.raises(Exception, match="naive datetime"):
        db.flush()


def test_sqlite_uses_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_app_refuses_an_unmigrated_database_and_names_the_fix(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    app = create_app(engine=engine)
    with pytest.raises(DatabaseNotMigrated, match="haven db upgrade"), TestClient(app):
        pass
    engine.dispose()


def test_healthz_reports_an_unmigrated_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    app = create_app(engine=engine, check_migrations=False)
    with TestClient(app) as client:
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "not migrated"}
    engine.dispose()


def test_foreign_keys_are_enforced(db: Session) -> None:
    db.add(Site(organisation_id=new_id(), name="Orphan"))
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        db.flush()
