"""indexes for 100,000 people: the orders of the list pages and of the people search

Each list page reads its first rows in an order (newest case first, the vetting queue by
longest waiting, prisoners by capture date, the search's newest persons first, the persons
whose entitlements were computed last): an index on (organisation, that order) lets the
database read those rows instead of sorting every row of the organisation. Counts by
classification, vetting state and outcome (the dashboards, the vetting report) are read
from an index on (organisation, category) instead of the tables. Both engines.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

_INDEXES = (
    ("ix_persons_organisation_created", "persons", ["organisation_id", "created_at"]),
    ("ix_cases_organisation_created", "cases", ["organisation_id", "created_at"]),
    ("ix_cases_assigned_created", "cases", ["assigned_to_id", "created_at"]),
    (
        "ix_vetting_cases_organisation_state_changed",
        "vetting_cases",
        ["organisation_id", "state_changed_at"],
    ),
    ("ix_pow_records_organisation_captured", "pow_records", ["organisation_id", "captured_on"]),
    (
        "ix_allowance_instalments_organisation_created",
        "allowance_instalments",
        ["organisation_id", "created_at"],
    ),
    # Counts by a category (dashboards, the vetting report), read from the index alone.
    (
        "ix_reception_events_organisation_classification",
        "reception_events",
        ["organisation_id", "classification"],
    ),
    ("ix_vetting_cases_organisation_state", "vetting_cases", ["organisation_id", "state"]),
    ("ix_vetting_cases_organisation_outcome", "vetting_cases", ["organisation_id", "outcome"]),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
