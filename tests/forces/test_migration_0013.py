"""Revision 0013 on a database with agreements in it: an agreement two named approvers
approved gets its terms date from the second approval; one still under negotiation keeps
none; downgrade and upgrade again leave the data as they found it."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import sqlalchemy as sa
from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from haven.agreements import service as agreements
from haven.agreements.models import Agreement, AgreementApprover
from haven.agreements.schemas import AgreementStatus
from haven.config import Settings
from haven.db.engine import make_engine
from haven.db.keyring import Keyring
from haven.db.migrate import upgrade
from tests import factories as f
from tests.agreements.helpers import draft, team
from tests.conftest import BACKENDS, empty_database_url

VERSIONS = Path(__file__).resolve().parents[2] / "haven" / "db" / "migrations" / "versions"


def _revision() -> ModuleType:
    path = next(VERSIONS.glob("*_0013_*.py"))
    spec = importlib.util.spec_from_file_location("revision_0013", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REVISION = _revision()


@pytest.fixture(params=BACKENDS)
def migrated(request: pytest.FixtureRequest, tmp_path: Path, keyring: Keyring) -> Iterator[Engine]:
    url = empty_database_url(request, tmp_path, "haven_rev0013")
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


def test_the_terms_date_of_existing_agreements_is_their_second_approval(
    migrated: Engine, keyring: Keyring, fast_settings: Settings
) -> None:
    factory = sessionmaker(bind=migrated, info={"keyring": keyring}, expire_on_commit=False)
    with factory() as db, db.begin():
        t = team(db, fast_settings)
        finalized, negotiating = draft(db, t), draft(db, t)
        for agreement in (finalized, negotiating):
            agreements.transition(db, t.negotiator, agreement.id, AgreementStatus.NEGOTIATING)
            for manager in (t.manager1, t.manager2):
                assert manager.user_id is not None
                agreements.name_approver(db, t.negotiator, agreement.id, manager.user_id)
        agreements.approve(db, f.fresh(db, t.manager1), finalized.id)
        agreements.approve(db, f.fresh(db, t.manager2), finalized.id)
        agreements.approve(db, f.fresh(db, t.manager1), negotiating.id)
    assert finalized.status == AgreementStatus.FINALIZED

    _run(migrated, "downgrade")
    with migrated.connect() as connection:
        inspector = sa.inspect(connection)
        assert "finalized_at" not in {c["name"] for c in inspector.get_columns("agreements")}
        assert "positions" not in inspector.get_table_names()
        assert "proposed_position_id" not in {
            c["name"] for c in inspector.get_columns("serve_records")
        }
    _run(migrated, "upgrade")

    with migrated.connect() as connection:
        second = connection.execute(
            sa.select(sa.func.max(AgreementApprover.approved_at)).where(
                AgreementApprover.agreement_id == finalized.id
            )
        ).scalar_one()
        found = {
            row[0]: row[1]
            for row in connection.execute(sa.select(Agreement.id, Agreement.finalized_at))
        }
    assert second is not None
    assert found[finalized.id] == second
    assert found[negotiating.id] is None
