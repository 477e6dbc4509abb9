"""Signed checkpoints: Ed25519 signatures over (seq, hash) of the chain's head.

A checkpoint is written automatically every `CHECKPOINT_INTERVAL` events when the session
carries the keyring, and on demand (`haven audit checkpoint`). The signing key is derived from
Haven's root secret, which never sits beside the database: someone holding only the database
can rewrite the chain but cannot sign a checkpoint for the rewritten one.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy.orm import Session

from haven.audit import repository
from haven.audit.chain import canonical_json, timestamp
from haven.audit.models import AuditCheckpoint
from haven.db.keyring import Keyring
from haven.db.types import utcnow

CHECKPOINT_INTERVAL = 100
_PURPOSE = "haven-audit-checkpoint"


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short, stable name for a public key: the first 128 bits of its SHA-256."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:32]


def signed_message(*, seq: int, event_hash: str, signed_at: datetime, signer: str) -> bytes:
    """Exactly the bytes signed; the purpose label keeps the key from signing anything else."""
    return canonical_json(
        {
            "purpose": _PURPOSE,
            "v": 1,
            "seq": seq,
            "event_hash": event_hash,
            "signed_at": timestamp(signed_at),
            "key_id": signer,
        }
    ).encode()


def sign(
    session: Session, private_key: Ed25519PrivateKey, *, seq: int, event_hash: str
) -> AuditCheckpoint:
    """Add a checkpoint for the event `seq` whose hash is `event_hash`."""
    signer = key_id(private_key.public_key())
    signed_at = utcnow()
    message = signed_message(seq=seq, event_hash=event_hash, signed_at=signed_at, signer=signer)
    checkpoint = AuditCheckpoint(
        seq=seq,
        event_hash=event_hash,
        signed_at=signed_at,
        key_id=signer,
        signature=private_key.sign(message).hex(),
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def signature_valid(checkpoint: AuditCheckpoint, public_key: Ed25519PublicKey) -> bool:
    if checkpoint.key_id != key_id(public_key):
        return False
    message = signed_message(
        seq=checkpoint.seq,
        event_hash=checkpoint.event_hash,
        signed_at=checkpoint.signed_at,
        signer=checkpoint.key_id,
    )
    try:
        public_key.verify(bytes.fromhex(checkpoint.signature), message)
    except (InvalidSignature, ValueError):
        return False
    return True


def last_checkpoint_seq(session: Session) -> int:
    return repository.last_checkpoint_seq(session)


def keyring_in(session: Session) -> Keyring | None:
    """The session's keyring if it has one (the command line may run without key material)."""
    keyring = session.info.get("keyring")
    return keyring if isinstance(keyring, Keyring) else None


def sign_if_due(session: Session, *, seq: int, event_hash: str) -> AuditCheckpoint | None:
    """Checkpoint the new head once `CHECKPOINT_INTERVAL` events have passed since the last.

    Without a keyring nothing is signed; the next write that has one catches up.
    """
    keyring = keyring_in(session)
    if keyring is None or seq - last_checkpoint_seq(session) < CHECKPOINT_INTERVAL:
        return None
    return sign(session, keyring.audit_signing_key, seq=seq, event_hash=event_hash)
