"""tokens and throttling: token scopes and expiry, known devices, enrolment codes

- `api_tokens.scopes` (space-separated `read`, `write`) and `expires_at` now required.
  Existing tokens keep what they could do (`read write`) and get an expiry 90 days from this
  migration, so that no token lives for ever.
- `login_failures.device_key`: the known device a failure came from (NULL: any other
  device), so that guessing from elsewhere never delays the owner on their own device.
  Existing failures count as from unknown devices.
- `known_devices`: browsers a user has fully logged in from (hash of the device token).
- `enrolment_codes`: one-time codes an administrator issues so that a privileged user may
  enrol their first second factor (hash only); `pending_logins.enrolment_code_id` remembers
  the code a login in enrolment has given. Both start empty: a privileged user without a
  factor now needs a code (`haven user enrolment-code`, or the user's page).

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06
"""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import haven.db.types

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EXISTING_TOKEN_DAYS = 90


def upgrade() -> None:
    tokens = sa.table(
        "api_tokens",
        sa.column("scopes", sa.String(length=40)),
        sa.column("expires_at", haven.db.types.UTCDateTime(timezone=True)),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scopes", sa.String(length=40), nullable=True))
    op.execute(tokens.update().values(scopes="read write"))
    op.execute(
        tokens.update()
        .where(tokens.c.expires_at.is_(None))
        .values(expires_at=datetime.now(UTC) + timedelta(days=EXISTING_TOKEN_DAYS))
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column("scopes", existing_type=sa.String(length=40), nullable=False)
        batch_op.alter_column(
            "expires_at",
            existing_type=haven.db.types.UTCDateTime(timezone=True),
            nullable=False,
        )

    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("device_key", sa.String(length=64), nullable=True))

    with op.batch_alter_table("pending_logins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("enrolment_code_id", sa.Uuid(), nullable=True))

    op.create_table(
        "known_devices",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_known_devices_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_devices")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_known_devices_token_hash")),
    )
    with op.batch_alter_table("known_devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_known_devices_user_id"), ["user_id"], unique=False)

    op.create_table(
        "enrolment_codes",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", haven.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", haven.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_enrolment_codes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolment_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_enrolment_codes_code_hash")),
    )
    with op.batch_alter_table("enrolment_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enrolment_codes_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("enrolment_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_enrolment_codes_user_id"))
    op.drop_table("enrolment_codes")
    with op.batch_alter_table("known_devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_known_devices_user_id"))
    op.drop_table("known_devices")
    with op.batch_alter_table("pending_logins", schema=None) as batch_op:
        batch_op.drop_column("enrolment_code_id")
    with op.batch_alter_table("login_failures", schema=None) as batch_op:
        batch_op.drop_column("device_key")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column(
            "expires_at",
            existing_type=haven.db.types.UTCDateTime(timezone=True),
            nullable=True,
        )
        batch_op.drop_column("scopes")
