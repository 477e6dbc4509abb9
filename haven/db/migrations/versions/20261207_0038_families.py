"""family members at risk and family-movement plans (issue 24)

Relatives gain a year of birth, a kind of area, at risk, to be moved and whether the case
worker decided their dependant status; family-movement plans with their relatives, steps and
own data key (haven.families). Existing free-text relations stay as typed.

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from haven.db.types import UTCDateTime

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "family_plans",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("agreement_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_changed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("status_changed_by_id", sa.Uuid(), nullable=True),
        sa.Column("origin_kind", sa.String(length=10), nullable=False),
        sa.Column("origin", sa.LargeBinary(), nullable=True),
        sa.Column("destination", sa.LargeBinary(), nullable=True),
        sa.Column("status_reason", sa.LargeBinary(), nullable=True),
        sa.Column("unnamed_relatives", sa.Integer(), nullable=False),
        sa.Column("erased_relatives", sa.Integer(), nullable=False),
        sa.Column("erased_moved", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "origin_kind IN ('compound', 'village')", name=op.f("ck_family_plans_origin_kind")
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'under_way', 'completed', 'suspended', 'cancelled')",
            name=op.f("ck_family_plans_status"),
        ),
        sa.CheckConstraint(
            "(person_id IS NULL) <> (agreement_id IS NULL)",
            name=op.f("ck_family_plans_person_or_agreement"),
        ),
        sa.CheckConstraint(
            "erased_moved >= 0 AND erased_relatives >= erased_moved",
            name=op.f("ck_family_plans_erased"),
        ),
        sa.CheckConstraint("unnamed_relatives >= 0", name=op.f("ck_family_plans_unnamed")),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreements.id"],
            name=op.f("fk_family_plans_agreement_id_agreements"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_family_plans_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_family_plans_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_family_plans_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["status_changed_by_id"],
            ["users.id"],
            name=op.f("fk_family_plans_status_changed_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_plans")),
    )
    with op.batch_alter_table("family_plans", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_family_plans_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            "ix_family_plans_organisation_created", ["organisation_id", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_family_plans_person_id"), ["person_id"], unique=False)

    op.create_table(
        "family_plan_keys",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["family_plans.id"], name=op.f("fk_family_plan_keys_plan_id_family_plans")
        ),
        sa.PrimaryKeyConstraint("plan_id", name=op.f("pk_family_plan_keys")),
    )
    op.create_table(
        "family_plan_members",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("family_member_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("moved_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("moved_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["family_member_id"],
            ["family_members.id"],
            name=op.f("fk_family_plan_members_family_member_id_family_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["moved_by_id"], ["users.id"], name=op.f("fk_family_plan_members_moved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_family_plan_members_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["family_plans.id"],
            name=op.f("fk_family_plan_members_plan_id_family_plans"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_plan_members")),
        sa.UniqueConstraint(
            "plan_id",
            "family_member_id",
            name=op.f("uq_family_plan_members_plan_id_family_member_id"),
        ),
    )
    with op.batch_alter_table("family_plan_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_family_plan_members_family_member_id"),
            ["family_member_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_family_plan_members_plan_id"), ["plan_id"], unique=False
        )

    op.create_table(
        "family_plan_steps",
        sa.Column("plan_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.LargeBinary(), nullable=True),
        sa.Column("planned_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("done_by_id", sa.Uuid(), nullable=True),
        sa.Column("responsible_user_id", sa.Uuid(), nullable=True),
        sa.Column("responsible_partner", sa.String(length=200), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["done_by_id"], ["users.id"], name=op.f("fk_family_plan_steps_done_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_family_plan_steps_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["family_plans.id"], name=op.f("fk_family_plan_steps_plan_id_family_plans")
        ),
        sa.ForeignKeyConstraint(
            ["responsible_user_id"],
            ["users.id"],
            name=op.f("fk_family_plan_steps_responsible_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_family_plan_steps")),
    )
    with op.batch_alter_table("family_plan_steps", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_family_plan_steps_plan_id"), ["plan_id"], unique=False)

    with op.batch_alter_table("family_members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birth_year", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("dependant_decided", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("area", sa.String(length=20), server_default="unknown", nullable=False)
        )
        batch_op.add_column(
            sa.Column("at_risk", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("to_move", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # A dependant recorded before the rule was the case worker's own decision: kept as it is.
    op.execute(sa.text("UPDATE family_members SET dependant_decided = is_dependant"))


def downgrade() -> None:
    with op.batch_alter_table("family_members", schema=None) as batch_op:
        batch_op.drop_column("to_move")
        batch_op.drop_column("at_risk")
        batch_op.drop_column("area")
        batch_op.drop_column("dependant_decided")
        batch_op.drop_column("birth_year")

    with op.batch_alter_table("family_plan_steps", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_plan_steps_plan_id"))

    op.drop_table("family_plan_steps")
    with op.batch_alter_table("family_plan_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_plan_members_plan_id"))
        batch_op.drop_index(batch_op.f("ix_family_plan_members_family_member_id"))

    op.drop_table("family_plan_members")
    op.drop_table("family_plan_keys")
    with op.batch_alter_table("family_plans", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_family_plans_person_id"))
        batch_op.drop_index("ix_family_plans_organisation_created")
        batch_op.drop_index(batch_op.f("ix_family_plans_agreement_id"))

    op.drop_table("family_plans")
