"""Unlocking: from the configured key material to Haven's keyring.

Two ways, never both:
- a key file (`HAVEN_KEY_FILE`), e.g. on a USB stick: no question asked;
- otherwise an operator passphrase, asked at the terminal (hidden) and stretched with Argon2id
  over the salt in `HAVEN_KEY_DIR`; a verifier beside the salt turns a wrong passphrase into
  a clear error instead of a garbage key. There is deliberately no environment variable for
  the passphrase: environments leak into process listings, shells' histories and crash
  reports.

Neither the key file nor the key directory may be in the database's folder: whoever takes
the database must not find its key beside it.

The duress passphrase: when the passphrase entered is the duress one, the emergency wipe
runs at once, and Haven carries on as a fresh, empty install whose passphrase is the one
just entered, so an operator under coercion appears to comply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from haven.config import Settings
from haven.db.engine import sqlite_path
from haven.db.keyring import (
    KeyMaterialMissing,
    Keyring,
    has_passphrase,
    init_passphrase,
    is_duress,
    read_key_file,
    read_salt,
    verifier_matches,
)
from haven.security.wipe import WipeReport, emergency_wipe


class UnlockError(RuntimeError):
    """Haven cannot unlock its keys; the message says why and what to do (never a secret)."""


@dataclass(frozen=True)
class Unlocked:
    keyring: Keyring
    # Set when the duress passphrase was entered: everything was wiped just now.
    wipe: WipeReport | None = None

    @property
    def duress(self) -> bool:
        return self.wipe is not None


def _same_folder(a: Path, b: Path) -> bool:
    return a.expanduser().resolve() == b.expanduser().resolve()


def check_location(settings: Settings) -> None:
    """Refuse key material kept in the same folder as the SQLite database file."""
    database = sqlite_path(settings.database_url)
    if database is None:
        return
    folder = database.parent
    if settings.key_file is not None and _same_folder(settings.key_file.parent, folder):
        raise UnlockError(
            f"The key file {settings.key_file} is in the same folder as the database "
            f"({folder}). Whoever takes the database would take its key with it: move the "
            "key file elsewhere (another disk, a USB stick) and set HAVEN_KEY_FILE to it."
        )
    if settings.key_file is None and _same_folder(settings.key_dir, folder):
        raise UnlockError(
            f"The key folder {settings.key_dir} is the database's folder ({folder}). Set "
            "HAVEN_KEY_DIR to a folder elsewhere."
        )


def unlock(settings: Settings, ask_passphrase: Callable[[], str]) -> Unlocked:
    """The keyring from the key file, or from the passphrase `ask_passphrase` returns."""
    check_location(settings)
    if settings.key_file is not None:
        try:
            return Unlocked(keyring=read_key_file(settings.key_file))
        except KeyMaterialMissing as exc:
            raise UnlockError(
                f"Cannot read Haven's key: {exc}. Create one with `haven keys init PATH` "
                "(a fresh install) or point HAVEN_KEY_FILE at the right file."
            ) from None
    if not has_passphrase(settings.key_dir):
        raise UnlockError(
            "Haven has no key yet. Either create a key file with `haven keys init PATH` and "
            "set HAVEN_KEY_FILE to it, or set a passphrase with `haven keys init --passphrase`."
        )
    try:
        salt = read_salt(settings.key_dir)
        passphrase = ask_passphrase()
        if is_duress(settings.key_dir, passphrase):
            report = emergency_wipe(settings)
            return Unlocked(keyring=init_passphrase(settings.key_dir, passphrase), wipe=report)
        keyring = Keyring.from_passphrase(passphrase, salt)
        if not verifier_matches(settings.key_dir, keyring):
            raise UnlockError("Wrong passphrase: it does not open Haven's keys.")
    except KeyMaterialMissing as exc:
        raise UnlockError(f"Cannot unlock Haven's keys: {exc}.") from None
    return Unlocked(keyring=keyring)
