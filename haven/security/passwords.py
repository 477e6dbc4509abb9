"""Argon2id password hashing (argon2-cffi) and the password rules of Haven.

Rules (NIST SP 800-63B, OWASP ASVS 5 V6.2): at least 15 characters for a user without a
second factor, 8 with one, at most 128; no composition rules, which push people to weak
patterns; refuse passwords on the shipped list of common passwords and passwords that
contain the username. Every character counts, spaces included, so a passphrase works.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from haven.config import Settings, get_settings
from haven.errors import ValidationFailed
from haven.i18n import N_, Text

MIN_LENGTH = 15
MIN_LENGTH_WITH_SECOND_FACTOR = 8
MAX_LENGTH = 128
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent / "common_passwords.txt"


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def hasher(settings: Settings | None = None) -> PasswordHasher:
    s = settings or get_settings()
    return _hasher(s.argon2_time_cost, s.argon2_memory_kib, s.argon2_parallelism)


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The shipped list (lowercase); lines starting with '#' are its provenance and licence."""
    with COMMON_PASSWORDS_FILE.open(encoding="utf-8") as handle:
        return frozenset(
            line.rstrip("\n") for line in handle if line.strip() and not line.startswith("#")
        )


def is_common(password: str) -> bool:
    return password.lower() in common_passwords()


def minimum_length(*, has_second_factor: bool) -> int:
    return MIN_LENGTH_WITH_SECOND_FACTOR if has_second_factor else MIN_LENGTH


def check_password_rules(
    password: str,
    *,
    field: str = "password",
    has_second_factor: bool = False,
    username: str | None = None,
) -> None:
    """Raise ValidationFailed (on `field`) with a message that says how to fix the password."""
    shortest = minimum_length(has_second_factor=has_second_factor)
    message: Text | str | None = None
    if len(password) < shortest:
        message = Text(N_("Use at least {n} characters."), {"n": shortest})
    elif len(password) > MAX_LENGTH:
        message = Text(N_("Use at most {n} characters."), {"n": MAX_LENGTH})
    elif is_common(password):
        message = N_("This password is too common and easy to guess. Choose another.")
    elif username and len(username) >= 3 and username.lower() in password.lower():
        message = N_("Do not use your username in your password.")
    if message is not None:
        raise ValidationFailed(fields={field: message})


def hash_password(password: str, settings: Settings | None = None) -> str:
    return hasher(settings).hash(password)


def verify_password(stored_hash: str, password: str, settings: Settings | None = None) -> bool:
    try:
        return hasher(settings).verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


_DUMMY_HASH: dict[tuple[int, int, int], str] = {}


def burn_verification_time(password: str, settings: Settings | None = None) -> None:
    """Spend the time of a real verification when the username is unknown (no enumeration)."""
    h = hasher(settings)
    key = (h.time_cost, h.memory_cost, h.parallelism)
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = h.hash("haven-dummy-password-for-timing")
    verify_password(_DUMMY_HASH[key], password, settings)
