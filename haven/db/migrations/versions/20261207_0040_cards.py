"""programme identity cards (issue 24)

`card_signing_keys`: the programme's Ed25519 card-signing keys (the private key sealed under
the keyring, present at headquarters only; a field node holds public keys alone). `cards`:
one row per card issued, at most one active per person (a partial unique index), its signed
QR payload encrypted under the person's data key. New tables only; downgrade drops them.

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import haven.db.types

revision = "0040"
down_revision = "0039"
branch_labels = None
depends_on = None

_REASONS = "('lost', 'stolen', 'seized', 'damaged', 'replaced', 'left_programme')"


def upgrade() -> None:
    when = haven.db.types.UTCDateTime(timezone=True)
    op.create_table(
        "card_signing_keys",
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("private_key", sa.LargeBinary(), nullable=True),
        sa.Column("retired_at", when, nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("updated_at", when, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_signing_keys")),
        sa.UniqueConstraint("key_id", name=op.f("uq_card_signing_keys_key_id")),
    )
    op.create_table(
        "cards",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("card_number", sa.String(length=20), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("issued_at", when, nullable=False),
        sa.Column("issued_by_id", sa.Uuid(), nullable=True),
        sa.Column("revoked_at", when, nullable=True),
        sa.Column("revoked_by_id", sa.Uuid(), nullable=True),
        sa.Column("revoked_reason", sa.String(length=20), nullable=True),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("updated_at", when, nullable=False),
        sa.CheckConstraint("status IN ('active', 'revoked')", name=op.f("ck_cards_status")),
        sa.CheckConstraint(
            f"revoked_reason IS NULL OR revoked_reason IN {_REASONS}",
            name=op.f("ck_cards_revoked_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_cards_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_cards_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_cards_site_id_sites")),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["users.id"], name=op.f("fk_cards_issued_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["users.id"], name=op.f("fk_cards_revoked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cards")),
        sa.UniqueConstraint("card_number", name=op.f("uq_cards_card_number")),
    )
    for column in ("person_id", "organisation_id", "site_id"):
        op.create_index(op.f(f"ix_cards_{column}"), "cards", [column])
    op.create_index("ix_cards_organisation_issued", "cards", ["organisation_id", "issued_at"])
    op.create_index(
        "uq_cards_active_person",
        "cards",
        ["person_id"],
        unique=True,
        sqlite_where=sa.text("status = 'active'"),
        postgresql_where=sa.text("status = 'active'"),
    )


def downgrade() -> None:
    op.drop_index("uq_cards_active_person", table_name="cards")
    op.drop_index("ix_cards_organisation_issued", table_name="cards")
    for column in ("site_id", "organisation_id", "person_id"):
        op.drop_index(op.f(f"ix_cards_{column}"), table_name="cards")
    op.drop_table("cards")
    op.drop_table("card_signing_keys")
