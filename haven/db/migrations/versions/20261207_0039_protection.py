"""security incidents and people's risk (issue 24)

The tables of `haven.protection` (docs/protection.md): incidents with their own data keys, the
people and cases they touch, the actions taken, the moves of their state, and the changes of
a person's risk level; and the risk columns of `persons` (level, since, the incident that set
it), which every domain reads.

Downgrade drops the tables and the columns.

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from haven.db.types import UTCDateTime

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None

TABLES = (
    "protection_risk_changes",
    "protection_incident_moves",
    "protection_incident_actions",
    "protection_incident_cases",
    "protection_incident_people",
    "protection_incidents",
    "protection_keys",
)


def upgrade() -> None:
    op.create_table(
        "protection_keys",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", name=op.f("pk_protection_keys")),
    )
    op.create_table(
        "protection_incidents",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.String(length=12), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("relative_id", sa.Uuid(), nullable=True),
        sa.Column("node_id", sa.Uuid(), nullable=True),
        sa.Column("node_name", sa.String(length=120), nullable=True),
        sa.Column("node_revoked_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("state_changed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("state_changed_by_id", sa.Uuid(), nullable=True),
        sa.Column("place", sa.LargeBinary(), nullable=True),
        sa.Column("narrative", sa.LargeBinary(), nullable=True),
        sa.Column("held", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('reprisal','threat','arrest','missing','leak','device_lost',"
            "'device_seized','other')",
            name=op.f("ck_protection_incidents_kind"),
        ),
        sa.CheckConstraint(
            "severity IN ('low','medium','high','critical')",
            name=op.f("ck_protection_incidents_severity"),
        ),
        sa.CheckConstraint(
            "state IN ('open','responding','closed')", name=op.f("ck_protection_incidents_state")
        ),
        sa.CheckConstraint(
            "reported_on >= occurred_on", name=op.f("ck_protection_incidents_reported_after")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_protection_incidents_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_protection_incidents_recorded_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["relative_id"],
            ["family_members.id"],
            name=op.f("fk_protection_incidents_relative_id_family_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["state_changed_by_id"],
            ["users.id"],
            name=op.f("fk_protection_incidents_state_changed_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_incidents")),
        sa.UniqueConstraint("reference", name=op.f("uq_protection_incidents_reference")),
    )
    op.create_index(
        op.f("ix_protection_incidents_organisation_id"),
        "protection_incidents",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        "ix_protection_incidents_organisation_occurred",
        "protection_incidents",
        ["organisation_id", "occurred_on"],
        unique=False,
    )
    op.create_index(
        op.f("ix_protection_incidents_relative_id"),
        "protection_incidents",
        ["relative_id"],
        unique=False,
    )
    op.create_table(
        "protection_incident_people",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("touch", sa.String(length=10), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "touch IN ('linked','device')", name=op.f("ck_protection_incident_people_touch")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["protection_incidents.id"],
            name=op.f("fk_protection_incident_people_incident_id_protection_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_protection_incident_people_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_protection_incident_people_person_id_persons"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_incident_people")),
        sa.UniqueConstraint(
            "incident_id",
            "person_id",
            name=op.f("uq_protection_incident_people_incident_id_person_id"),
        ),
    )
    op.create_index(
        op.f("ix_protection_incident_people_incident_id"),
        "protection_incident_people",
        ["incident_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_protection_incident_people_organisation_id"),
        "protection_incident_people",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_protection_incident_people_person_id"),
        "protection_incident_people",
        ["person_id"],
        unique=False,
    )
    op.create_table(
        "protection_incident_cases",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_protection_incident_cases_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["protection_incidents.id"],
            name=op.f("fk_protection_incident_cases_incident_id_protection_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_protection_incident_cases_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_incident_cases")),
        sa.UniqueConstraint(
            "incident_id", "case_id", name=op.f("uq_protection_incident_cases_incident_id_case_id")
        ),
    )
    op.create_index(
        op.f("ix_protection_incident_cases_case_id"),
        "protection_incident_cases",
        ["case_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_protection_incident_cases_incident_id"),
        "protection_incident_cases",
        ["incident_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_protection_incident_cases_organisation_id"),
        "protection_incident_cases",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "protection_incident_actions",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("text", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["protection_incidents.id"],
            name=op.f("fk_protection_incident_actions_incident_id_protection_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_protection_incident_actions_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_protection_incident_actions_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_incident_actions")),
    )
    op.create_index(
        op.f("ix_protection_incident_actions_incident_id"),
        "protection_incident_actions",
        ["incident_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_protection_incident_actions_organisation_id"),
        "protection_incident_actions",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "protection_incident_moves",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("from_state", sa.String(length=12), nullable=False),
        sa.Column("to_state", sa.String(length=12), nullable=False),
        sa.Column("moved_by_id", sa.Uuid(), nullable=True),
        sa.Column("moved_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["protection_incidents.id"],
            name=op.f("fk_protection_incident_moves_incident_id_protection_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["moved_by_id"],
            ["users.id"],
            name=op.f("fk_protection_incident_moves_moved_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_protection_incident_moves_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_incident_moves")),
    )
    op.create_index(
        op.f("ix_protection_incident_moves_incident_id"),
        "protection_incident_moves",
        ["incident_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_protection_incident_moves_organisation_id"),
        "protection_incident_moves",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "protection_risk_changes",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("from_level", sa.String(length=10), nullable=False),
        sa.Column("to_level", sa.String(length=10), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=True),
        sa.Column("changed_by_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.CheckConstraint(
            "from_level IN ('normal','elevated','high','critical')",
            name=op.f("ck_protection_risk_changes_from_level"),
        ),
        sa.CheckConstraint(
            "to_level IN ('normal','elevated','high','critical')",
            name=op.f("ck_protection_risk_changes_to_level"),
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"],
            ["users.id"],
            name=op.f("fk_protection_risk_changes_changed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["protection_incidents.id"],
            name=op.f("fk_protection_risk_changes_incident_id_protection_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_protection_risk_changes_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_protection_risk_changes_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_protection_risk_changes")),
    )
    op.create_index(
        op.f("ix_protection_risk_changes_incident_id"),
        "protection_risk_changes",
        ["incident_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_protection_risk_changes_organisation_id"),
        "protection_risk_changes",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_protection_risk_changes_person_id"),
        "protection_risk_changes",
        ["person_id"],
        unique=False,
    )

    op.add_column(
        "persons",
        sa.Column("risk_level", sa.String(length=10), server_default="normal", nullable=False),
    )
    op.add_column("persons", sa.Column("risk_since", UTCDateTime(timezone=True), nullable=True))
    op.add_column("persons", sa.Column("risk_incident_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    # In place, not through batch mode: rebuilding `persons` would drop a table that every
    # domain's rows refer to (SQLite 3.35+ and PostgreSQL both drop a column in place).
    for column in ("risk_incident_id", "risk_since", "risk_level"):
        op.execute(f"ALTER TABLE persons DROP COLUMN {column}")
    for table in TABLES:
        op.drop_table(table)
