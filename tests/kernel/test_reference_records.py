"""References on records: every new person, case, agreement and batch gets one, a value
already taken is drawn again, and revision 0027 gives every existing row one."""

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
from sqlalchemy.orm import Session, sessionmaker

from haven.db.engine import make_engine
from haven.db.keyring import Keyring
from haven.db.migrate import upgrade
from haven.kernel import references
from haven.kernel.references import Kind, is_valid, new_reference
from haven.people.public import Person
from haven.security.permissions import Actor
from tests import factories as f
from tests.conftest import BACKENDS, empty_database_url

VERSIONS = Path(__file__).resolve().parents[2] / "haven" / "db" / "migrations" / "versions"
TABLES = ("persons", "cases", "vetting_cases", "agreements", "allowance_batches")


def _revision() -> ModuleType:
    path = next(VERSIONS.glob("*_0027_*.py"))
    spec = importlib.util.spec_from_file_location("revision_0027", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _person(db: Session, site_id: object, org_id: object, name: str) -> Person:
    return Person(organisation_id=org_id, site_id=site_id, name_latin=name, name_key=name.lower())


def test_a_reference_already_taken_is_drawn_again(
    db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    first = _person(db, site.id, org.id, "First")
    db.add(first)
    db.flush()
    assert is_valid(first.reference.replace("-", ""))
    fresh = [new_reference(Kind.PERSON) for _ in range(2)]
    # Two persons in one flush: the same value twice in the draw, then one already taken.
    draws = iter([fresh[0], fresh[0], first.reference, fresh[1]])
    monkeypatch.setattr(references, "new_reference", lambda _kind: next(draws))
    two = [_person(db, site.id, org.id, "Second"), _person(db, site.id, org.id, "Third")]
    db.add_all(two)
    db.flush()
    assert {p.reference for p in two} == set(fresh)


@pytest.fixture(params=BACKENDS)
def migrated(request: pytest.FixtureRequest, tmp_path: Path, keyring: Keyring) -> Iterator[Engine]:
    url = empty_database_url(request, tmp_path, "haven_rev0027")
    engine = make_engine(url, keyring=keyring)
    upgrade(url, engine, keyring=keyring)
    yield engine
    engine.dispose()


def _run(engine: Engine, step: str) -> None:
    with engine.begin() as connection:
        context = MigrationContext.configure(connection)
        with Operations.context(context):
            getattr(_revision(), step)()


def test_revision_0027_gives_every_existing_row_a_reference(
    migrated: Engine, keyring: Keyring
) -> None:
    factory = sessionmaker(bind=migrated, info={"keyring": keyring}, expire_on_commit=False)
    with factory() as db, db.begin():
        org = f.organisation(db)
        site = f.site(db, organisation=org)
        for name in ("Aung Min", "Zaw Lin", "Htet Naing"):
            f.receive(db, Actor.system(), site_id=str(site.id), name_latin=name)

    _run(migrated, "downgrade")
    with migrated.connect() as connection:
        for table in TABLES:
            columns = {c["name"] for c in sa.inspect(connection).get_columns(table)}
            assert "reference" not in columns

    _run(migrated, "upgrade")
    with migrated.connect() as connection:
        found = list(connection.scalars(sa.text("SELECT reference FROM persons")))
        indexes = {i["name"]: i["unique"] for i in sa.inspect(connection).get_indexes("persons")}
    assert len(found) == 3
    assert len(set(found)) == 3
    assert all(r.startswith("P-") and is_valid(r.replace("-", "")) for r in found)
    assert indexes["ix_persons_reference"]
