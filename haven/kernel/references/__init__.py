"""Short reference numbers people can read, say and type: `P-7K3M9QR`.

Every person, pathway case, vetting case, agreement and payment batch carries one, shown on
its pages and printouts and accepted by every form that asks for the record. A reference is
a kind letter (`Kind`), a hyphen, six random characters of Crockford's base 32 (digits and
letters without I, L, O and U, which are read as 1, 1, 0 or not at all) and one check
character.

Random, not sequential: a sequential number would tell anyone who sees two cards how many
people the programme received between them. Six characters give about a billion values per
kind; `assign_references` (a `before_flush` listener on every session) draws again when a
value is already taken, so references are unique per table (the unique index is the last
guard).

The check character is Damm's algorithm over the quasigroup x∘y = 2·x + y of GF(32)
(polynomial x⁵ + x² + 1): totally anti-symmetric, so it catches every single wrong character
and every swap of two adjacent characters, the kind letter and the check itself included
(docs/architecture.md, "Reference numbers").
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import String, event, inspect
from sqlalchemy.orm import MappedColumn, Session, mapped_column

from haven.errors import ValidationFailed
from haven.i18n import N_, Labelled
from haven.kernel.references import repository

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_LENGTH = 6
LENGTH = 2 + BODY_LENGTH + 1  # kind letter, hyphen, body, check
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
# Crockford's reading of the characters that are easy to mistake for a digit.
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_DASHES = frozenset("-‐‑–—")
_POLYNOMIAL = 0b100101  # x^5 + x^2 + 1, irreducible: GF(32)
_MULTIPLIER = 2

NOT_A_REFERENCE = N_("This is not a reference number: a reference looks like P-7K3M9QR.")
TYPO = N_("That reference number has a typo: check it against the card.")
OTHER_KIND = N_("This reference number belongs to another kind of record.")


class Kind(Labelled):
    """What a reference names; the value is its first letter."""

    PERSON = "P", N_("Person")
    PATHWAY_CASE = "C", N_("Pathway case")
    VETTING_CASE = "V", N_("Vetting case")
    AGREEMENT = "A", N_("Agreement")
    BATCH = "B", N_("Payment batch")
    COMPLAINT = "K", N_("Complaint")


class BadReference(ValueError):
    """Text that is not a valid reference; `args[0]` is the msgid to show on the field."""


def _times(a: int, b: int) -> int:
    product = 0
    while b:
        if b & 1:
            product ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= _POLYNOMIAL
    return product


def _fold(symbols: str) -> int:
    interim = 0
    for symbol in symbols:
        interim = _times(_MULTIPLIER, interim) ^ _VALUE[symbol]
    return interim


def check_character(symbols: str) -> str:
    """The character that makes `symbols + it` fold to zero (Damm)."""
    return ALPHABET[_times(_MULTIPLIER, _fold(symbols))]


def is_valid(symbols: str) -> bool:
    """Whether compact symbols (kind letter, body, check; no hyphen) carry a right check."""
    return all(s in _VALUE for s in symbols) and _fold(symbols) == 0


def new_reference(kind: Kind) -> str:
    """A fresh random reference of that kind, e.g. `P-7K3M9QR`."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return f"{kind.value}-{body}{check_character(kind.value + body)}"


def parse(text: str, kind: Kind | None = None) -> str:
    """The reference as stored (`P-7K3M9QR`) from what someone typed.

    Tolerant of case, spaces and hyphens, of O for zero and I or L for one, and of a missing
    kind letter when the form knows the kind. Raises `BadReference` with the message to show:
    not a reference at all, a typo (the check character does not match), or the reference of
    another kind of record.
    """
    compact = "".join(c for c in text if not c.isspace() and c not in _DASHES).upper()
    if kind is not None and len(compact) == BODY_LENGTH + 1:
        compact = kind.value + compact
    if len(compact) != BODY_LENGTH + 2 or compact[0] not in {k.value for k in Kind}:
        raise BadReference(NOT_A_REFERENCE)
    compact = compact[0] + compact[1:].translate(_READ_AS)
    if not all(c in _VALUE for c in compact):
        raise BadReference(NOT_A_REFERENCE)
    if not is_valid(compact):
        raise BadReference(TYPO)
    if kind is not None and compact[0] != kind.value:
        raise BadReference(OTHER_KIND)
    return f"{compact[0]}-{compact[1:]}"


def lookup(text: str, kind: Kind) -> str | None:
    """The reference a search text names, or None when it is not a valid one of that kind
    (for a search box, where any text may be typed)."""
    try:
        return parse(text, kind)
    except BadReference:
        return None


def parse_field(text: str, kind: Kind, field: str) -> str:
    """`parse` for a form or an API field: ValidationFailed with the message on `field`."""
    try:
        return parse(text, kind)
    except BadReference as bad:
        raise ValidationFailed(fields={field: bad.args[0]}) from bad


# Values the column default gave in this process: a bulk INSERT that bypasses the session's
# flush (the benchmarks' builders write 100,000 persons so) never repeats one of them.
_ISSUED: set[str] = set()
_ISSUED_LIMIT = 2_000_000


def _drawn_once(kind: Kind) -> str:
    value = new_reference(kind)
    while value in _ISSUED:
        value = new_reference(kind)
    if len(_ISSUED) >= _ISSUED_LIMIT:
        _ISSUED.clear()
    _ISSUED.add(value)
    return value


def reference_column(kind: Kind) -> MappedColumn[Any]:
    """The `reference` column of a model: unique, filled on creation by `assign_references`;
    the default covers a Core INSERT that bypasses the session's flush, drawing no value twice
    in one process (it cannot see the table: such inserts write into an empty database)."""
    return mapped_column(
        String(LENGTH + 3),
        default=lambda: _drawn_once(kind),
        unique=True,
        index=True,
        info={"reference_kind": kind},
    )


_KINDS: dict[type[Any], Kind | None] = {}


def _kind_of(model: type[Any]) -> Kind | None:
    if model not in _KINDS:
        column = inspect(model).columns.get("reference")
        _KINDS[model] = None if column is None else column.info.get("reference_kind")
    return _KINDS[model]


def assign_references(session: Session, *_args: Any) -> None:
    """Give every new record of a model with a `reference` column one not yet taken: drawn at
    random, checked against the table in one query per model and flush, drawn again on a
    clash (with the table or with another record of the same flush)."""
    pending: dict[tuple[type[Any], Kind], list[Any]] = {}
    for record in session.new:
        kind = _kind_of(type(record))
        if kind is not None and getattr(record, "reference", None) is None:
            pending.setdefault((type(record), kind), []).append(record)
    for (model, kind), records in pending.items():
        todo = records
        while todo:
            drawn: dict[str, Any] = {}
            again: list[Any] = []
            for record in todo:
                value = new_reference(kind)
                if value in drawn:
                    again.append(record)
                else:
                    drawn[value] = record
            taken = repository.taken(session, model.reference, list(drawn))
            for value, record in drawn.items():
                if value in taken:
                    again.append(record)
                else:
                    record.reference = value
            todo = again


event.listen(Session, "before_flush", assign_references)
