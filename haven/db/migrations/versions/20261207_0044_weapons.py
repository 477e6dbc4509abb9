"""weapons stores and their ledger (issue 25)

Stores, key holders, intakes, documents, stock-check lines and the ledger of movements; the
ledger (`weapon_movements`) is append-only like the audit trail: triggers refuse UPDATE and
DELETE on both engines (and TRUNCATE on PostgreSQL). Ammunition's calibre on `weapon_items`.

Revision ID: 0044
Revises: 0043
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from haven.db.types import UTCDateTime

revision = "0044"
down_revision = "0043"
branch_labels = None
depends_on = None

LEDGER_TABLES = ("weapon_movements",)


def upgrade() -> None:
    with op.batch_alter_table("weapon_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calibre", sa.String(length=40), nullable=True))
    op.create_table('weapon_keys',
    sa.Column('owner_id', sa.Uuid(), nullable=False),
    sa.Column('wrapped_key', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('owner_id', name=op.f('pk_weapon_keys'))
    )
    op.create_table('weapon_stores',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('closed_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_by_id', sa.Uuid(), nullable=True),
    sa.Column('location', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('armoury', 'ammunition', 'field')", name=op.f('ck_weapon_stores_kind')),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_weapon_stores_status')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_weapon_stores_closed_by_id_users')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_weapon_stores_created_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_weapon_stores_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_weapon_stores_site_id_sites')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weapon_stores'))
    )
    op.create_index(op.f('ix_weapon_stores_organisation_id'), 'weapon_stores', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_weapon_stores_site_id'), 'weapon_stores', ['site_id'], unique=False)
    op.create_table('weapon_documents',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('store_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Uuid(), nullable=True),
    sa.Column('to_store_id', sa.Uuid(), nullable=True),
    sa.Column('force_id', sa.Uuid(), nullable=True),
    sa.Column('unit_id', sa.Uuid(), nullable=True),
    sa.Column('method', sa.String(length=12), nullable=True),
    sa.Column('method_other', sa.String(length=100), nullable=True),
    sa.Column('representative', sa.LargeBinary(), nullable=True),
    sa.Column('signature', sa.LargeBinary(), nullable=True),
    sa.Column('place', sa.LargeBinary(), nullable=True),
    sa.Column('witnesses', sa.LargeBinary(), nullable=True),
    sa.Column('photo_before', sa.LargeBinary(), nullable=True),
    sa.Column('photo_after', sa.LargeBinary(), nullable=True),
    sa.Column('note', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('intake', 'transfer', 'reissue', 'destruction', 'stock_check')", name=op.f('ck_weapon_documents_kind')),
    sa.CheckConstraint("method IS NULL OR method IN ('cutting', 'crushing', 'burning', 'smelting', 'demolition', 'other')", name=op.f('ck_weapon_documents_method')),
    sa.ForeignKeyConstraint(['force_id'], ['forces.id'], name=op.f('fk_weapon_documents_force_id_forces')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_weapon_documents_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_weapon_documents_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['store_id'], ['weapon_stores.id'], name=op.f('fk_weapon_documents_store_id_weapon_stores')),
    sa.ForeignKeyConstraint(['to_store_id'], ['weapon_stores.id'], name=op.f('fk_weapon_documents_to_store_id_weapon_stores')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_weapon_documents_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weapon_documents'))
    )
    op.create_index(op.f('ix_weapon_documents_organisation_id'), 'weapon_documents', ['organisation_id'], unique=False)
    op.create_index('ix_weapon_documents_store_occurred', 'weapon_documents', ['store_id', 'occurred_on'], unique=False)
    op.create_table('weapon_key_holders',
    sa.Column('store_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('handed_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('handed_by_id', sa.Uuid(), nullable=True),
    sa.Column('returned_at', UTCDateTime(timezone=True), nullable=True),
    sa.Column('returned_by_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['handed_by_id'], ['users.id'], name=op.f('fk_weapon_key_holders_handed_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_weapon_key_holders_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['returned_by_id'], ['users.id'], name=op.f('fk_weapon_key_holders_returned_by_id_users')),
    sa.ForeignKeyConstraint(['store_id'], ['weapon_stores.id'], name=op.f('fk_weapon_key_holders_store_id_weapon_stores')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_weapon_key_holders_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weapon_key_holders'))
    )
    op.create_index(op.f('ix_weapon_key_holders_organisation_id'), 'weapon_key_holders', ['organisation_id'], unique=False)
    op.create_index('ix_weapon_key_holders_store_returned', 'weapon_key_holders', ['store_id', 'returned_at'], unique=False)
    op.create_index(op.f('ix_weapon_key_holders_user_id'), 'weapon_key_holders', ['user_id'], unique=False)
    op.create_table('weapon_check_lines',
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('store_id', sa.Uuid(), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=True),
    sa.Column('calibre', sa.String(length=40), nullable=True),
    sa.Column('expected', sa.Integer(), nullable=False),
    sa.Column('counted', sa.Integer(), nullable=False),
    sa.Column('reason', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['weapon_documents.id'], name=op.f('fk_weapon_check_lines_document_id_weapon_documents')),
    sa.ForeignKeyConstraint(['item_id'], ['weapon_items.id'], name=op.f('fk_weapon_check_lines_item_id_weapon_items')),
    sa.ForeignKeyConstraint(['store_id'], ['weapon_stores.id'], name=op.f('fk_weapon_check_lines_store_id_weapon_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weapon_check_lines'))
    )
    op.create_index(op.f('ix_weapon_check_lines_document_id'), 'weapon_check_lines', ['document_id'], unique=False)
    op.create_table('weapon_intakes',
    sa.Column('item_id', sa.Uuid(), nullable=False),
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('site_id', sa.Uuid(), nullable=False),
    sa.Column('outcome', sa.String(length=12), nullable=False),
    sa.Column('store_id', sa.Uuid(), nullable=True),
    sa.Column('document_id', sa.Uuid(), nullable=True),
    sa.Column('serviceable', sa.Boolean(), nullable=True),
    sa.Column('recorded_by_id', sa.Uuid(), nullable=True),
    sa.Column('recorded_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.LargeBinary(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(outcome = 'received' AND store_id IS NOT NULL AND document_id IS NOT NULL) OR (outcome = 'not_received' AND store_id IS NULL)", name=op.f('ck_weapon_intakes_where')),
    sa.CheckConstraint("outcome IN ('received', 'not_received')", name=op.f('ck_weapon_intakes_outcome')),
    sa.ForeignKeyConstraint(['document_id'], ['weapon_documents.id'], name=op.f('fk_weapon_intakes_document_id_weapon_documents')),
    sa.ForeignKeyConstraint(['item_id'], ['weapon_items.id'], name=op.f('fk_weapon_intakes_item_id_weapon_items')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_weapon_intakes_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_weapon_intakes_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_weapon_intakes_site_id_sites')),
    sa.ForeignKeyConstraint(['store_id'], ['weapon_stores.id'], name=op.f('fk_weapon_intakes_store_id_weapon_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weapon_intakes')),
    sa.UniqueConstraint('item_id', name=op.f('uq_weapon_intakes_item_id'))
    )
    op.create_index(op.f('ix_weapon_intakes_organisation_id'), 'weapon_intakes', ['organisation_id'], unique=False)
    op.create_index(op.f('ix_weapon_intakes_site_id'), 'weapon_intakes', ['site_id'], unique=False)
    op.create_index(op.f('ix_weapon_intakes_store_id'), 'weapon_intakes', ['store_id'], unique=False)
    op.create_table('weapon_movements',
    sa.Column('organisation_id', sa.Uuid(), nullable=False),
    sa.Column('store_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('item_id', sa.Uuid(), nullable=True),
    sa.Column('calibre', sa.String(length=40), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('moved_by_id', sa.Uuid(), nullable=True),
    sa.Column('moved_at', UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.CheckConstraint("kind IN ('intake', 'transfer_out', 'transfer_in', 'reissue', 'destruction', 'adjustment')", name=op.f('ck_weapon_movements_kind')),
    sa.CheckConstraint('item_id IS NOT NULL OR calibre IS NOT NULL', name=op.f('ck_weapon_movements_what')),
    sa.CheckConstraint('quantity <> 0', name=op.f('ck_weapon_movements_quantity')),
    sa.ForeignKeyConstraint(['document_id'], ['weapon_documents.id'], name=op.f('fk_weapon_movements_document_id_weapon_documents')),
    sa.ForeignKeyConstraint(['item_id'], ['weapon_items.id'], name=op.f('fk_weapon_movements_item_id_weapon_items')),
    sa.ForeignKeyConstraint(['moved_by_id'], ['users.id'], name=op.f('fk_weapon_movements_moved_by_id_users')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_weapon_movements_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['store_id'], ['weapon_stores.id'], name=op.f('fk_weapon_movements_store_id_weapon_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_weapon_movements'))
    )
    op.create_index(op.f('ix_weapon_movements_document_id'), 'weapon_movements', ['document_id'], unique=False)
    op.create_index(op.f('ix_weapon_movements_item_id'), 'weapon_movements', ['item_id'], unique=False)
    op.create_index(op.f('ix_weapon_movements_organisation_id'), 'weapon_movements', ['organisation_id'], unique=False)
    op.create_index('ix_weapon_movements_store_calibre', 'weapon_movements', ['store_id', 'calibre'], unique=False)
    op.create_index('ix_weapon_movements_store_item', 'weapon_movements', ['store_id', 'item_id'], unique=False)
    # Append-only, as the audit trail (revision 0003 made the PostgreSQL function).
    for table in LEDGER_TABLES:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION haven_audit_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION haven_audit_append_only()"
            )
        else:
            for operation in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} "
                    f"ON {table} BEGIN SELECT RAISE(ABORT, 'the weapons ledger is append-only'); "
                    "END"
                )


def downgrade() -> None:
    for table in LEDGER_TABLES:
        if op.get_bind().dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        else:
            for operation in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
    with op.batch_alter_table("weapon_items", schema=None) as batch_op:
        batch_op.drop_column("calibre")
    op.drop_index(op.f('ix_weapon_movements_document_id'), table_name='weapon_movements')
    op.drop_index(op.f('ix_weapon_movements_item_id'), table_name='weapon_movements')
    op.drop_index(op.f('ix_weapon_movements_organisation_id'), table_name='weapon_movements')
    op.drop_index('ix_weapon_movements_store_calibre', table_name='weapon_movements')
    op.drop_index('ix_weapon_movements_store_item', table_name='weapon_movements')
    op.drop_table('weapon_movements')
    op.drop_index(op.f('ix_weapon_intakes_organisation_id'), table_name='weapon_intakes')
    op.drop_index(op.f('ix_weapon_intakes_site_id'), table_name='weapon_intakes')
    op.drop_index(op.f('ix_weapon_intakes_store_id'), table_name='weapon_intakes')
    op.drop_table('weapon_intakes')
    op.drop_index(op.f('ix_weapon_check_lines_document_id'), table_name='weapon_check_lines')
    op.drop_table('weapon_check_lines')
    op.drop_index(op.f('ix_weapon_key_holders_organisation_id'), table_name='weapon_key_holders')
    op.drop_index('ix_weapon_key_holders_store_returned', table_name='weapon_key_holders')
    op.drop_index(op.f('ix_weapon_key_holders_user_id'), table_name='weapon_key_holders')
    op.drop_table('weapon_key_holders')
    op.drop_index(op.f('ix_weapon_documents_organisation_id'), table_name='weapon_documents')
    op.drop_index('ix_weapon_documents_store_occurred', table_name='weapon_documents')
    op.drop_table('weapon_documents')
    op.drop_index(op.f('ix_weapon_stores_organisation_id'), table_name='weapon_stores')
    op.drop_index(op.f('ix_weapon_stores_site_id'), table_name='weapon_stores')
    op.drop_table('weapon_stores')
    op.drop_table('weapon_keys')
