"""The card's QR payload, the signed revocation list and the public-key file: encoding,
signing and checking, with no database (a checkpoint's laptop runs this alone).

The payload is a compact JSON array (version, key id, card number, reference, Latin name,
Burmese name, valid until, issuer, photo hash) followed by its Ed25519 signature, the whole
encoded in Base45 (RFC 9285) after the prefix `HVC1:`. Base45 uses only the QR code's
alphanumeric characters, so the code stays small (about version 10-14 at level M for two
names) and scans from a printed card. The key id is signed with the rest: a payload moved
under another key does not verify. Nothing here ever logs or raises a value of the payload.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from haven.i18n import N_
from haven.kernel.labels import Labelled

PREFIX = "HVC1:"
VERSION = 1
SIGNATURE_BYTES = 64
PHOTO_HASH_BYTES = 6
_B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_B45_INDEX = {c: i for i, c in enumerate(_B45)}
# Crockford's base 32 without I, L, O, U: nothing to misread on a printed card.
_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
REVOCATIONS_FORMAT = "haven-card-revocations"
KEY_FORMAT = "haven-card-public-key"


class Verdict(Labelled):
    """The answer of a verification, from the worst to the best."""

    UNREADABLE = "unreadable", N_("Not a Haven card")
    ALTERED = "altered", N_("Altered: the signature does not match")
    UNKNOWN_KEY = "unknown_key", N_("Signed with a key this checkpoint does not know")
    REVOKED = "revoked", N_("Revoked")
    EXPIRED = "expired", N_("Expired")
    VALID = "valid", N_("Valid")


class Unreadable(ValueError):
    """Text that is no card payload (or a file that is no list or key of ours)."""


@dataclass(frozen=True)
class CardFields:
    """What the QR says, every field signed."""

    key_id: str
    card_number: str
    reference: str
    name_latin: str
    name_my: str
    valid_until: date
    issuer: str
    photo_hash: str

    def as_list(self) -> list[Any]:
        return [
            VERSION,
            self.key_id,
            self.card_number,
            self.reference,
            self.name_latin,
            self.name_my,
            self.valid_until.isoformat(),
            self.issuer,
            self.photo_hash,
        ]

    def as_dict(self) -> dict[str, str]:
        return {
            "key_id": self.key_id,
            "card_number": self.card_number,
            "reference": self.reference,
            "name_latin": self.name_latin,
            "name_my": self.name_my,
            "valid_until": self.valid_until.isoformat(),
            "issuer": self.issuer,
            "photo_hash": self.photo_hash,
        }


@dataclass(frozen=True)
class Result:
    """A verification's verdict; `fields` only when the signature held (a valid, revoked or
    expired card), `reason` the revocation's reason when known."""

    verdict: Verdict
    fields: CardFields | None = None
    reason: str | None = None


# --- Base45 (RFC 9285) ------------------------------------------------------------------------


def b45encode(data: bytes) -> str:
    out: list[str] = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        c, n = divmod(n, 45 * 45)
        e, d = divmod(n, 45)
        out += [_B45[d], _B45[e], _B45[c]]
    if len(data) % 2:
        e, d = divmod(data[-1], 45)
        out += [_B45[d], _B45[e]]
    return "".join(out)


def b45decode(text: str) -> bytes:
    try:
        values = [_B45_INDEX[c] for c in text]
    except KeyError:
        raise Unreadable("not Base45") from None
    out = bytearray()
    for i in range(0, len(values), 3):
        chunk = values[i : i + 3]
        if len(chunk) == 3:
            n = chunk[0] + chunk[1] * 45 + chunk[2] * 45 * 45
            if n > 0xFFFF:
                raise Unreadable("not Base45")
            out += n.to_bytes(2, "big")
        elif len(chunk) == 2:
            n = chunk[0] + chunk[1] * 45
            if n > 0xFF:
                raise Unreadable("not Base45")
            out.append(n)
        else:
            raise Unreadable("not Base45")
    return bytes(out)


# --- keys ---------------------------------------------------------------------------------------


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id_of(public: bytes) -> str:
    """A key's short name, carried in every payload (8 hex digits of its SHA-256)."""
    return hashlib.sha256(public).hexdigest()[:8]


def photo_hash(photo: bytes | None) -> str:
    """The short hash of the photo printed on the card ("" when there is none)."""
    return hashlib.sha256(photo).hexdigest()[: PHOTO_HASH_BYTES * 2] if photo else ""


def new_card_number() -> str:
    """`HC-XXXX-XXXX`: 40 random bits, so a number says nothing and is not guessed."""
    chars = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(8))
    return f"HC-{chars[:4]}-{chars[4:]}"


# --- the payload ------------------------------------------------------------------------------


def _body(fields: CardFields) -> bytes:
    return json.dumps(fields.as_list(), ensure_ascii=False, separators=(",", ":")).encode()


def sign(private: Ed25519PrivateKey, fields: CardFields) -> str:
    """The QR's text: the payload and its signature."""
    body = _body(fields)
    return PREFIX + b45encode(body + private.sign(body))


def _parse(text: str) -> tuple[CardFields, bytes, bytes]:
    """(fields, signed body, signature), or Unreadable / ValueError for what is not ours or
    was damaged."""
    text = text.strip()
    if not text.startswith(PREFIX):
        raise Unreadable("no card prefix")
    raw = b45decode(text[len(PREFIX) :])
    if len(raw) <= SIGNATURE_BYTES:
        raise ValueError("too short")
    body, signature = raw[:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
    items = json.loads(body.decode())
    if not isinstance(items, list) or len(items) != 9 or items[0] != VERSION:
        raise ValueError("not a version 1 payload")
    if not all(isinstance(item, str) for item in items[1:]):
        raise ValueError("not text")
    fields = CardFields(
        key_id=items[1],
        card_number=items[2],
        reference=items[3],
        name_latin=items[4],
        name_my=items[5],
        valid_until=date.fromisoformat(items[6]),
        issuer=items[7],
        photo_hash=items[8],
    )
    return fields, body, signature


def check(
    text: str,
    *,
    public_keys: Mapping[str, bytes],
    revoked: Mapping[str, str],
    today: date,
) -> Result:
    """Verify a payload with the public keys known here (key id -> raw key) and the cards
    known revoked here (card number -> reason). The worst finding wins: unreadable, altered,
    unknown key, revoked, expired; else valid."""
    try:
        fields, body, signature = _parse(text)
    except Unreadable:
        return Result(Verdict.UNREADABLE)
    except ValueError:  # damaged: bad Base45 length, JSON, date or shape
        return Result(Verdict.ALTERED)
    public = public_keys.get(fields.key_id)
    if public is None:
        return Result(Verdict.UNKNOWN_KEY)
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, body)
    except InvalidSignature:
        return Result(Verdict.ALTERED)
    if fields.card_number in revoked:
        return Result(Verdict.REVOKED, fields, revoked[fields.card_number] or None)
    if fields.valid_until < today:
        return Result(Verdict.EXPIRED, fields)
    return Result(Verdict.VALID, fields)


# --- the signed revocation list and the public-key file ---------------------------------------


def sign_revocations(
    private: Ed25519PrivateKey, *, issued_at: str, revoked: list[tuple[str, str, str]]
) -> bytes:
    """A file a checkpoint without the database reads: (card number, revoked on, reason) of
    every revoked card, signed."""
    body = json.dumps(
        {"issued_at": issued_at, "revoked": [list(row) for row in revoked]},
        separators=(",", ":"),
    )
    document = {
        "format": REVOCATIONS_FORMAT,
        "key_id": key_id_of(public_bytes(private)),
        "body": body,
        "signature": base64.b64encode(private.sign(body.encode())).decode(),
    }
    return json.dumps(document, indent=1).encode()


def _document(content: bytes, kind: str) -> dict[str, Any]:
    """The JSON object of one of our files; Unreadable for anything else."""
    try:
        document = json.loads(content)
    except ValueError:
        document = None
    if not isinstance(document, dict) or document.get("format") != kind:
        raise Unreadable(kind)
    return document


def read_revocations(content: bytes, public_keys: Mapping[str, bytes]) -> dict[str, str]:
    """Card number -> reason from a signed list; Unreadable when the file is not one, is
    signed by an unknown key or was altered (a checkpoint must not trust half a list)."""
    document = _document(content, REVOCATIONS_FORMAT)
    public = public_keys.get(str(document.get("key_id")))
    if public is None:
        raise Unreadable("signed by an unknown key")
    try:
        body = str(document["body"])
        Ed25519PublicKey.from_public_bytes(public).verify(
            base64.b64decode(document["signature"]), body.encode()
        )
        rows = json.loads(body)["revoked"]
        return {str(row[0]): str(row[2]) for row in rows}
    except (InvalidSignature, ValueError, KeyError, TypeError, IndexError):
        raise Unreadable("not a valid signed revocation list") from None


def public_key_file(public: bytes) -> bytes:
    document = {
        "format": KEY_FORMAT,
        "key_id": key_id_of(public),
        "public_key": base64.b64encode(public).decode(),
    }
    return json.dumps(document, indent=1).encode()


def read_public_key_file(content: bytes) -> tuple[str, bytes]:
    """(key id, raw public key); Unreadable unless the id is the key's own."""
    document = _document(content, KEY_FORMAT)
    try:
        public = base64.b64decode(document["public_key"])
        Ed25519PublicKey.from_public_bytes(public)
    except (ValueError, KeyError, TypeError):
        raise Unreadable("not a card public key") from None
    if document.get("key_id") != key_id_of(public):
        raise Unreadable("the key id is not the key's")
    return key_id_of(public), public
