"""indexes for the home dashboard at 100,000 people: a site's counts and the children waiting

A registrar's dashboard counts the receptions of their site by classification: with only
(organisation, classification) the database read every reception of the organisation to check
its site (300 ms at 100,000 people); (organisation, site, classification) answers from the
index alone. The children not yet handed over to child protection are counted by when their
48 hours end and listed most urgent first: (organisation, classification, handed over at,
due at, site) finds them without reading any other reception. Both engines.

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

_INDEXES = (
    (
        "ix_reception_events_organisation_site_classification",
        "reception_events",
        ["organisation_id", "site_id", "classification"],
    ),
    (
        "ix_reception_events_children_waiting",
        "reception_events",
        [
            "organisation_id",
            "classification",
            "child_protection_handed_over_at",
            "child_protection_due_at",
            "site_id",
        ],
    ),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
