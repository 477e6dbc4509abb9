"""matching

Duplicate detection and watchlist screening for Burmese names: match profiles and blocking
keys, the review queue and reversible merges.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import haven.db.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('match_keys',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('value', sa.String(length=250), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_match_keys_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_match_keys_person_id_persons')),
    sa.PrimaryKeyConstraint('person_id', 'kind', 'value', name=op.f('pk_match_keys'))
    )
    with op.batch_alter_table('match_keys', schema=None) as batch_op:
        batch_op.create_index('ix_match_keys_kind_value', ['kind', 'value'], unique=False)

    op.create_table('match_profiles',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('name1', sa.String(length=200), nullable=True),
    sa.Column('name2', sa.String(length=200), nullable=True),
    sa.Column('father', sa.String(length=200), nullable=True),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('birth_date', sa.String(length=10), nullable=True),
    sa.Column('nrc_index', sa.String(length=64), nullable=True),
    sa.Column('service_number_index', sa.String(length=64), nullable=True),
    sa.Column('unit', sa.String(length=40), nullable=True),
    sa.Column('updated_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_match_profiles_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_match_profiles_person_id_persons')),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_match_profiles'))
    )
    with op.batch_alter_table('match_profiles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_profiles_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('match_reviews',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('person_a_id', sa.Uuid(), nullable=False),
    sa.Column('person_b_id', sa.Uuid(), nullable=False),
    sa.Column('weight', sa.Double(), nullable=False),
    sa.Column('probability', sa.Double(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('first_reviewer_id', sa.Uuid(), nullable=True),
    sa.Column('first_decision', sa.String(length=10), nullable=True),
    sa.Column('first_decided_at', haven.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('second_reviewer_id', sa.Uuid(), nullable=True),
    sa.Column('decided_at', haven.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("state IN ('open', 'awaiting_second', 'linked', 'not_same')", name=op.f('ck_match_reviews_state')),
    sa.CheckConstraint('person_a_id <> person_b_id', name=op.f('ck_match_reviews_distinct_people')),
    sa.ForeignKeyConstraint(['first_reviewer_id'], ['users.id'], name=op.f('fk_match_reviews_first_reviewer_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_match_reviews_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['person_a_id'], ['persons.id'], name=op.f('fk_match_reviews_person_a_id_persons')),
    sa.ForeignKeyConstraint(['person_b_id'], ['persons.id'], name=op.f('fk_match_reviews_person_b_id_persons')),
    sa.ForeignKeyConstraint(['second_reviewer_id'], ['users.id'], name=op.f('fk_match_reviews_second_reviewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_reviews')),
    sa.UniqueConstraint('person_a_id', 'person_b_id', name=op.f('uq_match_reviews_person_a_id_person_b_id'))
    )
    with op.batch_alter_table('match_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_reviews_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_reviews_person_a_id'), ['person_a_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_reviews_person_b_id'), ['person_b_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_reviews_state'), ['state'], unique=False)

    op.create_table('match_merges',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('review_id', sa.Uuid(), nullable=True),
    sa.Column('survivor_id', sa.Uuid(), nullable=False),
    sa.Column('merged_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('undone_at', haven.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('undone_by_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['merged_id'], ['persons.id'], name=op.f('fk_match_merges_merged_id_persons')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_match_merges_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['review_id'], ['match_reviews.id'], name=op.f('fk_match_merges_review_id_match_reviews')),
    sa.ForeignKeyConstraint(['survivor_id'], ['persons.id'], name=op.f('fk_match_merges_survivor_id_persons')),
    sa.ForeignKeyConstraint(['undone_by_id'], ['users.id'], name=op.f('fk_match_merges_undone_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_merges'))
    )
    with op.batch_alter_table('match_merges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_merges_merged_id'), ['merged_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_merges_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_match_merges_survivor_id'), ['survivor_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('match_merges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_merges_survivor_id'))
        batch_op.drop_index(batch_op.f('ix_match_merges_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_match_merges_merged_id'))

    op.drop_table('match_merges')
    with op.batch_alter_table('match_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_reviews_state'))
        batch_op.drop_index(batch_op.f('ix_match_reviews_person_b_id'))
        batch_op.drop_index(batch_op.f('ix_match_reviews_person_a_id'))
        batch_op.drop_index(batch_op.f('ix_match_reviews_organisation_id'))

    op.drop_table('match_reviews')
    with op.batch_alter_table('match_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_profiles_organisation_id'))

    op.drop_table('match_profiles')
    with op.batch_alter_table('match_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_match_keys_kind_value')

    op.drop_table('match_keys')
