"""Argon2id password hashing (argon2-cffi) and the password rules of Haven."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from haven.config import Settings, get_settings
from haven.errors import ValidationFailed
from haven.i18n import N_, Text

MIN_LENGTH = 15
MAX_LENGTH = 128


@lru_cache(maxsize=4)
def _hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)


def hasher(settings: Settings | None = None) -> PasswordHasher:
    s = settings or get_settings()
    return _hasher(s.argon2_time_cost, s.argon2_memory_kib, s.argon2_parallelism)


def check_password_rules(password: str, *, field: str = "password") -> None:
    """Length only (NIST SP 800-63B): no composition rules, which push people to weak patterns."""
    if len(password) < MIN_LENGTH:
        raise ValidationFailed(
            fields={field: Text(N_("Use at least {n} characters."), {"n": MIN_LENGTH})}
        )
    if len(password) > MAX_LENGTH:
        raise ValidationFailed(
            fields={field: Text(N_("Use at most {n} characters."), {"n": MAX_LENGTH})}
        )


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
