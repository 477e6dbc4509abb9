"""Application-level field encryption: AES-256-GCM under per-owner data keys.

Every confidential column (its class declared once, in the column's `info`) is stored as
ciphertext on both engines, so that destroying one owner's data key (crypto-shredding)
leaves nothing readable of that owner, in the live database or in any copy of it.

- Each owner (a person) has a 32-byte random data key, stored wrapped with AES-256-GCM under
  the keyring's `field_kek`, with the owner id as associated data (`DataKeys`).
- A field value is stored as `version (1 byte) ‖ nonce (12 bytes) ‖ GCM ciphertext+tag`,
  with associated data `table:column:owner id`: a ciphertext copied to another person or
  another field fails to decrypt (`FieldDecryptionError`) instead of yielding a value.
- `EncryptedField` is a descriptor that keeps the plain attribute API (`person.nrc`): it
  encrypts on assignment (or at flush, for a record not yet in a session) and decrypts lazily
  on read, caching unwrapped data keys per session (`session.info`) only.
- Deny by default: reading a protected field needs the session's reader, bound where the
  actor is resolved (`bind_reader`: the request's actor dependency, the command line's
  transaction). A field the reader may not see reads as its empty value (masked) and is never
  decrypted; with no reader bound, reading raises `ReaderNotBound`. Code that must see every
  value (screening, erasure) widens the reader only inside `with unmasked(session):`.

Error messages name tables and columns, never values.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, overload

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import event
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, object_session

from haven.db.keyring import Keyring
from haven.db.session import keyring_of
from haven.db.types import new_id
from haven.security.blind_index import blind_index

VERSION = 1
NONCE_BYTES = 12
KEY_BYTES = 32
_KEYS_CACHE = "haven.field_keys"
_READER = "haven.field_reader"
_PENDING = "_haven_pending"
_READS = "haven.field_reads"
_PLAIN = "_haven_plain"

T = TypeVar("T")
Reader = Callable[[str, str, str | None], bool]
"""`reader(sensitivity, field, permission)`: whether the session's reader may see that field
(`permission`: the permission the column's `info` requires on top of its class, or None)."""


class FieldDecryptionError(RuntimeError):
    """A ciphertext that does not open under its record's key, table and column."""


class DataKeyMissing(FieldDecryptionError):
    """The owner's data key is gone (erased): the ciphertext can never be read again."""


# --- primitives ---------------------------------------------------------------------------


def associated_data(table: str, column: str, owner_id: uuid.UUID) -> bytes:
    return f"{table}:{column}:{owner_id}".encode()


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return bytes([VERSION]) + nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def unseal(key: bytes, blob: bytes, aad: bytes, *, what: str) -> bytes:
    """Decrypt; `what` names the field in the error (never its value)."""
    if len(blob) < 1 + NONCE_BYTES + 16 or blob[0] != VERSION:
        raise FieldDecryptionError(f"{what}: not a Haven field ciphertext")
    try:
        return AESGCM(key).decrypt(blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :], aad)
    except InvalidTag:
        raise FieldDecryptionError(
            f"{what}: the ciphertext does not belong to this record and field, "
            "or was altered; it cannot be decrypted"
        ) from None


def wrap_data_key(kek: bytes, data_key: bytes, owner_id: uuid.UUID) -> bytes:
    return seal(kek, data_key, b"data-key:" + owner_id.bytes)


def unwrap_data_key(kek: bytes, wrapped: bytes, owner_id: uuid.UUID) -> bytes:
    return unseal(kek, wrapped, b"data-key:" + owner_id.bytes, what=f"data key of {owner_id}")


# --- the keyring of a session ------------------------------------------------------------


def session_keyring(session: Session) -> Keyring:
    """The keyring the session was built with (`make_session_factory(engine, keyring)`)."""
    return keyring_of(session)


# --- data keys ----------------------------------------------------------------------------


class DataKeys:
    """Data keys of one kind of owner, one wrapped key per row of `model`.

    `model` is a mapped class whose primary key is `owner_attr` and which has a
    `wrapped_key` column. Unwrapped keys are cached in `session.info` (dropped on rollback).
    """

    def __init__(self, model: type[Any], *, owner_attr: str, label: str) -> None:
        self.model = model
        self.owner_attr = owner_attr
        self.label = label

    def _cache(self, session: Session) -> dict[tuple[str, uuid.UUID], bytes]:
        cache: dict[tuple[str, uuid.UUID], bytes] = session.info.setdefault(_KEYS_CACHE, {})
        return cache

    def get(self, session: Session, owner_id: uuid.UUID, *, create: bool) -> bytes | None:
        cache = self._cache(session)
        cached = cache.get((self.label, owner_id))
        if cached is not None:
            return cached
        with session.no_autoflush:
            row = session.get(self.model, owner_id)
        kek = session_keyring(session).field_kek
        if row is None:
            if not create:
                return None
            key = os.urandom(KEY_BYTES)
            row = self.model(
                **{self.owner_attr: owner_id, "wrapped_key": wrap_data_key(kek, key, owner_id)}
            )
            session.add(row)
        else:
            key = unwrap_data_key(kek, row.wrapped_key, owner_id)
        cache[(self.label, owner_id)] = key
        return key

    def new(self, session: Session, owner_id: uuid.UUID) -> bytes:
        """A key for an owner being created, who has none yet: `get(create=True)` without
        looking for an existing row (a bulk path creating many records spares a query each)."""
        key = os.urandom(KEY_BYTES)
        kek = session_keyring(session).field_kek
        session.add(
            self.model(
                **{self.owner_attr: owner_id, "wrapped_key": wrap_data_key(kek, key, owner_id)}
            )
        )
        self._cache(session)[(self.label, owner_id)] = key
        return key

    def exists(self, session: Session, owner_id: uuid.UUID) -> bool:
        with session.no_autoflush:
            return session.get(self.model, owner_id) is not None

    def destroy(self, session: Session, owner_id: uuid.UUID) -> bool:
        """Delete the owner's wrapped key and forget the unwrapped one; True if one existed."""
        self._cache(session).pop((self.label, owner_id), None)
        with session.no_autoflush:
            row = session.get(self.model, owner_id)
        if row is None:
            return False
        session.delete(row)
        session.flush()
        return True


# --- codecs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Codec(Generic[T]):
    """How a field's value becomes bytes; `empty` is the value of NULL and of a masked field."""

    encode: Callable[[T], bytes | None]
    decode: Callable[[bytes], T]
    empty: Callable[[], T]


def _text_encode(value: str | None) -> bytes | None:
    return None if value is None else value.encode()


def _json_encode(value: dict[str, Any] | None) -> bytes | None:
    return json.dumps(dict(value or {}), sort_keys=True, ensure_ascii=False).encode()


def _json_decode(raw: bytes) -> dict[str, Any]:
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise FieldDecryptionError("a JSON field did not decrypt to an object")
    return value


TEXT: Codec[str | None] = Codec(encode=_text_encode, decode=bytes.decode, empty=lambda: None)
JSON_OBJECT: Codec[dict[str, Any]] = Codec(encode=_json_encode, decode=_json_decode, empty=dict)
BYTES: Codec[bytes] = Codec(encode=bytes, decode=bytes, empty=bytes)


@dataclass(frozen=True)
class BlindIndexSpec:
    """Where a field's blind index goes and how its value is canonicalised (None: no index)."""

    attr: str
    field: str
    canonical: Callable[[str], str | None]


# --- the descriptor -----------------------------------------------------------------------


class EncryptedField(Generic[T]):
    """A plain attribute backed by an encrypted column (`ciphertext_attr`).

    `owner_attr` names the attribute holding the owner's id (the person); when
    `assign_owner_id`, a record without an id yet is given one (a new person).
    """

    def __init__(
        self,
        ciphertext_attr: str,
        codec: Codec[T],
        *,
        keys: Callable[[], DataKeys],
        owner_attr: str,
        assign_owner_id: bool = False,
        blind: BlindIndexSpec | None = None,
    ) -> None:
        self.ciphertext_attr = ciphertext_attr
        self.codec = codec
        self._keys = keys
        self.owner_attr = owner_attr
        self.assign_owner_id = assign_owner_id
        self.blind = blind
        self.name = ciphertext_attr

    def __set_name__(self, owner: type[Any], name: str) -> None:
        self.name = name
        self.owner_class = owner

    def _column(self) -> tuple[str, str, str]:
        """(table, column, sensitivity) of the ciphertext column (looked up once: it is read
        on every access of the field, a roll search reads thousands)."""
        known: tuple[str, str, str] | None = self.__dict__.get("_column_known")
        if known is not None:
            return known
        column = sa_inspect(self.owner_class).columns[self.ciphertext_attr]
        level = column.info.get("sensitivity")
        if level is None:
            raise RuntimeError(f"{column.table.name}.{column.name} has no sensitivity class")
        known = (column.table.name, column.name, str(level))
        self.__dict__["_column_known"] = known
        return known

    @property
    def sensitivity(self) -> str:
        return self._column()[2]

    @property
    def permission(self) -> str | None:
        """The permission the column requires on top of its class (`info["permission"]`)."""
        known: tuple[str | None] | None = self.__dict__.get("_permission_known")
        if known is None:
            column = sa_inspect(self.owner_class).columns[self.ciphertext_attr]
            required = column.info.get("permission")
            known = (None if required is None else str(required),)
            self.__dict__["_permission_known"] = known
        return known[0]

    def describe(self) -> str:
        table, column, _ = self._column()
        return f"{table}.{column}"

    @overload
    def __get__(self, instance: None, owner: type[Any]) -> EncryptedField[T]: ...

    @overload
    def __get__(self, instance: object, owner: type[Any]) -> T: ...

    def __get__(self, instance: object | None, owner: type[Any]) -> EncryptedField[T] | T:
        if instance is None:
            return self
        session = object_session(instance)
        if not may_read(session, self.sensitivity, self.name, self.permission):
            return self.codec.empty()
        pending: dict[str, Any] = instance.__dict__.get(_PENDING, {})
        if self.name in pending:
            pending_value: T = pending[self.name]
            return _copy(pending_value)
        blob = getattr(instance, self.ciphertext_attr)
        if blob is None:
            return self.codec.empty()
        plain: dict[str, tuple[bytes, Any]] = instance.__dict__.setdefault(_PLAIN, {})
        hit = plain.get(self.name)
        if hit is not None and hit[0] == blob:
            cached: T = hit[1]
            _note_read(session, self, instance, cached)
            return _copy(cached)
        if session is None:
            raise FieldDecryptionError(f"{self.describe()}: the record is not in a session")
        owner_id = self._owner_id(instance)
        if owner_id is None:
            raise FieldDecryptionError(f"{self.describe()}: the record has no owner")
        key = self._keys().get(session, owner_id, create=False)
        if key is None:
            # The owner's key was destroyed (erasure): the value is gone for good, as if it had
            # been blanked. Read as empty, so no page fails on a row erasure left behind (a
            # backup restored after the erasure, a column that may not be NULL).
            plain[self.name] = (bytes(blob), self.codec.empty())
            return self.codec.empty()
        table, column, _ = self._column()
        raw = unseal(
            key, bytes(blob), associated_data(table, column, owner_id), what=f"{table}.{column}"
        )
        value = self.codec.decode(raw)
        plain[self.name] = (bytes(blob), value)
        _note_read(session, self, instance, value)
        return _copy(value)

    def __set__(self, instance: object, value: T) -> None:
        session = object_session(instance)
        if session is not None and self._owner_id(instance, assign=True) is not None:
            self.store(session, instance, value)
            return
        pending: dict[str, Any] = instance.__dict__.setdefault(_PENDING, {})
        pending[self.name] = _copy(value)

    def _owner_id(self, instance: object, *, assign: bool = False) -> uuid.UUID | None:
        owner_id: uuid.UUID | None = getattr(instance, self.owner_attr)
        if owner_id is None and assign and self.assign_owner_id:
            owner_id = new_id()
            setattr(instance, self.owner_attr, owner_id)
        return owner_id

    def store(self, session: Session, instance: object, value: T) -> None:
        """Encrypt `value` into the ciphertext column (and write the blind index)."""
        owner_id = self._owner_id(instance, assign=True)
        if owner_id is None:
            raise FieldDecryptionError(f"{self.describe()}: set the owner before the value")
        raw = self.codec.encode(value)
        blob: bytes | None = None
        if raw is not None:
            key = self._keys().get(session, owner_id, create=True)
            if key is None:  # pragma: no cover - create=True always returns a key
                raise DataKeyMissing(self.describe())
            table, column, _ = self._column()
            blob = seal(key, raw, associated_data(table, column, owner_id))
        setattr(instance, self.ciphertext_attr, blob)
        instance.__dict__.setdefault(_PLAIN, {})[self.name] = (blob, _copy(value))
        instance.__dict__.get(_PENDING, {}).pop(self.name, None)
        if self.blind is not None:
            setattr(instance, self.blind.attr, self.index_of(session, value))

    def open_blob(self, session: Session, instance: object, blob: bytes | None) -> T:
        """The plain value of a ciphertext of this field of `instance` (a value it held before,
        from the session's history), without noting a read: for synchronisation, which seals
        what it opens to headquarters at once. A destroyed key reads as empty."""
        owner_id = self._owner_id(instance)
        if blob is None or owner_id is None:
            return self.codec.empty()
        key = self._keys().get(session, owner_id, create=False)
        if key is None:
            return self.codec.empty()
        table, column, _ = self._column()
        raw = unseal(
            key, bytes(blob), associated_data(table, column, owner_id), what=f"{table}.{column}"
        )
        return self.codec.decode(raw)

    def index_of(self, session: Session, value: object) -> str | None:
        """The blind index of a plain value by the field's rule (None: no index)."""
        if self.blind is None:
            return None
        canonical = self.blind.canonical(value) if isinstance(value, str) else None
        if not canonical:
            return None
        return blind_index(session_keyring(session).index_key, self.blind.field, canonical)


def _note_read(
    session: Session | None, field: EncryptedField[Any], instance: object, value: Any
) -> None:
    """Remember that the session's acting reader saw this field of this owner: the boundary
    audits it once per request (`take_reads`, `haven.audit.reads`). Values are not kept."""
    if session is None or value is None or value == field.codec.empty():
        return
    owner_id = getattr(instance, field.owner_attr, None)
    if owner_id is None:
        return
    table, _column, level = field._column()
    note_read(session, field._keys().label, owner_id, f"{table}.{field.name}", level)


def note_read(
    session: Session, owner_kind: str, owner_id: uuid.UUID, field: str, sensitivity: str
) -> None:
    """Note a classified field shown to the session's acting reader (the field reader does
    it for every field it decrypts; a page that shows plaintext classified columns calls it).
    Nothing is noted for a service's own widened reads (`unmasked`), shown to no one."""
    if reader_of(session) in (None, _read_everything):
        return
    reads: dict[tuple[str, uuid.UUID], set[tuple[str, str]]] = session.info.setdefault(_READS, {})
    reads.setdefault((owner_kind, owner_id), set()).add((field, sensitivity))


def take_reads(session: Session) -> dict[tuple[str, uuid.UUID], set[tuple[str, str]]]:
    """The fields the acting reader saw since the last call, as {(owner kind, owner id):
    {(table.field, sensitivity)}}; forgotten once taken."""
    reads: dict[tuple[str, uuid.UUID], set[tuple[str, str]]] = session.info.pop(_READS, {})
    return reads


def _copy(value: T) -> T:
    """A fresh dict or list, so that mutating a read value never goes unnoticed half-stored."""
    if isinstance(value, dict):
        return dict(value)  # type: ignore[return-value]
    if isinstance(value, list):
        return list(value)  # type: ignore[return-value]
    return value


def recompute_blind_indexes(session: Session, instance: object) -> bool:
    """Write again every blind index of `instance` from its decrypted value, by the rule the
    field indexes a stored value with today (`haven db reindex`); True when one changed. The
    ciphertext is left as it is. Call inside `unmasked(session)`: a masked value would index
    as empty. A value whose owner's key was destroyed reads as empty and indexes as none."""
    changed = False
    for field in encrypted_fields(type(instance)).values():
        if field.blind is None:
            continue
        index = field.index_of(session, field.__get__(instance, type(instance)))
        if getattr(instance, field.blind.attr) != index:
            setattr(instance, field.blind.attr, index)
            changed = True
    return changed


def encrypted_fields(cls: type[Any]) -> dict[str, EncryptedField[Any]]:
    """The encrypted fields of a model class, by attribute name."""
    found: dict[str, EncryptedField[Any]] = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, EncryptedField):
                found[name] = value
    return found


def forget_plaintext(instance: object) -> None:
    """Drop any decrypted or pending value held on the instance."""
    instance.__dict__.pop(_PLAIN, None)
    instance.__dict__.pop(_PENDING, None)


# --- who may read -------------------------------------------------------------------------


class ReaderNotBound(RuntimeError):
    """A protected field was read in a session to which no actor's reader was bound: a bug in
    the boundary (the field would otherwise have been read without any policy)."""


def _read_everything(_sensitivity: str, _field: str, _permission: str | None) -> bool:
    return True


def bind_reader(session: Session, reader: Reader) -> None:
    """Bind the acting reader to the session: every protected field it may not see is masked
    for the rest of the session. Called where the actor is resolved, nowhere else."""
    session.info[_READER] = reader


def reader_of(session: Session) -> Reader | None:
    found: Reader | None = session.info.get(_READER)
    return found


def may_read(
    session: Session | None, sensitivity: str, field: str, permission: str | None = None
) -> bool:
    """Whether the session's reader may see the field; raises when no reader is bound."""
    reader = reader_of(session) if session is not None else None
    if reader is None:
        raise ReaderNotBound(f"{field}: no reader is bound to this session")
    return reader(sensitivity, field, permission)


def masked_fields(instance: object) -> list[str]:
    """Names of the instance's encrypted fields hidden from the session's reader."""
    session = object_session(instance)
    return sorted(
        name
        for name, field in encrypted_fields(type(instance)).items()
        if not may_read(session, field.sensitivity, name, field.permission)
    )


@dataclass
class _Unmasked:
    session: Session
    saved: Reader | None = None

    def __enter__(self) -> Session:
        self.saved = reader_of(self.session)
        self.session.info[_READER] = _read_everything
        return self.session

    def __exit__(self, *_exc: object) -> None:
        if self.saved is None:
            self.session.info.pop(_READER, None)
        else:
            self.session.info[_READER] = self.saved


def unmasked(session: Session) -> _Unmasked:
    """`with unmasked(session):` widens the reader to every field for the block only: service
    code that must see every value (screening, erasure), never a view."""
    return _Unmasked(session)


# --- session events -----------------------------------------------------------------------


def _pending_instances(session: Session) -> Iterator[object]:
    for instance in list(session.new) + list(session.dirty):
        if instance.__dict__.get(_PENDING):
            yield instance


@event.listens_for(Session, "before_flush")
def _encrypt_pending(session: Session, _context: Any, _instances: Any) -> None:
    for instance in _pending_instances(session):
        pending: dict[str, Any] = dict(instance.__dict__.get(_PENDING, {}))
        fields = encrypted_fields(type(instance))
        for name, value in pending.items():
            fields[name].store(session, instance, value)


@event.listens_for(Session, "after_soft_rollback")
def _forget_keys(session: Session, _previous: Any) -> None:
    # A key created in the rolled-back transaction was never stored: never reuse it.
    session.info.pop(_KEYS_CACHE, None)
