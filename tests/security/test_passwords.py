from __future__ import annotations

import pytest

from haven.config import Settings
from haven.errors import ValidationFailed
from haven.security import passwords


def test_hashes_are_argon2id_and_verify(fast_settings: Settings) -> None:
    stored = passwords.hash_password("a long enough passphrase", fast_settings)
    assert stored.startswith("$argon2id$")
    assert passwords.verify_password(stored, "a long enough passphrase", fast_settings)
    assert not passwords.verify_password(stored, "a long enough passphrasE", fast_settings)
    assert not passwords.verify_password("not a hash", "anything", fast_settings)


def test_default_costs_are_strong() -> None:
    hasher = passwords.hasher(Settings())
    assert hasher.memory_cost >= 19 * 1024
    assert hasher.time_cost >= 2


@pytest.mark.parametrize(
    ("candidate", "ok"),
    [("x" * 14, False), ("x" * 15, True), ("x" * 128, True), ("x" * 129, False)],
)
def test_length_rules(candidate: str, ok: bool) -> None:
    if ok:
        passwords.check_password_rules(candidate)
    else:
        with pytest.raises(ValidationFailed) as info:
            passwords.check_password_rules(candidate)
        assert "password" in info.value.fields


def test_no_composition_rules() -> None:
    passwords.check_password_rules("all lowercase words only here")
