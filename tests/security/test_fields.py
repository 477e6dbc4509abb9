"""Field encryption primitives and blind indexes (no database)."""

from __future__ import annotations

import uuid

import pytest

from haven.db.keyring import Keyring
from haven.security.blind_index import blind_index
from haven.security.fields import (
    NONCE_BYTES,
    VERSION,
    FieldDecryptionError,
    associated_data,
    seal,
    unseal,
    unwrap_data_key,
    wrap_data_key,
)

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
A, B = uuid.UUID(int=1), uuid.UUID(int=2)


def test_seal_format_and_round_trip() -> None:
    aad = associated_data("persons", "nrc", A)
    assert aad == b"persons:nrc:00000000-0000-0000-0000-000000000001"
    blob = seal(KEY, "ဦးအောင် secret".encode(), aad)
    assert blob[0] == VERSION
    assert len(blob) == 1 + NONCE_BYTES + len("ဦးအောင် secret".encode()) + 16
    assert b"secret" not in blob
    assert unseal(KEY, blob, aad, what="persons.nrc").decode() == "ဦးအောင် secret"
    # A fresh nonce each time: equal values never give equal ciphertexts.
    assert seal(KEY, b"same", aad) != seal(KEY, b"same", aad)


@pytest.mark.parametrize(
    "aad",
    [
        associated_data("persons", "nrc", B),  # another person
        associated_data("persons", "phone", A),  # another field
        associated_data("family_members", "nrc", A),  # another table
    ],
)
def test_ciphertext_is_bound_to_its_table_column_and_person(aad: bytes) -> None:
    blob = seal(KEY, b"12/OUKAMA(N)123456", associated_data("persons", "nrc", A))
    with pytest.raises(FieldDecryptionError, match=r"does not belong") as caught:
        unseal(KEY, blob, aad, what="persons.nrc")
    assert "123456" not in str(caught.value)


def test_wrong_key_tampering_and_foreign_formats_are_refused() -> None:
    aad = associated_data("persons", "nrc", A)
    blob = seal(KEY, b"value", aad)
    with pytest.raises(FieldDecryptionError):
        unseal(OTHER_KEY, blob, aad, what="persons.nrc")
    tampered = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(FieldDecryptionError):
        unseal(KEY, tampered, aad, what="persons.nrc")
    with pytest.raises(FieldDecryptionError, match="not a Haven field ciphertext"):
        unseal(KEY, bytes([9]) + blob[1:], aad, what="persons.nrc")
    with pytest.raises(FieldDecryptionError, match="not a Haven field ciphertext"):
        unseal(KEY, b"plain text", aad, what="persons.nrc")


def test_data_keys_are_wrapped_for_one_person() -> None:
    keyring = Keyring(root=b"k" * 32)
    wrapped = wrap_data_key(keyring.field_kek, KEY, A)
    assert KEY not in wrapped
    assert unwrap_data_key(keyring.field_kek, wrapped, A) == KEY
    with pytest.raises(FieldDecryptionError):
        unwrap_data_key(keyring.field_kek, wrapped, B)
    with pytest.raises(FieldDecryptionError):
        unwrap_data_key(Keyring(root=b"x" * 32).field_kek, wrapped, A)


def test_blind_index_is_keyed_deterministic_and_per_field() -> None:
    index_key = Keyring(root=b"k" * 32).index_key
    first = blind_index(index_key, "nrc", "12/OUKAMA(N)123456")
    assert first == blind_index(index_key, "nrc", "12/OUKAMA(N)123456")
    assert len(first) == 64
    assert "123456" not in first
    assert first != blind_index(index_key, "service_number", "12/OUKAMA(N)123456")
    assert first != blind_index(index_key, "nrc", "12/OUKAMA(N)123457")
    assert first != blind_index(Keyring(root=b"x" * 32).index_key, "nrc", "12/OUKAMA(N)123456")
