"""Erasing a person also blanks their prisoner-of-war record's identity."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.kernel.sensitivity import bind_actor
from haven.people import erasure
from haven.pow.models import PowRecord
from haven.security.permissions import Actor
from tests.pow.conftest import Setting, register


def test_erasure_blanks_the_pow_record(db: Session, setting: Setting, tmp_path: Path) -> None:
    record = register(db, setting, name="Kyaw Erasable")
    assert record.surname or record.first_names
    assert record.service_number_index is not None
    system = Actor.system()
    bind_actor(db, system)
    erasure.erase_person(db, system, record.person_id, reason="request", ledger=tmp_path / "ledger")
    db.expire_all()
    row = db.scalars(select(PowRecord).where(PowRecord.id == record.id)).one()
    assert (row.surname, row.first_names, row.birth_year) == (None, None, None)
    assert (row.service_number_ct, row.service_number_index, row.bureau_details_ct) == (
        None,
        None,
        None,
    )
    # The record itself stays (its status and dates are the registry's history).
    assert row.status
    assert row.captured_on
