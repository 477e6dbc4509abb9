"""`record_many`: a bulk path's events, each the event `record` writes, in the same chain."""

from __future__ import annotations

import itertools
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from haven.audit import chain, checkpoints, service
from haven.audit.actions import AuditAction
from haven.audit.models import AuditCheckpoint
from haven.audit.verify import verify
from haven.db.keyring import Keyring
from haven.security.permissions import Actor


def test_events_recorded_together_chain_verify_and_are_checkpointed_as_due(
    db: Session, keyring: Keyring
) -> None:
    actor = Actor.system("bulk tester")
    before_seq, before_hash = chain.head(db)
    last_checkpoint = checkpoints.last_checkpoint_seq(db)
    subjects = [uuid.uuid4() for _ in range(2 * checkpoints.CHECKPOINT_INTERVAL + 5)]
    single = service.record(
        db,
        actor,
        AuditAction.PERSON_RECEIVED,
        subject_type="person",
        subject_id=subjects[0],
        organisation_id=None,
        changes={"site_id": {"before": None, "after": "x"}},
    )
    events = service.record_many(
        db,
        actor,
        [
            service.Entry(
                AuditAction.PERSON_RECEIVED,
                subject_type="person",
                subject_id=subject,
                organisation_id=None,
                changes={"site_id": {"before": None, "after": "x"}},
            )
            for subject in subjects[1:]
        ],
    )
    assert single.prev_hash == before_hash
    assert [e.seq for e in events] == list(range(before_seq + 2, before_seq + 1 + len(subjects)))
    assert events[0].prev_hash == single.event_hash
    assert all(b.prev_hash == a.event_hash for a, b in itertools.pairwise(events))
    assert [(e.subject_id, e.action, e.actor_label) for e in events] == [
        (s, "person.received", "bulk tester") for s in subjects[1:]
    ]
    assert chain.head(db) == (events[-1].seq, events[-1].event_hash)
    # The checkpoints fall where recording the events one by one would have put them.
    signed = db.scalars(
        select(AuditCheckpoint.seq).where(AuditCheckpoint.seq > last_checkpoint)
    ).all()
    expected = list(
        range(
            last_checkpoint + checkpoints.CHECKPOINT_INTERVAL,
            events[-1].seq + 1,
            checkpoints.CHECKPOINT_INTERVAL,
        )
    )
    assert sorted(signed) == expected
    assert len(expected) >= 2
    report = verify(db, public_key=keyring.audit_signing_key.public_key())
    assert report.ok
    assert report.head_seq == events[-1].seq
