"""Erasure (crypto-shredding), the erasure ledger, its reapplication after a restore, and
retention."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from haven.kernel.sensitivity import bind_actor
from haven.people import erasure, retention, service
from haven.people.models import FamilyMember, Person, PersonKey, PersonPhoto
from haven.people.schemas import ProfileUpdate
from haven.reception.models import ReceptionEvent
from haven.security.errors import FreshAuthRequired
from haven.security.permissions import Actor, Role
from tests import factories as f
from tests.people.helpers import CANARY, PLAIN_MARKERS, WHEREABOUTS, raw_row, received_with_canaries


@pytest.fixture
def actors(db: Session, fast_settings: Settings) -> dict[str, Actor]:
    org, other = f.organisation(db), f.organisation(db)
    site = f.site(db, organisation=org)
    other_site = f.site(db, organisation=other)

    def make(**kw: Any) -> Actor:
        return actor_for(f.user(db, settings=fast_settings, **kw))

    return {
        "registrar": make(organisation=org, role=Role.REGISTRAR, site=site),
        "admin": make(organisation=org, role=Role.ADMINISTRATOR),
        "finance": make(organisation=org, role=Role.FINANCE_OFFICER),
        "stranger": make(organisation=other, role=Role.REGISTRAR, site=other_site),
    }


def _assert_erased(db: Session, person_id: Any) -> None:
    db.expire_all()
    person = db.get(Person, person_id)
    assert person is not None
    assert person.erased_at is not None
    assert db.get(PersonKey, person_id) is None
    stored = raw_row(
        db,
        "persons",
        "religion, nrc, service_number, phone, contact_notes, disability, nrc_index, "
        "service_number_index, name_my, father_name, mother_name, birth_year",
        "id",
        person_id,
    )
    assert stored == (None,) * len(stored)
    assert person.name_latin == erasure.ERASED_NAME
    assert (person.nrc, person.phone, person.disability) == (None, None, {})
    assert db.scalars(select(FamilyMember).where(FamilyMember.person_id == person_id)).all() == []
    assert db.scalars(select(PersonPhoto).where(PersonPhoto.person_id == person_id)).all() == []


def test_erasure_shreds_the_key_blanks_the_person_and_keeps_the_skeleton(
    db: Session, actors: dict[str, Actor], tmp_path: Path
) -> None:
    ledger = tmp_path / "keys" / "erasure-ledger"
    bind_actor(db, actors["registrar"])
    pid = received_with_canaries(db, actors["registrar"]).person.id
    service.update_profile(
        db,
        actors["registrar"],
        pid,
        ProfileUpdate(father_name="U Canary", mother_name="Daw Canary", birth_year=1990),
    )
    bind_actor(db, Actor.system())
    erasure.erase_person(db, Actor.system(), pid, reason="consent withdrawn", ledger=ledger)
    _assert_erased(db, pid)
    # The reception event stays for aggregate statistics.
    assert db.scalars(select(ReceptionEvent).where(ReceptionEvent.person_id == pid)).one()
    bind_actor(db, actors["registrar"])
    # Search no longer finds them, by name or by number.
    for query in ("Kyaw Canary", CANARY["nrc"], CANARY["service_number"], "[erased]"):
        assert service.search(db, actors["registrar"], query) == [], query
    # Audited without any personal value; ledgered by id only.
    event = db.scalars(
        select(AuditEvent).where(
            AuditEvent.subject_id == pid, AuditEvent.action == str(erasure.ERASED_ACTION)
        )
    ).all()[-1]
    assert event.changes["erased"] == {"before": None, "after": True}
    assert event.changes["reason"] == "consent withdrawn"
    trail = " ".join(str(e.changes) for e in db.scalars(select(AuditEvent)))
    for marker in PLAIN_MARKERS:
        assert marker not in trail
    lines = ledger.read_text().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{pid} ")
    assert erasure.read_ledger(ledger) == [pid]
    assert oct(ledger.stat().st_mode & 0o777) == "0o600"
    # An erased person can no longer be written to.
    with pytest.raises(Conflict):
        service.update_profile(db, actors["registrar"], pid, ProfileUpdate(phone="1"))


def test_only_writers_in_scope_may_erase(
    db: Session, actors: dict[str, Actor], tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger"
    bind_actor(db, actors["registrar"])
    pid = received_with_canaries(db, actors["registrar"]).person.id
    bind_actor(db, actors["stranger"])
    with pytest.raises(NotFound):
        erasure.erase_person(db, actors["stranger"], pid, reason="x", ledger=ledger)
    bind_actor(db, actors["finance"])
    with pytest.raises(PermissionDenied):
        erasure.erase_person(db, actors["finance"], pid, reason="x", ledger=ledger)
    # A registrar may, after proving again who they are (not with a standing credential).
    bind_actor(db, actors["registrar"])
    with pytest.raises(FreshAuthRequired):
        erasure.erase_person(db, actors["registrar"], pid, reason="x", ledger=ledger)
    bind_actor(db, Actor.system())
    with pytest.raises(ValidationFailed):
        erasure.erase_person(db, Actor.system(), pid, reason="  ", ledger=ledger)
    assert not ledger.exists()
    assert db.get(PersonKey, pid) is not None


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def _copy_rows(db: Session, pid: Any) -> dict[str, list[dict[str, Any]]]:
    """What a backup holds of one person."""
    copied: dict[str, list[dict[str, Any]]] = {}
    for model, owner in (
        (Person, "id"),
        (PersonKey, "person_id"),
        (FamilyMember, "person_id"),
        (PersonPhoto, "person_id"),
    ):
        table = _table(model)
        rows = db.execute(select(table).where(table.c[owner] == pid)).mappings().all()
        copied[table.name] = [dict(r) for r in rows]
    return copied


def _restore_rows(db: Session, copied: dict[str, list[dict[str, Any]]]) -> None:
    """Put the backup's rows back, as restoring the backup would."""
    persons = _table(Person)
    for row in copied["persons"]:
        db.execute(update(persons).where(persons.c.id == row["id"]).values(**row))
    for model in (PersonKey, FamilyMember, PersonPhoto):
        table = _table(model)
        key = next(iter(table.primary_key.columns))
        for row in copied[table.name]:
            db.execute(delete(table).where(key == row[key.name]))
            db.execute(insert(table).values(**row))


def test_a_backup_restored_after_an_erasure_yields_nothing_once_the_ledger_is_reapplied(
    db: Session, actors: dict[str, Actor], tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger"
    bind_actor(db, actors["registrar"])
    kept = received_with_canaries(db, actors["registrar"], name_latin="Kept Person").person.id
    pid = received_with_canaries(db, actors["registrar"]).person.id
    db.flush()
    backup = _copy_rows(db, pid)
    assert backup["person_keys"]
    assert backup["family_members"]
    assert backup["person_photos"]
    # The operator erases, restores and reads back (the registrar's reader masks whereabouts).
    bind_actor(db, Actor.system())
    erasure.erase_person(db, Actor.system(), pid, reason="request", ledger=ledger)
    db.flush()
    _restore_rows(db, backup)
    db.expire_all()
    restored = db.get(Person, pid)
    assert restored is not None
    assert restored.nrc == "12/OUKAMA(N)987654"  # the restored backup is readable again...
    assert erasure.reapply_ledger(db, erasure.read_ledger(ledger)) == 1
    db.flush()
    _assert_erased(db, pid)  # ...until the ledger is reapplied
    # Reapplying again finds nothing left; other persons are untouched.
    assert erasure.reapply_ledger(db, erasure.read_ledger(ledger)) == 0
    other = db.get(Person, kept)
    assert other is not None
    assert other.nrc == "12/OUKAMA(N)987654"
    member = db.scalars(select(FamilyMember).where(FamilyMember.person_id == kept)).one()
    assert member.whereabouts == WHEREABOUTS


def test_retention_is_set_by_an_administrator_and_applied(
    db: Session, actors: dict[str, Actor], tmp_path: Path
) -> None:
    ledger = tmp_path / "ledger"
    registrar = actors["registrar"]
    bind_actor(db, registrar)
    past = received_with_canaries(db, registrar, name_latin="Past Person").person.id
    future = received_with_canaries(db, registrar, name_latin="Future Person").person.id
    forever = received_with_canaries(db, registrar, name_latin="Kept Person").person.id
    with pytest.raises(PermissionDenied):
        retention.set_retention(db, registrar, past, date(2027, 1, 1))
    bind_actor(db, actors["stranger"])
    with pytest.raises(NotFound):
        retention.set_retention(db, actors["stranger"], past, date(2027, 1, 1))
    bind_actor(db, actors["admin"])
    retention.set_retention(db, actors["admin"], past, date(2027, 1, 1))
    retention.set_retention(db, actors["admin"], future, date(2027, 6, 1))
    event = db.scalars(
        select(AuditEvent).where(AuditEvent.subject_id == past).order_by(AuditEvent.seq.desc())
    ).first()
    assert event is not None
    assert event.changes == {"retention_until": {"before": None, "after": "2027-01-01"}}
    bind_actor(db, Actor.system())
    erased = retention.apply_retention(db, Actor.system(), today=date(2027, 3, 1), ledger=ledger)
    assert erased == [past]
    _assert_erased(db, past)
    for pid in (future, forever):
        person = db.get(Person, pid)
        assert person is not None
        assert person.erased_at is None
        assert person.nrc == "12/OUKAMA(N)987654"
    assert erasure.read_ledger(ledger) == [past]
    assert (
        retention.apply_retention(db, Actor.system(), today=date(2027, 3, 1), ledger=ledger) == []
    )


def test_the_reception_events_stay_without_what_was_written_of_the_person(
    db: Session, actors: dict[str, Actor], tmp_path: Path
) -> None:
    """The skeleton keeps what statistics count (classification, date, unit, rank); the free
    text (the position, the unit as written) goes with the person."""
    event = f.receive(
        db,
        actors["registrar"],
        name_latin="Written About",
        origin_unit="LIB 531",
        position="radio operator of the 2nd company",
    )
    pid = event.person_id  # type: ignore[attr-defined]
    erasure.erase_person(db, Actor.system(), pid, reason="request", ledger=tmp_path / "ledger")
    db.flush()
    db.expire_all()
    kept = db.scalars(select(ReceptionEvent).where(ReceptionEvent.person_id == pid)).one()
    assert (kept.position, kept.origin_unit_text) == (None, None)
    assert kept.origin_unit_id is not None
    assert kept.classification == "defector"
