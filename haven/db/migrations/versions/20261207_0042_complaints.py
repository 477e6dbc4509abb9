"""complaints and feedback (issue 24)

`complaints`: a complaint or feedback by any channel, from a person, a relative, someone else
or no one named (an anonymous one keeps no link, name or contact: a CHECK), its category,
confidentiality, state and deadlines; `complaint_entries`: its dated log (notes, responses
and how they were given, the reasons of each move); `complaint_keys`: each complaint's
wrapped data key, under which names, contacts and texts are encrypted;
`complaint_deadlines`: an organisation's days to acknowledge and respond by category. New
tables only.

Revision ID: 0042
Revises: 0041
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import haven.db.types

_CATEGORIES = (
    "category IN ('payment_not_received', 'mistreatment', 'data_concern', 'safety',"
    " 'living_conditions', 'other')"
)
_CHANNELS = (
    "'in_person', 'phone', 'hotline', 'messenger', 'letter', 'complaint_box',"
    " 'community_meeting', 'through_staff', 'other'"
)

revision = "0042"
down_revision = "0041"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "complaint_deadlines",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("acknowledge_days", sa.Integer(), nullable=False),
        sa.Column("respond_days", sa.Integer(), nullable=False),
        sa.Column("set_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            _CATEGORIES,
            name=op.f("ck_complaint_deadlines_category"),
        ),
        sa.CheckConstraint(
            "acknowledge_days BETWEEN 0 AND 90 AND respond_days BETWEEN 1 AND 365"
            " AND acknowledge_days <= respond_days",
            name=op.f("ck_complaint_deadlines_days"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_complaint_deadlines_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["users.id"], name=op.f("fk_complaint_deadlines_set_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_deadlines")),
        sa.UniqueConstraint(
            "organisation_id",
            "category",
            name=op.f("uq_complaint_deadlines_organisation_id_category"),
        ),
    )
    op.create_index(
        op.f("ix_complaint_deadlines_organisation_id"),
        "complaint_deadlines",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "complaints",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column("reference", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("complainant", sa.String(length=10), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("family_member_id", sa.Uuid(), nullable=True),
        sa.Column("instalment_id", sa.Uuid(), nullable=True),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=15), nullable=False),
        sa.Column("received_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledge_by", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("respond_by", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("acknowledged_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_responded_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status_changed_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status_changed_by_id", sa.Uuid(), nullable=True),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("assigned_to_id", sa.Uuid(), nullable=True),
        sa.Column("erased_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("complainant_name", sa.LargeBinary(), nullable=True),
        sa.Column("contact", sa.LargeBinary(), nullable=True),
        sa.Column("body", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            _CATEGORIES,
            name=op.f("ck_complaints_category"),
        ),
        sa.CheckConstraint(
            f"channel IN ({_CHANNELS})",
            name=op.f("ck_complaints_channel"),
        ),
        sa.CheckConstraint(
            "complainant <> 'anonymous' OR (person_id IS NULL AND family_member_id IS NULL"
            " AND complainant_name IS NULL AND contact IS NULL AND instalment_id IS NULL)",
            name=op.f("ck_complaints_anonymous_keeps_nothing"),
        ),
        sa.CheckConstraint(
            "complainant IN ('person', 'relative', 'other', 'anonymous')",
            name=op.f("ck_complaints_complainant"),
        ),
        sa.CheckConstraint(
            "complainant NOT IN ('person', 'relative') OR person_id IS NOT NULL"
            " OR erased_at IS NOT NULL",
            name=op.f("ck_complaints_linked"),
        ),
        sa.CheckConstraint("kind IN ('complaint', 'feedback')", name=op.f("ck_complaints_kind")),
        sa.CheckConstraint(
            "status IN ('received', 'acknowledged', 'escalated', 'responded', 'closed',"
            " 'reopened')",
            name=op.f("ck_complaints_status"),
        ),
        sa.ForeignKeyConstraint(
            ["assigned_to_id"], ["users.id"], name=op.f("fk_complaints_assigned_to_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["family_member_id"],
            ["family_members.id"],
            name=op.f("fk_complaints_family_member_id_family_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["instalment_id"],
            ["allowance_instalments.id"],
            name=op.f("fk_complaints_instalment_id_allowance_instalments"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_complaints_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_complaints_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_complaints_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_complaints_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["status_changed_by_id"],
            ["users.id"],
            name=op.f("fk_complaints_status_changed_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
    )
    op.create_index(
        op.f("ix_complaints_assigned_to_id"), "complaints", ["assigned_to_id"], unique=False
    )
    op.create_index(
        op.f("ix_complaints_family_member_id"), "complaints", ["family_member_id"], unique=False
    )
    op.create_index(
        op.f("ix_complaints_organisation_id"), "complaints", ["organisation_id"], unique=False
    )
    op.create_index(
        "ix_complaints_organisation_received",
        "complaints",
        ["organisation_id", "received_at"],
        unique=False,
    )
    op.create_index(
        "ix_complaints_organisation_status",
        "complaints",
        ["organisation_id", "status", "category"],
        unique=False,
    )
    op.create_index(op.f("ix_complaints_person_id"), "complaints", ["person_id"], unique=False)
    op.create_index(op.f("ix_complaints_reference"), "complaints", ["reference"], unique=True)
    op.create_index(op.f("ix_complaints_site_id"), "complaints", ["site_id"], unique=False)
    op.create_table(
        "complaint_entries",
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("given_by", sa.String(length=20), nullable=True),
        sa.Column("entered_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("entered_by_id", sa.Uuid(), nullable=True),
        sa.Column("text", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            f"given_by IS NULL OR given_by IN ({_CHANNELS}, 'public_notice')",
            name=op.f("ck_complaint_entries_given_by"),
        ),
        sa.CheckConstraint(
            "kind IN ('note', 'response', 'acknowledgement', 'escalation', 'closure', 'reopening')",
            name=op.f("ck_complaint_entries_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_entries_complaint_id_complaints"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"], ["users.id"], name=op.f("fk_complaint_entries_entered_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_complaint_entries_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint_entries")),
    )
    op.create_index(
        op.f("ix_complaint_entries_complaint_id"),
        "complaint_entries",
        ["complaint_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_complaint_entries_organisation_id"),
        "complaint_entries",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "complaint_keys",
        sa.Column("complaint_id", sa.Uuid(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_complaint_keys_complaint_id_complaints"),
        ),
        sa.PrimaryKeyConstraint("complaint_id", name=op.f("pk_complaint_keys")),
    )


def downgrade() -> None:
    op.drop_table("complaint_keys")
    op.drop_index(op.f("ix_complaint_entries_organisation_id"), table_name="complaint_entries")
    op.drop_index(op.f("ix_complaint_entries_complaint_id"), table_name="complaint_entries")
    op.drop_table("complaint_entries")
    op.drop_index(op.f("ix_complaints_site_id"), table_name="complaints")
    op.drop_index(op.f("ix_complaints_reference"), table_name="complaints")
    op.drop_index(op.f("ix_complaints_person_id"), table_name="complaints")
    op.drop_index("ix_complaints_organisation_status", table_name="complaints")
    op.drop_index("ix_complaints_organisation_received", table_name="complaints")
    op.drop_index(op.f("ix_complaints_organisation_id"), table_name="complaints")
    op.drop_index(op.f("ix_complaints_family_member_id"), table_name="complaints")
    op.drop_index(op.f("ix_complaints_assigned_to_id"), table_name="complaints")
    op.drop_table("complaints")
    op.drop_index(op.f("ix_complaint_deadlines_organisation_id"), table_name="complaint_deadlines")
    op.drop_table("complaint_deadlines")
