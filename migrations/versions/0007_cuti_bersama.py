"""cuti bersama days (not working days for deadlines), seeded for 2025-2027, and their data version

Revision ID: 0007_cuti_bersama
Revises: 0006_frozen_terms

2025: SKB Menteri Agama, Menteri Ketenagakerjaan dan Menteri PANRB Nomor 1017, 2 dan 2 Tahun 2024,
as amended by Nomor 933, 1 dan 3 Tahun 2025 (18 August). 2026: SKB Nomor 1497, 2 dan 5 Tahun 2025.
2027: no decree yet; a provisional list after the estimated holidays, to be corrected by the admin.
"""
from datetime import date

from alembic import op
import sqlalchemy as sa

revision = '0007_cuti_bersama'
down_revision = '0006_frozen_terms'
branch_labels = None
depends_on = None

SKB_2025 = 'SKB 3 Menteri No. 1017, 2, 2 Tahun 2024'
SKB_2025_AMENDED = 'SKB 3 Menteri No. 933, 1, 3 Tahun 2025'
SKB_2026 = 'SKB 3 Menteri No. 1497, 2, 5 Tahun 2025'
PROVISIONAL = 'SEMENTARA, belum ada SKB 3 Menteri 2027'
DAYS = [
    (date(2025, 1, 28), f'Cuti bersama Tahun Baru Imlek 2576 Kongzili ({SKB_2025})'),
    (date(2025, 3, 28), f'Cuti bersama Hari Suci Nyepi Tahun Baru Saka 1947 ({SKB_2025})'),
    (date(2025, 4, 2), f'Cuti bersama Idul Fitri 1446 H ({SKB_2025})'),
    (date(2025, 4, 3), f'Cuti bersama Idul Fitri 1446 H ({SKB_2025})'),
    (date(2025, 4, 4), f'Cuti bersama Idul Fitri 1446 H ({SKB_2025})'),
    (date(2025, 4, 7), f'Cuti bersama Idul Fitri 1446 H ({SKB_2025})'),
    (date(2025, 5, 13), f'Cuti bersama Hari Raya Waisak 2569 BE ({SKB_2025})'),
    (date(2025, 5, 30), f'Cuti bersama Kenaikan Yesus Kristus ({SKB_2025})'),
    (date(2025, 6, 9), f'Cuti bersama Idul Adha 1446 H ({SKB_2025})'),
    (date(2025, 8, 18), f'Cuti bersama HUT ke-80 Kemerdekaan RI ({SKB_2025_AMENDED})'),
    (date(2025, 12, 26), f'Cuti bersama Kelahiran Yesus Kristus ({SKB_2025})'),
    (date(2026, 2, 16), f'Cuti bersama Tahun Baru Imlek 2577 Kongzili ({SKB_2026})'),
    (date(2026, 3, 18), f'Cuti bersama Hari Suci Nyepi Tahun Baru Saka 1948 ({SKB_2026})'),
    (date(2026, 3, 20), f'Cuti bersama Idul Fitri 1447 H ({SKB_2026})'),
    (date(2026, 3, 23), f'Cuti bersama Idul Fitri 1447 H ({SKB_2026})'),
    (date(2026, 3, 24), f'Cuti bersama Idul Fitri 1447 H ({SKB_2026})'),
    (date(2026, 5, 15), f'Cuti bersama Kenaikan Yesus Kristus ({SKB_2026})'),
    (date(2026, 5, 28), f'Cuti bersama Idul Adha 1447 H ({SKB_2026})'),
    (date(2026, 12, 24), f'Cuti bersama Kelahiran Yesus Kristus ({SKB_2026})'),
    (date(2027, 3, 9), f'Cuti bersama Idul Fitri 1448 H ({PROVISIONAL})'),
    (date(2027, 3, 12), f'Cuti bersama Idul Fitri 1448 H ({PROVISIONAL})'),
    (date(2027, 3, 15), f'Cuti bersama Idul Fitri 1448 H ({PROVISIONAL})'),
    (date(2027, 3, 16), f'Cuti bersama Idul Fitri 1448 H ({PROVISIONAL})'),
    (date(2027, 5, 7), f'Cuti bersama Kenaikan Yesus Kristus ({PROVISIONAL})'),
    (date(2027, 5, 21), f'Cuti bersama Hari Raya Waisak 2571 BE ({PROVISIONAL})'),
    (date(2027, 12, 24), f'Cuti bersama Kelahiran Yesus Kristus ({PROVISIONAL})'),
]


def upgrade():
    table = op.create_table(
        'cuti_bersama',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_cuti_bersama')),
        sa.UniqueConstraint('day', name=op.f('uq_cuti_bersama_day')),
    )
    op.bulk_insert(table, [{'day': day, 'description': text} for day, text in DAYS])
    op.bulk_insert(sa.table('data_versions', sa.column('name'), sa.column('version')),
                   [{'name': 'kalender', 'version': 0}])


def downgrade():
    op.execute("DELETE FROM data_versions WHERE name = 'kalender'")
    op.drop_table('cuti_bersama')
