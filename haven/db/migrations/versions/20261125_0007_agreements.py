"""agreements

Defection agreements with commanders, nominal rolls, crossing day and reconciliation:
agreements (terms and notes encrypted under a per-agreement data key in `agreement_keys`),
their parties (commanders, encrypted), named approvers, the nominal roll and the arrivals.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import haven.db.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agreements",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column("code_name", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_changed_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status_changed_by_id", sa.Uuid(), nullable=True),
        sa.Column("expected_crossing_on", sa.Date(), nullable=True),
        sa.Column("expected_headcount", sa.Integer(), nullable=True),
        sa.Column("plan_version_id", sa.Uuid(), nullable=True),
        sa.Column("allowance_overrides", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("terms", sa.LargeBinary(), nullable=True),
        sa.Column("notes", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "expected_headcount IS NULL OR expected_headcount >= 0",
            name=op.f("ck_agreements_headcount"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_agreements_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_agreements_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_version_id"],
            ["allowance_plan_versions.id"],
            name=op.f("fk_agreements_plan_version_id_allowance_plan_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_agreements_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["status_changed_by_id"],
            ["users.id"],
            name=op.f("fk_agreements_status_changed_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
        sa.UniqueConstraint(
            "organisation_id", "code_name", name=op.f("uq_agreements_organisation_id_code_name")
        ),
    )
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreements_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_agreements_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_agreements_status"), ["status"], unique=False)

    op.create_table(
        "agreement_approvers",
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("approved_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_approvers_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_agreement_approvers_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_agreement_approvers_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_approvers")),
        sa.UniqueConstraint(
            "agreement_id", "user_id", name=op.f("uq_agreement_approvers_agreement_id_user_id")
        ),
    )
    with op.batch_alter_table("agreement_approvers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_approvers_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_approvers_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_approvers_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "agreement_keys",
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_keys_agreement_id_agreements"),
        ),
        sa.PrimaryKeyConstraint("agreement_id", name=op.f("pk_agreement_keys")),
    )
    op.create_table(
        "agreement_parties",
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("identity", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_parties_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_agreement_parties_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_parties")),
    )
    with op.batch_alter_table("agreement_parties", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_parties_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_parties_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "agreement_roll_entries",
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=20), nullable=True),
        sa.Column("name_my", sa.String(length=200), nullable=True),
        sa.Column("name_latin", sa.String(length=200), nullable=True),
        sa.Column("name_key", sa.String(length=400), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("rank_id", sa.Uuid(), nullable=True),
        sa.Column("unit_id", sa.Uuid(), nullable=True),
        sa.Column("unit_text", sa.String(length=100), nullable=True),
        sa.Column("company", sa.String(length=40), nullable=True),
        sa.Column("position", sa.String(length=200), nullable=True),
        sa.Column("weapons_expected", sa.Integer(), nullable=False),
        sa.Column("family_expected", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("family_expected >= 0", name=op.f("ck_agreement_roll_entries_family")),
        sa.CheckConstraint(
            "name_my IS NOT NULL OR name_latin IS NOT NULL",
            name=op.f("ck_agreement_roll_entries_has_name"),
        ),
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
            ["rank_id"], ["ranks.id"], name=op.f("fk_agreement_roll_entries_rank_id_ranks")
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_agreement_roll_entries_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_roll_entries")),
    )
    with op.batch_alter_table("agreement_roll_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_roll_entries_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_roll_entries_name_key"), ["name_key"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_roll_entries_organisation_id"),
            ["organisation_id"],
            unique=False,
        )

    op.create_table(
        "agreement_arrivals",
        sa.Column("agreement_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("roll_entry_id", sa.Uuid(), nullable=True),
        sa.Column("reception_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("desk", sa.String(length=40), nullable=True),
        sa.Column("via", sa.String(length=10), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("weapons_received", sa.Integer(), nullable=False),
        sa.Column("family_moved", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("family_moved >= 0", name=op.f("ck_agreement_arrivals_family")),
        sa.CheckConstraint("weapons_received >= 0", name=op.f("ck_agreement_arrivals_weapons")),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_agreement_arrivals_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_agreement_arrivals_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_agreement_arrivals_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["reception_id"],
            ["reception_events.id"],
            name=op.f("fk_agreement_arrivals_reception_id_reception_events"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_agreement_arrivals_recorded_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["roll_entry_id"],
            ["agreement_roll_entries.id"],
            name=op.f("fk_agreement_arrivals_roll_entry_id_agreement_roll_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_arrivals")),
        sa.UniqueConstraint(
            "agreement_id",
            "idempotency_key",
            name=op.f("uq_agreement_arrivals_agreement_id_idempotency_key"),
        ),
        sa.UniqueConstraint("reception_id", name=op.f("uq_agreement_arrivals_reception_id")),
        sa.UniqueConstraint("roll_entry_id", name=op.f("uq_agreement_arrivals_roll_entry_id")),
    )
    with op.batch_alter_table("agreement_arrivals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_arrivals_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_arrivals_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_arrivals_person_id"), ["person_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("agreement_arrivals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_arrivals_person_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_arrivals_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_arrivals_agreement_id"))

    op.drop_table("agreement_arrivals")
    with op.batch_alter_table("agreement_roll_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_roll_entries_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_roll_entries_name_key"))
        batch_op.drop_index(batch_op.f("ix_agreement_roll_entries_agreement_id"))

    op.drop_table("agreement_roll_entries")
    with op.batch_alter_table("agreement_parties", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_parties_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_parties_agreement_id"))

    op.drop_table("agreement_parties")
    op.drop_table("agreement_keys")
    with op.batch_alter_table("agreement_approvers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_approvers_user_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_approvers_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_approvers_agreement_id"))

    op.drop_table("agreement_approvers")
    with op.batch_alter_table("agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreements_status"))
        batch_op.drop_index(batch_op.f("ix_agreements_site_id"))
        batch_op.drop_index(batch_op.f("ix_agreements_organisation_id"))

    op.drop_table("agreements")
