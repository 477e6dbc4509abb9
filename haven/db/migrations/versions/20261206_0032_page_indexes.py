"""indexes for the pages at 100,000 people: sums and counts read from an index alone

The allowance report sums what is owed by component, due date and currency: a covering index
on (organisation, status, component, due date, currency, amount, id, generation) lets the
database add them up from the index (and check "not paid" against the id and generation)
without reading ~250,000 instalment rows. The dashboards' arrivals over time count receptions
in date windows: (organisation, received on, site) serves the range and a registrar's site.
The manager's caseload counts open cases by worker: (organisation, status, worker), and
overdue tasks from (status, due at, case) rather than every case of the organisation. The
prisoners board's inspection deadlines read (organisation, status, captured on, id) alone;
the vetting report's oldest undecided case is the first entry of (organisation, outcome,
created at). Both engines. On SQLite, the planner's statistics too (`PRAGMA optimize`, see
`upgrade`).

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06
"""

from __future__ import annotations

from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

_INDEXES = (
    (
        "ix_allowance_instalments_outstanding",
        "allowance_instalments",
        [
            "organisation_id",
            "status",
            "component_code",
            "due_on",
            "currency",
            "amount_minor",
            "id",
            "generation",
        ],
    ),
    (
        "ix_reception_events_organisation_received",
        "reception_events",
        ["organisation_id", "received_on", "site_id"],
    ),
    (
        "ix_cases_organisation_status_worker",
        "cases",
        ["organisation_id", "status", "assigned_to_id"],
    ),
    ("ix_case_tasks_status_due", "case_tasks", ["status", "due_at", "case_id"]),
    (
        "ix_pow_records_organisation_status_captured",
        "pow_records",
        ["organisation_id", "status", "captured_on", "id"],
    ),
    (
        "ix_vetting_cases_organisation_outcome_created",
        "vetting_cases",
        ["organisation_id", "outcome", "created_at"],
    ),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)
    if op.get_bind().dialect.name == "sqlite":
        # Statistics for SQLite's query planner (sqlite_stat1), taken from a sample of each
        # index of every table that holds rows (none on an empty database). Without them
        # SQLite takes any equality on an indexed column as selective: the people search
        # then reads the whole organisation through (organisation, created) instead of its
        # name and match-key indexes. PostgreSQL's autovacuum keeps its own statistics.
        op.execute("PRAGMA optimize=0x10002")


def downgrade() -> None:
    for name, table, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
