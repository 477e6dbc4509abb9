"""field nodes and synchronisation with headquarters

The tables of `haven.sync` (docs/field-sites.md): this database's identity as a node, the
registry of field nodes at headquarters, the change log (the transactional outbox), bundles
held for a missing one, conflicts waiting for a person, and a field node's keyed hashes of
the watchlists' name keys. A database that is not made a node (`haven node init`) keeps these
tables empty and behaves as before.

Downgrade drops the tables.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from haven.db.types import UTCDateTime

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

TABLES = (
    "sync_watch_hashes",
    "sync_conflicts",
    "sync_inbox",
    "sync_changes",
    "sync_nodes",
    "sync_identity",
)


def upgrade() -> None:
    op.create_table(
        "sync_identity",
        sa.Column("node_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column("sealing_private", sa.LargeBinary(), nullable=False),
        sa.Column("sealing_public", sa.LargeBinary(), nullable=False),
        sa.Column("signing_private", sa.LargeBinary(), nullable=False),
        sa.Column("signing_public", sa.LargeBinary(), nullable=False),
        sa.Column("hq_node_id", sa.Uuid(), nullable=True),
        sa.Column("hq_sealing_public", sa.LargeBinary(), nullable=True),
        sa.Column("hq_signing_public", sa.LargeBinary(), nullable=True),
        sa.Column("hq_url", sa.String(length=300), nullable=True),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("acked_seq", sa.Integer(), nullable=False),
        sa.Column("down_seq", sa.Integer(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("revoked_nodes", sa.JSON(), nullable=False),
        sa.Column("watch_key", sa.LargeBinary(), nullable=True),
        sa.Column("last_sync_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_sync_error", sa.String(length=300), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_sync_identity_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_sync_identity_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("node_id", name=op.f("pk_sync_identity")),
    )
    op.create_table(
        "sync_nodes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("code_expires_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("sealing_public", sa.LargeBinary(), nullable=True),
        sa.Column("signing_public", sa.LargeBinary(), nullable=True),
        sa.Column("applied_seq", sa.Integer(), nullable=False),
        sa.Column("down_acked_seq", sa.Integer(), nullable=False),
        sa.Column("last_contact_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("audit_seq", sa.Integer(), nullable=False),
        sa.Column("audit_hash", sa.String(length=64), nullable=True),
        sa.Column("audit_warning", sa.String(length=300), nullable=True),
        sa.Column("watch_hash", sa.String(length=64), nullable=True),
        sa.Column("enrolled_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_sync_nodes_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_sync_nodes_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["users.id"], name=op.f("fk_sync_nodes_revoked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_sync_nodes_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_nodes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_sync_nodes_code_hash")),
    )
    op.create_table(
        "sync_changes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(length=60), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("op", sa.String(length=10), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=True),
        sa.Column("everywhere", sa.Boolean(), nullable=False),
        sa.Column("origin_node", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("payload", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_changes")),
        sa.UniqueConstraint("seq", name=op.f("uq_sync_changes_seq")),
    )
    op.create_table(
        "sync_inbox",
        sa.Column("node_id", sa.Uuid(), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("bundle", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["node_id"], ["sync_nodes.id"], name=op.f("fk_sync_inbox_node_id_sync_nodes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_inbox")),
    )
    op.create_table(
        "sync_conflicts",
        sa.Column("node_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("table_name", sa.String(length=60), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=60), nullable=False),
        sa.Column("values_ct", sa.LargeBinary(), nullable=False),
        sa.Column("change_id", sa.Uuid(), nullable=False),
        sa.Column("node_actor_id", sa.Uuid(), nullable=True),
        sa.Column("node_changed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("hq_actor_id", sa.Uuid(), nullable=True),
        sa.Column("hq_changed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("decided_by_id", sa.Uuid(), nullable=True),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_sync_conflicts_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["node_id"], ["sync_nodes.id"], name=op.f("fk_sync_conflicts_node_id_sync_nodes")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_sync_conflicts_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_sync_conflicts_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_conflicts")),
    )
    op.create_table(
        "sync_watch_hashes",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_sync_watch_hashes")),
    )
    op.create_index(op.f("ix_sync_nodes_site_id"), "sync_nodes", ["site_id"], unique=False)
    op.create_index(
        "ix_sync_changes_table_record", "sync_changes", ["table_name", "record_id"], unique=False
    )
    op.create_index(op.f("ix_sync_changes_site_id"), "sync_changes", ["site_id"], unique=False)
    op.create_index(op.f("ix_sync_inbox_node_id"), "sync_inbox", ["node_id"], unique=False)
    op.create_index(op.f("ix_sync_conflicts_node_id"), "sync_conflicts", ["node_id"], unique=False)
    op.create_index(
        op.f("ix_sync_conflicts_person_id"), "sync_conflicts", ["person_id"], unique=False
    )
    op.create_index(op.f("ix_sync_conflicts_state"), "sync_conflicts", ["state"], unique=False)


def downgrade() -> None:
    for name in TABLES:
        op.drop_table(name)
