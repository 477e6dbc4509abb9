"""Every table holding a person's data has an eraser, and erasing a person leaves nothing of
theirs in any of them.

The tables are found in the metadata, not listed by hand, so a new table that holds a
person's data fails here until its domain subscribes an eraser to `PersonErased` naming it
(`@handles(PersonErased, clears=("table", …))`). A table holds a person's data when it:

- has a foreign key to `persons.id`, or
- has a classified column (`info["sensitivity"]`) that is not encrypted under another
  owner's data key (incidents, watchlists and agreements encrypt theirs under their own:
  that is data about them, erased with them, not about a received person).

The last test builds a row for one person in every such table (through the services where
they make one on reception, then from the metadata, with a canary in every classified
column), erases the person and checks every classified value is gone: the row deleted, the
value blanked, or (only in a column that may not be NULL) ciphertext under the person's
destroyed data key.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    ColumnElement,
    Date,
    Double,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    Uuid,
    and_,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from haven.db.base import Base
from haven.db.registry import load_models
from haven.db.types import UTCDateTime
from haven.kernel.events import subscriptions
from haven.kernel.keys import name_key
from haven.people.public import ERASED_NAME, PERSON_KEYS, PersonErased, erase_person
from haven.security.fields import encrypted_fields
from haven.security.permissions import Actor, Role
from tests import factories as f

SYSTEM = Actor.system()
MARKER = "Canary"
CANARY_BYTES = b"CANARY-CIPHERTEXT"

# Tables that keep a person's rows, unchanged, after erasure: they must survive it (the
# programme accounts for every payment and every decision) and hold no classified value,
# only the link to the person's anonymous skeleton (`persons` keeps an erased row).
KEPT: dict[str, str] = {
    # The payment ledger: amounts owed and paid must balance for the funders' audit.
    "allowance_instalments": "amounts owed, by component and date",
    "allowance_payment_items": "amounts in a payment batch",
    # The reconciliation of a defection agreement counts who arrived under it.
    "agreement_arrivals": "desk, counts of weapons and family members",
    # The two-officer record of a duplicate decision: ids, scores and reason codes.
    "match_reviews": "scores and reason codes of a duplicate review",
    "match_merges": "which record was merged into which, and when",
    # The disclosure log is accountability: which disclosures carried the (now anonymous)
    # person, by id only; the log is append-only (docs/disclosures.md).
    "disclosure_people": "which disclosures of the log carried the person, by id",
}


def _metadata() -> list[Table]:
    load_models()
    return list(Base.metadata.sorted_tables)


def _other_owners_columns() -> set[tuple[str, str]]:
    """(table, column) of classified columns encrypted under a key that is not a person's."""
    found: set[tuple[str, str]] = set()
    for mapper in Base.registry.mappers:
        table = mapper.local_table
        for field in encrypted_fields(mapper.class_).values():
            if field._keys() is not PERSON_KEYS:
                found.add((table.name, mapper.columns[field.ciphertext_attr].name))
    return found


def _points_to_persons(column: Column[Any]) -> bool:
    return any(fk.column.table.name == "persons" for fk in column.foreign_keys)


def person_tables() -> dict[str, Table]:
    """Every table holding a person's data, by the rule in the module docstring."""
    others = _other_owners_columns()
    found: dict[str, Table] = {}
    for table in _metadata():
        linked = any(_points_to_persons(c) for c in table.columns)
        classified = any(
            "sensitivity" in c.info and (table.name, c.name) not in others for c in table.columns
        )
        if linked or classified or table.name == "persons":
            found[table.name] = table
    return found


def _erasers() -> dict[str, list[str]]:
    cleared: dict[str, list[str]] = {}
    for subscription in subscriptions(PersonErased):
        for table in subscription.clears:
            cleared.setdefault(table, []).append(subscription.handler.__qualname__)
    return cleared


def test_every_table_holding_a_persons_data_has_an_eraser() -> None:
    tables = person_tables()
    erasers = _erasers()
    missing = sorted(set(tables) - set(erasers) - set(KEPT))
    assert missing == [], f"no PersonErased handler clears {missing}"
    # The lists say only true things: real tables, kept ones with nothing classified.
    assert sorted(set(erasers) - set(tables)) == []
    assert sorted(set(KEPT) - set(tables)) == []
    assert sorted(set(KEPT) & set(erasers)) == []
    for name in KEPT:
        assert not [c.name for c in tables[name].columns if "sensitivity" in c.info], name


def test_the_rule_finds_the_tables_it_must() -> None:
    """The metadata rule is not vacuous: it finds every kind of table it is meant to."""
    tables = person_tables()
    for name in ("persons", "family_members", "person_keys", "pow_records", "case_notes"):
        assert name in tables
    assert "agreement_roll_entries" in tables  # a roll's name index is personal data
    for name in ("vetting_incidents", "vetting_watchlist_entries", "agreements"):
        assert name not in tables  # encrypted under their own owner's key


# --- building a row in every table -------------------------------------------------------


class Rows:
    """Rows made from the metadata: the person's in every person table (classified columns
    holding canaries), and any parent row those need."""

    def __init__(self, db: Session, tables: dict[str, Table]) -> None:
        self.db = db
        self.tables = tables
        org, other_org = f.organisation(db), f.organisation(db)
        site = f.site(db, organisation=org)
        self.person_id: uuid.UUID = f.receive(  # type: ignore[attr-defined]
            db, SYSTEM, name_latin="Canary Person", site_id=str(site.id), origin_unit="LIB 531"
        ).person_id
        other_id: uuid.UUID = f.receive(  # type: ignore[attr-defined]
            db, SYSTEM, name_latin="Someone Else", site_id=str(site.id)
        ).person_id
        users = [f.user(db, organisation=org, role=Role.MANAGER) for _ in range(2)]
        # Parent rows by table; a table with two links to the same table gets two rows
        # (referrals go from one organisation to another, a review compares two persons).
        self.parents: dict[str, list[Any]] = {
            "organisations": [org.id, other_org.id],
            "sites": [site.id, f.site(db, organisation=other_org).id],
            "users": [u.id for u in users],
            "persons": [self.person_id, other_id],
        }
        self.mine: dict[str, list[Key]] = {}  # table → primary keys of the person's rows

    def build(self) -> None:
        """The person's rows in every person table, parents first."""
        for table in _metadata():
            if table.name not in self.tables:
                continue
            owned = self._owned(table)
            if not owned:
                owned = [self._insert(table, person_row=True)]
            self.mine[table.name] = self._canaries(table, owned)

    def _owned(self, table: Table) -> list[Key]:
        """The person's rows the services made already (on reception)."""
        if table.name == "persons":
            return [(self.person_id,)]
        links = [c for c in table.columns if _points_to_persons(c)]
        if not links:
            return []
        key = list(table.primary_key.columns)
        found = self.db.execute(select(*key).where(links[0] == self.person_id))
        return [tuple(row) for row in found]

    def _canaries(self, table: Table, keys: list[Key]) -> list[Key]:
        """A distinct canary in every classified column of each of the person's rows; the
        rows' keys after it (a classified column may be part of the key)."""
        columns = list(table.primary_key.columns)
        classified = [c for c in table.columns if "sensitivity" in c.info]
        if not classified:
            return keys
        changed: list[Key] = []
        for number, row_key in enumerate(keys):
            values = {c.name: _canary(c, number) for c in classified}
            self.db.execute(update(table).where(_is(table, row_key)).values(values))
            changed.append(
                tuple(values.get(c.name, v) for c, v in zip(columns, row_key, strict=True))
            )
        return changed

    def _insert(self, table: Table, *, person_row: bool) -> Key:
        values: dict[str, Any] = {}
        links: dict[str, int] = {}
        for column in table.columns:
            value = self._value(table, column, links, person_row=person_row)
            if value is not _SKIP:
                values[column.name] = value
        key = list(table.primary_key.columns)
        return tuple(self.db.execute(insert(table).values(values).returning(*key)).one())

    def _value(
        self, table: Table, column: Column[Any], links: dict[str, int], *, person_row: bool
    ) -> Any:
        if person_row and "sensitivity" in column.info:
            return _canary(column, 0)
        if column.foreign_keys:
            (fk,) = column.foreign_keys
            target = fk.column.table
            if target.name in self.mine and target.name != "persons":
                return self.mine[target.name][0][0]  # the person's own row of a person table
            if column.nullable and not (person_row and target.name == "persons"):
                return _SKIP
            nth = links[target.name] = links.get(target.name, -1) + 1
            return self._parent(target, nth)
        if column.nullable or column.default is not None or column.server_default is not None:
            return _SKIP
        return _filler(table, column)

    def _parent(self, parent: Table, nth: int) -> Any:
        made = self.parents.setdefault(parent.name, [])
        while len(made) <= nth:
            (made_key,) = self._insert(parent, person_row=False)
            made.append(made_key)
        return made[nth]


_SKIP = object()
Key = tuple[Any, ...]


def _is(table: Table, key: Key) -> ColumnElement[bool]:
    return and_(*(c == v for c, v in zip(table.primary_key.columns, key, strict=True)))


def _canary(column: Column[Any], number: int) -> Any:
    kind = column.type
    if isinstance(kind, LargeBinary):
        return CANARY_BYTES
    if isinstance(kind, JSON):
        return [f"{MARKER}{number}"]
    if isinstance(kind, Integer):
        return 1
    return f"{MARKER}{number}"


def _filler(table: Table, column: Column[Any]) -> Any:
    allowed = _allowed(table, column.name)
    if allowed:
        return allowed[0]
    kind = column.type
    if isinstance(kind, Uuid):
        return uuid.uuid4()
    if isinstance(kind, UTCDateTime):
        return datetime(2026, 1, 2, tzinfo=UTC)
    if isinstance(kind, Date):
        return date(2026, 1, 2)
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, Integer | BigInteger | Double):
        return 1
    if isinstance(kind, JSON):
        return {}
    if isinstance(kind, LargeBinary):
        return b"x"
    if isinstance(kind, String | Text):
        length = getattr(kind, "length", None) or 20
        return uuid.uuid4().hex[: min(length, 32)] if length >= 8 else "x" * min(length, 3)
    raise AssertionError(f"no filler for {table.name}.{column.name} ({kind!r})")


_IN = re.compile(r"^(\w+) IN \(([^)]*)\)$")


def _allowed(table: Table, name: str) -> list[str]:
    """The values a CHECK (`name IN (…)`) allows, first one first."""
    for constraint in table.constraints:
        if isinstance(constraint, CheckConstraint):
            for part in str(constraint.sqltext).split(" OR "):
                match = _IN.match(part.strip())
                if match and match.group(1) == name:
                    return [v.strip().strip("'") for v in match.group(2).split(",")]
    return []


def _field_of(table: Table, column: Column[Any]) -> tuple[Any, str] | None:
    """(the data keys, the owner column's name) of an encrypted column, or None."""
    for mapper in Base.registry.mappers:
        if mapper.local_table is not table:
            continue
        for field in encrypted_fields(mapper.class_).values():
            if mapper.columns[field.ciphertext_attr] is column:
                keys = field._keys()
                return keys, mapper.columns[field.owner_attr].name
    return None


def _any(table: Table, keys: list[Key]) -> ColumnElement[bool]:
    return or_(*(_is(table, key) for key in keys))


def _erased(column: Column[Any], value: Any) -> bool:
    """Blanked: NULL, or the erased forms of the columns that may not be NULL."""
    if value is None:
        return True
    if column.name == "name_key":
        return bool(value == name_key(None, None))
    if column.name == "name_latin":
        return bool(value == ERASED_NAME)
    return value in ([], {}, "")


def _left(db: Session, rows: Rows) -> set[str]:
    """`table.column` of every classified value of the person's that is still there."""
    left: set[str] = set()
    for name, table in rows.tables.items():
        for row in db.execute(select(table).where(_any(table, rows.mine[name]))).mappings():
            for column in table.columns:
                if "sensitivity" not in column.info or _erased(column, row[column.name]):
                    continue
                field = _field_of(table, column)
                if (
                    not column.nullable
                    and field is not None
                    and field[0] is PERSON_KEYS
                    and row[field[1]] == rows.person_id
                    and not PERSON_KEYS.exists(db, rows.person_id)
                ):
                    continue  # may not be NULL: ciphertext under the destroyed data key
                left.add(f"{name}.{column.name}")
    return left


def test_erasing_a_person_leaves_nothing_of_theirs_in_any_table(
    db: Session, tmp_path: Path
) -> None:
    rows = Rows(db, person_tables())
    rows.build()
    db.flush()
    db.expire_all()
    person = rows.person_id
    for name, table in rows.tables.items():
        assert db.execute(select(table).where(_any(table, rows.mine[name]))).first(), name
    # Before: a canary in every classified column of every person table, and the key.
    classified = {
        f"{name}.{c.name}"
        for name, table in rows.tables.items()
        for c in table.columns
        if "sensitivity" in c.info
    }
    assert _left(db, rows) == classified
    assert PERSON_KEYS.exists(db, person)

    erase_person(db, SYSTEM, person, reason="coverage", ledger=tmp_path / "ledger")
    db.flush()
    db.expire_all()

    assert not PERSON_KEYS.exists(db, person)
    assert _left(db, rows) == set(), "erasure left the person's data behind"
