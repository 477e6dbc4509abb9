"""The hash chain: what record() writes, checkpoints, verification and the append-only rule."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from haven.audit import chain, checkpoints, service
from haven.audit.actions import AuditAction
from haven.audit.models import AuditCheckpoint, AuditEvent
from haven.audit.verify import ProblemKind, VerifyReport, verify
from haven.db.keyring import Keyring
from haven.security.permissions import Actor
from tests.audit.conftest import EVENTS, drop_append_only_triggers, raw_insert, raw_row, shift_seq


def _record(db: Session, n: int, *, org: uuid.UUID | None = None) -> list[AuditEvent]:
    actor = Actor.system("tester")
    return [
        service.record(
            db,
            actor,
            AuditAction.PERSON_UPDATED,
            subject_type="person",
            subject_id=uuid.uuid4(),
            organisation_id=org,
            changes={"religion": {"before": f"old {i}", "after": f"new {i}"}, "phone": "<changed>"},
        )
        for i in range(n)
    ]


def _verify(db: Session, keyring: Keyring) -> VerifyReport:
    return verify(db, public_key=keyring.audit_signing_key.public_key())


def _base(db: Session) -> int:
    return chain.head(db)[0]


def test_record_chains_each_event_to_the_one_before(db: Session, keyring: Keyring) -> None:
    start_seq, start_hash = chain.head(db)
    first, second, third = _record(db, 3)
    assert [first.seq, second.seq, third.seq] == [start_seq + 1, start_seq + 2, start_seq + 3]
    assert first.prev_hash == start_hash
    assert second.prev_hash == first.event_hash
    assert third.prev_hash == second.event_hash
    assert len({first.event_hash, second.event_hash, third.event_hash}) == 3
    assert all(len(e.event_hash) == 64 for e in (first, second, third))
    assert chain.head(db) == (third.seq, third.event_hash)
    report = _verify(db, keyring)
    assert report.ok
    assert report.head_seq == third.seq
    assert report.events == third.seq


def test_the_hash_covers_what_the_event_says_and_survives_storage(db: Session) -> None:
    (event,) = _record(db, 1)
    db.expire_all()
    stored = chain.ChainRecord.of(db.get(AuditEvent, event.id))
    assert chain.recompute(stored) == event.event_hash
    altered = chain.ChainRecord(**{**stored.__dict__, "actor_label": "someone else"})
    assert chain.recompute(altered) != event.event_hash
    later = chain.ChainRecord(
        **{**stored.__dict__, "occurred_at": stored.occurred_at + timedelta(microseconds=1)}
    )
    assert chain.recompute(later) != event.event_hash


def test_changes_are_stored_as_json_gives_them_back(db: Session) -> None:
    subject = uuid.uuid4()
    event = service.record(
        db,
        Actor.system(),
        AuditAction.PERSON_UPDATED,
        subject_type="person",
        subject_id=subject,
        organisation_id=None,
        changes={"ids": (subject,), 3: "three"},
    )
    assert event.changes == {"ids": [str(subject)], "3": "three"}


def test_a_checkpoint_is_signed_every_interval(db: Session, keyring: Keyring) -> None:
    start = _base(db)
    already = checkpoints.last_checkpoint_seq(db)
    due = already + checkpoints.CHECKPOINT_INTERVAL
    events = _record(db, due - start)
    stored = db.scalars(select(AuditCheckpoint).where(AuditCheckpoint.seq == due)).one()
    assert stored.event_hash == events[-1].event_hash
    assert stored.key_id == checkpoints.key_id(keyring.audit_signing_key.public_key())
    assert checkpoints.signature_valid(stored, keyring.audit_signing_key.public_key())
    other = Ed25519PrivateKey.generate().public_key()
    assert not checkpoints.signature_valid(stored, other)
    _record(db, 1)
    assert checkpoints.last_checkpoint_seq(db) == due  # not before the next interval
    report = _verify(db, keyring)
    assert report.ok
    assert report.last_checkpoint_seq == due


def test_no_checkpoint_without_a_keyring(db: Session) -> None:
    db.info["keyring"] = None
    start = _base(db)
    before = checkpoints.last_checkpoint_seq(db)
    _record(db, checkpoints.CHECKPOINT_INTERVAL + 1)
    assert checkpoints.last_checkpoint_seq(db) == before
    assert _base(db) == start + checkpoints.CHECKPOINT_INTERVAL + 1


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_events SET actor_label = 'x'", "DELETE FROM audit_events"]
)
def test_the_database_refuses_to_change_or_delete_events(db: Session, statement: str) -> None:
    _record(db, 2)
    with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
        db.execute(text(statement))
    assert (
        db.scalar(select(AuditEvent.actor_label).order_by(AuditEvent.seq.desc()).limit(1))
        == "tester"
    )


def test_the_database_refuses_to_change_checkpoints(db: Session) -> None:
    event = _record(db, 1)[0]
    checkpoints.sign(
        db, Keyring(root=b"k" * 32).audit_signing_key, seq=event.seq, event_hash=event.event_hash
    )
    for statement in (
        "UPDATE audit_checkpoints SET signature = 'x'",
        "DELETE FROM audit_checkpoints",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.begin_nested():
            db.execute(text(statement))


# Tampering. Each test first does what an attacker holding the database would: drop the
# append-only triggers. Then it tampers with raw SQL, and verification must name the event.


def test_a_modified_event_is_detected_and_named(db: Session, keyring: Keyring) -> None:
    events = _record(db, 5)
    target = events[2]
    drop_append_only_triggers(db)
    db.execute(
        text("UPDATE audit_events SET changes = :c WHERE seq = :s"),
        {"c": '{"religion": {"before": "old 2", "after": "forged"}}', "s": target.seq},
    )
    report = _verify(db, keyring)
    assert not report.ok
    problem = report.first_problem
    assert problem is not None
    assert (problem.kind, problem.seq, problem.event_id) == (
        ProblemKind.CHANGED,
        target.seq,
        target.id,
    )
    assert str(problem.message) == (
        f"Event {target.seq} ({target.id}) was changed: what it records no longer matches its hash."
    )
    assert report.events == target.seq - 1  # the intact prefix


def test_a_deleted_event_is_detected_and_named(db: Session, keyring: Keyring) -> None:
    events = _record(db, 5)
    target, after = events[2], events[3]
    drop_append_only_triggers(db)
    db.execute(EVENTS.delete().where(EVENTS.c.id == target.id))
    problem = _verify(db, keyring).first_problem
    assert problem is not None
    assert (problem.kind, problem.seq) == (ProblemKind.DELETED, target.seq)
    assert str(problem.message) == (
        f"Event {target.seq} is missing: it was deleted. The trail continues at event {after.seq}."
    )


def test_a_deleted_event_is_detected_even_when_the_rest_is_renumbered(
    db: Session, keyring: Keyring
) -> None:
    events = _record(db, 5)
    target, after = events[1], events[2]
    drop_append_only_triggers(db)
    db.execute(EVENTS.delete().where(EVENTS.c.id == target.id))
    shift_seq(db, from_seq=target.seq + 1, by=-1)
    problem = _verify(db, keyring).first_problem
    assert problem is not None
    # The event that now sits at the deleted one's place is linked to an event that is gone.
    assert (problem.kind, problem.seq, problem.event_id) == (
        ProblemKind.DELETED,
        target.seq,
        after.id,
    )


def test_an_inserted_event_is_detected_and_named(db: Session, keyring: Keyring) -> None:
    events = _record(db, 5)
    before = events[1]
    drop_append_only_triggers(db)
    shift_seq(db, from_seq=before.seq + 1, by=1)
    # A forgery made by someone who knows the format: a correct hash, linked to its predecessor.
    forged = raw_row(db, before.seq) | {
        "id": uuid.uuid4(),
        "seq": before.seq + 1,
        "actor_label": "ghost",
        "changes": {"religion": {"before": "a", "after": "b"}},
        "prev_hash": before.event_hash,
    }
    forged["event_hash"] = chain.recompute(chain.ChainRecord(**forged))
    raw_insert(db, [forged])
    report = _verify(db, keyring)
    problem = report.first_problem
    assert problem is not None
    assert (problem.kind, problem.seq, problem.event_id) == (
        ProblemKind.INSERTED,
        before.seq + 1,
        forged["id"],
    )
    assert "was inserted" in str(problem.message)


def test_an_inserted_event_with_a_made_up_hash_is_detected_and_named(
    db: Session, keyring: Keyring
) -> None:
    events = _record(db, 4)
    before = events[1]
    drop_append_only_triggers(db)
    shift_seq(db, from_seq=before.seq + 1, by=1)
    forged = raw_row(db, before.seq) | {
        "id": uuid.uuid4(),
        "seq": before.seq + 1,
        "prev_hash": "f" * 64,
        "event_hash": "e" * 64,
    }
    raw_insert(db, [forged])
    problem = _verify(db, keyring).first_problem
    assert problem is not None
    assert (problem.kind, problem.seq, problem.event_id) == (
        ProblemKind.INSERTED,
        before.seq + 1,
        forged["id"],
    )


def test_reordered_events_are_detected_and_named(db: Session, keyring: Keyring) -> None:
    events = _record(db, 5)
    first, second = events[1], events[2]
    drop_append_only_triggers(db)
    db.execute(EVENTS.update().where(EVENTS.c.id == first.id).values(seq=-1))
    db.execute(EVENTS.update().where(EVENTS.c.id == second.id).values(seq=first.seq))
    db.execute(EVENTS.update().where(EVENTS.c.id == first.id).values(seq=second.seq))
    problem = _verify(db, keyring).first_problem
    assert problem is not None
    assert (problem.kind, problem.seq, problem.event_id) == (
        ProblemKind.REORDERED,
        first.seq,
        second.id,
    )
    assert str(problem.message) == (
        f"Event {first.seq} ({second.id}) is out of order: "
        f"it was recorded after event {second.seq}."
    )


def _rewrite_from(db: Session, seq: int) -> None:
    """Re-hash every event from `seq` on, as an attacker covering an edit would."""
    previous = raw_row(db, seq - 1)["event_hash"] if seq > 1 else chain.GENESIS
    head = chain.head(db)[0]
    for n in range(seq, head + 1):
        row = raw_row(db, n) | {"prev_hash": previous}
        row["event_hash"] = chain.recompute(chain.ChainRecord(**row))
        db.execute(
            text("UPDATE audit_events SET prev_hash = :p, event_hash = :h WHERE seq = :s"),
            {"p": row["prev_hash"], "h": row["event_hash"], "s": n},
        )
        previous = row["event_hash"]


def test_a_rewritten_chain_is_caught_by_the_signed_checkpoint(
    db: Session, keyring: Keyring
) -> None:
    events = _record(db, 6)
    target = events[1]
    checkpoint = checkpoints.sign(
        db, keyring.audit_signing_key, seq=events[3].seq, event_hash=events[3].event_hash
    )
    assert _verify(db, keyring).ok
    drop_append_only_triggers(db)
    db.execute(
        text("UPDATE audit_events SET actor_label = 'someone else' WHERE seq = :s"),
        {"s": target.seq},
    )
    _rewrite_from(db, target.seq)
    report = _verify(db, keyring)
    problem = report.first_problem
    assert problem is not None
    assert problem.kind is ProblemKind.REWRITTEN
    # The first altered event lies after the previous checkpoint and up to this one.
    assert problem.seq <= target.seq <= checkpoint.seq
    assert f"event {checkpoint.seq} no longer matches the checkpoint" in str(problem.message)


def test_a_forged_checkpoint_is_detected(db: Session, keyring: Keyring) -> None:
    events = _record(db, 3)
    attacker = Ed25519PrivateKey.generate()
    checkpoints.sign(db, attacker, seq=events[2].seq, event_hash=events[2].event_hash)
    problem = _verify(db, keyring).first_problem
    assert problem is not None
    assert (problem.kind, problem.seq, problem.event_id) == (
        ProblemKind.BAD_SIGNATURE,
        events[2].seq,
        events[2].id,
    )


def test_an_altered_signature_is_detected(db: Session, keyring: Keyring) -> None:
    events = _record(db, 3)
    checkpoints.sign(
        db, keyring.audit_signing_key, seq=events[1].seq, event_hash=events[1].event_hash
    )
    drop_append_only_triggers(db)
    db.execute(
        text("UPDATE audit_checkpoints SET signed_at = signed_at - interval '1' day")
        if db.get_bind().dialect.name == "postgresql"
        else text("UPDATE audit_checkpoints SET signed_at = datetime(signed_at, '-1 day')")
    )
    problem = _verify(db, keyring).first_problem
    assert problem is not None
    assert (problem.kind, problem.seq) == (ProblemKind.BAD_SIGNATURE, events[1].seq)


def test_events_deleted_from_the_end_are_caught_by_a_checkpoint(
    db: Session, keyring: Keyring
) -> None:
    events = _record(db, 5)
    checkpoints.sign(
        db, keyring.audit_signing_key, seq=events[-1].seq, event_hash=events[-1].event_hash
    )
    drop_append_only_triggers(db)
    db.execute(text("DELETE FROM audit_events WHERE seq >= :s"), {"s": events[3].seq})
    problem = _verify(db, keyring).first_problem
    assert problem is not None
    assert (problem.kind, problem.seq) == (ProblemKind.DELETED, events[3].seq)
    assert str(problem.message) == (
        f"Events {events[3].seq} to {events[-1].seq} are missing: "
        "they were deleted after a checkpoint vouched for them."
    )


def test_without_a_public_key_signatures_are_not_checked(db: Session) -> None:
    events = _record(db, 2)
    checkpoints.sign(
        db, Ed25519PrivateKey.generate(), seq=events[1].seq, event_hash=events[1].event_hash
    )
    report = verify(db, public_key=None)
    assert report.ok
    assert not report.signatures_checked
