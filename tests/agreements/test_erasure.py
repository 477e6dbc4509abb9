"""Erasing a person who crossed under an agreement blanks their entry on the roll: the
encrypted identity and the name index go, the entry keeps its place, marked erased."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from haven.agreements import crossing
from haven.agreements.models import RollEntry, ScreeningHit
from haven.agreements.schemas import DeskRegistration
from haven.config import Settings
from haven.kernel.sensitivity import bind_actor
from haven.people import erasure
from haven.reception.models import ReceptionEvent
from haven.security.permissions import Actor
from tests.agreements.helpers import executing, team

ROLL_IDENTITY = "prefix, name_my, name_latin, name_index, birth_year, rank_id, position"


def _raw(db: Session, entry_id: object) -> tuple[object, ...]:
    key = entry_id if db.get_bind().dialect.name == "postgresql" else entry_id.hex  # type: ignore[attr-defined]
    return tuple(
        db.execute(
            text(f"SELECT {ROLL_IDENTITY}, erased_at FROM agreement_roll_entries WHERE id = :id"),
            {"id": key},
        ).one()
    )


def test_erasure_blanks_the_roll_entry(
    db: Session, fast_settings: Settings, tmp_path: Path
) -> None:
    t = team(db, fast_settings)
    bind_actor(db, t.negotiator)
    agreement = executing(db, t, size=2)
    entries = db.scalars(select(RollEntry).where(RollEntry.agreement_id == agreement.id)).all()
    crossed, other = entries[0], entries[1]
    # A screening hit on the entry: its explanation speaks of the person.
    hit = ScreeningHit(
        agreement_id=agreement.id,
        organisation_id=agreement.organisation_id,
        roll_entry_id=crossed.id,
        kind="unit_period",
        signature="unit_period:test",
        score=1.0,
    )
    db.add(hit)
    hit.explanation = "Unit LIB-531 was implicated while the person served in it."
    db.flush()
    done = crossing.register_arrival(
        db,
        t.registrar,
        agreement.id,
        DeskRegistration(idempotency_key="erasure-test-1", roll_entry_id=crossed.id),
    )
    person_id = db.get(ReceptionEvent, done.arrival.reception_id).person_id  # type: ignore[union-attr]
    other_name = other.name_latin
    stored = _raw(db, crossed.id)
    assert None not in (stored[2], stored[3], stored[5])  # name, its index, the rank
    erasure.erase_person(db, Actor.system(), person_id, reason="request", ledger=tmp_path / "l")
    db.expire_all()
    *identity, erased_at = _raw(db, crossed.id)
    assert identity == [None] * len(identity)
    assert erased_at is not None
    blanked = db.get(RollEntry, crossed.id)
    assert blanked is not None
    assert blanked.is_erased
    assert (blanked.name_latin, blanked.name_my, blanked.row_number) == (None, None, 1)
    assert db.get(ScreeningHit, hit.id).explanation_ct is None  # type: ignore[union-attr]
    # Nobody else's entry is touched.
    kept = db.get(RollEntry, other.id)
    assert kept is not None
    assert kept.name_latin == other_name is not None
    assert not kept.is_erased
