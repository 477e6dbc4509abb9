"""service numbers indexed by their letters and digits only

`canonical_service_number` now also drops hyphens, slashes, dots and underscores, so that
"BA-482913" and "ba 482913" are one number for search, the possible-duplicates panel and the
batch. The blind indexes of persons and prisoner-of-war records are computed again from the
decrypted values (which needs the keyring, `config.attributes["keyring"]`, set by
`haven db upgrade`), and the match profiles and `svc` match keys copy the persons' new
indexes. A value whose person was erased (key destroyed) has no index already and is left.
Downgrade computes the indexes with the previous rule (spaces dropped, upper case).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-25
"""

import uuid
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column holding the owning person's id)
TABLES = (("persons", "id"), ("pow_records", "person_id"))


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _previous_rule(value: str) -> str | None:
    """The rule before this revision, kept here: the code it came from has changed."""
    from haven.text import to_ascii_digits

    canonical = "".join(to_ascii_digits(value).split()).upper()
    return canonical or None


def _reindex(canonical: Callable[[str], str | None]) -> None:
    bind = op.get_bind()
    rows = {
        table: list(
            bind.execute(
                sa.text(
                    f"SELECT id, {owner}, service_number FROM {table} "  # noqa: S608
                    "WHERE service_number IS NOT NULL"
                )
            )
        )
        for table, owner in TABLES
    }
    if any(rows.values()):
        keyring = context.config.attributes.get("keyring")
        if keyring is None:
            raise RuntimeError(
                "revision 0012 must read the service numbers already in the database to index "
                "them again, and needs Haven's keyring for it: run `haven db upgrade`"
            )
        from haven.security.blind_index import blind_index
        from haven.security.fields import associated_data, unseal, unwrap_data_key

        keys: dict[uuid.UUID, bytes | None] = {}

        def key_of(person_id: uuid.UUID) -> bytes | None:
            if person_id not in keys:
                wrapped = bind.execute(
                    sa.text("SELECT wrapped_key FROM person_keys WHERE person_id = :p").bindparams(
                        sa.bindparam("p", type_=sa.Uuid())
                    ),
                    {"p": person_id},
                ).scalar()
                keys[person_id] = (
                    None
                    if wrapped is None
                    else unwrap_data_key(keyring.field_kek, bytes(wrapped), person_id)
                )
            return keys[person_id]

        for table, _owner in TABLES:
            for row_id, owner_id, blob in rows[table]:
                person_id = _uuid(owner_id)
                key = key_of(person_id)
                if key is None:
                    continue  # erased: the value can no longer be read, nor indexed
                aad = associated_data(table, "service_number", person_id)
                text = unseal(key, bytes(blob), aad, what=f"{table}.service_number").decode()
                form = canonical(text)
                index = blind_index(keyring.index_key, "service_number", form) if form else None
                bind.execute(
                    sa.text(
                        f"UPDATE {table} SET service_number_index = :index WHERE id = :id"  # noqa: S608
                    ).bindparams(sa.bindparam("id", type_=sa.Uuid())),
                    {"index": index, "id": _uuid(row_id)},
                )
    op.execute(
        "UPDATE match_profiles SET service_number_index = "
        "(SELECT service_number_index FROM persons WHERE persons.id = match_profiles.person_id)"
    )
    op.execute("DELETE FROM match_keys WHERE kind = 'svc'")
    op.execute(
        "INSERT INTO match_keys (person_id, kind, value, organisation_id) "
        "SELECT person_id, 'svc', service_number_index, organisation_id FROM match_profiles "
        "WHERE service_number_index IS NOT NULL"
    )


def upgrade() -> None:
    from haven.kernel.keys import canonical_service_number

    _reindex(canonical_service_number)


def downgrade() -> None:
    _reindex(_previous_rule)
