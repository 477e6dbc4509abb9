"""vetting due process: standard of proof, disclosed reasons, notification, appeals

- `vetting_decisions` gains the standard of proof the decision's findings meet
  (`standard_of_proof`), the reasons the person may be told (`disclosed_reasons`, encrypted
  under the person's key like the confidential `reasons`), when and in which language the
  person was told of it (`notified_on`, `notice_language`, `notified_by_id`) and the last
  day for appealing, fixed when they are told (`appeal_closes_on`).
- `vetting_reviews` gains the day an appeal was lodged (`lodged_on`) and the decision under
  appeal or review (`appealed_decision_id`), whose two officers may not decide the appeal.

Existing rows: a decision taken before this revision has no standard of proof (NULL, shown
as "not recorded"), no disclosed reasons and no notification (the time limit has not
started). An existing appeal is taken to have been lodged on the day it was recorded (its
`created_at`, as a Myanmar date: the latest day it can have been lodged); an existing appeal
or review names the decision that was in force when it was opened (the last one confirmed
before it).

No new incident kinds or outcome need a schema change: `vetting_incidents.kind`,
`vetting_cases.outcome` and `vetting_decisions.outcome` are unconstrained strings of 30.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from collections.abc import Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import haven.db.types

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MYANMAR = ZoneInfo("Asia/Yangon")

_reviews = sa.table(
    "vetting_reviews",
    sa.column("id", sa.Uuid()),
    sa.column("kind", sa.String()),
    sa.column("created_at", haven.db.types.UTCDateTime()),
    sa.column("lodged_on", sa.Date()),
)


def upgrade() -> None:
    with op.batch_alter_table("vetting_decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("standard_of_proof", sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column("disclosed_reasons", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("notified_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("notice_language", sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column("notified_by_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("appeal_closes_on", sa.Date(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_vetting_decisions_notified_by_id_users"),
            "users",
            ["notified_by_id"],
            ["id"],
        )

    with op.batch_alter_table("vetting_reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lodged_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("appealed_decision_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_vetting_reviews_appealed_decision_id_vetting_decisions"),
            "vetting_decisions",
            ["appealed_decision_id"],
            ["id"],
        )

    # Existing rows (see the docstring).
    connection = op.get_bind()
    appeals = connection.execute(
        sa.select(_reviews.c.id, _reviews.c.created_at).where(_reviews.c.kind == "appeal")
    ).all()
    for review_id, created_at in appeals:
        connection.execute(
            sa.update(_reviews)
            .where(_reviews.c.id == review_id)
            .values(lodged_on=created_at.astimezone(MYANMAR).date())
        )
    op.execute(
        "UPDATE vetting_reviews SET appealed_decision_id = ("
        "SELECT d.id FROM vetting_decisions d WHERE d.case_id = vetting_reviews.case_id "
        "AND d.confirmed_at IS NOT NULL AND d.confirmed_at <= vetting_reviews.created_at "
        "ORDER BY d.confirmed_at DESC LIMIT 1) "
        "WHERE kind IN ('appeal', 'review')"
    )


def downgrade() -> None:
    with op.batch_alter_table("vetting_reviews", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_vetting_reviews_appealed_decision_id_vetting_decisions"),
            type_="foreignkey",
        )
        batch_op.drop_column("appealed_decision_id")
        batch_op.drop_column("lodged_on")

    with op.batch_alter_table("vetting_decisions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_vetting_decisions_notified_by_id_users"), type_="foreignkey"
        )
        for column in (
            "appeal_closes_on",
            "notified_by_id",
            "notice_language",
            "notified_on",
            "disclosed_reasons",
            "standard_of_proof",
        ):
            batch_op.drop_column(column)
