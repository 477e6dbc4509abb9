"""data-sharing agreements and the disclosure log (issue 24)

The log (`disclosures`, `disclosure_people`) is append-only like the audit trail: triggers
refuse UPDATE and DELETE on both engines (and TRUNCATE on PostgreSQL).

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from haven.db.types import UTCDateTime

revision = "0043"
down_revision = "0042"
branch_labels = None
depends_on = None

LOG_TABLES = ("disclosures", "disclosure_people")


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    op.create_table(
        "sharing_agreements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("recipient_kind", sa.String(length=20), nullable=False),
        sa.Column("recipient_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.String(length=30), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("document_reference", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("in_force_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("in_force_by", sa.Uuid(), nullable=True),
        sa.Column("suspended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("suspended_by", sa.Uuid(), nullable=True),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'in_force', 'suspended', 'ended')",
            name=op.f("ck_sharing_agreements_status"),
        ),
        sa.CheckConstraint(
            "valid_until IS NULL OR valid_until >= valid_from",
            name=op.f("ck_sharing_agreements_validity"),
        ),
        _fk("sharing_agreements", "organisation_id", "organisations"),
        _fk("sharing_agreements", "recipient_organisation_id", "organisations"),
        _fk("sharing_agreements", "created_by_id", "users"),
        _fk("sharing_agreements", "in_force_by", "users"),
        _fk("sharing_agreements", "suspended_by", "users"),
        _fk("sharing_agreements", "ended_by", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_agreements")),
    )
    op.create_index(
        op.f("ix_sharing_agreements_organisation_id"), "sharing_agreements", ["organisation_id"]
    )
    op.create_index(
        op.f("ix_sharing_agreements_recipient_organisation_id"),
        "sharing_agreements",
        ["recipient_organisation_id"],
    )
    op.create_table(
        "disclosures",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("source", sa.String(length=30), nullable=False),
        sa.Column("agreement_id", sa.Uuid(), nullable=True),
        sa.Column("recipient_name", sa.String(length=200), nullable=False),
        sa.Column("recipient_kind", sa.String(length=20), nullable=False),
        sa.Column("legal_basis", sa.String(length=30), nullable=True),
        sa.Column("legal_reference", sa.String(length=100), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("people_count", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("disclosed_by_id", sa.Uuid(), nullable=True),
        sa.Column("disclosed_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('export', 'notice', 'referral', 'report')",
            name=op.f("ck_disclosures_kind"),
        ),
        sa.CheckConstraint("people_count >= 0", name=op.f("ck_disclosures_people_count")),
        _fk("disclosures", "organisation_id", "organisations"),
        _fk("disclosures", "agreement_id", "sharing_agreements"),
        _fk("disclosures", "disclosed_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disclosures")),
    )
    op.create_index(
        "ix_disclosures_organisation_id_disclosed_at",
        "disclosures",
        ["organisation_id", "disclosed_at"],
    )
    op.create_index(op.f("ix_disclosures_agreement_id"), "disclosures", ["agreement_id"])
    op.create_table(
        "disclosure_people",
        sa.Column("disclosure_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        _fk("disclosure_people", "disclosure_id", "disclosures"),
        _fk("disclosure_people", "person_id", "persons"),
        sa.PrimaryKeyConstraint("disclosure_id", "person_id", name=op.f("pk_disclosure_people")),
    )
    op.create_index(op.f("ix_disclosure_people_person_id"), "disclosure_people", ["person_id"])
    # Append-only, as the audit trail (revision 0003 made the PostgreSQL function).
    for table in LOG_TABLES:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION haven_audit_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION haven_audit_append_only()"
            )
        else:
            for operation in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} "
                    f"ON {table} BEGIN SELECT RAISE(ABORT, 'the disclosure log is append-only'); "
                    "END"
                )


def downgrade() -> None:
    for table in LOG_TABLES:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        else:
            for operation in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
    op.drop_index(op.f("ix_disclosure_people_person_id"), table_name="disclosure_people")
    op.drop_table("disclosure_people")
    op.drop_index(op.f("ix_disclosures_agreement_id"), table_name="disclosures")
    op.drop_index("ix_disclosures_organisation_id_disclosed_at", table_name="disclosures")
    op.drop_table("disclosures")
    op.drop_index(
        op.f("ix_sharing_agreements_recipient_organisation_id"), table_name="sharing_agreements"
    )
    op.drop_index(op.f("ix_sharing_agreements_organisation_id"), table_name="sharing_agreements")
    op.drop_table("sharing_agreements")
