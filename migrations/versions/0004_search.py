"""data versions for the caches; full-text and trigram indexes for catalog search on PostgreSQL

Revision ID: 0004_search
Revises: 0003_orders
"""
from alembic import op
import sqlalchemy as sa

revision = '0004_search'
down_revision = '0003_orders'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'data_versions',
        sa.Column('name', sa.String(length=20), nullable=False),
        sa.Column('version', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_data_versions')),
    )
    op.bulk_insert(sa.table('data_versions', sa.column('name'), sa.column('version')),
                   [{'name': 'catalog', 'version': 0}, {'name': 'transactions', 'version': 0}])
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
        op.execute("ALTER TABLE listings ADD COLUMN search_vector tsvector GENERATED ALWAYS AS "
                   "(to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(description, ''))) STORED")
        op.execute('CREATE INDEX ix_listings_search_vector ON listings USING gin (search_vector)')
        op.execute('CREATE INDEX ix_suppliers_business_name_trgm ON suppliers USING gin (lower(business_name) gin_trgm_ops)')
        op.execute("CREATE INDEX ix_listings_active_etalase_price ON listings (etalase_code, price) WHERE status = 'active'")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        for name in ('ix_listings_active_etalase_price', 'ix_suppliers_business_name_trgm',
                     'ix_listings_search_vector'):
            op.execute(f'DROP INDEX IF EXISTS {name}')
        op.execute('ALTER TABLE listings DROP COLUMN search_vector')
    op.drop_table('data_versions')
