"""What vouches for the trail from outside the laptop: witnesses and operator attestations.

Whoever can write the database of a running laptop also holds its key file (Haven needs it to
run), and with it the key that signs checkpoints. So the trail's integrity cannot rest on
anything the laptop holds alone. Two things come from outside:

- **A witness**: the seq and hash of the chain's head at some moment, kept off the laptop.
  `haven audit witness` prints it as a short code to write down or read over the radio
  (`1234-ABCD-EFGH-IJKL-MNOP-Q`: the seq, the first 80 bits of the head's hash in base32,
  and a check letter that catches a mistyped code), and writes it as a file to export or
  send with a sync. `haven audit verify --witness CODE|FILE` then requires the chain to hold
  exactly that hash at that seq: deleting the end of the trail, or all of it, or rewriting
  any event up to the witnessed one (renumbered, rehashed, re-signed or not) no longer
  matches. The laptop also keeps the last head it witnessed in its key directory, outside
  the database (`audit-head`), which catches an attacker who holds the database only, and
  which `haven restore` compares with the restored trail ("rolled back from N to M").
- **An attestation**: the operator's (or headquarters') Ed25519 signature over a witness
  file, made on the operator's own machine with a key that never comes to the laptop
  (`haven audit operator-key`, `haven audit attest`). The laptop holds only the public
  key (`audit-operators` in its key directory, `haven audit trust`) and imports the signed
  file (`haven audit import`): an attestation vouches for the chain up to its seq, and no
  one holding the laptop can make one for a rewritten chain. It works offline: the witness
  file travels to the operator and the signed file back, by USB stick or with a sync.

Events after the last witness or attestation are vouched for by nothing outside the laptop:
someone holding the laptop's key file can append events there that verification cannot tell
from real ones until the next witness. `haven audit verify` names that stretch.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from haven.audit.chain import canonical_json, timestamp
from haven.audit.checkpoints import key_id

CODE_BYTES = 10  # 80 bits of the head's hash: a rewritten chain cannot be made to match them
DOCUMENT_FORMAT = "haven-audit-witness"
ATTESTATION_FORMAT = "haven-audit-attestation"
HEAD_FILE = "audit-head"
OPERATORS_FILE = "audit-operators"
_PURPOSE = "haven-audit-attestation"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
# Letters and digits easily confused on paper, read as the base32 letter they resemble.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


class WitnessUnreadable(ValueError):
    """A code, file or key that is not what it should be (the message says which, no value)."""


@dataclass(frozen=True)
class Witness:
    """The chain held `event_hash` at `seq` (`event_hash` may be a prefix: a short code)."""

    seq: int
    event_hash: str
    source: str
    witnessed_at: datetime | None = None
    # The laptop's own record (its key directory): it catches an attacker who holds only the
    # database, but vouches for nothing against one who holds the laptop.
    local: bool = False

    def matches(self, event_hash: str) -> bool:
        return event_hash.startswith(self.event_hash)


# --- the short code ---------------------------------------------------------------------------


def _body(event_hash: str) -> str:
    return base64.b32encode(bytes.fromhex(event_hash)[:CODE_BYTES]).decode()


def _check_letter(seq: int, body: str) -> str:
    digest = hashlib.sha256(f"{seq}-{body}".encode()).digest()
    return base64.b32encode(digest[:5]).decode()[0]


def short_code(seq: int, event_hash: str) -> str:
    """`seq-XXXX-XXXX-XXXX-XXXX-K`: to write down, read out, or print on a receipt."""
    body = _body(event_hash)
    groups = "-".join(body[i : i + 4] for i in range(0, len(body), 4))
    return f"{seq}-{groups}-{_check_letter(seq, body)}"


def parse_code(code: str) -> Witness:
    """A witness from its short code; a mistyped code is refused, not taken for tampering."""
    cleaned = re.sub(r"[\s-]", "", code).upper()
    found = re.fullmatch(r"(\d+)([A-Z2-7018]{17})", cleaned)
    if found is None:
        raise WitnessUnreadable("not a witness code (seq-XXXX-XXXX-XXXX-XXXX-K)")
    seq = int(found.group(1))
    letters = found.group(2).translate(_LOOKALIKES)
    body, check = letters[:16], letters[16]
    if seq < 1 or _check_letter(seq, body) != check:
        raise WitnessUnreadable("the witness code is mistyped: its check letter does not match")
    prefix = base64.b32decode(body).hex()
    return Witness(seq=seq, event_hash=prefix, source=short_code(seq, prefix))


# --- witness files and attestations -----------------------------------------------------------


def witness_document(seq: int, event_hash: str, witnessed_at: datetime) -> dict[str, Any]:
    """The file `haven audit witness --out` writes: to keep, export, send, or have attested."""
    return {
        "format": DOCUMENT_FORMAT,
        "v": 1,
        "seq": seq,
        "event_hash": event_hash,
        "witnessed_at": timestamp(witnessed_at),
        "code": short_code(seq, event_hash),
    }


def write_document(path: Path, document: dict[str, Any]) -> None:
    """Write a new file (never replace one); it holds hashes only, nothing confidential."""
    with path.open("x", encoding="utf-8") as handle:
        handle.write(json.dumps(document, indent=2, sort_keys=True) + "\n")


def read_document(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        raise WitnessUnreadable(f"{path.name} is not a witness or attestation file") from None
    if not isinstance(document, dict) or document.get("format") not in (
        DOCUMENT_FORMAT,
        ATTESTATION_FORMAT,
    ):
        raise WitnessUnreadable(f"{path.name} is not a witness or attestation file")
    seq, event_hash = document.get("seq"), document.get("event_hash")
    if not isinstance(seq, int) or seq < 0 or not isinstance(event_hash, str):
        raise WitnessUnreadable(f"{path.name} is not a witness or attestation file")
    if not _HEX64.match(event_hash):
        raise WitnessUnreadable(f"{path.name} is not a witness or attestation file")
    return document


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def witness_from(argument: str) -> Witness:
    """`--witness`: a witness or attestation file if one exists at that path, else a code."""
    path = Path(argument)
    if path.is_file():
        document = read_document(path)
        return Witness(
            seq=int(document["seq"]),
            event_hash=str(document["event_hash"]),
            source=path.name,
            witnessed_at=_parse_time(document.get("witnessed_at")),
        )
    return parse_code(argument)


def attestation_message(*, seq: int, event_hash: str, signed_at: datetime, signer: str) -> bytes:
    """Exactly the bytes an operator signs; the purpose keeps the key from signing else."""
    return canonical_json(
        {
            "purpose": _PURPOSE,
            "v": 1,
            "seq": seq,
            "event_hash": event_hash,
            "signed_at": timestamp(signed_at),
            "key_id": signer,
        }
    ).encode()


def attest(
    document: dict[str, Any], private_key: Ed25519PrivateKey, signed_at: datetime
) -> dict[str, Any]:
    """The operator's side: sign a witness file (on the operator's machine, offline)."""
    seq, event_hash = int(document["seq"]), str(document["event_hash"])
    signer = key_id(private_key.public_key())
    message = attestation_message(
        seq=seq, event_hash=event_hash, signed_at=signed_at, signer=signer
    )
    return {
        **{k: v for k, v in document.items() if k != "format"},
        "format": ATTESTATION_FORMAT,
        "signed_at": timestamp(signed_at),
        "key_id": signer,
        "signature": private_key.sign(message).hex(),
    }


@dataclass(frozen=True)
class Attestation:
    seq: int
    event_hash: str
    signed_at: datetime
    key_id: str
    signature: str


def attestation_of(document: dict[str, Any], name: str) -> Attestation:
    signed_at = _parse_time(document.get("signed_at"))
    signer, signature = document.get("key_id"), document.get("signature")
    if (
        document.get("format") != ATTESTATION_FORMAT
        or signed_at is None
        or not isinstance(signer, str)
        or not isinstance(signature, str)
    ):
        raise WitnessUnreadable(f"{name} is not signed: have the operator attest it first")
    return Attestation(
        seq=int(document["seq"]),
        event_hash=str(document["event_hash"]),
        signed_at=signed_at,
        key_id=signer,
        signature=signature,
    )


def signed_by(
    *,
    seq: int,
    event_hash: str,
    signed_at: datetime,
    signer: str,
    signature: str,
    keys: list[Ed25519PublicKey],
) -> Ed25519PublicKey | None:
    """The trusted key that made this signature, or None."""
    message = attestation_message(
        seq=seq, event_hash=event_hash, signed_at=signed_at, signer=signer
    )
    for public_key in keys:
        if key_id(public_key) != signer:
            continue
        try:
            public_key.verify(bytes.fromhex(signature), message)
        except (InvalidSignature, ValueError):
            return None
        return public_key
    return None


# --- operator keys ----------------------------------------------------------------------------


def public_text(public_key: Ed25519PublicKey) -> str:
    return base64.b64encode(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)).decode()


def parse_public(text: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise WitnessUnreadable("not an operator public key (base64)") from None
    if len(raw) != 32:
        raise WitnessUnreadable("not an operator public key (base64)")
    return Ed25519PublicKey.from_public_bytes(raw)


def new_operator_key(path: Path) -> Ed25519PublicKey:
    """Write a new operator signing key, readable by its owner only; never on the laptop."""
    private_key = Ed25519PrivateKey.generate()
    raw = private_key.private_bytes_raw()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(base64.b64encode(raw) + b"\n")
    return private_key.public_key()


def read_operator_key(path: Path) -> Ed25519PrivateKey:
    try:
        raw = base64.b64decode(path.read_bytes().strip(), validate=True)
    except FileNotFoundError:
        raise WitnessUnreadable(f"no operator key at {path}") from None
    except (binascii.Error, ValueError):
        raise WitnessUnreadable(f"{path} is not an operator key") from None
    if len(raw) != 32:
        raise WitnessUnreadable(f"{path} is not an operator key")
    return Ed25519PrivateKey.from_private_bytes(raw)


def trusted_keys(key_dir: Path) -> list[Ed25519PublicKey]:
    """The operator public keys this laptop trusts (one base64 key a line; # comments)."""
    try:
        lines = (key_dir / OPERATORS_FILE).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [parse_public(line) for line in lines if line.strip() and not line.startswith("#")]


def trust(key_dir: Path, public_key: Ed25519PublicKey) -> bool:
    """Add an operator key to the trusted ones; False when it already was."""
    if any(key_id(k) == key_id(public_key) for k in trusted_keys(key_dir)):
        return False
    key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(key_dir / OPERATORS_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(public_text(public_key) + "\n")
    return True


# --- the head this laptop last witnessed (outside the database) -------------------------------


def read_local(key_dir: Path) -> Witness | None:
    path = key_dir / HEAD_FILE
    try:
        document = read_document(path)
    except WitnessUnreadable:
        if path.exists():
            raise
        return None
    return Witness(
        seq=int(document["seq"]),
        event_hash=str(document["event_hash"]),
        source=str(path),
        witnessed_at=_parse_time(document.get("witnessed_at")),
        local=True,
    )


def record_local(key_dir: Path, seq: int, event_hash: str, at: datetime) -> None:
    """Replace the record of the last witnessed head (atomically: a crash leaves the old one)."""
    key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = json.dumps(witness_document(seq, event_hash, at), indent=2, sort_keys=True) + "\n"
    fd, scratch = tempfile.mkstemp(dir=key_dir, prefix=f".{HEAD_FILE}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(scratch, key_dir / HEAD_FILE)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise


def trail_anchors(key_dir: Path) -> tuple[list[Ed25519PublicKey], list[Witness]]:
    """What this laptop keeps outside its database to hold the trail to: the trusted operator
    keys and the last head it witnessed (a damaged record counts as none: deleting it is no
    harder for an attacker than damaging it)."""
    try:
        keys = trusted_keys(key_dir)
    except WitnessUnreadable:
        keys = []
    try:
        local = read_local(key_dir)
    except WitnessUnreadable:
        local = None
    return keys, [local] if local is not None else []
