"""The bytes that travel, the same by link and by USB stick (docs/field-sites.md).

An up bundle (field node → headquarters): `HAVENUP1`, the node's Ed25519 signature over what
follows, then the zlib-compressed JSON of the node's changes, each already sealed to
headquarters. A down bundle (headquarters → one field node): `HAVENDN1`, headquarters'
signature over what follows, then the JSON, compressed and sealed (HPKE) to that node's key.
A bundle cut short, altered or signed by another key is refused whole.
"""

from __future__ import annotations

import base64
import json
import uuid
import zlib
from dataclasses import dataclass
from typing import Any

from haven.sync import crypto

UP = b"HAVENUP1"
DOWN = b"HAVENDN1"
REQUEST = b"HAVENRQ1"
SIGNATURE = 64
HEADER = 16  # the sender's node id, in the clear, to know whose key checks the signature


class BundleRefused(ValueError):
    """Not a Haven bundle, cut short, altered, or not from who it says."""


def _pack(magic: bytes, sender: uuid.UUID, private: bytes, body: bytes) -> bytes:
    signed = sender.bytes + body
    return magic + crypto.sign(private, magic + signed) + signed


def sender_of(magic: bytes, data: bytes) -> uuid.UUID:
    if len(data) < len(magic) + SIGNATURE + HEADER or not data.startswith(magic):
        raise BundleRefused("this is not a Haven bundle of this kind, or it was cut short")
    start = len(magic) + SIGNATURE
    return uuid.UUID(bytes=data[start : start + HEADER])


def _unpack(magic: bytes, public: bytes, data: bytes) -> bytes:
    sender_of(magic, data)
    signature = data[len(magic) : len(magic) + SIGNATURE]
    signed = data[len(magic) + SIGNATURE :]
    try:
        crypto.verify(public, signature, magic + signed)
    except crypto.BadSignature:
        raise BundleRefused(
            "the bundle's signature does not match its sender: it was altered, cut short, "
            "or not made by that node"
        ) from None
    return signed[HEADER:]


def _json(value: dict[str, Any]) -> bytes:
    return zlib.compress(json.dumps(value, separators=(",", ":")).encode(), 9)


def _unjson(raw: bytes) -> dict[str, Any]:
    try:
        value: dict[str, Any] = json.loads(zlib.decompress(raw))
    except (zlib.error, ValueError):
        raise BundleRefused("the bundle's content is damaged") from None
    return value


@dataclass(frozen=True)
class UpChange:
    id: uuid.UUID
    seq: int
    table: str
    record_id: str
    op: str
    sealed: bytes


@dataclass(frozen=True)
class Up:
    node_id: uuid.UUID
    first: int
    last: int
    down_seq: int
    audit_seq: int
    audit_hash: str | None
    changes: list[UpChange]
    watch_hash: str | None = None  # of the watchlist hashes the node holds


def make_up(up: Up, signing_private: bytes) -> bytes:
    body = {
        "first": up.first,
        "last": up.last,
        "down_seq": up.down_seq,
        "audit": [up.audit_seq, up.audit_hash],
        "watch": up.watch_hash,
        "changes": [
            [str(c.id), c.seq, c.table, c.record_id, c.op, base64.b64encode(c.sealed).decode()]
            for c in up.changes
        ],
    }
    return _pack(UP, up.node_id, signing_private, _json(body))


def read_up(data: bytes, signing_public: bytes) -> Up:
    node_id = sender_of(UP, data)
    body = _unjson(_unpack(UP, signing_public, data))
    try:
        changes = [
            UpChange(
                uuid.UUID(c[0]), int(c[1]), str(c[2]), str(c[3]), str(c[4]), base64.b64decode(c[5])
            )
            for c in body["changes"]
        ]
        audit_seq, audit_hash = body["audit"]
        return Up(
            node_id,
            int(body["first"]),
            int(body["last"]),
            int(body["down_seq"]),
            int(audit_seq),
            audit_hash,
            changes,
            body.get("watch"),
        )
    except (KeyError, TypeError, ValueError, IndexError):
        raise BundleRefused("the bundle's content is not a list of changes") from None


@dataclass(frozen=True)
class Down:
    hq_id: uuid.UUID
    node_id: uuid.UUID
    acked: int  # the node's highest change headquarters has applied
    to_seq: int  # headquarters' change log position the records are as of
    snapshot: bool  # the whole of what the node holds from headquarters (enrolment)
    revoked: list[str]
    watch: list[str] | None  # every keyed hash of the watchlists' name keys, when changed
    records: list[dict[str, Any]]  # {"t": table, "r": id, "o": upsert|delete|erase, "v": {..}}
    identity: dict[str, Any] | None = None  # at enrolment: site, keys, node name


def _down_info(node_id: uuid.UUID) -> bytes:
    return f"haven-down|{node_id}".encode()


def make_down(down: Down, node_sealing_public: bytes, hq_signing_private: bytes) -> bytes:
    body = {
        "node": str(down.node_id),
        "acked": down.acked,
        "to": down.to_seq,
        "snapshot": down.snapshot,
        "revoked": down.revoked,
        "watch": down.watch,
        "records": down.records,
        "identity": down.identity,
    }
    sealed = crypto.seal_to(node_sealing_public, _json(body), _down_info(down.node_id))
    return _pack(DOWN, down.hq_id, hq_signing_private, sealed)


def read_down(
    data: bytes, hq_signing_public: bytes, node_id: uuid.UUID, node_sealing_private: bytes
) -> Down:
    hq_id = sender_of(DOWN, data)
    sealed = _unpack(DOWN, hq_signing_public, data)
    try:
        raw = crypto.open_sealed(node_sealing_private, sealed, _down_info(node_id))
    except crypto.SealBroken:
        raise BundleRefused("this bundle was made for another node") from None
    body = _unjson(raw)
    if body.get("node") != str(node_id):
        raise BundleRefused("this bundle was made for another node")
    return Down(
        hq_id,
        node_id,
        int(body["acked"]),
        int(body["to"]),
        bool(body["snapshot"]),
        list(body["revoked"]),
        body["watch"],
        list(body["records"]),
        body.get("identity"),
    )


def make_request(node_id: uuid.UUID, signing_private: bytes, body: dict[str, Any]) -> bytes:
    """A field node asking headquarters for its down bundle (by link), signed."""
    return _pack(REQUEST, node_id, signing_private, json.dumps(body).encode())


def request_sender(data: bytes) -> uuid.UUID:
    return sender_of(REQUEST, data)


def read_request(data: bytes, signing_public: bytes) -> dict[str, Any]:
    raw = _unpack(REQUEST, signing_public, data)
    try:
        body: dict[str, Any] = json.loads(raw)
    except ValueError:
        raise BundleRefused("the request is damaged") from None
    return body
