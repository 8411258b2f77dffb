"""Factories for test data: real rows in the test database, committed."""
from __future__ import annotations

import io
import itertools

from PIL import Image
from sqlalchemy import select

from app.auth.models import User
from app.common.timeutil import today_wib
from app.etalase.models import Category, Listing, PriceChange
from app.extensions import db
from app.procurement.models import BudgetLine, Skpd
from app.suppliers.models import Supplier, SupplierDocument

PASSWORD = "rahasia123"
_seq = itertools.count(1)

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def png_bytes(size=(8, 8), color=(200, 30, 30)) -> bytes:
    """A real PNG image."""
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(size=(8, 8)) -> bytes:
    """A real JPEG image."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def supplier_payload(**overrides) -> dict:
    """A valid registration body of API.md."""
    n = next(_seq)
    data = {
        "username": f"penyedia{n}",
        "password": PASSWORD,
        "business_name": f"UD Apel Manis {n}",
        "legal_form": "ud",
        "nib": f"{9120000000000 + n}",
        "npwp": f"{123456789012000 + n}",
        "owner_name": "Siti Rahayu",
        "address": "Jl. Diponegoro No. 12",
        "kelurahan": "Sisir",
        "kecamatan": "Batu",
        "phone": "081234567890",
        "email": f"apel{n}@contoh.id",
        "kbli": ["10794"],
        "scale": "mikro",
        "is_pkp": False,
        "has_pp55": True,
        "bank_name": "Bank Jatim",
        "bank_account": "0011223344",
        "bank_account_holder": "Siti Rahayu",
    }
    data.update(overrides)
    return data


class Factory:
    """Create rows; each method commits and returns the object."""

    def _save(self, obj):
        db.session.add(obj)
        db.session.commit()
        return obj

    def skpd(self, code: str | None = None, name: str | None = None) -> Skpd:
        n = next(_seq)
        return self._save(Skpd(code=code or f"SKPD{n}", name=name or f"Dinas Uji {n}"))

    def budget_line(self, skpd: Skpd | None = None, ceiling: int = 500_000_000, year: int | None = None,
                    **kw) -> BudgetLine:
        """A budget line of ``year`` (the clock's fiscal year by default)."""
        n = next(_seq)
        skpd = skpd or self.skpd()
        return self._save(BudgetLine(
            skpd_id=skpd.id, year=year or today_wib().year, code=kw.get("code", f"5.1.02.01.01.{n:04d}"),
            name=kw.get("name", "Belanja Makanan dan Minuman Rapat"), ceiling=ceiling, committed=0, realized=0))

    def user(self, role: str, username: str | None = None, skpd: Skpd | None = None,
             supplier: Supplier | None = None, **kw) -> User:
        n = next(_seq)
        user = User(username=username or f"{role}{n}", full_name=kw.get("full_name", f"Pengguna {role} {n}"),
                    role=role, skpd_id=skpd.id if skpd else None, supplier_id=supplier.id if supplier else None)
        user.set_password(kw.get("password", PASSWORD))
        return self._save(user)

    def supplier(self, status: str = "verified", with_documents: bool = True, **overrides) -> Supplier:
        data = supplier_payload(**overrides)
        data.pop("username"), data.pop("password")
        supplier = Supplier(status=status, **data)
        db.session.add(supplier)
        db.session.flush()
        if with_documents:
            for kind in ("nib", "npwp"):
                db.session.add(SupplierDocument(supplier_id=supplier.id, kind=kind, original_name=f"{kind}.pdf",
                                                content_type="application/pdf", size=100, sha256="0" * 64,
                                                storage_key=f"test/{kind}.pdf"))
        return self._save(supplier)

    def supplier_user(self, supplier: Supplier | None = None, **kw) -> User:
        supplier = supplier or self.supplier(**kw)
        return self.user("supplier", supplier=supplier)

    def category(self, etalase: str) -> Category:
        return db.session.scalar(select(Category).where(Category.etalase_code == etalase).order_by(Category.id))

    def listing(self, supplier: Supplier | None = None, etalase: str = "produk-unggulan", status: str = "active",
                price: int = 25_000, **kw) -> Listing:
        supplier = supplier or self.supplier()
        goods = etalase == "produk-unggulan"
        stock, capacity_per_day = kw.pop("stock", 100), kw.pop("capacity_per_day", 3)
        listing = Listing(
            supplier_id=supplier.id, etalase_code=etalase,
            category_id=kw.pop("category_id", None) or self.category(etalase).id,
            name=kw.pop("name", "Keripik Apel Original 100 g"), description=kw.pop("description", "Keripik apel asli Batu."),
            unit=kw.pop("unit", "pcs" if goods else "unit"), price=price, min_order=kw.pop("min_order", 1),
            lead_time_days=kw.pop("lead_time_days", 0), status=status,
            stock=stock if goods else None, capacity_per_day=None if goods else capacity_per_day, **kw,
        )
        db.session.add(listing)
        db.session.flush()
        db.session.add(PriceChange(listing_id=listing.id, old_price=None, new_price=price))
        return self._save(listing)
