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


def test_production_defaults_hash_with_argon2id_at_full_cost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The suite runs with small costs (tests/conftest.py); a deployment, without the
    variables, gets RFC 9106's second recommendation: 64 MiB, three passes, four lanes."""
    for name in ("MEMORY_KIB", "TIME_COST", "PARALLELISM"):
        monkeypatch.delenv(f"HAVEN_ARGON2_{name}", raising=False)
    settings = Settings(_env_file=None)
    costs = (settings.argon2_memory_kib, settings.argon2_time_cost, settings.argon2_parallelism)
    assert costs == (65536, 3, 4)
    assert costs[0] >= 19 * 1024  # OWASP's floor for Argon2id
    stored = passwords.hash_password("a long enough passphrase", settings)
    # $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>: the parameters travel with the hash.
    _, variant, version, parameters, salt, digest = stored.split("$")
    assert (variant, version) == ("argon2id", "v=19")
    assert dict(p.split("=") for p in parameters.split(",")) == {"m": "65536", "t": "3", "p": "4"}
    assert salt
    assert digest
    assert passwords.verify_password(stored, "a long enough passphrase", settings)


def _message(candidate: str, **options: object) -> str | None:
    try:
        passwords.check_password_rules(candidate, **options)  # type: ignore[arg-type]
    except ValidationFailed as error:
        return str(error.fields["password"])
    return None


@pytest.mark.parametrize(
    ("candidate", "has_second_factor", "expected"),
    [
        ("q" * 14, False, "Use at least 15 characters."),
        ("q" * 15, False, None),
        ("q" * 7, True, "Use at least 8 characters."),
        ("q" * 8, True, None),
        ("q" * 8, False, "Use at least 15 characters."),
        ("q" * 128, False, None),
        ("q" * 129, False, "Use at most 128 characters."),
        ("q" * 129, True, "Use at most 128 characters."),
    ],
)
def test_length_rules_depend_on_a_second_factor(
    candidate: str, has_second_factor: bool, expected: str | None
) -> None:
    assert _message(candidate, has_second_factor=has_second_factor) == expected


def test_no_composition_rules() -> None:
    assert _message("all lowercase words only here") is None
    assert _message("ကျွန်တော့်စကားဝှက်ရှည်ရှည်လေး") is None  # Burmese script counts too


def test_common_passwords_are_refused_whatever_their_case() -> None:
    common = "This password is too common and easy to guess. Choose another."
    assert _message("123456789987654321", has_second_factor=False) == common
    assert _message("Password123", has_second_factor=True) == common
    assert _message("PASSWORD123", has_second_factor=True) == common
    assert _message("baseball", has_second_factor=True) == common
    assert _message("myanmar2024", has_second_factor=True) == common  # context word + suffix


def test_the_shipped_list_is_large_and_keeps_the_demo_password_valid() -> None:
    listed = passwords.common_passwords()
    assert len(listed) >= 30_000
    assert "123456" in listed
    assert not any(entry.startswith("#") for entry in listed)
    assert _message("haven-demo-passphrase") is None


def test_the_username_may_not_be_in_the_password() -> None:
    assert (
        _message("my name is daw.khin.aye", username="daw.khin.aye")
        == "Do not use your username in your password."
    )
    assert _message("a long passphrase here", username="ab") is None  # too short to matter


def test_the_field_name_is_the_form_s() -> None:
    with pytest.raises(ValidationFailed) as info:
        passwords.check_password_rules("short", field="new_password")
    assert set(info.value.fields) == {"new_password"}
