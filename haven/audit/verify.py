"""Verification of the audit trail: the chain from its first event, and every checkpoint.

The walk goes through events in `seq` order and stops at the first event that breaks the
chain; that event (or the first missing one) is named, with the kind of tampering the evidence
points to. Checkpoints are then checked: their Ed25519 signature, and that the chain still
has the signed hash at the signed seq (which catches a chain rewritten after an edit) and still
reaches that far (which catches deleted events at the end).

Limits, stated plainly: events after the last checkpoint can be removed from the end, or the
end rewritten, by someone with write access to the database; checkpoint often (the interval,
and `haven audit checkpoint`) and keep the latest checkpoint's hash off the device.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from enum import StrEnum

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from haven.audit import checkpoints, repository
from haven.audit.chain import GENESIS, ChainRecord, recompute
from haven.audit.models import AuditCheckpoint
from haven.i18n import N_, Text

_WALK_BATCH = 1000


class ProblemKind(StrEnum):
    CHANGED = "changed"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    REWRITTEN = "rewritten"
    BAD_SIGNATURE = "bad_signature"


MESSAGES: dict[str, str] = {
    "changed": N_(
        "Event {seq} ({event_id}) was changed: what it records no longer matches its hash."
    ),
    "renumbered": N_(
        "Event {seq} ({event_id}) was changed: its sequence number should be {expected}."
    ),
    "deleted_one": N_(
        "Event {seq} is missing: it was deleted. The trail continues at event {next_seq}."
    ),
    "deleted_many": N_(
        "Events {seq} to {until_seq} are missing: they were deleted. "
        "The trail continues at event {next_seq}."
    ),
    "deleted_or_rehashed": N_(
        "Event {seq} ({event_id}) follows an event that is no longer in the trail: an event before "
        "it was deleted and the later ones renumbered, or the event before it was changed and "
        "its hash recomputed."
    ),
    "truncated": N_(
        "Events {seq} to {until_seq} are missing: "
        "they were deleted after a checkpoint vouched for them."
    ),
    "inserted": N_(
        "Event {seq} ({event_id}) was inserted: "
        "the events around it are linked to each other, not to it."
    ),
    "reordered": N_(
        "Event {seq} ({event_id}) is out of order: it was recorded after event {after_seq}."
    ),
    "rewritten": N_(
        "The trail was rewritten: event {until_seq} no longer matches the checkpoint signed at "
        "{signed_at}. The first altered event is between event {seq} and event {until_seq}."
    ),
    "bad_signature": N_("The checkpoint at event {seq} carries a signature Haven did not make."),
}
HIDDEN = "…"


@dataclass(frozen=True)
class Problem:
    """One finding. `seq` is the first bad position; `event_id` the event there, if present."""

    kind: ProblemKind
    seq: int
    event_id: uuid.UUID | None
    message_key: str
    params: dict[str, str | int] = field(default_factory=dict)

    @property
    def message(self) -> Text:
        values: dict[str, str | int] = {"seq": self.seq, "event_id": str(self.event_id or HIDDEN)}
        return Text(MESSAGES[self.message_key], values | self.params)

    def without_event_id(self) -> Problem:
        return replace(self, event_id=None)


@dataclass(frozen=True)
class VerifyReport:
    events: int
    head_seq: int
    head_hash: str
    checkpoints: int
    last_checkpoint_seq: int
    signatures_checked: bool
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None


@dataclass
class _Walk:
    count: int = 0
    head: ChainRecord | None = None
    hashes_at: dict[int, tuple[str, uuid.UUID]] = field(default_factory=dict)
    broken: tuple[ChainRecord | None, ChainRecord, ChainRecord | None] | None = None


def _sound(previous: ChainRecord | None, current: ChainRecord) -> bool:
    expected_prev = previous.event_hash if previous else GENESIS
    expected_seq = previous.seq + 1 if previous else 1
    return (
        current.prev_hash == expected_prev
        and current.seq == expected_seq
        and recompute(current) == current.event_hash
    )


def _walk(session: Session, wanted: set[int]) -> _Walk:
    walk = _Walk()
    result = repository.rows_in_seq_order(session, batch=_WALK_BATCH)
    try:
        records = (ChainRecord.of(row) for row in result)
        current = next(records, None)
        while current is not None:
            following = next(records, None)
            if not _sound(walk.head, current):
                walk.broken = (walk.head, current, following)
                break
            walk.count += 1
            walk.head = current
            if current.seq in wanted:
                walk.hashes_at[current.seq] = (current.event_hash, current.id)
            current = following
    finally:
        result.close()
    return walk


def _classify(
    session: Session,
    previous: ChainRecord | None,
    current: ChainRecord,
    following: ChainRecord | None,
) -> Problem:
    """Name what the first break shows, trying the most specific evidence first."""
    expected_prev = previous.event_hash if previous else GENESIS
    expected_seq = previous.seq + 1 if previous else 1
    skipped = following is not None and following.prev_hash == expected_prev
    if recompute(current) != current.event_hash:
        kind, key = (
            (ProblemKind.INSERTED, "inserted") if skipped else (ProblemKind.CHANGED, "changed")
        )
        return Problem(kind, current.seq, current.id, key)
    if current.prev_hash == expected_prev:
        return Problem(
            ProblemKind.CHANGED, current.seq, current.id, "renumbered", {"expected": expected_seq}
        )
    target = repository.event_with_hash(session, current.prev_hash)
    if target is not None and target[0] > current.seq:
        return Problem(
            ProblemKind.REORDERED, current.seq, current.id, "reordered", {"after_seq": target[0]}
        )
    if skipped:
        return Problem(ProblemKind.INSERTED, current.seq, current.id, "inserted")
    if target is not None and previous is not None and target[0] < previous.seq:
        first = target[0] + 1
        return Problem(
            ProblemKind.INSERTED, first, repository.event_id_at(session, first), "inserted"
        )
    if current.seq > expected_seq:
        key = "deleted_one" if current.seq == expected_seq + 1 else "deleted_many"
        params: dict[str, str | int] = {"until_seq": current.seq - 1, "next_seq": current.seq}
        return Problem(ProblemKind.DELETED, expected_seq, None, key, params)
    return Problem(ProblemKind.DELETED, current.seq, current.id, "deleted_or_rehashed")


def _check_checkpoints(
    stored: list[AuditCheckpoint],
    walk: _Walk,
    broken_at: int | None,
    public_key: Ed25519PublicKey | None,
) -> list[Problem]:
    problems: list[Problem] = []
    anchor = 0  # the last seq a valid checkpoint vouches for
    head_seq = walk.head.seq if walk.head else 0
    for checkpoint in stored:
        at = walk.hashes_at.get(checkpoint.seq)
        event_id = at[1] if at else None
        if public_key is not None and not checkpoints.signature_valid(checkpoint, public_key):
            problems.append(
                Problem(ProblemKind.BAD_SIGNATURE, checkpoint.seq, event_id, "bad_signature")
            )
            continue
        if broken_at is not None and checkpoint.seq >= broken_at:
            continue  # the chain is already broken before this checkpoint
        if checkpoint.seq > head_seq:
            problems.append(
                Problem(
                    ProblemKind.DELETED,
                    head_seq + 1,
                    None,
                    "truncated",
                    {"until_seq": checkpoint.seq},
                )
            )
        elif at is None or at[0] != checkpoint.event_hash:
            problems.append(
                Problem(
                    ProblemKind.REWRITTEN,
                    anchor + 1,
                    event_id,
                    "rewritten",
                    {
                        "until_seq": checkpoint.seq,
                        "signed_at": checkpoint.signed_at.strftime("%Y-%m-%d %H:%M UTC"),
                    },
                )
            )
        else:
            anchor = checkpoint.seq
    return problems


def verify(session: Session, *, public_key: Ed25519PublicKey | None) -> VerifyReport:
    """Check the whole trail. Without a public key, checkpoint signatures are not checked."""
    stored = repository.checkpoints_in_order(session)
    walk = _walk(session, {c.seq for c in stored})
    problems: list[Problem] = []
    broken_at: int | None = None
    if walk.broken is not None:
        first = _classify(session, *walk.broken)
        problems.append(first)
        broken_at = first.seq
    problems += _check_checkpoints(stored, walk, broken_at, public_key)
    problems.sort(key=lambda p: p.seq)
    head = walk.head
    return VerifyReport(
        events=walk.count,
        head_seq=head.seq if head else 0,
        head_hash=head.event_hash if head else GENESIS,
        checkpoints=len(stored),
        last_checkpoint_seq=stored[-1].seq if stored else 0,
        signatures_checked=public_key is not None,
        problems=tuple(problems),
    )
