"""revisions of listings and suppliers, and the storefronts' data version, for listing pages cached one by one

Revision ID: 0005_page_revisions
Revises: 0004_search
"""
from alembic import op
import sqlalchemy as sa

revision = '0005_page_revisions'
down_revision = '0004_search'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('listings', 'suppliers'):
        op.add_column(table, sa.Column('revision', sa.BigInteger(), nullable=False, server_default='0'))
    op.bulk_insert(sa.table('data_versions', sa.column('name'), sa.column('version')),
                   [{'name': 'storefronts', 'version': 0}])


def downgrade():
    op.execute("DELETE FROM data_versions WHERE name = 'storefronts'")
    for table in ('suppliers', 'listings'):
        op.drop_column(table, 'revision')
