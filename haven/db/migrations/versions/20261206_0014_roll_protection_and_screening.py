"""nominal rolls protected like persons; screening hits of commanders and rolls

- `agreement_roll_entries`: prefix, names, birth year, rank and position become AES-256-GCM
  ciphertext under the agreement's data key (`agreement_keys`); the plaintext `name_key` gives
  way to `name_index`, an HMAC blind index of it; `erased_at` marks an entry whose person was
  erased (it used to carry the name "[erased]").
- `agreement_screening_hits`: what screening against the incident registry found on each
  commander and roll entry (the explanation encrypted under the agreement's key);
  `agreement_hit_acknowledgements` and `agreement_acknowledged_hits`: the named approvers'
  acknowledgements (who, when, note) and the hits each covers.

The roll's table is made again (SQLite cannot drop columns used in a CHECK or a foreign
key): its rows are read first and written back encrypted, which needs the keyring
(`config.attributes["keyring"]`, set by `haven db upgrade`); a database holding roll entries
without it is refused, untouched. Arrivals that point at roll entries are set aside and put
back around it (SQLite); PostgreSQL drops and restores their foreign key instead.
Downgrade decrypts the roll back into plaintext columns.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

import os
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import context, op

import haven.db.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "agreement_roll_entries"
ERASED_NAME = "[erased]"  # what erasure wrote before this revision
ERASED_KEY = "|"
ARRIVALS_FK = "fk_agreement_arrivals_roll_entry_id_agreement_roll_entries"
# Columns carried over unchanged.
KEPT = (
    "id",
    "agreement_id",
    "organisation_id",
    "row_number",
    "unit_id",
    "unit_text",
    "company",
    "weapons_expected",
    "family_expected",
    "created_at",
    "updated_at",
)
TEXT = ("prefix", "name_my", "name_latin", "position")
PROTECTED = ("prefix", "name_my", "name_latin", "birth_year", "rank_id", "position")


def _keyring(what: str) -> Any:
    keyring = context.config.attributes.get("keyring")
    if keyring is None:
        raise RuntimeError(
            f"revision 0014 must {what} the nominal rolls already in the database and needs "
            "Haven's keyring for it: run `haven db upgrade`, which unlocks it"
        )
    return keyring


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _rows(sql: str) -> list[Any]:
    return list(op.get_bind().execute(sa.text(sql)))


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _common_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("unit_text", sa.String(length=100), nullable=True),
        sa.Column("company", sa.String(length=40), nullable=True),
        sa.Column("weapons_expected", sa.Integer(), nullable=False),
        sa.Column("family_expected", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
    ]


def _common_constraints() -> list[Any]:
    return [
        sa.CheckConstraint("family_expected >= 0", name=op.f("ck_agreement_roll_entries_family")),
        sa.CheckConstraint("weapons_expected >= 0", name=op.f("ck_agreement_roll_entries_weapons")),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_roll_entries_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_agreement_roll_entries_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_agreement_roll_entries_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_roll_entries")),
    ]


def _create_new_roll() -> None:
    op.create_table(
        TABLE,
        *_common_columns(),
        *(sa.Column(name, sa.LargeBinary(), nullable=True) for name in PROTECTED),
        sa.Column("name_index", sa.String(length=64), nullable=True),
        sa.Column("erased_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        *_common_constraints(),
        sa.CheckConstraint(
            "name_my IS NOT NULL OR name_latin IS NOT NULL OR erased_at IS NOT NULL",
            name=op.f("ck_agreement_roll_entries_has_name"),
        ),
    )
    for column in ("agreement_id", "organisation_id", "name_index"):
        op.create_index(op.f(f"ix_{TABLE}_{column}"), TABLE, [column], unique=False)


def _create_old_roll() -> None:
    op.create_table(
        TABLE,
        *_common_columns(),
        sa.Column("prefix", sa.String(length=20), nullable=True),
        sa.Column("name_my", sa.String(length=200), nullable=True),
        sa.Column("name_latin", sa.String(length=200), nullable=True),
        sa.Column("name_key", sa.String(length=400), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("rank_id", sa.Uuid(), nullable=True),
        sa.Column("position", sa.String(length=200), nullable=True),
        *_common_constraints(),
        sa.CheckConstraint(
            "name_my IS NOT NULL OR name_latin IS NOT NULL",
            name=op.f("ck_agreement_roll_entries_has_name"),
        ),
        sa.ForeignKeyConstraint(
            ["rank_id"], ["ranks.id"], name=op.f("fk_agreement_roll_entries_rank_id_ranks")
        ),
    )
    for column in ("agreement_id", "organisation_id", "name_key"):
        op.create_index(op.f(f"ix_{TABLE}_{column}"), TABLE, [column], unique=False)


def _replace_roll(drop_indexes: Sequence[str], create: Any, rows: list[dict[str, Any]]) -> None:
    """Drop the roll's table and make it again with `create`, then insert `rows`; arrivals
    pointing at it are set aside meanwhile (SQLite) or lose their foreign key (PostgreSQL)."""
    bind = op.get_bind()
    kept: list[Any] = []
    columns: list[str] = []
    if _is_sqlite():
        columns = [c["name"] for c in sa.inspect(bind).get_columns("agreement_arrivals")]
        names = ", ".join(columns)
        kept = _rows(
            f"SELECT {names} FROM agreement_arrivals WHERE roll_entry_id IS NOT NULL"  # noqa: S608
        )
        if kept:
            op.execute("DELETE FROM agreement_arrivals WHERE roll_entry_id IS NOT NULL")
    else:
        op.drop_constraint(ARRIVALS_FK, "agreement_arrivals", type_="foreignkey")
    for column in drop_indexes:
        op.drop_index(op.f(f"ix_{TABLE}_{column}"), table_name=TABLE)
    op.drop_table(TABLE)
    create()
    for row in rows:
        _insert(TABLE, row)
    if _is_sqlite():
        for row in kept:
            _insert("agreement_arrivals", dict(zip(columns, row, strict=True)), raw=True)
    else:
        op.create_foreign_key(ARRIVALS_FK, "agreement_arrivals", TABLE, ["roll_entry_id"], ["id"])


def _insert(table: str, values: dict[str, Any], *, raw: bool = False) -> None:
    """Insert one row; values read with `sa.text` go back as they came (`raw`)."""
    names = list(values)
    statement = sa.text(
        # Names are this migration's constants or the table's own columns; values are bound.
        f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608
        f"VALUES ({', '.join(':' + n for n in names)})"
    )
    if not raw:
        statement = statement.bindparams(
            *(
                sa.bindparam(n, type_=sa.LargeBinary())
                for n, v in values.items()
                if isinstance(v, bytes)
            )
        )
    op.get_bind().execute(statement, values)


class _Keys:
    """The agreements' data keys, made (and stored wrapped) for an agreement without one."""

    def __init__(self, keyring: Any) -> None:
        self.keyring = keyring
        self.keys: dict[uuid.UUID, bytes | None] = {}

    def get(self, agreement_id: uuid.UUID, *, create: bool) -> bytes | None:
        from haven.security.fields import unwrap_data_key, wrap_data_key

        if agreement_id in self.keys:
            return self.keys[agreement_id]
        bind = op.get_bind()
        wrapped = bind.execute(
            sa.text("SELECT wrapped_key FROM agreement_keys WHERE agreement_id = :a").bindparams(
                sa.bindparam("a", type_=sa.Uuid())
            ),
            {"a": agreement_id},
        ).scalar()
        key: bytes | None
        if wrapped is not None:
            key = unwrap_data_key(self.keyring.field_kek, bytes(wrapped), agreement_id)
        elif create:
            key = os.urandom(32)
            bind.execute(
                sa.text(
                    "INSERT INTO agreement_keys (agreement_id, wrapped_key, created_at) "
                    "VALUES (:a, :w, :now)"
                ).bindparams(
                    sa.bindparam("a", type_=sa.Uuid()),
                    sa.bindparam("w", type_=sa.LargeBinary()),
                    sa.bindparam("now", type_=haven.db.types.UTCDateTime()),
                ),
                {
                    "a": agreement_id,
                    "w": wrap_data_key(self.keyring.field_kek, key, agreement_id),
                    "now": datetime.now(UTC),
                },
            )
        else:
            key = None
        self.keys[agreement_id] = key
        return key


def _plain(name: str, value: Any) -> bytes | None:
    if value is None:
        return None
    if name == "birth_year":
        return str(int(value)).encode()
    if name == "rank_id":
        return str(_uuid(value)).encode()
    return str(value).encode()


def upgrade() -> None:
    old = _rows(
        f"SELECT {', '.join(KEPT)}, {', '.join(PROTECTED)}, name_key FROM {TABLE}"  # noqa: S608
    )
    keyring = _keyring("encrypt") if old else None
    rows: list[dict[str, Any]] = []
    if keyring is not None:
        from haven.security.blind_index import blind_index
        from haven.security.fields import associated_data, seal

        keys = _Keys(keyring)
        for found in old:
            values = dict(zip((*KEPT, *PROTECTED, "name_key"), found, strict=True))
            agreement_id = _uuid(values["agreement_id"])
            name_key = values.pop("name_key")
            row = {k: values[k] for k in KEPT}
            erased = name_key == ERASED_KEY and values["name_latin"] == ERASED_NAME
            if erased:
                row |= dict.fromkeys(PROTECTED) | {"name_index": None}
                row["erased_at"] = values["updated_at"]
                rows.append(row)
                continue
            key = keys.get(agreement_id, create=True)
            if key is None:  # pragma: no cover - create=True always gives a key
                raise RuntimeError("revision 0014: an agreement without a data key")
            for name in PROTECTED:
                raw = _plain(name, values[name])
                row[name] = (
                    None
                    if raw is None
                    else seal(key, raw, associated_data(TABLE, name, agreement_id))
                )
            row["name_index"] = (
                blind_index(keyring.index_key, "roll_name", name_key)
                if name_key and name_key != ERASED_KEY
                else None
            )
            row["erased_at"] = None
            rows.append(row)
    _replace_roll(("agreement_id", "organisation_id", "name_key"), _create_new_roll, rows)

    op.create_table(
        "agreement_screening_hits",
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("roll_entry_id", sa.Uuid(), nullable=True),
        sa.Column("party_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("signature", sa.String(length=60), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=True),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("explanation", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(roll_entry_id IS NULL) <> (party_id IS NULL)",
            name=op.f("ck_agreement_screening_hits_one_subject"),
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_screening_hits_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["vetting_incidents.id"],
            name=op.f("fk_agreement_screening_hits_incident_id_vetting_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_agreement_screening_hits_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["agreement_parties.id"],
            name=op.f("fk_agreement_screening_hits_party_id_agreement_parties"),
        ),
        sa.ForeignKeyConstraint(
            ["roll_entry_id"],
            ["agreement_roll_entries.id"],
            name=op.f("fk_agreement_screening_hits_roll_entry_id_agreement_roll_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_screening_hits")),
        sa.UniqueConstraint(
            "party_id", "signature", name=op.f("uq_agreement_screening_hits_party_id_signature")
        ),
        sa.UniqueConstraint(
            "roll_entry_id",
            "signature",
            name=op.f("uq_agreement_screening_hits_roll_entry_id_signature"),
        ),
    )
    for column in ("agreement_id", "organisation_id", "party_id", "roll_entry_id"):
        op.create_index(
            op.f(f"ix_agreement_screening_hits_{column}"),
            "agreement_screening_hits",
            [column],
            unique=False,
        )
    op.create_table(
        "agreement_hit_acknowledgements",
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("note", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_hit_acknowledgements_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_agreement_hit_acknowledgements_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_agreement_hit_acknowledgements_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_hit_acknowledgements")),
    )
    for column in ("agreement_id", "organisation_id", "user_id"):
        op.create_index(
            op.f(f"ix_agreement_hit_acknowledgements_{column}"),
            "agreement_hit_acknowledgements",
            [column],
            unique=False,
        )
    op.create_table(
        "agreement_acknowledged_hits",
        sa.Column("acknowledgement_id", sa.Uuid(), nullable=False),
        sa.Column("hit_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledgement_id"],
            ["agreement_hit_acknowledgements.id"],
            name=op.f(
                "fk_agreement_acknowledged_hits_acknowledgement_id_agreement_hit_acknowledgements"
            ),
        ),
        sa.ForeignKeyConstraint(
            ["hit_id"],
            ["agreement_screening_hits.id"],
            name=op.f("fk_agreement_acknowledged_hits_hit_id_agreement_screening_hits"),
        ),
        sa.PrimaryKeyConstraint(
            "acknowledgement_id", "hit_id", name=op.f("pk_agreement_acknowledged_hits")
        ),
    )
    op.create_index(
        op.f("ix_agreement_acknowledged_hits_hit_id"),
        "agreement_acknowledged_hits",
        ["hit_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_agreement_acknowledged_hits_hit_id"), table_name="agreement_acknowledged_hits"
    )
    op.drop_table("agreement_acknowledged_hits")
    for column in ("agreement_id", "organisation_id", "user_id"):
        op.drop_index(
            op.f(f"ix_agreement_hit_acknowledgements_{column}"),
            table_name="agreement_hit_acknowledgements",
        )
    op.drop_table("agreement_hit_acknowledgements")
    for column in ("agreement_id", "organisation_id", "party_id", "roll_entry_id"):
        op.drop_index(
            op.f(f"ix_agreement_screening_hits_{column}"), table_name="agreement_screening_hits"
        )
    op.drop_table("agreement_screening_hits")

    current = _rows(
        f"SELECT {', '.join(KEPT)}, {', '.join(PROTECTED)}, erased_at FROM {TABLE}"  # noqa: S608
    )
    needs_keys = any(any(v is not None for v in r[len(KEPT) : -1]) for r in current)
    keyring = _keyring("decrypt") if needs_keys else None
    rows: list[dict[str, Any]] = []
    if current:
        from haven.kernel.keys import name_key
        from haven.security.fields import associated_data, unseal

        keys = _Keys(keyring) if keyring is not None else None
        for found in current:
            values = dict(zip((*KEPT, *PROTECTED, "erased_at"), found, strict=True))
            agreement_id = _uuid(values["agreement_id"])
            row = {k: values[k] for k in KEPT}
            key = keys.get(agreement_id, create=False) if keys is not None else None
            plain: dict[str, str | None] = {}
            for name in PROTECTED:
                blob = values[name]
                if blob is None or key is None:
                    plain[name] = None
                    continue
                raw = unseal(
                    key,
                    bytes(blob),
                    associated_data(TABLE, name, agreement_id),
                    what=f"{TABLE}.{name}",
                )
                plain[name] = raw.decode()
            if values["erased_at"] is not None or not (plain["name_my"] or plain["name_latin"]):
                plain = dict.fromkeys(PROTECTED) | {"name_latin": ERASED_NAME}
            row |= {name: plain[name] for name in TEXT}
            row["birth_year"] = int(plain["birth_year"]) if plain["birth_year"] else None
            rank_id = uuid.UUID(plain["rank_id"]) if plain["rank_id"] else None
            # Read back raw (`sa.text`): SQLite keeps a UUID as 32 hex digits.
            row["rank_id"] = rank_id.hex if rank_id and _is_sqlite() else rank_id
            row["name_key"] = (
                ERASED_KEY
                if plain["name_latin"] == ERASED_NAME
                else name_key(plain["name_latin"], plain["name_my"])
            )
            rows.append(row)
    _replace_roll(("agreement_id", "organisation_id", "name_index"), _create_old_roll, rows)
