"""person data keys, encrypted fields and blind indexes

Every confidential column of persons, family_members and person_photos becomes AES-256-GCM
ciphertext (LargeBinary) under a per-person data key kept wrapped in `person_keys`; NRC and
service number get HMAC blind indexes; persons get `retention_until` and `erased_at`.

Columns are dropped and added again (not altered) so that SQLite never rebuilds `persons`,
which other tables reference. Values already present are carried over: read first, then
written back encrypted, which needs the keyring (`config.attributes["keyring"]`, set by
`haven db upgrade`); a database holding confidential values without it is refused, untouched.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

import json
import os
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import context, op

import haven.db.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PERSON_TEXT = ("religion", "nrc", "service_number", "phone", "contact_notes")
OLD_TEXT_TYPES = {
    "religion": sa.String(length=100),
    "nrc": sa.String(length=60),
    "service_number": sa.String(length=60),
    "phone": sa.String(length=60),
    "contact_notes": sa.String(length=1000),
}
BLIND = {"nrc": "nrc_index", "service_number": "service_number_index"}


def _keyring() -> Any:
    return context.config.attributes.get("keyring")


def _need_keyring(what: str) -> Any:
    keyring = _keyring()
    if keyring is None:
        raise RuntimeError(
            f"revision 0005 must {what} confidential values already in the database and "
            "needs Haven's keyring for it: run `haven db upgrade`, which unlocks it"
        )
    return keyring


def _rows(sql: str) -> list[Any]:
    return list(op.get_bind().execute(sa.text(sql)))


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _drop_columns(table: str, names: Sequence[str]) -> None:
    for name in names:
        op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")


def upgrade() -> None:
    # 1. Read what is there (plaintext), before the columns change.
    persons = [
        r
        for r in _rows(
            "SELECT id, religion, nrc, service_number, phone, contact_notes, disability "
            "FROM persons"
        )
        if any(r[1:6]) or (r[6] not in (None, "{}", {}))
    ]
    relatives = [r for r in _rows("SELECT id, person_id, whereabouts FROM family_members") if r[2]]
    photos = _rows("SELECT id, person_id, data FROM person_photos")
    keyring = _need_keyring("encrypt") if (persons or relatives or photos) else None

    # 2. The schema.
    op.create_table(
        "person_keys",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_person_keys_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_keys")),
    )
    op.drop_index(op.f("ix_persons_nrc"), table_name="persons")
    op.drop_index(op.f("ix_persons_service_number"), table_name="persons")
    _drop_columns("persons", (*PERSON_TEXT, "disability"))
    _drop_columns("family_members", ("whereabouts",))
    for name in (*PERSON_TEXT, "disability"):
        op.add_column("persons", sa.Column(name, sa.LargeBinary(), nullable=True))
    op.add_column("persons", sa.Column("nrc_index", sa.String(length=64), nullable=True))
    op.add_column("persons", sa.Column("service_number_index", sa.String(length=64), nullable=True))
    op.add_column("persons", sa.Column("retention_until", sa.Date(), nullable=True))
    op.add_column(
        "persons",
        sa.Column("erased_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
    )
    op.create_index(op.f("ix_persons_nrc_index"), "persons", ["nrc_index"], unique=False)
    op.create_index(
        op.f("ix_persons_service_number_index"),
        "persons",
        ["service_number_index"],
        unique=False,
    )
    op.create_index(
        op.f("ix_persons_retention_until"), "persons", ["retention_until"], unique=False
    )
    op.add_column("family_members", sa.Column("whereabouts", sa.LargeBinary(), nullable=True))

    # 3. The values, encrypted under a new data key per person.
    if keyring is not None:
        _encrypt_existing(keyring, persons, relatives, photos)


def _encrypt_existing(
    keyring: Any, persons: list[Any], relatives: list[Any], photos: list[Any]
) -> None:
    from haven.kernel.keys import canonical_nrc, canonical_service_number
    from haven.security.blind_index import blind_index
    from haven.security.fields import associated_data, seal, wrap_data_key

    bind = op.get_bind()
    keys: dict[uuid.UUID, bytes] = {}

    def key_of(person_id: uuid.UUID) -> bytes:
        if person_id not in keys:
            keys[person_id] = os.urandom(32)
            bind.execute(
                sa.text(
                    "INSERT INTO person_keys (person_id, wrapped_key, created_at) "
                    "VALUES (:person_id, :wrapped, :now)"
                ).bindparams(
                    sa.bindparam("person_id", type_=sa.Uuid()),
                    sa.bindparam("wrapped", type_=sa.LargeBinary()),
                    sa.bindparam("now", type_=haven.db.types.UTCDateTime()),
                ),
                {
                    "person_id": person_id,
                    "wrapped": wrap_data_key(keyring.field_kek, keys[person_id], person_id),
                    "now": datetime.now(UTC),
                },
            )
        return keys[person_id]

    def enc(table: str, column: str, person_id: uuid.UUID, raw: bytes) -> bytes:
        return seal(key_of(person_id), raw, associated_data(table, column, person_id))

    canonical = {"nrc": canonical_nrc, "service_number": canonical_service_number}
    for row in persons:
        person_id = _uuid(row[0])
        values: dict[str, Any] = {}
        for position, name in enumerate(PERSON_TEXT, start=1):
            text = row[position]
            values[name] = None if text is None else enc("persons", name, person_id, text.encode())
            if name in BLIND:
                form = canonical[name](text) if text else None
                values[BLIND[name]] = blind_index(keyring.index_key, name, form) if form else None
        disability = row[6]
        if isinstance(disability, str):
            disability = json.loads(disability)
        values["disability"] = (
            enc(
                "persons",
                "disability",
                person_id,
                json.dumps(disability, sort_keys=True, ensure_ascii=False).encode(),
            )
            if disability
            else None
        )
        _update("persons", person_id, values)
    for row in relatives:
        person_id = _uuid(row[1])
        _update(
            "family_members",
            _uuid(row[0]),
            {"whereabouts": enc("family_members", "whereabouts", person_id, row[2].encode())},
        )
    for row in photos:
        person_id = _uuid(row[1])
        _update(
            "person_photos",
            _uuid(row[0]),
            {"data": enc("person_photos", "data", person_id, bytes(row[2]))},
        )


def _update(table: str, row_id: uuid.UUID, values: dict[str, Any]) -> None:
    binary = {k for k, v in values.items() if isinstance(v, bytes)}
    statement = sa.text(
        # Names are this migration's constants; values are bound parameters.
        f"UPDATE {table} SET " + ", ".join(f"{k} = :{k}" for k in values) + " WHERE id = :id"  # noqa: S608
    ).bindparams(
        sa.bindparam("id", type_=sa.Uuid()),
        *(sa.bindparam(k, type_=sa.LargeBinary()) for k in binary),
    )
    op.get_bind().execute(statement, {"id": row_id, **values})


def downgrade() -> None:
    # Decrypt what is there (needs the keyring), then restore the plaintext columns.
    persons = [
        r
        for r in _rows(
            "SELECT id, religion, nrc, service_number, phone, contact_notes, disability "
            "FROM persons"
        )
        if any(v is not None for v in r[1:7])
    ]
    relatives = [r for r in _rows("SELECT id, person_id, whereabouts FROM family_members") if r[2]]
    photos = _rows("SELECT id, person_id, data FROM person_photos")
    keyring = _need_keyring("decrypt") if (persons or relatives or photos) else None
    plain = _decrypt_existing(keyring, persons, relatives, photos) if keyring else None

    op.drop_index(op.f("ix_persons_retention_until"), table_name="persons")
    op.drop_index(op.f("ix_persons_service_number_index"), table_name="persons")
    op.drop_index(op.f("ix_persons_nrc_index"), table_name="persons")
    _drop_columns(
        "persons",
        (
            *PERSON_TEXT,
            "disability",
            "nrc_index",
            "service_number_index",
            "retention_until",
            "erased_at",
        ),
    )
    _drop_columns("family_members", ("whereabouts",))
    op.drop_table("person_keys")
    for name in PERSON_TEXT:
        op.add_column("persons", sa.Column(name, OLD_TEXT_TYPES[name], nullable=True))
    op.add_column(
        "persons", sa.Column("disability", sa.JSON(), nullable=False, server_default="{}")
    )
    op.add_column("family_members", sa.Column("whereabouts", sa.String(length=1000), nullable=True))
    op.create_index(op.f("ix_persons_nrc"), "persons", ["nrc"], unique=False)
    op.create_index(op.f("ix_persons_service_number"), "persons", ["service_number"], unique=False)
    if plain is not None:
        person_values, relative_values, photo_values = plain
        for person_id, values in person_values.items():
            statement = sa.text(
                "UPDATE persons SET " + ", ".join(f"{k} = :{k}" for k in values) + " WHERE id = :id"  # noqa: S608
            ).bindparams(sa.bindparam("id", type_=sa.Uuid()))
            op.get_bind().execute(statement, {"id": person_id, **values})
        for member_id, text in relative_values.items():
            op.get_bind().execute(
                sa.text("UPDATE family_members SET whereabouts = :w WHERE id = :id").bindparams(
                    sa.bindparam("id", type_=sa.Uuid())
                ),
                {"id": member_id, "w": text},
            )
        for photo_id, data in photo_values.items():
            _update("person_photos", photo_id, {"data": data})


def _decrypt_existing(
    keyring: Any, persons: list[Any], relatives: list[Any], photos: list[Any]
) -> tuple[dict[uuid.UUID, dict[str, Any]], dict[uuid.UUID, str], dict[uuid.UUID, bytes]]:
    from haven.security.fields import associated_data, unseal, unwrap_data_key

    wrapped = {
        _uuid(r[0]): bytes(r[1]) for r in _rows("SELECT person_id, wrapped_key FROM person_keys")
    }
    keys: dict[uuid.UUID, bytes | None] = {}

    def dec(table: str, column: str, person_id: uuid.UUID, blob: Any) -> bytes | None:
        if blob is None:
            return None
        if person_id not in keys:
            found = wrapped.get(person_id)
            keys[person_id] = (
                unwrap_data_key(keyring.field_kek, found, person_id) if found else None
            )
        key = keys[person_id]
        if key is None:  # erased: nothing to give back
            return None
        aad = associated_data(table, column, person_id)
        return unseal(key, bytes(blob), aad, what=f"{table}.{column}")

    person_values: dict[uuid.UUID, dict[str, Any]] = {}
    for row in persons:
        person_id = _uuid(row[0])
        values: dict[str, Any] = {}
        for position, name in enumerate(PERSON_TEXT, start=1):
            raw = dec("persons", name, person_id, row[position])
            values[name] = None if raw is None else raw.decode()
        raw = dec("persons", "disability", person_id, row[6])
        values["disability"] = "{}" if raw is None else raw.decode()
        person_values[person_id] = values
    relative_values: dict[uuid.UUID, str] = {}
    for row in relatives:
        raw = dec("family_members", "whereabouts", _uuid(row[1]), row[2])
        if raw is not None:
            relative_values[_uuid(row[0])] = raw.decode()
    photo_values: dict[uuid.UUID, bytes] = {}
    for row in photos:
        raw = dec("person_photos", "data", _uuid(row[1]), row[2])
        photo_values[_uuid(row[0])] = raw if raw is not None else b""
    return person_values, relative_values, photo_values
