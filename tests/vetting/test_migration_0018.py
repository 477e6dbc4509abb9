"""Revision 0018 on a database with vetting decisions and an appeal in it: the new columns
come and go, and the appeal recorded before them gets its lodging day and the decision it
appeals."""

from __future__ import annotations

import importlib.util
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from haven.db.engine import make_engine
from haven.db.keyring import Keyring
from haven.db.migrate import upgrade
from haven.security.permissions import Actor
from haven.vetting import cases
from haven.vetting.lifecycle import Outcome, ReviewKind
from haven.vetting.models import Decision, Review
from haven.vetting.schemas import ReviewIn
from tests import factories as f
from tests.conftest import BACKENDS, empty_database_url
from tests.vetting.support import clear_person, fresh_actor, officer

VERSIONS = Path(__file__).resolve().parents[2] / "haven" / "db" / "migrations" / "versions"


def _revision() -> ModuleType:
    path = next(VERSIONS.glob("*_0018_*.py"))
    spec = importlib.util.spec_from_file_location("revision_0018", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REVISION = _revision()


@pytest.fixture(params=BACKENDS)
def migrated(request: pytest.FixtureRequest, tmp_path: Path, keyring: Keyring) -> Iterator[Engine]:
    url = empty_database_url(request, tmp_path, "haven_rev0018")
    engine = make_engine(url, keyring=keyring)
    upgrade(url, engine, keyring=keyring)
    yield engine
    engine.dispose()


def _run(engine: Engine, step: str) -> None:
    """Run this revision's `upgrade` or `downgrade` alone, as Alembic would."""
    with engine.begin() as connection:
        context = MigrationContext.configure(connection)
        with Operations.context(context):
            getattr(REVISION, step)()


def _columns(engine: Engine, table: str) -> set[str]:
    with engine.connect() as connection:
        return {c["name"] for c in sa.inspect(connection).get_columns(table)}


def test_an_appeal_recorded_before_gets_its_day_and_its_decision(
    migrated: Engine, keyring: Keyring
) -> None:
    factory = sessionmaker(bind=migrated, info={"keyring": keyring}, expire_on_commit=False)
    with factory() as db, db.begin():
        org = f.organisation(db)
        site = f.site(db, organisation=org)
        event = f.receive(db, Actor.system(), site_id=site.id, name_latin="Migrated Person")
        person_id: uuid.UUID = event.person_id  # type: ignore[attr-defined]
        case = clear_person(db, person_id, outcome=Outcome.REFERRED)
        initial = db.scalar(sa.select(Decision.id).where(Decision.case_id == case.id))
        cases.open_review(
            db,
            fresh_actor(db, officer(db, org.id)),
            case.id,
            ReviewIn(kind=ReviewKind.APPEAL, grounds="I was not there."),
        )
        appeal_id = db.scalar(sa.select(Review.id).where(Review.case_id == case.id))
        created = db.scalar(sa.select(Review.created_at).where(Review.id == appeal_id))
    assert created is not None

    _run(migrated, "downgrade")
    assert "lodged_on" not in _columns(migrated, "vetting_reviews")
    assert "standard_of_proof" not in _columns(migrated, "vetting_decisions")

    _run(migrated, "upgrade")
    with migrated.connect() as connection:
        lodged_on, appealed = connection.execute(
            sa.text(
                "SELECT lodged_on, appealed_decision_id FROM vetting_reviews WHERE id = :id"
            ).bindparams(sa.bindparam("id", appeal_id, type_=sa.Uuid())),
        ).one()
        standard = connection.execute(
            sa.text("SELECT standard_of_proof FROM vetting_decisions WHERE id = :id").bindparams(
                sa.bindparam("id", initial, type_=sa.Uuid())
            )
        ).scalar_one()
    lodged = date.fromisoformat(str(lodged_on))  # a date, or its text on SQLite
    assert lodged == created.astimezone(ZoneInfo("Asia/Yangon")).date()
    assert uuid.UUID(str(appealed)) == initial
    assert standard is None  # not recorded: shown as such
