"""the three storefronts and their default categories

Revision ID: 0002_storefronts
Revises: 0001_foundation
"""
from alembic import op
import sqlalchemy as sa

revision = '0002_storefronts'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None

STOREFRONTS = [
    {"code": "produk-unggulan", "name": "Produk Unggulan", "position": 1, "pricing": "per_unit", "capacity": "stock",
     "description": "Produk lokal unggulan: olahan apel, batik, kerajinan, bunga potong, kopi"},
    {"code": "jasa-penyewaan", "name": "Jasa Penyewaan", "position": 2, "pricing": "per_day", "capacity": "per_day",
     "description": "Sewa tenda, sound system, kursi, kendaraan dan tempat"},
    {"code": "jasa-penyelenggara", "name": "Jasa Penyelenggara", "position": 3, "pricing": "per_unit", "capacity": "per_day",
     "description": "Penyelenggaraan acara, katering, paket rapat dan dokumentasi"},
]
CATEGORIES = {
    "produk-unggulan": ["Olahan Apel", "Batik", "Kerajinan", "Bunga Potong", "Kopi", "Makanan Ringan", "Sayur dan Buah"],
    "jasa-penyewaan": ["Tenda", "Sound System", "Kursi dan Meja", "Kendaraan", "Gedung dan Tempat", "Peralatan Multimedia"],
    "jasa-penyelenggara": ["Event Organizer", "Katering", "Paket Rapat", "Dokumentasi", "Dekorasi", "Pelatihan"],
}


def upgrade():
    etalase = sa.table("etalase", sa.column("code"), sa.column("name"), sa.column("description"),
                       sa.column("pricing"), sa.column("capacity"), sa.column("position"))
    categories = sa.table("categories", sa.column("etalase_code"), sa.column("name"))
    op.bulk_insert(etalase, STOREFRONTS)
    op.bulk_insert(categories, [{"etalase_code": code, "name": name}
                                for code, names in CATEGORIES.items() for name in names])


def downgrade():
    op.execute("DELETE FROM categories")
    op.execute("DELETE FROM etalase")
