"""order_terms: what an order keeps from its creation (tax rule, supplier facts and bank account, letterhead)

Existing orders are backfilled: the tax rule from the order's own amounts where
they tell it (PKP when PPN was charged, PP 55 when the final tax was withheld)
and the rates in force now (``PPN_RATE`` …, as configured); the supplier's
identifiers and bank account from its current row; the letterhead from the
``REGION_*`` settings and the SKPD's name; the lead time from the listings.

Revision ID: 0006_frozen_terms
Revises: 0005_page_revisions
"""
from decimal import Decimal

from alembic import op
from flask import current_app
import sqlalchemy as sa

revision = '0006_frozen_terms'
down_revision = '0005_page_revisions'
branch_labels = None
depends_on = None

SUPPLIER_FACTS = ('business_name', 'legal_form', 'nib', 'npwp', 'owner_name', 'address', 'kelurahan', 'kecamatan',
                  'phone', 'bank_name', 'bank_account', 'bank_account_holder')
PPH_RATES = {'pph22': 'PPH22_RATE', 'pph23': 'PPH23_RATE', 'final_pp55': 'PP55_RATE'}
BATCH = 5_000


def upgrade():
    terms = op.create_table(
        'order_terms',
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('ppn_rate', sa.String(length=20), nullable=False),
        sa.Column('is_pkp', sa.Boolean(), nullable=False),
        sa.Column('pph_kind', sa.String(length=12), nullable=False),
        sa.Column('pph_rate', sa.String(length=20), nullable=False),
        sa.Column('withholding_threshold', sa.BigInteger(), nullable=False),
        sa.Column('business_name', sa.String(length=200), nullable=False),
        sa.Column('legal_form', sa.String(length=20), nullable=False),
        sa.Column('nib', sa.String(length=13), nullable=False),
        sa.Column('npwp', sa.String(length=16), nullable=False),
        sa.Column('owner_name', sa.String(length=200), nullable=False),
        sa.Column('address', sa.String(length=300), nullable=False),
        sa.Column('kelurahan', sa.String(length=100), nullable=False),
        sa.Column('kecamatan', sa.String(length=100), nullable=False),
        sa.Column('phone', sa.String(length=20), nullable=False),
        sa.Column('bank_name', sa.String(length=100), nullable=False),
        sa.Column('bank_account', sa.String(length=30), nullable=False),
        sa.Column('bank_account_holder', sa.String(length=200), nullable=False),
        sa.Column('region_name', sa.String(length=200), nullable=False),
        sa.Column('region_city', sa.String(length=100), nullable=False),
        sa.Column('region_address', sa.String(length=500), nullable=False),
        sa.Column('skpd_name', sa.String(length=200), nullable=False),
        sa.Column('lead_time_days', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_terms_order_id_orders')),
        sa.PrimaryKeyConstraint('order_id', name=op.f('pk_order_terms')),
    )
    _backfill(op.get_bind(), terms)


def _backfill(connection, terms):
    """One terms row per existing order, in batches of orders by id."""
    config = current_app.config
    ppn_rate = Decimal(str(config['PPN_RATE']))
    pph_rates = {kind: format(Decimal(str(config[name])), 'f') for kind, name in PPH_RATES.items()}
    kept = {'ppn_rate': format(ppn_rate, 'f'), 'withholding_threshold': int(config['WITHHOLDING_THRESHOLD']),
            'region_name': config['REGION_NAME'], 'region_city': config['REGION_CITY'],
            'region_address': config['REGION_ADDRESS']}
    meta = sa.MetaData()
    orders, suppliers, skpd, lines, listings = (
        sa.Table(name, meta, autoload_with=connection)
        for name in ('orders', 'suppliers', 'skpd', 'order_lines', 'listings'))
    lead = (sa.select(lines.c.order_id, sa.func.max(listings.c.lead_time_days).label('lead_time_days'))
            .join(listings, listings.c.id == lines.c.listing_id).group_by(lines.c.order_id).subquery())
    query = (
        sa.select(orders.c.id, orders.c.subtotal, orders.c.ppn, orders.c.pph_kind, skpd.c.name.label('skpd_name'),
                  sa.func.coalesce(lead.c.lead_time_days, 0).label('lead_time_days'), suppliers.c.is_pkp,
                  *(suppliers.c[name] for name in SUPPLIER_FACTS))
        .join(suppliers, suppliers.c.id == orders.c.supplier_id).join(skpd, skpd.c.id == orders.c.skpd_id)
        .outerjoin(lead, lead.c.order_id == orders.c.id).order_by(orders.c.id).limit(BATCH))
    last = 0
    while batch := connection.execute(query.where(orders.c.id > last)).all():
        connection.execute(terms.insert(), [_terms(order, kept, ppn_rate, pph_rates) for order in batch])
        last = batch[-1].id


def _terms(order, kept: dict, ppn_rate: Decimal, pph_rates: dict) -> dict:
    """An order's terms, its rule read from its own amounts: PKP when it charged PPN (or the supplier is PKP
    and the PPN rounded to nothing), the PPh it withheld (none: goods below the threshold, PPh 22)."""
    pph_kind = order.pph_kind or 'pph22'
    is_pkp = order.ppn > 0 or (order.is_pkp and order.subtotal * ppn_rate < Decimal('0.5'))
    return {'order_id': order.id, 'is_pkp': is_pkp, 'pph_kind': pph_kind, 'pph_rate': pph_rates[pph_kind],
            'skpd_name': order.skpd_name, 'lead_time_days': order.lead_time_days, **kept,
            **{name: order._mapping[name] for name in SUPPLIER_FACTS}}


def downgrade():
    op.drop_table('order_terms')
