"""The programme's card-signing keys (docs/security.md, "Card-signing keys").

The private key is made at headquarters (`haven card new-key`), kept in the database sealed
(AES-256-GCM) under the keyring's field key-encryption key, so it opens only with the
laptop's key file or passphrase. A field node or checkpoint imports the public key alone
(`haven card trust-key`): it verifies and refuses to issue. Rotation: a new key signs from
then on; cards signed with older keys still verify until those keys are retired (a key
believed compromised is retired at once, and its cards answer "unknown key").
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy.orm import Session

from haven.audit import service as audit
from haven.audit.actions import AuditAction
from haven.cards import payload, repository
from haven.cards.models import CardSigningKey
from haven.db.session import keyring_of
from haven.db.types import utcnow
from haven.errors import Conflict, NotFound, PermissionDenied
from haven.i18n import N_
from haven.security.fields import seal, unseal
from haven.security.permissions import Actor

NO_SIGNING_KEY = N_(
    "This laptop holds no card-signing key, only the public key that checks cards: cards are "
    "issued and revoked lists signed at headquarters."
)


class NoSigningKey(Conflict):
    code = "no_card_signing_key"
    default_message = NO_SIGNING_KEY


def _aad(key_id: str) -> bytes:
    return b"card-signing:" + key_id.encode()


def _operator_only(actor: Actor) -> None:
    """Keys are the operator's (the command line), never a web user's."""
    if not actor.is_system:
        raise PermissionDenied


def create_key(session: Session, actor: Actor) -> CardSigningKey:
    """A new signing key; it signs every card from now on (older keys still verify)."""
    _operator_only(actor)
    private = Ed25519PrivateKey.generate()
    public = payload.public_bytes(private)
    key_id = payload.key_id_of(public)
    raw = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    key = CardSigningKey(
        key_id=key_id,
        public_key=public,
        private_key=seal(keyring_of(session).field_kek, raw, _aad(key_id)),
    )
    session.add(key)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.CARD_KEY_CREATED,
        subject_type="card_signing_key",
        subject_id=key.id,
        organisation_id=None,
        changes={"key_id": key_id},
    )
    return key


def trust_key(session: Session, actor: Actor, content: bytes) -> CardSigningKey:
    """Import a public key file (a field node, a checkpoint): cards it signed verify here."""
    _operator_only(actor)
    key_id, public = payload.read_public_key_file(content)
    existing = repository.key_by_id(session, key_id)
    if existing is not None:
        return existing
    key = CardSigningKey(key_id=key_id, public_key=public, private_key=None)
    session.add(key)
    session.flush()
    audit.record(
        session,
        actor,
        AuditAction.CARD_KEY_TRUSTED,
        subject_type="card_signing_key",
        subject_id=key.id,
        organisation_id=None,
        changes={"key_id": key_id},
    )
    return key


def retire_key(session: Session, actor: Actor, key_id: str) -> CardSigningKey:
    """Stop trusting a key (and signing with it): its cards answer "unknown key" here."""
    _operator_only(actor)
    key = repository.key_by_id(session, key_id)
    if key is None:
        raise NotFound
    if key.retired_at is None:
        key.retired_at = utcnow()
        audit.record(
            session,
            actor,
            AuditAction.CARD_KEY_RETIRED,
            subject_type="card_signing_key",
            subject_id=key.id,
            organisation_id=None,
            changes={"key_id": key_id},
        )
    return key


def private_key(session: Session) -> tuple[str, Ed25519PrivateKey]:
    """(key id, private key) of the key that signs here; NoSigningKey at a field node."""
    key = repository.signing_key(session)
    if key is None or key.private_key is None:
        raise NoSigningKey
    raw = unseal(
        keyring_of(session).field_kek, key.private_key, _aad(key.key_id), what="card signing key"
    )
    return key.key_id, Ed25519PrivateKey.from_private_bytes(raw)


def public_keys(session: Session) -> dict[str, bytes]:
    """Key id -> public key of every key trusted here."""
    return {key.key_id: key.public_key for key in repository.trusted_keys(session)}


def public_key_file(session: Session) -> bytes:
    """The signing key's public half, as a file for field nodes and checkpoints."""
    key = repository.signing_key(session)
    if key is None:
        raise NoSigningKey
    return payload.public_key_file(key.public_key)
