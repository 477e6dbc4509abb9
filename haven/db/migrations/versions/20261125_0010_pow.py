"""pow

The prisoner-of-war registry under the Third Geneva Convention: places of internment, POW
records (Art. 17 items apart from Art. 122 items), transfers, capture cards, bureau notices,
medical inspections, personal effects, correspondence, ICRC visits, advances of pay, deaths,
releases and voluntariness checks.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import haven.db.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pow_pay_rates",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("ranks", sa.String(length=200), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_minor >= 0", name=op.f("ck_pow_pay_rates_amount")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pow_pay_rates_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pow_pay_rates")),
        sa.UniqueConstraint(
            "organisation_id", "category", name=op.f("uq_pow_pay_rates_organisation_id_category")
        ),
    )
    op.create_index(
        op.f("ix_pow_pay_rates_organisation_id"), "pow_pay_rates", ["organisation_id"], unique=False
    )
    op.create_table(
        "pow_places",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("township", sa.String(length=100), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pow_places_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pow_places")),
        sa.UniqueConstraint(
            "organisation_id", "name", name=op.f("uq_pow_places_organisation_id_name")
        ),
    )
    op.create_index(
        op.f("ix_pow_places_organisation_id"), "pow_places", ["organisation_id"], unique=False
    )
    op.create_table(
        "pow_icrc_visits",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("place_id", sa.Uuid(), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column("delegates", sa.String(length=300), nullable=False),
        sa.Column("private_interviews", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pow_icrc_visits_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["pow_places.id"], name=op.f("fk_pow_icrc_visits_place_id_pow_places")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pow_icrc_visits")),
    )
    op.create_index(
        op.f("ix_pow_icrc_visits_organisation_id"),
        "pow_icrc_visits",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_pow_icrc_visits_place_id"), "pow_icrc_visits", ["place_id"], unique=False
    )
    op.create_table(
        "pow_records",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("site_id", sa.Uuid(), nullable=False),
        sa.Column("reception_id", sa.Uuid(), nullable=False),
        sa.Column("classification", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_changed_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("captured_on", sa.Date(), nullable=False),
        sa.Column("arrived_on", sa.Date(), nullable=True),
        sa.Column("place_id", sa.Uuid(), nullable=True),
        sa.Column("seriously_ill", sa.Boolean(), nullable=False),
        sa.Column("surname", sa.String(length=200), nullable=True),
        sa.Column("first_names", sa.String(length=200), nullable=True),
        sa.Column("rank", sa.String(length=100), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("birth_month", sa.Integer(), nullable=True),
        sa.Column("birth_day", sa.Integer(), nullable=True),
        sa.Column("service_number", sa.LargeBinary(), nullable=True),
        sa.Column("service_number_index", sa.String(length=64), nullable=True),
        sa.Column("art17_refused", sa.JSON(), nullable=False),
        sa.Column("bureau_details", sa.LargeBinary(), nullable=True),
        sa.Column("art122_refused", sa.JSON(), nullable=False),
        sa.Column("wishes_not_repatriated", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "birth_day IS NULL OR birth_day BETWEEN 1 AND 31", name=op.f("ck_pow_records_day")
        ),
        sa.CheckConstraint(
            "birth_month IS NULL OR birth_month BETWEEN 1 AND 12", name=op.f("ck_pow_records_month")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pow_records_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_pow_records_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["pow_places.id"], name=op.f("fk_pow_records_place_id_pow_places")
        ),
        sa.ForeignKeyConstraint(
            ["reception_id"],
            ["reception_events.id"],
            name=op.f("fk_pow_records_reception_id_reception_events"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_pow_records_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pow_records")),
        sa.UniqueConstraint("person_id", name=op.f("uq_pow_records_person_id")),
    )
    op.create_index(
        op.f("ix_pow_records_organisation_id"), "pow_records", ["organisation_id"], unique=False
    )
    op.create_index(
        op.f("ix_pow_records_service_number_index"),
        "pow_records",
        ["service_number_index"],
        unique=False,
    )
    op.create_index(op.f("ix_pow_records_site_id"), "pow_records", ["site_id"], unique=False)
    op.create_index(op.f("ix_pow_records_status"), "pow_records", ["status"], unique=False)
    op.create_table(
        "pow_capture_cards",
        sa.Column("pow_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("occasion", sa.String(length=20), nullable=False),
        sa.Column("occasion_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column("superseded_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pow_capture_cards_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["pow_id"], ["pow_records.id"], name=op.f("fk_pow_capture_cards_pow_id_pow_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pow_capture_cards")),
    )
    op.create_index(
        op.f("ix_pow_capture_cards_due_on"), "pow_capture_cards", ["due_on"], unique=False
    )
    op.create_index(
        op.f("ix_pow_capture_cards_organisation_id"),
        "pow_capture_cards",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_pow_capture_cards_pow_id"), "pow_capture_cards", ["pow_id"], unique=False
    )
    op.create_table(
        "pow_correspondence",
        sa.Column("pow_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("exchanged_on", sa.Date(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pow_correspondence_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["pow_id"], ["pow_records.id"], name=op.f("fk_pow_correspondence_pow_id_pow_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pow_correspondence")),
    )
    op.create_index(
        op.f("ix_pow_correspondence_organisation_id"),
        "pow_correspondence",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_pow_correspondence_pow_id"), "pow_correspondence", ["pow_id"], unique=False
    )
    op.create_table(
        "pow_deaths",
        sa.Column("pow_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("died_on", sa.Date(), nullable=False),
        sa.Column("place_of_death", sa.String(length=200), nullable=False),
        sa.Column("cause", sa.LargeBinary(), nullable=True),
        sa.Column("buried_on", sa.Date(), nullable=True),
        sa.Column("burial_place", sa.String(length=200), nullable=True),
        sa.Column("grave_number", sa.String(length=60), nullable=True),
        sa.Column("cremated", sa.Boolean(), nullable=False),
        sa.Column("cremation_reason", sa.String(length=300), nullable=True),
        sa.Column("certificate_number", sa.String(length=40), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pow_deaths_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_pow_deaths_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["pow_id"], ["pow_records.id"], name=op.f("fk_pow_deaths_pow_id_pow_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pow_deaths")),
        sa.UniqueConstraint("pow_id", name=op.f("uq_pow_deaths_pow_id")),
    )
    op.create_index(
        op.f("ix_pow_deaths_organisation_id"), "pow_deaths", ["organisation_id"], unique=False
    )
    op.create_table(
        "pow_effects",
        sa.Column("pow_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("taken_by", sa.String(length=120), nullable=False),
        sa.Column("receipt_number", sa.String(length=40), nullable=False),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pow_effects_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["pow_id"], ["pow_records.id"], name=op.f("fk_pow_effects_pow_id_pow_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pow_effects")),
        sa.UniqueConstraint(
            "organisation_id",
            "receipt_number",
            name=op.f("uq_pow_effects_organisation_id_receipt_number"),
        ),
    )
    op.create_index(
        op.f("ix_pow_effects_organisation_id"), "pow_effects", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_pow_effects_pow_id"), "pow_effects", ["pow_id"], unique=False)
    op.create_table(
        "pow_medical_inspections",
        sa.Column("pow_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("weight_grams", sa.Integer(), nullable=True),
        sa.Column("seriously_ill", sa.Boolean(), nullable=False),
        sa.Column("hospitalised", sa.Boolean(), nullable=False),
        sa.Column("findings", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pow_medical_inspections_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_pow_medical_inspections_person_id_persons")
        ),
        sa.ForeignKeyConstraint(
            ["pow_id"],
            ["pow_records.id"],
            name=op.f("fk_pow_medical_inspections_pow_id_pow_records"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pow_medical_inspections")),
    )
    op.create_index(
        op.f("ix_pow_medical_inspections_organisation_id"),
        "pow_medical_inspections",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_pow_medical_inspections_pow_id"),
        "pow_medical_inspections",
        ["pow_id"],
        unique=False,
    )
    op.create_table(
        "pow_notices",
        sa.Column("pow_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("detail", sa.String(length=300), nullable=True),
        sa.Column("exported_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("export_id", sa.String(length=40), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pow_notices_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["pow_id"], ["pow_records.id"], name=op.f("fk_pow_notices_pow_id_pow_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pow_notices")),
    )
    op.create_index(
        op.f("ix_pow_notices_exported_at"), "pow_notices", ["exported_at"], unique=False
    )
    op.create_index(
        op.f("ix_pow_notices_organisation_id"), "pow_notices", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_pow_notices_pow_id"), "pow_notices", ["pow_id"], unique=False)
    op.create_table(
        "pow_releases",
        sa.Column("pow_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("grounds", sa.String(length=30), nullable=False),
        sa.Column("released_on", sa.Date(), nullable=False),
        sa.Column("wishes_not_repatriated", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pow_releases_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["pow_id"], ["pow_records.id"], name=op.f("fk_pow_releases_pow_id_pow_records")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pow_releases")),
    )
    op.create_index(
        op.f("ix_pow_releases_organisation_id"), "pow_releases", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_pow_releases_pow_id"), "pow_releases", ["pow_id"], unique=False)
    op.create_table(
        "pow_transfers",
        sa.Column("pow_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("from_place_id", sa.Uuid(), nullable=True),
        sa.Column("to_place_id", sa.Uuid(), nullable=False),
        sa.Column("moved_on", sa.Date(), nullable=False),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["from_place_id"],
            ["pow_places.id"],
            name=op.f("fk_pow_transfers_from_place_id_pow_places"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pow_transfers_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["pow_id"], ["pow_records.id"], name=op.f("fk_pow_transfers_pow_id_pow_records")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_pow_transfers_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["to_place_id"], ["pow_places.id"], name=op.f("fk_pow_transfers_to_place_id_pow_places")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pow_transfers")),
    )
    op.create_index(
        op.f("ix_pow_transfers_organisation_id"), "pow_transfers", ["organisation_id"], unique=False
    )
    op.create_index(op.f("ix_pow_transfers_pow_id"), "pow_transfers", ["pow_id"], unique=False)
    op.create_table(
        "pow_voluntariness_checks",
        sa.Column("pow_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("interviewer_name", sa.String(length=120), nullable=False),
        sa.Column("interviewer_independent", sa.Boolean(), nullable=False),
        sa.Column("detaining_unit_absent", sa.Boolean(), nullable=False),
        sa.Column("interviewed_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("completed_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("used_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("statement", sa.LargeBinary(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_pow_voluntariness_checks_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_pow_voluntariness_checks_person_id_persons"),
        ),
        sa.ForeignKeyConstraint(
            ["pow_id"],
            ["pow_records.id"],
            name=op.f("fk_pow_voluntariness_checks_pow_id_pow_records"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["users.id"],
            name=op.f("fk_pow_voluntariness_checks_recorded_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pow_voluntariness_checks")),
    )
    op.create_index(
        op.f("ix_pow_voluntariness_checks_organisation_id"),
        "pow_voluntariness_checks",
        ["organisation_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_pow_voluntariness_checks_pow_id"),
        "pow_voluntariness_checks",
        ["pow_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_pow_voluntariness_checks_pow_id"), table_name="pow_voluntariness_checks")
    op.drop_index(
        op.f("ix_pow_voluntariness_checks_organisation_id"), table_name="pow_voluntariness_checks"
    )
    op.drop_table("pow_voluntariness_checks")
    op.drop_index(op.f("ix_pow_transfers_pow_id"), table_name="pow_transfers")
    op.drop_index(op.f("ix_pow_transfers_organisation_id"), table_name="pow_transfers")
    op.drop_table("pow_transfers")
    op.drop_index(op.f("ix_pow_releases_pow_id"), table_name="pow_releases")
    op.drop_index(op.f("ix_pow_releases_organisation_id"), table_name="pow_releases")
    op.drop_table("pow_releases")
    op.drop_index(op.f("ix_pow_notices_pow_id"), table_name="pow_notices")
    op.drop_index(op.f("ix_pow_notices_organisation_id"), table_name="pow_notices")
    op.drop_index(op.f("ix_pow_notices_exported_at"), table_name="pow_notices")
    op.drop_table("pow_notices")
    op.drop_index(op.f("ix_pow_medical_inspections_pow_id"), table_name="pow_medical_inspections")
    op.drop_index(
        op.f("ix_pow_medical_inspections_organisation_id"), table_name="pow_medical_inspections"
    )
    op.drop_table("pow_medical_inspections")
    op.drop_index(op.f("ix_pow_effects_pow_id"), table_name="pow_effects")
    op.drop_index(op.f("ix_pow_effects_organisation_id"), table_name="pow_effects")
    op.drop_table("pow_effects")
    op.drop_index(op.f("ix_pow_deaths_organisation_id"), table_name="pow_deaths")
    op.drop_table("pow_deaths")
    op.drop_index(op.f("ix_pow_correspondence_pow_id"), table_name="pow_correspondence")
    op.drop_index(op.f("ix_pow_correspondence_organisation_id"), table_name="pow_correspondence")
    op.drop_table("pow_correspondence")
    op.drop_index(op.f("ix_pow_capture_cards_pow_id"), table_name="pow_capture_cards")
    op.drop_index(op.f("ix_pow_capture_cards_organisation_id"), table_name="pow_capture_cards")
    op.drop_index(op.f("ix_pow_capture_cards_due_on"), table_name="pow_capture_cards")
    op.drop_table("pow_capture_cards")
    op.drop_index(op.f("ix_pow_records_status"), table_name="pow_records")
    op.drop_index(op.f("ix_pow_records_site_id"), table_name="pow_records")
    op.drop_index(op.f("ix_pow_records_service_number_index"), table_name="pow_records")
    op.drop_index(op.f("ix_pow_records_organisation_id"), table_name="pow_records")
    op.drop_table("pow_records")
    op.drop_index(op.f("ix_pow_icrc_visits_place_id"), table_name="pow_icrc_visits")
    op.drop_index(op.f("ix_pow_icrc_visits_organisation_id"), table_name="pow_icrc_visits")
    op.drop_table("pow_icrc_visits")
    op.drop_index(op.f("ix_pow_places_organisation_id"), table_name="pow_places")
    op.drop_table("pow_places")
    op.drop_index(op.f("ix_pow_pay_rates_organisation_id"), table_name="pow_pay_rates")
    op.drop_table("pow_pay_rates")
