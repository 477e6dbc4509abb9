"""The forces' pages make the same number of queries whatever their row count: the list of
forces, and a force's page (its rank table, each rank's equivalences in every receiving
force, the receiving forces' rank tables, its units)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from haven.config import Settings
from haven.forces import public as forces
from haven.forces.models import Force
from haven.security.permissions import Actor
from tests import factories as f
from tests.queries import counting

SYSTEM = Actor.system()


@pytest.fixture
def admin(db: Session, client: TestClient, fast_settings: Settings) -> TestClient:
    f.user(db, organisation=f.organisation(db), username="lists.admin", settings=fast_settings)
    f.login(client, username="lists.admin")
    return client


def _count(client: TestClient, engine: Engine, path: str) -> tuple[int, str]:
    with counting(engine) as seen:
        response = client.get(path)
    assert response.status_code == 200, response.text
    return seen.count, response.text


def _forces(db: Session, count: int) -> list[Force]:
    return [
        forces.create_force(db, SYSTEM, name=f"Listed force {uuid.uuid4().hex[:8]}", kind="militia")
        for _ in range(count)
    ]


def test_the_list_of_forces_makes_constant_queries(
    admin: TestClient, db: Session, engine: Engine
) -> None:
    _forces(db, 2)
    few, page = _count(admin, engine, "/forces")
    assert page.count("Listed force") == 2
    _forces(db, 6)
    many, page = _count(admin, engine, "/forces")
    assert page.count("Listed force") == 8
    assert "Militia" in page  # the kind, by its label
    assert many == few


def _receiving_with_equivalences(db: Session, source: Force, ranks: int) -> None:
    """A receiving force with `ranks` ranks, each the equivalent of one of the source's."""
    receiving = forces.create_force(
        db, SYSTEM, name=f"Receiving {uuid.uuid4().hex[:8]}", kind="receiving"
    )
    for seniority in range(1, ranks + 1):
        target = forces.add_rank(
            db, SYSTEM, force_id=receiving.id, seniority=seniority, name_en=f"Target {seniority}"
        )
        source_rank = forces.add_rank(
            db,
            SYSTEM,
            force_id=source.id,
            seniority=len(forces.ranks_of(db, source.id)) + 1,
            name_en=f"Source {uuid.uuid4().hex[:6]}",
        )
        forces.add_equivalence(
            db,
            SYSTEM,
            receiving_force_id=receiving.id,
            source_rank_id=source_rank.id,
            target_rank_id=target.id,
            effective_from=date(2026, 1, 1),
        )
        forces.resolve_unit(db, SYSTEM, source.id, f"LIB {uuid.uuid4().int % 9000 + 1000}")


def test_a_forces_page_makes_constant_queries(
    admin: TestClient, db: Session, engine: Engine
) -> None:
    (source,) = _forces(db, 1)
    _receiving_with_equivalences(db, source, 2)
    few, page = _count(admin, engine, f"/forces/{source.id}")
    assert page.count("Target ") >= 2
    _receiving_with_equivalences(db, source, 3)
    _receiving_with_equivalences(db, source, 3)
    many, page = _count(admin, engine, f"/forces/{source.id}")
    assert page.count("<tr><td>Source ") == 8  # one row of the equivalence table per rank
    assert many == few
