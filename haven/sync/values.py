"""A synchronised record's values as they travel: plain JSON, encrypted fields in the clear
(they travel sealed), blind indexes and ciphertext columns never (each database encrypts and
indexes with its own keys)."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, LargeBinary, Uuid
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

from haven.security.fields import BYTES, EncryptedField, encrypted_fields
from haven.sync.tables import NEVER, Synced, synced_of


@dataclass(frozen=True)
class Shape:
    """What of a model travels: its plain columns (attribute name → column type) and its
    encrypted fields (logical name → field)."""

    plain: dict[str, Any]
    encrypted: dict[str, EncryptedField[Any]]
    derived: frozenset[str]

    @property
    def names(self) -> list[str]:
        return [*self.plain, *self.encrypted]


_SHAPES: dict[type[Any], Shape] = {}


def shape(cls: type[Any]) -> Shape:
    known = _SHAPES.get(cls)
    if known is None:
        synced = synced_of(cls)
        if synced is None:
            raise KeyError(cls.__name__)
        known = _SHAPES[cls] = _shape(cls, synced)
    return known


def _shape(cls: type[Any], synced: Synced) -> Shape:
    encrypted = encrypted_fields(cls)
    hidden = {field.ciphertext_attr for field in encrypted.values()}
    hidden |= {field.blind.attr for field in encrypted.values() if field.blind is not None}
    plain: dict[str, Any] = {}
    for attr in sa_inspect(cls).column_attrs:
        if attr.key in hidden or attr.key in NEVER or attr.key in synced.local:
            continue
        if any(column.info.get("blind_index") for column in attr.columns):
            continue
        plain[attr.key] = attr.columns[0].type
    return Shape(plain=plain, encrypted=encrypted, derived=synced.derived)


def encode(value: Any) -> Any:
    """A value as JSON carries it (bytes as {"b": base64}: photos)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return {"b": base64.b64encode(bytes(value)).decode()}
    return value


def decode(cls: type[Any], name: str, raw: Any) -> Any:
    """A travelled value back in the type of the field `name` of `cls`."""
    if raw is None:
        return None
    the_shape = shape(cls)
    if name in the_shape.encrypted:
        if the_shape.encrypted[name].codec is BYTES:
            return base64.b64decode(raw["b"])
        return raw
    kind = the_shape.plain[name]
    if isinstance(kind, TypeDecorator):
        kind = kind.impl
    if isinstance(kind, Uuid):
        return uuid.UUID(raw)
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(raw)
    if isinstance(kind, Date):
        return date.fromisoformat(raw)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(raw["b"])
    return raw


def current(session: Session, instance: Any, name: str) -> Any:
    """The field's value now, encoded (encrypted fields opened, with no read noted)."""
    the_shape = shape(type(instance))
    field = the_shape.encrypted.get(name)
    if field is None:
        return encode(getattr(instance, name))
    pending = instance.__dict__.get("_haven_pending", {})
    if field.name in pending:
        return encode(pending[field.name])
    return encode(field.open_blob(session, instance, getattr(instance, field.ciphertext_attr)))


def read_all(session: Session, instance: Any) -> dict[str, Any]:
    return {name: current(session, instance, name) for name in shape(type(instance)).names}


def write(instance: Any, name: str, raw: Any) -> None:
    """Set a field from its travelled value (an encrypted field encrypts under this
    database's key for the record, and rewrites its blind index)."""
    value = decode(type(instance), name, raw)
    the_shape = shape(type(instance))
    if name in the_shape.encrypted and value is None:
        value = the_shape.encrypted[name].codec.empty()
    setattr(instance, name, value)


def is_default(cls: type[Any], name: str, value: Any) -> bool:
    """Whether a new record of `cls` takes `value` for `name` without being told: an empty
    value of a column whose default is empty (None, or a list or dict made empty), or of an
    encrypted field. Such values need not travel."""
    the_shape = shape(cls)
    if name in the_shape.encrypted:
        return value is None or value == {}
    column = sa_inspect(cls).columns[name]
    default = column.default
    if value is None:
        return default is None and column.server_default is None
    if value in ([], {}) and default is not None and callable(getattr(default, "arg", None)):
        try:
            return bool(default.arg(None) == value)
        except TypeError:
            return False
    return False
