"""Erasing a person who crossed under an agreement blanks their entry on the roll."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.agreements import crossing
from haven.agreements.models import RollEntry
from haven.agreements.schemas import DeskRegistration
from haven.config import Settings
from haven.people import erasure
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor
from tests.agreements.helpers import executing, team


def test_erasure_blanks_the_roll_entry(
    db: Session, fast_settings: Settings, tmp_path: Path
) -> None:
    t = team(db, fast_settings)
    agreement = executing(db, t, size=2)
    entries = db.scalars(select(RollEntry).where(RollEntry.agreement_id == agreement.id)).all()
    crossed, other = entries[0], entries[1]
    done = crossing.register_arrival(
        db,
        t.registrar,
        agreement.id,
        DeskRegistration(
            idempotency_key="erasure-test-1",
            roll_entry_id=crossed.id,
            name_latin=crossed.name_latin,
            name_my=crossed.name_my,
        ),
    )
    person_id = db.get(ReceptionEvent, done.arrival.reception_id).person_id  # type: ignore[union-attr]
    other_name = other.name_latin or other.name_my
    erasure.erase_person(db, Actor.system(), person_id, reason="request", ledger=tmp_path / "l")
    db.expire_all()
    blanked = db.get(RollEntry, crossed.id)
    assert blanked is not None
    assert (blanked.name_latin, blanked.name_my, blanked.prefix, blanked.birth_year) == (
        erasure.ERASED_NAME,
        None,
        None,
        None,
    )
    # Nobody else's entry is touched.
    kept = db.get(RollEntry, other.id)
    assert kept is not None
    assert (kept.name_latin or kept.name_my) == other_name
