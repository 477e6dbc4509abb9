"""first contacts (issue 24)

`contacts`: a soldier still inside who reached the programme, under a code name unique in
the organisation; the channel, the bands he gave (companions, family to move), the agreement
and the negotiator handling him, the meeting, the state, and at crossing the person and the
reception linked. `contact_exchanges`: the dated log of exchanges. `contact_moves`: each move
of the state with its reason. `contact_keys`: each contact's wrapped data key, under which
the channel detail, meeting point, notes and reasons are encrypted. New tables only.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import haven.db.types

revision: str = "0041"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_CHANNELS = "channel IN ('phone', 'messenger', 'intermediary', 'in_person')"


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    when = haven.db.types.UTCDateTime(timezone=True)
    op.create_table(
        "contacts",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("code_name", sa.String(length=60), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("channel_detail", sa.LargeBinary(), nullable=True),
        sa.Column("companions", sa.String(length=10), nullable=False),
        sa.Column("family", sa.String(length=10), nullable=False),
        sa.Column("agreement_id", sa.Uuid(), nullable=True),
        sa.Column("handler_id", sa.Uuid(), nullable=True),
        sa.Column("meeting_point", sa.LargeBinary(), nullable=True),
        sa.Column("meeting_at", when, nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_changed_at", when, nullable=False),
        sa.Column("status_changed_by_id", sa.Uuid(), nullable=True),
        sa.Column("crossed_at", when, nullable=True),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("reception_id", sa.Uuid(), nullable=True),
        sa.Column("person_erased_at", when, nullable=True),
        sa.Column("details_wiped_at", when, nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("updated_at", when, nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'meeting_set', 'crossed', 'lost', 'compromised', 'withdrawn')",
            name=op.f("ck_contacts_status"),
        ),
        sa.CheckConstraint(_CHANNELS, name=op.f("ck_contacts_channel")),
        sa.CheckConstraint(
            "companions IN ('unknown', 'alone', '1-5', '6-20', '21-50', '50+')",
            name=op.f("ck_contacts_companions"),
        ),
        sa.CheckConstraint(
            "family IN ('unknown', 'none', '1-3', '4-10', '10+')", name=op.f("ck_contacts_family")
        ),
        _fk("contacts", "organisation_id", "organisations"),
        _fk("contacts", "agreement_id", "agreements"),
        _fk("contacts", "handler_id", "users"),
        _fk("contacts", "status_changed_by_id", "users"),
        _fk("contacts", "person_id", "persons"),
        _fk("contacts", "reception_id", "reception_events"),
        _fk("contacts", "created_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sa.UniqueConstraint(
            "organisation_id", "code_name", name=op.f("uq_contacts_organisation_id_code_name")
        ),
        sa.UniqueConstraint("reception_id", name=op.f("uq_contacts_reception_id")),
    )
    op.create_index(
        "ix_contacts_organisation_created", "contacts", ["organisation_id", "created_at"]
    )
    for column in ("agreement_id", "handler_id", "person_id"):
        op.create_index(op.f(f"ix_contacts_{column}"), "contacts", [column])

    op.create_table(
        "contact_keys",
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", when, nullable=False),
        _fk("contact_keys", "contact_id", "contacts"),
        sa.PrimaryKeyConstraint("contact_id", name=op.f("pk_contact_keys")),
    )

    op.create_table(
        "contact_exchanges",
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("occurred_at", when, nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("note", sa.LargeBinary(), nullable=True),
        sa.Column("recorded_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", when, nullable=False),
        sa.Column("updated_at", when, nullable=False),
        sa.CheckConstraint(_CHANNELS, name=op.f("ck_contact_exchanges_channel")),
        _fk("contact_exchanges", "contact_id", "contacts"),
        _fk("contact_exchanges", "organisation_id", "organisations"),
        _fk("contact_exchanges", "recorded_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_exchanges")),
    )
    op.create_table(
        "contact_moves",
        sa.Column("contact_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.LargeBinary(), nullable=True),
        sa.Column("moved_at", when, nullable=False),
        sa.Column("moved_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        _fk("contact_moves", "contact_id", "contacts"),
        _fk("contact_moves", "organisation_id", "organisations"),
        _fk("contact_moves", "moved_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_moves")),
    )
    for table in ("contact_exchanges", "contact_moves"):
        for column in ("contact_id", "organisation_id"):
            op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def downgrade() -> None:
    for table in ("contact_moves", "contact_exchanges"):
        for column in ("organisation_id", "contact_id"):
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
        op.drop_table(table)
    op.drop_table("contact_keys")
    for column in ("person_id", "handler_id", "agreement_id"):
        op.drop_index(op.f(f"ix_contacts_{column}"), table_name="contacts")
    op.drop_index("ix_contacts_organisation_created", table_name="contacts")
    op.drop_table("contacts")
