"""audit witness: operator attestations of the chain's head, append-only like the trail

An attestation is a signature, made off the laptop with the operator's (or headquarters')
Ed25519 key, over the seq and hash of an event of the chain (`haven.audit.witness`). The table
is new and empty: existing trails simply have no attestation yet.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import haven.db.types

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "audit_attestations"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("event_hash", sa.String(length=64), nullable=False),
        sa.Column("signed_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("imported_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_attestations")),
        sa.UniqueConstraint("seq", "key_id", name=op.f("uq_audit_attestations_seq_key_id")),
    )
    # Append-only, as the trail and its checkpoints (revision 0003 made the PG function).
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE} "
            "FOR EACH ROW EXECUTE FUNCTION haven_audit_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
            "FOR EACH STATEMENT EXECUTE FUNCTION haven_audit_append_only()"
        )
    else:
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {TABLE}_no_{operation.lower()} BEFORE {operation} ON {TABLE} "
                "BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
    else:
        for operation in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{operation}")
    op.drop_table(TABLE)
