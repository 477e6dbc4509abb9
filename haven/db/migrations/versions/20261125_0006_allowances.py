"""allowances

Defection-plan policy, funders, entitlements, payment batches and the ledger.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import haven.db.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('allowance_funders',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_my', sa.String(length=200), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_allowance_funders_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_funders')),
    sa.UniqueConstraint('organisation_id', 'name', name=op.f('uq_allowance_funders_organisation_id_name'))
    )
    with op.batch_alter_table('allowance_funders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_funders_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('allowance_budget_lines',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('funder_id', sa.Uuid(), nullable=False),
    sa.Column('component_code', sa.String(length=40), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('share_bp', sa.Integer(), nullable=False),
    sa.Column('budget_minor', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('budget_minor >= 0', name=op.f('ck_allowance_budget_lines_budget')),
    sa.CheckConstraint('length(currency) = 3', name=op.f('ck_allowance_budget_lines_currency')),
    sa.CheckConstraint('share_bp > 0 AND share_bp <= 10000', name=op.f('ck_allowance_budget_lines_share')),
    sa.ForeignKeyConstraint(['funder_id'], ['allowance_funders.id'], name=op.f('fk_allowance_budget_lines_funder_id_allowance_funders')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_allowance_budget_lines_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_budget_lines')),
    sa.UniqueConstraint('funder_id', 'component_code', 'currency', name=op.f('uq_allowance_budget_lines_funder_id_component_code_currency'))
    )
    with op.batch_alter_table('allowance_budget_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_budget_lines_component_code'), ['component_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_budget_lines_funder_id'), ['funder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_budget_lines_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('allowance_batches',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('submitted_at', haven.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('submitted_by_id', sa.Uuid(), nullable=True),
    sa.Column('approved_at', haven.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approved_by_id', sa.Uuid(), nullable=True),
    sa.Column('disbursed_at', haven.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reconciled_at', haven.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reconciled_by_id', sa.Uuid(), nullable=True),
    sa.Column('cancelled_at', haven.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('approved_by_id IS NULL OR approved_by_id <> created_by_id', name=op.f('ck_allowance_batches_maker_checker')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_allowance_batches_approved_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_allowance_batches_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_allowance_batches_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['reconciled_by_id'], ['users.id'], name=op.f('fk_allowance_batches_reconciled_by_id_users')),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_allowance_batches_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_batches')),
    sa.UniqueConstraint('organisation_id', 'number', name=op.f('uq_allowance_batches_organisation_id_number'))
    )
    with op.batch_alter_table('allowance_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_batches_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_batches_status'), ['status'], unique=False)

    op.create_table('allowance_plan_versions',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('notes', sa.String(length=2000), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('published_at', haven.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('published_by_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'published', 'retired')", name=op.f('ck_allowance_plan_versions_status')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_allowance_plan_versions_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_allowance_plan_versions_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_allowance_plan_versions_published_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_plan_versions')),
    sa.UniqueConstraint('organisation_id', 'number', name=op.f('uq_allowance_plan_versions_organisation_id_number'))
    )
    with op.batch_alter_table('allowance_plan_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_plan_versions_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('allowance_instalments',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('plan_version_id', sa.Uuid(), nullable=False),
    sa.Column('component_code', sa.String(length=40), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('part', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('overridden', sa.Boolean(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('owed', 'cancelled')", name=op.f('ck_allowance_instalments_status')),
    sa.CheckConstraint('amount_minor >= 0', name=op.f('ck_allowance_instalments_not_negative')),
    sa.CheckConstraint('length(currency) = 3', name=op.f('ck_allowance_instalments_currency')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_allowance_instalments_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_allowance_instalments_person_id_persons')),
    sa.ForeignKeyConstraint(['plan_version_id'], ['allowance_plan_versions.id'], name=op.f('fk_allowance_instalments_plan_version_id_allowance_plan_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_instalments')),
    sa.UniqueConstraint('person_id', 'component_code', 'number', 'part', name=op.f('uq_allowance_instalments_person_id_component_code_number_part'))
    )
    with op.batch_alter_table('allowance_instalments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_instalments_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_instalments_person_id'), ['person_id'], unique=False)

    op.create_table('allowance_plan_components',
    sa.Column('plan_version_id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('name_my', sa.String(length=200), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('eligibility', sa.JSON(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('length(currency) = 3', name=op.f('ck_allowance_plan_components_currency')),
    sa.ForeignKeyConstraint(['plan_version_id'], ['allowance_plan_versions.id'], name=op.f('fk_allowance_plan_components_plan_version_id_allowance_plan_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_plan_components')),
    sa.UniqueConstraint('plan_version_id', 'code', name=op.f('uq_allowance_plan_components_plan_version_id_code'))
    )
    with op.batch_alter_table('allowance_plan_components', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_plan_components_plan_version_id'), ['plan_version_id'], unique=False)

    op.create_table('allowance_payment_items',
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('instalment_id', sa.Uuid(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount_minor > 0', name=op.f('ck_allowance_payment_items_positive')),
    sa.ForeignKeyConstraint(['batch_id'], ['allowance_batches.id'], name=op.f('fk_allowance_payment_items_batch_id_allowance_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['instalment_id'], ['allowance_instalments.id'], name=op.f('fk_allowance_payment_items_instalment_id_allowance_instalments')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_allowance_payment_items_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_allowance_payment_items_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_payment_items')),
    sa.UniqueConstraint('instalment_id', 'generation', name=op.f('uq_allowance_payment_items_instalment_id_generation'))
    )
    with op.batch_alter_table('allowance_payment_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_payment_items_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_payment_items_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_payment_items_person_id'), ['person_id'], unique=False)

    op.create_table('allowance_disbursements',
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('idempotency_key', sa.String(length=80), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('receipt_reference', sa.String(length=100), nullable=False),
    sa.Column('disbursed_by_id', sa.Uuid(), nullable=True),
    sa.Column('disbursed_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('receipt_content_type', sa.String(length=40), nullable=True),
    sa.Column('receipt_photo', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("method IN ('cash', 'mobile_money', 'bank', 'hawala')", name=op.f('ck_allowance_disbursements_method')),
    sa.ForeignKeyConstraint(['disbursed_by_id'], ['users.id'], name=op.f('fk_allowance_disbursements_disbursed_by_id_users')),
    sa.ForeignKeyConstraint(['item_id'], ['allowance_payment_items.id'], name=op.f('fk_allowance_disbursements_item_id_allowance_payment_items')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_allowance_disbursements_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_allowance_disbursements_person_id_persons')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_disbursements')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_allowance_disbursements_idempotency_key')),
    sa.UniqueConstraint('item_id', name=op.f('uq_allowance_disbursements_item_id'))
    )
    with op.batch_alter_table('allowance_disbursements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_disbursements_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_disbursements_person_id'), ['person_id'], unique=False)

    op.create_table('allowance_ledger_entries',
    sa.Column('transaction_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('account', sa.String(length=20), nullable=False),
    sa.Column('owner_id', sa.Uuid(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('instalment_id', sa.Uuid(), nullable=True),
    sa.Column('component_code', sa.String(length=40), nullable=False),
    sa.Column('disbursement_id', sa.Uuid(), nullable=True),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('posted_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("account IN ('person', 'funder', 'obligations')", name=op.f('ck_allowance_ledger_entries_account')),
    sa.ForeignKeyConstraint(['disbursement_id'], ['allowance_disbursements.id'], name=op.f('fk_allowance_ledger_entries_disbursement_id_allowance_disbursements')),
    sa.ForeignKeyConstraint(['instalment_id'], ['allowance_instalments.id'], name=op.f('fk_allowance_ledger_entries_instalment_id_allowance_instalments')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_allowance_ledger_entries_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_ledger_entries'))
    )
    with op.batch_alter_table('allowance_ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_allowance_ledger_entries_account_owner', ['account', 'owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_ledger_entries_disbursement_id'), ['disbursement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_ledger_entries_instalment_id'), ['instalment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_ledger_entries_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_allowance_ledger_entries_transaction_id'), ['transaction_id'], unique=False)

    op.create_table('allowance_reversals',
    sa.Column('disbursement_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('reversed_by_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', haven.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['disbursement_id'], ['allowance_disbursements.id'], name=op.f('fk_allowance_reversals_disbursement_id_allowance_disbursements')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_allowance_reversals_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['reversed_by_id'], ['users.id'], name=op.f('fk_allowance_reversals_reversed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_reversals')),
    sa.UniqueConstraint('disbursement_id', name=op.f('uq_allowance_reversals_disbursement_id'))
    )
    with op.batch_alter_table('allowance_reversals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allowance_reversals_organisation_id'), ['organisation_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('allowance_reversals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_reversals_organisation_id'))

    op.drop_table('allowance_reversals')
    with op.batch_alter_table('allowance_ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_ledger_entries_transaction_id'))
        batch_op.drop_index(batch_op.f('ix_allowance_ledger_entries_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_allowance_ledger_entries_instalment_id'))
        batch_op.drop_index(batch_op.f('ix_allowance_ledger_entries_disbursement_id'))
        batch_op.drop_index('ix_allowance_ledger_entries_account_owner')

    op.drop_table('allowance_ledger_entries')
    with op.batch_alter_table('allowance_disbursements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_disbursements_person_id'))
        batch_op.drop_index(batch_op.f('ix_allowance_disbursements_organisation_id'))

    op.drop_table('allowance_disbursements')
    with op.batch_alter_table('allowance_payment_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_payment_items_person_id'))
        batch_op.drop_index(batch_op.f('ix_allowance_payment_items_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_allowance_payment_items_batch_id'))

    op.drop_table('allowance_payment_items')
    with op.batch_alter_table('allowance_plan_components', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_plan_components_plan_version_id'))

    op.drop_table('allowance_plan_components')
    with op.batch_alter_table('allowance_instalments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_instalments_person_id'))
        batch_op.drop_index(batch_op.f('ix_allowance_instalments_organisation_id'))

    op.drop_table('allowance_instalments')
    with op.batch_alter_table('allowance_plan_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_plan_versions_organisation_id'))

    op.drop_table('allowance_plan_versions')
    with op.batch_alter_table('allowance_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_batches_status'))
        batch_op.drop_index(batch_op.f('ix_allowance_batches_organisation_id'))

    op.drop_table('allowance_batches')
    with op.batch_alter_table('allowance_budget_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_budget_lines_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_allowance_budget_lines_funder_id'))
        batch_op.drop_index(batch_op.f('ix_allowance_budget_lines_component_code'))

    op.drop_table('allowance_budget_lines')
    with op.batch_alter_table('allowance_funders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allowance_funders_organisation_id'))

    op.drop_table('allowance_funders')
