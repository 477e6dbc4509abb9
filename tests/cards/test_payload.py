"""The QR payload, the signed revocation list and the public-key file, without a database: a
card verifies with the public key and fails on any altered byte, another key, a revocation
(signed list included) or its date."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from haven.cards import payload
from haven.cards.documents import safe_issuer
from haven.cards.payload import CardFields, Verdict

KEY = Ed25519PrivateKey.generate()
PUBLIC = payload.public_bytes(KEY)
KEY_ID = payload.key_id_of(PUBLIC)
KEYS = {KEY_ID: PUBLIC}
TODAY = date(2026, 12, 7)
FIELDS = CardFields(
    key_id=KEY_ID,
    card_number="HC-7K3M-9QRX",
    reference="P-7K3M9QR",
    name_latin="Saw Ler Htoo",
    name_my="ဆော်လာထူး",
    valid_until=TODAY + timedelta(days=365),
    issuer="Karenni Interim Executive Council",
    photo_hash="0a1b2c3d4e5f",
)


def _raw(text: str) -> bytes:
    return payload.b45decode(text[len(payload.PREFIX) :])


def _text(raw: bytes) -> str:
    return payload.PREFIX + payload.b45encode(raw)


def test_a_signed_card_verifies_and_every_altered_byte_fails() -> None:
    text = payload.sign(KEY, FIELDS)
    result = payload.check(text, public_keys=KEYS, revoked={}, today=TODAY)
    assert result.verdict is Verdict.VALID
    assert result.fields == FIELDS
    raw = _raw(text)
    for i in range(len(raw)):
        for flip in (0x01, 0x80):
            altered = bytearray(raw)
            altered[i] ^= flip
            verdict = payload.check(
                _text(bytes(altered)), public_keys=KEYS, revoked={}, today=TODAY
            ).verdict
            # A changed key id names no key known here; anything else breaks the signature.
            assert verdict in (Verdict.ALTERED, Verdict.UNKNOWN_KEY), (i, flip)
            assert verdict is not Verdict.VALID
    # Cut short, extended, or no card at all.
    assert payload.check(text[:-3], public_keys=KEYS, revoked={}, today=TODAY).verdict in (
        Verdict.ALTERED,
        Verdict.UNREADABLE,
    )
    assert payload.check(text + "00", public_keys=KEYS, revoked={}, today=TODAY).verdict in (
        Verdict.ALTERED,
        Verdict.UNREADABLE,
    )
    assert (
        payload.check("https://example.org", public_keys=KEYS, revoked={}, today=TODAY).verdict
        is Verdict.UNREADABLE
    )


def test_another_key_revoked_and_expired() -> None:
    other = Ed25519PrivateKey.generate()
    # Signed by another key under our key id: altered. Under its own id: unknown here.
    forged = payload.sign(other, FIELDS)
    assert (
        payload.check(forged, public_keys=KEYS, revoked={}, today=TODAY).verdict is Verdict.ALTERED
    )
    own_id = payload.key_id_of(payload.public_bytes(other))
    stranger = payload.sign(other, replace(FIELDS, key_id=own_id))
    unknown = payload.check(stranger, public_keys=KEYS, revoked={}, today=TODAY)
    assert unknown.verdict is Verdict.UNKNOWN_KEY

    text = payload.sign(KEY, FIELDS)
    revoked = payload.check(
        text, public_keys=KEYS, revoked={FIELDS.card_number: "lost"}, today=TODAY
    )
    assert (revoked.verdict, revoked.reason) == (Verdict.REVOKED, "lost")
    later = FIELDS.valid_until + timedelta(days=1)
    assert payload.check(text, public_keys=KEYS, revoked={}, today=later).verdict is Verdict.EXPIRED
    assert (
        payload.check(text, public_keys=KEYS, revoked={}, today=FIELDS.valid_until).verdict
        is Verdict.VALID
    )


def test_signed_revocation_list_and_public_key_file() -> None:
    content = payload.sign_revocations(
        KEY,
        issued_at="2026-12-07T00:00:00+00:00",
        revoked=[("HC-7K3M-9QRX", "2026-12-07", "stolen")],
    )
    assert payload.read_revocations(content, KEYS) == {"HC-7K3M-9QRX": "stolen"}
    tampered = content.replace(b"HC-7K3M-9QRX", b"HC-7K3M-9QRY")
    with pytest.raises(payload.Unreadable):
        payload.read_revocations(tampered, KEYS)
    other = Ed25519PrivateKey.generate()
    with pytest.raises(payload.Unreadable):
        payload.read_revocations(payload.sign_revocations(other, issued_at="x", revoked=[]), KEYS)
    with pytest.raises(payload.Unreadable):
        payload.read_revocations(b"not json", KEYS)

    assert payload.read_public_key_file(payload.public_key_file(PUBLIC)) == (KEY_ID, PUBLIC)
    with pytest.raises(payload.Unreadable):
        payload.read_public_key_file(
            payload.public_key_file(PUBLIC).replace(KEY_ID.encode(), b"00000000")
        )


@pytest.mark.parametrize("data", [b"", b"a", b"ab", b"\x00\xff\x10", bytes(range(256))])
def test_base45_round_trip(data: bytes) -> None:
    assert payload.b45decode(payload.b45encode(data)) == data


@pytest.mark.parametrize(
    ("name", "printed"),
    [
        ("Karenni Defection Committee", "Haven"),
        ("ပြည်သူ့ဘက် ကူးပြောင်းသူများ ကော်မတီ", "Haven"),  # the glossary's defector
        ("Prisoner Welfare Office", "Haven"),
        ("စစ်သုံ့ပန်း စောင့်ရှောက်ရေး", "Haven"),
        ("Karenni Relief Office", "Karenni Relief Office"),
        ("ကရင်နီ ကယ်ဆယ်ရေး ရုံး", "ကရင်နီ ကယ်ဆယ်ရေး ရုံး"),
    ],
)
def test_an_issuer_whose_name_betrays_the_holder_is_printed_as_haven(
    name: str, printed: str
) -> None:
    assert safe_issuer(name) == printed
