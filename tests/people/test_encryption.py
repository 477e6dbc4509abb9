"""Confidential fields are ciphertext in the database, on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import LargeBinary, Uuid, bindparam, select, text
from sqlalchemy.orm import Session

from haven.accounts.sessions import actor_for
from haven.audit.models import AuditEvent
from haven.config import Settings
from haven.db.registry import load_models
from haven.kernel.sensitivity import Sensitivity, bind_actor
from haven.matching.public import possible_duplicates
from haven.people import service
from haven.people.models import FamilyMember, Person, PersonKey, PersonPhoto
from haven.people.schemas import ProfileUpdate
from haven.security.fields import FieldDecryptionError, encrypted_fields
from haven.security.permissions import Actor
from tests import factories as f
from tests.people.helpers import (
    CANARY,
    DISABILITY,
    PLAIN_MARKERS,
    WHEREABOUTS,
    raw_row,
    received_with_canaries,
)


@pytest.fixture
def registrar(db: Session, fast_settings: Settings) -> Actor:
    org = f.organisation(db)
    site = f.site(db, organisation=org)
    actor = actor_for(f.registrar(db, organisation=org, site=site, settings=fast_settings))
    bind_actor(db, actor)
    return actor


def _text(value: object) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("latin-1")
    return str(value)


def test_the_classification_decides_what_is_encrypted() -> None:
    """Every CONFIDENTIAL or HIGHLY_CONFIDENTIAL column of every table is ciphertext behind an
    EncryptedField of the same name; nothing else is."""
    confidential = {Sensitivity.CONFIDENTIAL, Sensitivity.HIGHLY_CONFIDENTIAL}
    metadata = load_models().metadata
    mapped = {m.class_.__table__.name: m.class_ for m in Person.registry.mappers}
    found = set()
    for table in metadata.tables.values():
        for column in table.columns:
            if column.info.get("sensitivity") not in confidential:
                continue
            found.add(f"{table.name}.{column.name}")
            assert isinstance(column.type, LargeBinary), column
            fields = encrypted_fields(mapped[table.name])
            assert column.name in fields, column
            assert fields[column.name].describe() == f"{table.name}.{column.name}"
    assert {
        "persons.religion",
        "persons.nrc",
        "persons.service_number",
        "persons.disability",
        "persons.phone",
        "persons.contact_notes",
        "family_members.whereabouts",
        "person_photos.data",
    } <= found
    for model in (Person, FamilyMember, PersonPhoto):
        for name, field in encrypted_fields(model).items():
            assert field.sensitivity in confidential, name
    # Names stay plaintext (PERSONAL): duplicate detection and search need them.
    assert Person.__table__.c.name_latin.info["sensitivity"] is Sensitivity.PERSONAL


def test_no_plaintext_canary_in_any_confidential_column(db: Session, registrar: Actor) -> None:
    got = received_with_canaries(db, registrar)
    pid = got.person.id
    person_columns = "religion, nrc, service_number, phone, contact_notes, disability"
    stored = raw_row(db, "persons", person_columns, "id", pid)
    assert all(value is not None for value in stored)
    for value in stored:
        for marker in PLAIN_MARKERS:
            assert marker not in _text(value)
    (whereabouts,) = raw_row(db, "family_members", "whereabouts", "id", got.member_id)
    assert "Canary" not in _text(whereabouts)
    (photo,) = raw_row(db, "person_photos", "data", "person_id", pid)
    assert bytes(photo)[:2] != b"\xff\xd8"  # not a JPEG
    assert got.photo[:2] == b"\xff\xd8"
    assert got.photo not in bytes(photo)
    # The data key is stored wrapped, never in the clear; the blind index is an HMAC.
    (wrapped,) = raw_row(db, "person_keys", "wrapped_key", "person_id", pid)
    assert len(bytes(wrapped)) == 1 + 12 + 32 + 16
    (nrc_index,) = raw_row(db, "persons", "nrc_index", "id", pid)
    assert len(str(nrc_index)) == 64
    assert "987654" not in str(nrc_index)


def test_round_trip_through_a_fresh_session(db: Session, registrar: Actor, session_factory) -> None:  # type: ignore[no-untyped-def]
    got = received_with_canaries(db, registrar)
    db.flush()
    db.commit()  # releases the test's savepoint; the outer transaction still rolls back
    other = session_factory()
    # The fresh session reads back what was stored: the operator, who reads every field.
    bind_actor(other, Actor.system("test"))
    try:
        person = other.get(Person, got.person.id)
        assert person is not None
        assert person.nrc == "12/OUKAMA(N)987654"  # stored canonical
        assert person.service_number == CANARY["service_number"]
        assert (person.religion, person.phone, person.contact_notes) == (
            CANARY["religion"],
            CANARY["phone"],
            CANARY["contact_notes"],
        )
        assert person.disability == DISABILITY
        member = other.get(FamilyMember, got.member_id)
        assert member is not None
        assert member.whereabouts == WHEREABOUTS
        photo = other.scalar(select(PersonPhoto).where(PersonPhoto.person_id == person.id))
        assert photo is not None
        assert photo.data == got.photo
    finally:
        other.close()


def test_a_ciphertext_moved_to_another_person_does_not_decrypt(
    db: Session, registrar: Actor
) -> None:
    first = received_with_canaries(db, registrar).person
    second = received_with_canaries(db, registrar, name_latin="Second Person").person
    (blob,) = raw_row(db, "persons", "nrc", "id", first.id)
    db.execute(
        text("UPDATE persons SET nrc = :blob WHERE id = :id").bindparams(
            bindparam("id", type_=Uuid()), bindparam("blob", type_=LargeBinary())
        ),
        {"blob": bytes(blob), "id": second.id},
    )
    db.expire_all()
    moved = db.get(Person, second.id)
    assert moved is not None
    with pytest.raises(FieldDecryptionError, match=r"persons\.nrc: the ciphertext does not belong"):
        _ = moved.nrc
    # Moving it to another field of the same person fails the same way.
    db.execute(
        text("UPDATE persons SET phone = :blob WHERE id = :id").bindparams(
            bindparam("id", type_=Uuid()), bindparam("blob", type_=LargeBinary())
        ),
        {"blob": bytes(blob), "id": first.id},
    )
    db.expire_all()
    same = db.get(Person, first.id)
    assert same is not None
    assert same.nrc == "12/OUKAMA(N)987654"
    with pytest.raises(FieldDecryptionError, match=r"persons\.phone"):
        _ = same.phone


def test_each_person_has_their_own_data_key(db: Session, registrar: Actor) -> None:
    first = received_with_canaries(db, registrar).person
    second = received_with_canaries(db, registrar, name_latin="Second Person").person
    keys = db.scalars(select(PersonKey).where(PersonKey.person_id.in_([first.id, second.id])))
    wrapped = [k.wrapped_key for k in keys]
    assert len(wrapped) == 2
    assert wrapped[0] != wrapped[1]


def test_blind_index_search_finds_nrc_in_both_scripts_and_service_number(
    db: Session, registrar: Actor
) -> None:
    pid = received_with_canaries(db, registrar).person.id
    for query in (
        "12/OuKaMa(N)987654",
        "12/oukama(n)987654",
        "၁၂/ဥကမ(နိုင်)၉၈၇၆၅၄",
        "BA-CANARY-4242",
        " ba-canary-4242 ",
    ):
        assert [p.id for p in service.search(db, registrar, query)] == [pid], query
    assert service.search(db, registrar, "12/OuKaMa(N)987655") == []
    duplicates = possible_duplicates(
        db, registrar, name_latin="Somebody Else", name_my=None, nrc="၁၂/ဥကမ(နိုင်)၉၈၇၆၅၄"
    )
    assert [p.id for p in duplicates.visible] == [pid]
    by_service = possible_duplicates(
        db, registrar, name_latin="Somebody Else", name_my=None, service_number="ba-canary-4242"
    )
    assert [p.id for p in by_service.visible] == [pid]


def test_changing_a_confidential_field_is_audited_without_its_value(
    db: Session, registrar: Actor
) -> None:
    pid = received_with_canaries(db, registrar).person.id
    service.update_profile(db, registrar, pid, ProfileUpdate(phone="09-NEWPHONE-1"))
    event = db.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject_id == pid, AuditEvent.action == "person.updated")
        .order_by(AuditEvent.occurred_at.desc())
    ).first()
    assert event is not None
    assert event.changes == {"phone": "<changed>"}
    trail = " ".join(str(e.changes) for e in db.scalars(select(AuditEvent)))
    for marker in (*PLAIN_MARKERS, "NEWPHONE"):
        assert marker not in trail
    assert "nrc_index" not in trail
