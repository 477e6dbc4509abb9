"""prisoners: voluntariness as a gate, tracing notices with consent, non-refoulement

- `pow_voluntariness_checks` gains what a complete check records: former commanders absent,
  who was present (encrypted), the statement's language, the paths the person chose, the
  independent witness or ICRC visit (or why none), the person's mark and who attests it.
  Existing rows: a check already used for a defection keeps its completion and records
  "defect" as its path (the history of that defection); an unused check no longer counts as
  complete (it lacks what the gate now requires), so a new check must be recorded.
- `pow_risk_assessments`: the assessment recorded before every transfer, release and
  repatriation; `pow_transfers` and `pow_releases` name the receiving party and their
  assessment (NULL on rows recorded before this revision).
- `pow_tracing_consents`: the informed choice of a person who changed sides about the
  tracing agency; `pow_notices.withheld_at`. Existing rows: every notice of a prisoner who
  defected that has not left yet (the automatic "release" notice among them) is withheld,
  and their unsent capture cards are superseded: the default is no notice.

Revision ID: 0015
Revises: 0012
Create Date: 2026-12-06
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import haven.db.types

revision: str = "0015"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _now() -> sa.BindParameter[datetime]:
    return sa.bindparam("now", value=datetime.now(UTC), type_=haven.db.types.UTCDateTime())


def upgrade() -> None:
    op.create_table(
        "pow_risk_assessments",
        sa.Column("pow_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("movement", sa.String(length=20), nullable=False),
        sa.Column("receiving_force_id", sa.Uuid(), nullable=True),
        sa.Column("assessed_by", sa.String(length=200), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("risks", sa.JSON(), nullable=False),
        sa.Column("conclusion", sa.String(length=20), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("notes", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pow_risk_assessments_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_pow_risk_assessments_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["pow_id"], ["pow_records.id"], name=op.f("fk_pow_risk_assessments_pow_id_pow_records")
        ),
        sa.ForeignKeyConstraint(
            ["receiving_force_id"],
            ["forces.id"],
            name=op.f("fk_pow_risk_assessments_receiving_force_id_forces"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_pow_risk_assessments_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pow_risk_assessments")),
    )
    with op.batch_alter_table("pow_risk_assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pow_risk_assessments_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pow_risk_assessments_pow_id"), ["pow_id"], unique=False
        )

    op.create_table(
        "pow_tracing_consents",
        sa.Column("pow_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("choice", sa.String(length=20), nullable=False),
        sa.Column("chosen_on", sa.Date(), nullable=False),
        sa.Column("witness_name", sa.String(length=200), nullable=False),
        sa.Column("informed", sa.Boolean(), nullable=False),
        sa.Column("notice_id", sa.Uuid(), nullable=True),
        sa.Column("superseded_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["pow_notices.id"],
            name=op.f("fk_pow_tracing_consents_notice_id_pow_notices"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pow_tracing_consents_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["pow_id"], ["pow_records.id"], name=op.f("fk_pow_tracing_consents_pow_id_pow_records")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_pow_tracing_consents_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pow_tracing_consents")),
    )
    with op.batch_alter_table("pow_tracing_consents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_pow_tracing_consents_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_pow_tracing_consents_pow_id"), ["pow_id"], unique=False
        )

    with op.batch_alter_table("pow_notices", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("withheld_at", haven.db.types.UTCDateTime(timezone=True), nullable=True)
        )

    for table in ("pow_releases", "pow_transfers"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("receiving_force_id", sa.Uuid(), nullable=True))
            batch_op.add_column(sa.Column("risk_assessment_id", sa.Uuid(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_receiving_force_id_forces"),
                "forces",
                ["receiving_force_id"],
                ["id"],
            )
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_risk_assessment_id_pow_risk_assessments"),
                "pow_risk_assessments",
                ["risk_assessment_id"],
                ["id"],
            )

    with op.batch_alter_table("pow_voluntariness_checks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "former_commanders_absent", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.add_column(sa.Column("statement_language", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("paths", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("witness", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("witness_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("icrc_visit_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("no_witness_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("mark", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("mark_attested_by", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("present", sa.LargeBinary(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_pow_voluntariness_checks_icrc_visit_id_pow_icrc_visits"),
            "pow_icrc_visits",
            ["icrc_visit_id"],
            ["id"],
        )

    # Existing rows (see the docstring).
    op.execute(
        "UPDATE pow_voluntariness_checks SET paths = '[\"defect\"]' WHERE used_at IS NOT NULL"
    )
    op.execute("UPDATE pow_voluntariness_checks SET completed_at = NULL WHERE used_at IS NULL")
    op.execute(
        sa.text(
            "UPDATE pow_notices SET withheld_at = :now WHERE exported_at IS NULL "
            "AND pow_id IN (SELECT id FROM pow_records WHERE status = 'defected')"
        ).bindparams(_now())
    )
    op.execute(
        sa.text(
            "UPDATE pow_capture_cards SET superseded_at = :now WHERE sent_on IS NULL "
            "AND superseded_at IS NULL "
            "AND pow_id IN (SELECT id FROM pow_records WHERE status = 'defected')"
        ).bindparams(_now())
    )


def downgrade() -> None:
    with op.batch_alter_table("pow_voluntariness_checks", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_pow_voluntariness_checks_icrc_visit_id_pow_icrc_visits"),
            type_="foreignkey",
        )
        for column in (
            "present",
            "mark_attested_by",
            "mark",
            "no_witness_reason",
            "icrc_visit_id",
            "witness_name",
            "witness",
            "paths",
            "statement_language",
            "former_commanders_absent",
        ):
            batch_op.drop_column(column)

    for table in ("pow_transfers", "pow_releases"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_risk_assessment_id_pow_risk_assessments"),
                type_="foreignkey",
            )
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_receiving_force_id_forces"), type_="foreignkey"
            )
            batch_op.drop_column("risk_assessment_id")
            batch_op.drop_column("receiving_force_id")

    with op.batch_alter_table("pow_notices", schema=None) as batch_op:
        batch_op.drop_column("withheld_at")

    with op.batch_alter_table("pow_tracing_consents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pow_tracing_consents_pow_id"))
        batch_op.drop_index(batch_op.f("ix_pow_tracing_consents_organisation_id"))
    op.drop_table("pow_tracing_consents")

    with op.batch_alter_table("pow_risk_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pow_risk_assessments_pow_id"))
        batch_op.drop_index(batch_op.f("ix_pow_risk_assessments_organisation_id"))
    op.drop_table("pow_risk_assessments")
