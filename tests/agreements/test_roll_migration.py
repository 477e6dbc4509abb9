"""Revision 0014 on a database written before it: the roll's names, ranks and positions are
encrypted under the agreement's key (the key made when the agreement had none), the name key
becomes a blind index, an entry erased before it is marked erased, arrivals keep their
entries; and downgrade gives the plaintext back. On SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Connection,
    Date,
    Engine,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Uuid,
    select,
)

from haven.db.engine import make_engine
from haven.db.keyring import Keyring
from haven.db.migrate import MIGRATIONS_DIR, alembic_config, upgrade
from haven.db.types import UTCDateTime
from haven.kernel.keys import name_key
from haven.security.blind_index import blind_index
from haven.security.fields import associated_data, unseal, unwrap_data_key
from tests.conftest import BACKENDS, empty_database_url

REVISION = "0014"
BEFORE = ScriptDirectory(str(MIGRATIONS_DIR)).get_revision(REVISION).down_revision
NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture(params=BACKENDS)
def before(request: pytest.FixtureRequest, tmp_path: Path, keyring: Keyring) -> tuple[str, Engine]:
    url = empty_database_url(request, tmp_path, "haven_roll_0014")
    engine = make_engine(url, keyring=keyring)
    upgrade(url, engine, revision=str(BEFORE), keyring=keyring)
    return url, engine


class Rows:
    """Rows written straight into the tables, every column a constraint needs filled."""

    def __init__(self, connection: Connection) -> None:
        self.c = connection
        self.meta = MetaData()
        self.meta.reflect(connection)
        self.sqlite = connection.dialect.name == "sqlite"

    def v(self, value: Any) -> Any:
        """A value as the reflected column takes it (SQLite: a UUID as 32 hex digits)."""
        return value.hex if self.sqlite and isinstance(value, uuid.UUID) else value

    def add(self, table_name: str, /, **values: Any) -> uuid.UUID:
        table = self.meta.tables[table_name]
        for column in table.columns:
            if column.name in values or column.nullable:
                continue
            if column.foreign_keys:
                (fk,) = column.foreign_keys
                values[column.name] = self.add(fk.column.table.name, **_needs(fk.column.table))
            else:
                values[column.name] = _filler(table, column.name, column.type)
        self.c.execute(table.insert().values({k: self.v(v) for k, v in values.items()}))
        return _uuid(values["id"]) if "id" in values else uuid.uuid4()

    def select(self, name: str, where: Any = None) -> list[dict[str, Any]]:
        table = self.meta.tables[name]
        query = select(table) if where is None else select(table).where(where(table))
        return [dict(row) for row in self.c.execute(query).mappings()]


def _needs(table: Table) -> dict[str, Any]:
    """What a parent row needs beyond its NOT NULL columns (checks on nullable ones)."""
    if table.name == "persons":
        return {"name_latin": "Migrated Person"}
    return {}


def _filler(table: Table, name: str, kind: Any) -> Any:
    for constraint in table.constraints:
        text = str(getattr(constraint, "sqltext", ""))
        if isinstance(constraint, CheckConstraint) and text.startswith(f"{name} IN ("):
            return text.split("(", 1)[1].split(",", maxsplit=1)[0].strip().strip("')")
    if name == "id" or isinstance(kind, Uuid):
        return uuid.uuid4()
    if isinstance(kind, UTCDateTime) or "DATETIME" in str(kind) or "TIMESTAMP" in str(kind):
        return NOW
    if isinstance(kind, Date) or str(kind) == "DATE":
        return NOW.date()
    if isinstance(kind, Boolean) or "BOOL" in str(kind):
        return False
    if isinstance(kind, Integer) or "INT" in str(kind):
        return 1
    if isinstance(kind, JSON) or "JSON" in str(kind):
        return {}
    if isinstance(kind, LargeBinary) or "BLOB" in str(kind) or "BYTEA" in str(kind):
        return b"x"
    if isinstance(kind, String) or "CHAR" in str(kind) or "TEXT" in str(kind):
        length = getattr(kind, "length", None) or 20
        return uuid.uuid4().hex[: min(length, 12)]
    return "x"


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def test_rolls_are_encrypted_and_decrypted_back(
    before: tuple[str, Engine], keyring: Keyring
) -> None:
    url, engine = before
    org, agreement, rank = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    entry, erased, arrival = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    common = {
        "agreement_id": agreement,
        "organisation_id": org,
        "weapons_expected": 1,
        "family_expected": 0,
        "created_at": NOW,
        "updated_at": NOW,
    }
    with engine.begin() as c:
        rows = Rows(c)
        rows.add("organisations", id=org, name="Migration org", kind="partner")
        rows.add("agreements", id=agreement, organisation_id=org, code_name="Op Migrate")
        rows.add("ranks", id=rank, name_en="Lieutenant Colonel")
        rows.add(
            "agreement_roll_entries",
            id=entry,
            row_number=1,
            prefix="U",
            name_my="ထွန်းဝင်း",
            name_latin="Tun Win",
            name_key=name_key("Tun Win", "ထွန်းဝင်း"),
            birth_year=1975,
            rank_id=rank,
            position="Battalion commander",
            unit_text="LIB 531",
            company="HQ",
            **common,
        )
        rows.add(
            "agreement_roll_entries",
            id=erased,
            row_number=2,
            name_latin="[erased]",
            name_key="|",
            **common,
        )
        rows.add("agreement_arrivals", id=arrival, agreement_id=agreement, roll_entry_id=entry)

    upgrade(url, engine, revision=REVISION, keyring=keyring)

    with engine.begin() as c:
        rows = Rows(c)
        (wrapped,) = rows.select("agreement_keys", lambda t: t.c.agreement_id == rows.v(agreement))
        key = unwrap_data_key(keyring.field_kek, bytes(wrapped["wrapped_key"]), agreement)
        found = {
            _uuid(r["id"]): r
            for r in rows.select(
                "agreement_roll_entries", lambda t: t.c.agreement_id == rows.v(agreement)
            )
        }

        def opened(column: str) -> str:
            blob = bytes(found[entry][column])
            aad = associated_data("agreement_roll_entries", column, agreement)
            return unseal(key, blob, aad, what=column).decode()

        assert b"Tun Win" not in bytes(found[entry]["name_latin"])
        assert [opened(c) for c in ("prefix", "name_my", "name_latin", "position")] == [
            "U",
            "ထွန်းဝင်း",
            "Tun Win",
            "Battalion commander",
        ]
        assert (opened("birth_year"), _uuid(opened("rank_id"))) == ("1975", rank)
        assert found[entry]["name_index"] == blind_index(
            keyring.index_key, "roll_name", name_key("Tun Win", "ထွန်းဝင်း")
        )
        assert (found[entry]["unit_text"], found[entry]["company"]) == ("LIB 531", "HQ")
        assert found[entry]["erased_at"] is None
        gone = found[erased]
        assert [gone[c] for c in ("name_latin", "name_my", "name_index")] == [None, None, None]
        assert gone["erased_at"] is not None
        (kept,) = rows.select("agreement_arrivals", lambda t: t.c.id == rows.v(arrival))
        assert _uuid(kept["roll_entry_id"]) == entry

    config = alembic_config(url)
    config.attributes["keyring"] = keyring
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, str(BEFORE))

    with engine.begin() as c:
        rows = Rows(c)
        back = {
            _uuid(r["id"]): r
            for r in rows.select(
                "agreement_roll_entries", lambda t: t.c.agreement_id == rows.v(agreement)
            )
        }
        plain = back[entry]
        assert (plain["prefix"], plain["name_my"], plain["name_latin"]) == (
            "U",
            "ထွန်းဝင်း",
            "Tun Win",
        )
        assert (plain["birth_year"], _uuid(plain["rank_id"]), plain["position"]) == (
            1975,
            rank,
            "Battalion commander",
        )
        assert plain["name_key"] == name_key("Tun Win", "ထွန်းဝင်း")
        assert (back[erased]["name_latin"], back[erased]["name_key"]) == ("[erased]", "|")
        (kept,) = rows.select("agreement_arrivals", lambda t: t.c.id == rows.v(arrival))
        assert _uuid(kept["roll_entry_id"]) == entry
    engine.dispose()
