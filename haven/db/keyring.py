"""Key material: one root secret, and every key Haven uses derived from it with HKDF.

The root secret comes from a key file (`HAVEN_KEY_FILE`: 32 random bytes, base64) or from an
operator passphrase stretched with Argon2id over a salt kept in the key directory. Neither
the key file nor the salt may sit beside the database: a seized laptop with the database
but not the key material yields nothing. Destroying the key file (or the salt) destroys
every key at once — that is the emergency wipe.

Derived keys (HKDF-SHA256, one `info` label each, so no key is ever used for two purposes):
- `database_key`: the SQLCipher key of the embedded database;
- `field_kek`: wraps each person's data key (AES-256-GCM field encryption);
- `index_key`: HMAC key of the blind indexes (exact search on encrypted fields);
- `audit_signing_key`: Ed25519 key that signs audit checkpoints;
- `backup_key`: encrypts backups.
"""

from __future__ import annotations

import base64
import hmac
import os
import secrets
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ROOT_BYTES = 32
SALT_FILE = "passphrase.salt"
# Beside the salt: a value derived from the root, so that a wrong passphrase is named as such
# instead of yielding a garbage key; and the Argon2id hash of the duress passphrase.
VERIFIER_FILE = "passphrase.verifier"
DURESS_FILE = "duress.argon2"
SALT_BYTES = 16
# Person ids erased on this installation, one UUID a line, appended by the erasure service;
# `haven restore` re-applies it so that restoring a backup never brings an erased person back.
LEDGER_FILE = "erasure-ledger"
# Argon2id parameters for the passphrase (RFC 9106 second recommendation: 64 MiB, t=3, p=4).
PASSPHRASE_TIME_COST = 3
PASSPHRASE_MEMORY_KIB = 64 * 1024
PASSPHRASE_PARALLELISM = 4


class KeyMaterialMissing(RuntimeError):
    """No key file, or no salt for the passphrase: Haven cannot open its data."""


@dataclass(frozen=True)
class Keyring:
    """Keys derived from the root secret; the root itself is not kept after derivation."""

    root: bytes = field(repr=False)

    def _derive(self, label: str, length: int = 32) -> bytes:
        return HKDF(
            algorithm=hashes.SHA256(), length=length, salt=None, info=f"haven:{label}".encode()
        ).derive(self.root)

    @cached_property
    def database_key(self) -> bytes:
        return self._derive("sqlcipher")

    @cached_property
    def field_kek(self) -> bytes:
        return self._derive("field-kek")

    @cached_property
    def index_key(self) -> bytes:
        return self._derive("blind-index")

    @cached_property
    def sync_key(self) -> bytes:
        """Wraps this node's synchronisation private keys and seals conflicts' values."""
        return self._derive("sync")

    @cached_property
    def backup_key(self) -> bytes:
        return self._derive("backup")

    @cached_property
    def audit_signing_key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self._derive("audit-signing"))

    @cached_property
    def passphrase_verifier(self) -> bytes:
        """Stored in the key directory; reveals nothing about the other derived keys."""
        return self._derive("passphrase-verifier")

    @classmethod
    def from_passphrase(cls, passphrase: str, salt: bytes) -> Keyring:
        root = hash_secret_raw(
            passphrase.encode(),
            salt,
            time_cost=PASSPHRASE_TIME_COST,
            memory_cost=PASSPHRASE_MEMORY_KIB,
            parallelism=PASSPHRASE_PARALLELISM,
            hash_len=ROOT_BYTES,
            type=Type.ID,
        )
        return cls(root=root)


def new_key_file(path: Path) -> None:
    """Write a new random root secret, readable by its owner only (0600; a folder made for
    it is 0700)."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = base64.b64encode(secrets.token_bytes(ROOT_BYTES)) + b"\n"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def read_key_file(path: Path) -> Keyring:
    try:
        raw = base64.b64decode(path.read_bytes().strip(), validate=True)
    except FileNotFoundError:
        raise KeyMaterialMissing(f"key file {path} not found") from None
    except ValueError:
        raise KeyMaterialMissing(f"key file {path} is not a Haven key file") from None
    if len(raw) != ROOT_BYTES:
        raise KeyMaterialMissing(f"key file {path} is not a Haven key file")
    return Keyring(root=raw)


def _write_new(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _duress_hasher() -> PasswordHasher:
    return PasswordHasher(
        time_cost=PASSPHRASE_TIME_COST,
        memory_cost=PASSPHRASE_MEMORY_KIB,
        parallelism=PASSPHRASE_PARALLELISM,
        type=Type.ID,
    )


def passphrase_files(key_dir: Path) -> list[Path]:
    """Everything the passphrase mode keeps in the key directory."""
    return [key_dir / SALT_FILE, key_dir / VERIFIER_FILE, key_dir / DURESS_FILE]


def has_passphrase(key_dir: Path) -> bool:
    return (key_dir / SALT_FILE).exists()


def init_passphrase(key_dir: Path, passphrase: str, duress: str | None = None) -> Keyring:
    """Create the salt, the verifier and the duress hash; refuse to replace existing ones.

    Without a duress passphrase, the duress file holds the hash of a random one, so its
    presence tells a reader of the key directory nothing.
    """
    if has_passphrase(key_dir):
        raise FileExistsError(f"{key_dir / SALT_FILE} already exists")
    if duress is not None and hmac.compare_digest(duress.encode(), passphrase.encode()):
        raise ValueError("the duress passphrase must differ from the passphrase")
    key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    salt = secrets.token_bytes(SALT_BYTES)
    keyring = Keyring.from_passphrase(passphrase, salt)
    duress_hash = _duress_hasher().hash(duress if duress is not None else secrets.token_hex(32))
    _write_new(key_dir / DURESS_FILE, duress_hash.encode() + b"\n")
    _write_new(key_dir / VERIFIER_FILE, base64.b64encode(keyring.passphrase_verifier) + b"\n")
    # The salt last: its presence is what marks the passphrase as set up.
    _write_new(key_dir / SALT_FILE, base64.b64encode(salt) + b"\n")
    return keyring


def read_salt(key_dir: Path) -> bytes:
    try:
        return base64.b64decode((key_dir / SALT_FILE).read_bytes().strip(), validate=True)
    except FileNotFoundError:
        raise KeyMaterialMissing(
            f"no passphrase salt in {key_dir}: run `haven keys init --passphrase`, "
            "or set HAVEN_KEY_FILE"
        ) from None
    except ValueError:
        raise KeyMaterialMissing(f"{key_dir / SALT_FILE} is not a Haven salt file") from None


def verifier_matches(key_dir: Path, keyring: Keyring) -> bool:
    try:
        stored = base64.b64decode((key_dir / VERIFIER_FILE).read_bytes().strip(), validate=True)
    except FileNotFoundError:
        raise KeyMaterialMissing(f"{key_dir / VERIFIER_FILE} is missing") from None
    except ValueError:
        raise KeyMaterialMissing(f"{key_dir / VERIFIER_FILE} is not a Haven file") from None
    return hmac.compare_digest(stored, keyring.passphrase_verifier)


def is_duress(key_dir: Path, passphrase: str) -> bool:
    """True when `passphrase` is the duress passphrase (always costs one Argon2id hash)."""
    try:
        encoded = (key_dir / DURESS_FILE).read_text().strip()
    except FileNotFoundError:
        return False
    try:
        return _duress_hasher().verify(encoded, passphrase)
    except (VerificationError, InvalidHashError):
        return False
