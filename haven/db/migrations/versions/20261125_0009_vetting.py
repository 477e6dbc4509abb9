"""vetting

Incidents and allegations, screening hits and vetting decisions.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import haven.db.types

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "vetting_keys",
        sa.Column("owner_id", sa.Uuid(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("owner_id", name=op.f("pk_vetting_keys")),
    )
    op.create_table(
        "vetting_cases",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("state_changed_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("state_changed_by_id", sa.Uuid(), nullable=True),
        sa.Column("last_screened_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decided_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("assessed_by_id", sa.Uuid(), nullable=True),
        sa.Column("assessment", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessed_by_id"], ["users.id"], name=op.f("fk_vetting_cases_assessed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_vetting_cases_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_vetting_cases_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["state_changed_by_id"],
            ["users.id"],
            name=op.f("fk_vetting_cases_state_changed_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vetting_cases")),
        sa.UniqueConstraint("person_id", name=op.f("uq_vetting_cases_person_id")),
    )
    op.create_index(
        op.f("ix_vetting_cases_organisation_id"), "vetting_cases", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_vetting_cases_state"), "vetting_cases", ["state"], unique=False)
    op.create_table(
        "vetting_incidents",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("occurred_from", sa.Date(), nullable=False),
        sa.Column("occurred_to", sa.Date(), nullable=False),
        sa.Column("period_text", sa.String(length=40), nullable=False),
        sa.Column("township", sa.String(length=100), nullable=True),
        sa.Column("village", sa.String(length=100), nullable=True),
        sa.Column("source_reliability", sa.String(length=1), nullable=False),
        sa.Column("information_credibility", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("summary", sa.LargeBinary(), nullable=True),
        sa.Column("sources", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "source_reliability IN ('A','B','C','D','E','F')",
            name=op.f("ck_vetting_incidents_reliability"),
        ),
        sa.CheckConstraint(
            "information_credibility BETWEEN 1 AND 6", name=op.f("ck_vetting_incidents_credibility")
        ),
        sa.CheckConstraint(
            "occurred_to >= occurred_from", name=op.f("ck_vetting_incidents_period")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_vetting_incidents_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_vetting_incidents_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vetting_incidents")),
    )
    op.create_index(op.f("ix_vetting_incidents_kind"), "vetting_incidents", ["kind"], unique=False)
    op.create_index(
        op.f("ix_vetting_incidents_organisation_id"),
        "vetting_incidents",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "vetting_watchlists",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("loaded_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["loaded_by_id"], ["users.id"], name=op.f("fk_vetting_watchlists_loaded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_vetting_watchlists_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vetting_watchlists")),
    )
    op.create_index(
        op.f("ix_vetting_watchlists_organisation_id"),
        "vetting_watchlists",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "vetting_decisions",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("basis", sa.String(length=20), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("mechanism", sa.String(length=200), nullable=True),
        sa.Column("protection", sa.String(length=30), nullable=True),
        sa.Column("proposed_by_id", sa.Uuid(), nullable=True),
        sa.Column("proposed_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_by_id", sa.Uuid(), nullable=True),
        sa.Column("confirmed_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("superseded_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reasons", sa.LargeBinary(), nullable=True),
        sa.Column("conditions", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "outcome <> 'referred' OR (mechanism IS NOT NULL AND protection IS NOT NULL)",
            name=op.f("ck_vetting_decisions_referral"),
        ),
        sa.CheckConstraint(
            "confirmed_by_id IS NULL OR confirmed_by_id <> proposed_by_id",
            name=op.f("ck_vetting_decisions_two_officers"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["vetting_cases.id"],
            name=op.f("fk_vetting_decisions_case_id_vetting_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["users.id"],
            name=op.f("fk_vetting_decisions_confirmed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_vetting_decisions_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_vetting_decisions_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"], ["users.id"], name=op.f("fk_vetting_decisions_proposed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vetting_decisions")),
    )
    op.create_index(
        op.f("ix_vetting_decisions_case_id"), "vetting_decisions", ["case_id"], unique=False
    )
    op.create_index(
        "ix_vetting_decisions_case_open",
        "vetting_decisions",
        ["case_id", "confirmed_at"],
        unique=False,
    )
    op.create_index(
        op.f("ix_vetting_decisions_organisation_id"),
        "vetting_decisions",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_vetting_decisions_person_id"), "vetting_decisions", ["person_id"], unique=False
    )
    op.create_table(
        "vetting_evidence",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("added_by_id", sa.Uuid(), nullable=True),
        sa.Column("filename", sa.LargeBinary(), nullable=False),
        sa.Column("description", sa.LargeBinary(), nullable=True),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_vetting_evidence_added_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["vetting_incidents.id"],
            name=op.f("fk_vetting_evidence_incident_id_vetting_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_vetting_evidence_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vetting_evidence")),
    )
    op.create_index(
        op.f("ix_vetting_evidence_incident_id"), "vetting_evidence", ["incident_id"], unique=False
    )
    op.create_index(
        op.f("ix_vetting_evidence_organisation_id"),
        "vetting_evidence",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "vetting_hearings",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("declined", sa.Boolean(), nullable=False),
        sa.Column("interpreter_present", sa.Boolean(), nullable=False),
        sa.Column("representative_present", sa.Boolean(), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("statement", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["vetting_cases.id"],
            name=op.f("fk_vetting_hearings_case_id_vetting_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_vetting_hearings_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_vetting_hearings_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_vetting_hearings_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vetting_hearings")),
    )
    op.create_index(
        op.f("ix_vetting_hearings_case_id"), "vetting_hearings", ["case_id"], unique=False
    )
    op.create_index(
        op.f("ix_vetting_hearings_organisation_id"),
        "vetting_hearings",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_vetting_hearings_person_id"), "vetting_hearings", ["person_id"], unique=False
    )
    op.create_table(
        "vetting_hits",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("signature", sa.String(length=60), nullable=False),
        sa.Column("incident_id", sa.Uuid(), nullable=True),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("explanation", sa.LargeBinary(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["vetting_cases.id"], name=op.f("fk_vetting_hits_case_id_vetting_cases")
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["vetting_incidents.id"],
            name=op.f("fk_vetting_hits_incident_id_vetting_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_vetting_hits_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_vetting_hits_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vetting_hits")),
        sa.UniqueConstraint(
            "person_id", "signature", name=op.f("uq_vetting_hits_person_id_signature")
        ),
    )
    op.create_index(op.f("ix_vetting_hits_case_id"), "vetting_hits", ["case_id"], unique=False)
    op.create_index(op.f("ix_vetting_hits_kind"), "vetting_hits", ["kind"], unique=False)
    op.create_index(
        op.f("ix_vetting_hits_organisation_id"), "vetting_hits", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_vetting_hits_person_id"), "vetting_hits", ["person_id"], unique=False)
    op.create_table(
        "vetting_incident_units",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("unit_code", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["vetting_incidents.id"],
            name=op.f("fk_vetting_incident_units_incident_id_vetting_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_vetting_incident_units_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vetting_incident_units")),
        sa.UniqueConstraint(
            "incident_id", "unit_code", name=op.f("uq_vetting_incident_units_incident_id_unit_code")
        ),
    )
    op.create_index(
        op.f("ix_vetting_incident_units_incident_id"),
        "vetting_incident_units",
        ["incident_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_vetting_incident_units_organisation_id"),
        "vetting_incident_units",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_vetting_incident_units_unit_code"),
        "vetting_incident_units",
        ["unit_code"],
        unique=False,
    )
    op.create_table(
        "vetting_perpetrators",
        sa.Column("incident_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.LargeBinary(), nullable=False),
        sa.Column("rank", sa.LargeBinary(), nullable=True),
        sa.Column("unit", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["vetting_incidents.id"],
            name=op.f("fk_vetting_perpetrators_incident_id_vetting_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_vetting_perpetrators_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vetting_perpetrators")),
    )
    op.create_index(
        op.f("ix_vetting_perpetrators_incident_id"),
        "vetting_perpetrators",
        ["incident_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_vetting_perpetrators_organisation_id"),
        "vetting_perpetrators",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "vetting_reviews",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("opened_by_id", sa.Uuid(), nullable=True),
        sa.Column("grounds", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["vetting_cases.id"], name=op.f("fk_vetting_reviews_case_id_vetting_cases")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_vetting_reviews_opened_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_vetting_reviews_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_vetting_reviews_person_id_persons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vetting_reviews")),
    )
    op.create_index(
        op.f("ix_vetting_reviews_case_id"), "vetting_reviews", ["case_id"], unique=False
    )
    op.create_index(
        op.f("ix_vetting_reviews_organisation_id"),
        "vetting_reviews",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_vetting_reviews_person_id"), "vetting_reviews", ["person_id"], unique=False
    )
    op.create_table(
        "vetting_watchlist_entries",
        sa.Column("watchlist_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("name", sa.LargeBinary(), nullable=False),
        sa.Column("unit", sa.LargeBinary(), nullable=True),
        sa.Column("note", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_vetting_watchlist_entries_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["watchlist_id"],
            ["vetting_watchlists.id"],
            name=op.f("fk_vetting_watchlist_entries_watchlist_id_vetting_watchlists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vetting_watchlist_entries")),
    )
    op.create_index(
        op.f("ix_vetting_watchlist_entries_organisation_id"),
        "vetting_watchlist_entries",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_vetting_watchlist_entries_watchlist_id"),
        "vetting_watchlist_entries",
        ["watchlist_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_vetting_watchlist_entries_watchlist_id"), table_name="vetting_watchlist_entries"
    )
    op.drop_index(
        op.f("ix_vetting_watchlist_entries_organisation_id"), table_name="vetting_watchlist_entries"
    )
    op.drop_table("vetting_watchlist_entries")
    op.drop_index(op.f("ix_vetting_reviews_person_id"), table_name="vetting_reviews")
    op.drop_index(op.f("ix_vetting_reviews_organisation_id"), table_name="vetting_reviews")
    op.drop_index(op.f("ix_vetting_reviews_case_id"), table_name="vetting_reviews")
    op.drop_table("vetting_reviews")
    op.drop_index(
        op.f("ix_vetting_perpetrators_organisation_id"), table_name="vetting_perpetrators"
    )
    op.drop_index(op.f("ix_vetting_perpetrators_incident_id"), table_name="vetting_perpetrators")
    op.drop_table("vetting_perpetrators")
    op.drop_index(op.f("ix_vetting_incident_units_unit_code"), table_name="vetting_incident_units")
    op.drop_index(
        op.f("ix_vetting_incident_units_organisation_id"), table_name="vetting_incident_units"
    )
    op.drop_index(
        op.f("ix_vetting_incident_units_incident_id"), table_name="vetting_incident_units"
    )
    op.drop_table("vetting_incident_units")
    op.drop_index(op.f("ix_vetting_hits_person_id"), table_name="vetting_hits")
    op.drop_index(op.f("ix_vetting_hits_organisation_id"), table_name="vetting_hits")
    op.drop_index(op.f("ix_vetting_hits_kind"), table_name="vetting_hits")
    op.drop_index(op.f("ix_vetting_hits_case_id"), table_name="vetting_hits")
    op.drop_table("vetting_hits")
    op.drop_index(op.f("ix_vetting_hearings_person_id"), table_name="vetting_hearings")
    op.drop_index(op.f("ix_vetting_hearings_organisation_id"), table_name="vetting_hearings")
    op.drop_index(op.f("ix_vetting_hearings_case_id"), table_name="vetting_hearings")
    op.drop_table("vetting_hearings")
    op.drop_index(op.f("ix_vetting_evidence_organisation_id"), table_name="vetting_evidence")
    op.drop_index(op.f("ix_vetting_evidence_incident_id"), table_name="vetting_evidence")
    op.drop_table("vetting_evidence")
    op.drop_index(op.f("ix_vetting_decisions_person_id"), table_name="vetting_decisions")
    op.drop_index(op.f("ix_vetting_decisions_organisation_id"), table_name="vetting_decisions")
    op.drop_index("ix_vetting_decisions_case_open", table_name="vetting_decisions")
    op.drop_index(op.f("ix_vetting_decisions_case_id"), table_name="vetting_decisions")
    op.drop_table("vetting_decisions")
    op.drop_index(op.f("ix_vetting_watchlists_organisation_id"), table_name="vetting_watchlists")
    op.drop_table("vetting_watchlists")
    op.drop_index(op.f("ix_vetting_incidents_organisation_id"), table_name="vetting_incidents")
    op.drop_index(op.f("ix_vetting_incidents_kind"), table_name="vetting_incidents")
    op.drop_table("vetting_incidents")
    op.drop_index(op.f("ix_vetting_cases_state"), table_name="vetting_cases")
    op.drop_index(op.f("ix_vetting_cases_organisation_id"), table_name="vetting_cases")
    op.drop_table("vetting_cases")
    op.drop_table("vetting_keys")
