"""Fixtures of the security tests."""

from __future__ import annotations

import pytest

from haven.db import keyring


@pytest.fixture
def quick_passphrase_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Stretch passphrases with Argon2id at small costs (the production costs take ~0.3 s a
    passphrase), for tests that neither time an unlock nor check the costs:
    tests/security/test_keyring.py::test_passphrase_setup_verifier_and_duress checks them."""
    monkeypatch.setattr(keyring, "PASSPHRASE_TIME_COST", 1)
    monkeypatch.setattr(keyring, "PASSPHRASE_MEMORY_KIB", 1024)
    monkeypatch.setattr(keyring, "PASSPHRASE_PARALLELISM", 1)
