"""A field node's up bundle: every change headquarters has not yet acknowledged, in order.

Each bundle repeats what the last one carried if no acknowledgement came back (a lost USB
stick, a cut link): headquarters skips what it already applied. The node's audit head
travels with it, for headquarters to witness.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from haven.audit import chain
from haven.db.session import keyring_of
from haven.sync import bundles, crypto, repository, watch
from haven.sync.down import field_identity
from haven.sync.errors import NotANode
from haven.sync.models import Change, Identity

MAX_CHANGES = 20_000  # per bundle: a larger backlog goes in the next ones


def make_up(session: Session) -> bytes:
    """Every change headquarters has not acknowledged (up to `MAX_CHANGES`), in one bundle."""
    return make_up_parts(session, MAX_CHANGES)[0]


def make_up_parts(session: Session, size: int) -> list[bytes]:
    """The unacknowledged changes in bundles of `size` changes each, in order (a backlog too
    big for one file or one request); at least one bundle, which may be empty (it still
    carries the audit head)."""
    me = field_identity(session)
    if me.hq_signing_public is None:
        raise NotANode
    changes = repository.changes_after(session, me.acked_seq, limit=MAX_CHANGES)
    parts = [changes[i : i + size] for i in range(0, len(changes), size)] or [[]]
    private = crypto.unwrap(keyring_of(session), "signing", me.signing_private)
    return [_bundle(session, me, part, private) for part in parts]


def _bundle(session: Session, me: Identity, changes: Sequence[Change], private: bytes) -> bytes:
    audit_seq, audit_hash = chain.head(session)
    up = bundles.Up(
        node_id=me.node_id,
        first=changes[0].seq if changes else me.acked_seq + 1,
        last=changes[-1].seq if changes else me.acked_seq,
        down_seq=me.down_seq,
        audit_seq=audit_seq,
        audit_hash=audit_hash if audit_seq else None,
        changes=[
            bundles.UpChange(c.id, c.seq, c.table_name, c.record_id, c.op, c.payload or b"")
            for c in changes
        ],
        watch_hash=watch.digest_of(repository.watch_hashes(session)),
    )
    return bundles.make_up(up, private)


def waiting(session: Session) -> int:
    me = field_identity(session)
    return repository.count_changes_after(session, me.acked_seq)
