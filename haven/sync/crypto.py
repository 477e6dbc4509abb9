"""The keys and seals of synchronisation, all from `cryptography` (no home-made primitives).

- Sealing: HPKE (RFC 9180; DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, ChaCha20-Poly1305),
  single-shot to a recipient's public key. The sender keeps nothing that opens it: a field
  node seals each change to headquarters' key the moment it is recorded, so the node cannot
  read back what it recorded. `info` binds the sealed text to its place (node, seq, record),
  so a sealed change moved to another place does not open.
- Signing: Ed25519 over the whole bundle.
- Private keys at rest: AES-256-GCM under the keyring's sync key (`haven.security.fields`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from haven.db.keyring import Keyring
from haven.security.fields import seal, unseal

SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.CHACHA20_POLY1305)
RAW_PRIVATE = (Encoding.Raw, PrivateFormat.Raw, NoEncryption())


class SealBroken(ValueError):
    """A sealed text that does not open with this key and place: not for us, or altered."""


class BadSignature(ValueError):
    """A bundle whose signature is not its sender's."""


@dataclass(frozen=True)
class KeyPair:
    private: bytes
    public: bytes


def new_sealing_pair() -> KeyPair:
    key = X25519PrivateKey.generate()
    return KeyPair(
        key.private_bytes(*RAW_PRIVATE),
        key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
    )


def new_signing_pair() -> KeyPair:
    key = Ed25519PrivateKey.generate()
    return KeyPair(
        key.private_bytes(*RAW_PRIVATE),
        key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
    )


def wrap(keyring: Keyring, what: str, private: bytes) -> bytes:
    return seal(keyring.sync_key, private, b"sync:" + what.encode())


def unwrap(keyring: Keyring, what: str, wrapped: bytes) -> bytes:
    return unseal(keyring.sync_key, wrapped, b"sync:" + what.encode(), what=f"sync {what} key")


def seal_to(public: bytes, plaintext: bytes, info: bytes) -> bytes:
    return SUITE.encrypt(plaintext, X25519PublicKey.from_public_bytes(public), info=info)


def open_sealed(private: bytes, sealed: bytes, info: bytes) -> bytes:
    try:
        return SUITE.decrypt(sealed, X25519PrivateKey.from_private_bytes(private), info=info)
    except Exception:  # noqa: BLE001 - any failure to open is the same answer: not ours
        raise SealBroken("a sealed change does not open with this key and place") from None


def sign(private: bytes, message: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private).sign(message)


def verify(public: bytes, signature: bytes, message: bytes) -> None:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except InvalidSignature:
        raise BadSignature("the bundle's signature is not its sender's") from None


def new_secret() -> bytes:
    return os.urandom(32)


def keyed_hash(key: bytes, value: str) -> str:
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()
