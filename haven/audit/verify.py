"""Verification of the audit trail: the chain from its first event, its checkpoints, and what
vouches for it from outside the laptop (operator attestations and witnesses).

The walk goes through events in `seq` order and stops at the first event that breaks the
chain; that event (or the first missing one) is named, with the kind of tampering the evidence
points to. Checkpoints are then checked: their Ed25519 signature, and that the chain still
has the signed hash at the signed seq (which catches a chain rewritten after an edit) and still
reaches that far (which catches deleted events at the end).

Checkpoints are signed with a key derived from the laptop's key file, so they stop only an
attacker who holds the database without the key file. Against one who holds both, the trail is
held to what was vouched for outside the laptop (`haven.audit.witness`): operator attestations
(signatures by a key the laptop does not hold) and witnesses (a head's seq and hash, from a
printed code, a file, or the record the laptop keeps outside its database). The chain must
still hold each attested or witnessed hash at its seq: a trail cut short, emptied, or
rewritten up to a witnessed event no longer does, whatever was re-signed.

Limits, stated plainly: the events after the last witness or attestation are vouched for by
nothing outside the laptop; the report names them (`vouched_seq`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy.orm import Session

from haven.audit import checkpoints, repository, witness
from haven.audit.actions import AuditAction
from haven.audit.chain import GENESIS, ChainRecord, recompute
from haven.audit.models import AuditAttestation, AuditCheckpoint
from haven.audit.witness import Witness
from haven.i18n import N_, Text

_WALK_BATCH = 1000


class ProblemKind(StrEnum):
    CHANGED = "changed"
    DELETED = "deleted"
    INSERTED = "inserted"
    REORDERED = "reordered"
    REWRITTEN = "rewritten"
    BAD_SIGNATURE = "bad_signature"
    ROLLED_BACK = "rolled_back"


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
    "bad_attestation": N_(
        "The operator attestation at event {seq} carries a signature no trusted operator key made."
    ),
    "attested_truncated": N_(
        "Events {seq} to {until_seq} are missing: "
        "they were deleted after the operator attested them."
    ),
    "attested_rewritten": N_(
        "The trail was rewritten: event {until_seq} no longer matches what the operator attested "
        "on {signed_at}. The first altered event is between event {seq} and event {until_seq}."
    ),
    "witness_truncated": N_(
        "Events {seq} to {until_seq} are missing: event {until_seq} was witnessed ({source}), "
        "but the trail now ends at event {head_seq}."
    ),
    "witness_emptied": N_(
        "The trail is empty, but event {until_seq} was witnessed ({source}): "
        "every event was deleted."
    ),
    "witness_rewritten": N_(
        "The trail was rewritten: event {until_seq} no longer matches the witness ({source}). "
        "The first altered event is between event {seq} and event {until_seq}."
    ),
    "rolled_back": N_(
        "Event {until_seq} was witnessed ({source}), but on {restored_at} a restore rolled the "
        "trail back from event {from_seq} to event {to_seq}: the events after event {to_seq} "
        "are lost."
    ),
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
class Rollback:
    """A restore that took the trail back (recorded in the restored trail by `haven restore`)."""

    seq: int
    restored_at: datetime
    from_seq: int
    to_seq: int


@dataclass(frozen=True)
class VerifyReport:
    events: int
    head_seq: int
    head_hash: str
    checkpoints: int
    last_checkpoint_seq: int
    signatures_checked: bool
    problems: tuple[Problem, ...]
    attestations: int = 0
    witnesses: int = 0
    # The last event something outside the laptop vouches for (an attestation or a witness
    # that still matches); the events after it could have been appended by anyone holding
    # the laptop's key file.
    vouched_seq: int = 0
    rollbacks: tuple[Rollback, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None

    @property
    def unvouched(self) -> int:
        """How many events at the head nothing outside the laptop vouches for."""
        return max(self.head_seq - self.vouched_seq, 0)


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


@dataclass
class _Vouching:
    """What attestations and witnesses vouch for, checked in seq order."""

    walk: _Walk
    broken_at: int | None
    rollbacks: Sequence[Rollback]
    anchor: int = 0  # the last seq something valid vouches for
    problems: list[Problem] = field(default_factory=list)

    @property
    def head_seq(self) -> int:
        return self.walk.head.seq if self.walk.head else 0

    def beyond_break(self, seq: int) -> bool:
        return self.broken_at is not None and seq >= self.broken_at

    def holds(self, seq: int, event_hash: str) -> bool | None:
        """True/False whether the chain holds that hash at that seq; None when it ends before."""
        if seq == 0:
            return True  # an empty trail was witnessed: anything holds it
        at = self.walk.hashes_at.get(seq)
        if at is None:
            return None
        return at[0].startswith(event_hash)

    def vouch(self, seq: int) -> None:
        self.anchor = max(self.anchor, seq)


def _signed_at(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _check_attestation(
    state: _Vouching, attestation: AuditAttestation, operator_keys: list[Ed25519PublicKey]
) -> None:
    at = state.walk.hashes_at.get(attestation.seq)
    event_id = at[1] if at else None
    signer = witness.signed_by(
        seq=attestation.seq,
        event_hash=attestation.event_hash,
        signed_at=attestation.signed_at,
        signer=attestation.key_id,
        signature=attestation.signature,
        keys=operator_keys,
    )
    if signer is None:
        state.problems.append(
            Problem(ProblemKind.BAD_SIGNATURE, attestation.seq, event_id, "bad_attestation")
        )
        return
    if state.beyond_break(attestation.seq):
        return
    holds = state.holds(attestation.seq, attestation.event_hash)
    if holds is None:
        state.problems.append(
            Problem(
                ProblemKind.DELETED,
                state.head_seq + 1,
                None,
                "attested_truncated",
                {"until_seq": attestation.seq},
            )
        )
    elif not holds:
        state.problems.append(
            Problem(
                ProblemKind.REWRITTEN,
                state.anchor + 1,
                event_id,
                "attested_rewritten",
                {"until_seq": attestation.seq, "signed_at": _signed_at(attestation.signed_at)},
            )
        )
    else:
        state.vouch(attestation.seq)


def _check_witness(state: _Vouching, seen: Witness) -> None:
    if state.beyond_break(seen.seq):
        return
    holds = state.holds(seen.seq, seen.event_hash)
    if holds:
        if not seen.local:
            state.vouch(seen.seq)
        return
    source = seen.source
    rollback = next((r for r in state.rollbacks if r.to_seq < seen.seq <= r.from_seq), None)
    if rollback is not None:
        state.problems.append(
            Problem(
                ProblemKind.ROLLED_BACK,
                rollback.to_seq + 1,
                None,
                "rolled_back",
                {
                    "until_seq": seen.seq,
                    "source": source,
                    "restored_at": _signed_at(rollback.restored_at),
                    "from_seq": rollback.from_seq,
                    "to_seq": rollback.to_seq,
                },
            )
        )
    elif state.head_seq == 0:
        state.problems.append(
            Problem(
                ProblemKind.DELETED,
                1,
                None,
                "witness_emptied",
                {"until_seq": seen.seq, "source": source},
            )
        )
    elif holds is None:
        state.problems.append(
            Problem(
                ProblemKind.DELETED,
                state.head_seq + 1,
                None,
                "witness_truncated",
                {"until_seq": seen.seq, "source": source, "head_seq": state.head_seq},
            )
        )
    else:
        at = state.walk.hashes_at.get(seen.seq)
        state.problems.append(
            Problem(
                ProblemKind.REWRITTEN,
                state.anchor + 1,
                at[1] if at else None,
                "witness_rewritten",
                {"until_seq": seen.seq, "source": source},
            )
        )


def _rollbacks(session: Session) -> list[Rollback]:
    found = []
    for seq, occurred_at, changes in repository.events_of_action(
        session, str(AuditAction.AUDIT_ROLLED_BACK)
    ):
        from_seq, to_seq = changes.get("from_seq"), changes.get("to_seq")
        if isinstance(from_seq, int) and isinstance(to_seq, int):
            found.append(Rollback(seq, occurred_at, from_seq, to_seq))
    return found


def verify(
    session: Session,
    *,
    public_key: Ed25519PublicKey | None,
    operator_keys: Iterable[Ed25519PublicKey] = (),
    witnesses: Iterable[Witness] = (),
) -> VerifyReport:
    """Check the whole trail. Without a public key, checkpoint signatures are not checked.

    `operator_keys`: the operator public keys attestations must be signed by (an attestation
    signed by no such key is a problem; with none given, attestations are not relied on).
    `witnesses`: heads witnessed outside the database, which the chain must still hold.
    """
    operators = list(operator_keys)
    seen = list(witnesses)
    stored = repository.checkpoints_in_order(session)
    attested = repository.attestations_in_order(session) if operators else []
    wanted = {c.seq for c in stored} | {a.seq for a in attested} | {w.seq for w in seen}
    walk = _walk(session, wanted)
    problems: list[Problem] = []
    broken_at: int | None = None
    if walk.broken is not None:
        first = _classify(session, *walk.broken)
        problems.append(first)
        broken_at = first.seq
    problems += _check_checkpoints(stored, walk, broken_at, public_key)
    head = walk.head
    rollbacks = [r for r in _rollbacks(session) if head is not None and r.seq <= head.seq]
    state = _Vouching(walk=walk, broken_at=broken_at, rollbacks=rollbacks)
    vouchers: list[tuple[int, AuditAttestation | Witness]] = [(a.seq, a) for a in attested]
    vouchers += [(w.seq, w) for w in seen]
    for _seq, voucher in sorted(vouchers, key=lambda pair: pair[0]):
        if isinstance(voucher, AuditAttestation):
            _check_attestation(state, voucher, operators)
        else:
            _check_witness(state, voucher)
    problems += state.problems
    problems.sort(key=lambda p: p.seq)
    return VerifyReport(
        events=walk.count,
        head_seq=head.seq if head else 0,
        head_hash=head.event_hash if head else GENESIS,
        checkpoints=len(stored),
        last_checkpoint_seq=stored[-1].seq if stored else 0,
        signatures_checked=public_key is not None,
        problems=tuple(problems),
        attestations=len(attested),
        witnesses=len(seen),
        vouched_seq=state.anchor if not problems else 0,
        rollbacks=tuple(rollbacks),
    )
