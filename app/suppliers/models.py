"""Supplier businesses and their documents."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import utcnow
from app.extensions import db

LEGAL_FORMS = {
    "perorangan": "Perorangan",
    "cv": "CV",
    "pt": "PT",
    "koperasi": "Koperasi",
    "ud": "UD",
}
SCALES = {
    "mikro": "Mikro (≤ Rp2 miliar/tahun)",
    "kecil": "Kecil (≤ Rp15 miliar/tahun)",
    "menengah": "Menengah (≤ Rp50 miliar/tahun)",
}
KECAMATAN = ("Batu", "Bumiaji", "Junrejo")
DOCUMENT_KINDS = {"nib": "Dokumen NIB", "npwp": "Dokumen NPWP"}


class Supplier(db.Model):
    """A local business (UMKM) that sells through the catalog."""

    __tablename__ = "suppliers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    business_name: Mapped[str] = mapped_column(String(200), index=True)
    legal_form: Mapped[str] = mapped_column(String(20))
    nib: Mapped[str] = mapped_column(String(13), unique=True)
    npwp: Mapped[str] = mapped_column(String(16))
    owner_name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    kelurahan: Mapped[str] = mapped_column(String(100))
    kecamatan: Mapped[str] = mapped_column(String(100), index=True)
    phone: Mapped[str] = mapped_column(String(20))
    email: Mapped[str] = mapped_column(String(200))
    kbli: Mapped[list] = mapped_column(JSON, default=list)
    scale: Mapped[str] = mapped_column(String(10), index=True)
    is_pkp: Mapped[bool] = mapped_column(Boolean, default=False)
    has_pp55: Mapped[bool] = mapped_column(Boolean, default=False)
    bank_name: Mapped[str] = mapped_column(String(100))
    bank_account: Mapped[str] = mapped_column(String(30))
    bank_account_holder: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    rating: Mapped[float | None] = mapped_column(Numeric(3, 2))
    rating_count: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    revision: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    documents = relationship(
        "SupplierDocument", back_populates="supplier", order_by="SupplierDocument.id"
    )

    def document(self, kind: str) -> SupplierDocument | None:
        """The newest document of a kind."""
        found = [d for d in self.documents if d.kind == kind]
        return found[-1] if found else None

    @property
    def has_all_documents(self) -> bool:
        """Whether both the NIB and the NPWP scans are uploaded."""
        return all(self.document(kind) for kind in DOCUMENT_KINDS)


class SupplierDocument(db.Model):
    """A scan (PDF, JPEG or PNG) stored outside the web root."""

    __tablename__ = "supplier_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(255))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    supplier = relationship(Supplier, back_populates="documents")
