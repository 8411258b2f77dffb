"""SKPD, budget lines, orders (Surat Pesanan) with their lines and history."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import utcnow
from app.extensions import db

from .taxes import FINAL_PP55, TaxRule


class Skpd(db.Model):
    """A work unit of the regional government (Satuan Kerja Perangkat Daerah)."""

    __tablename__ = "skpd"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))

    budget_lines = relationship("BudgetLine", back_populates="skpd", order_by="BudgetLine.code")


class BudgetLine(db.Model):
    """A line of the SKPD's DPA for one fiscal year, with its ceiling (pagu).

    ``committed`` holds what open and accepted orders have reserved;
    ``realized`` what has been paid.
    """

    __tablename__ = "budget_lines"
    __table_args__ = (
        UniqueConstraint("skpd_id", "year", "code", name="uq_budget_lines_skpd_year_code"),
        CheckConstraint("ceiling >= 0", name="ceiling_nonnegative"),
        CheckConstraint("committed >= 0 AND committed <= ceiling", name="committed_within_ceiling"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    skpd_id: Mapped[int] = mapped_column(ForeignKey("skpd.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    ceiling: Mapped[int] = mapped_column(BigInteger)
    committed: Mapped[int] = mapped_column(BigInteger, default=0)
    realized: Mapped[int] = mapped_column(BigInteger, default=0)

    skpd = relationship(Skpd, back_populates="budget_lines")

    @property
    def available(self) -> int:
        """What is left of the pagu."""
        return self.ceiling - self.committed


class Order(db.Model):
    """A Surat Pesanan: one SKPD buying from one supplier against one budget line.

    Money columns are whole rupiah. ``subtotal``/``ppn``/``total`` follow the
    lines; the withholding columns are what the bendahara withholds at payment.
    """

    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("total = subtotal + ppn", name="total_is_subtotal_plus_ppn"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    skpd_id: Mapped[int] = mapped_column(ForeignKey("skpd.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    budget_line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), index=True)
    delivery_address: Mapped[str] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)
    subtotal: Mapped[int] = mapped_column(BigInteger)
    ppn: Mapped[int] = mapped_column(BigInteger)
    total: Mapped[int] = mapped_column(BigInteger)
    reserved_amount: Mapped[int] = mapped_column(BigInteger)
    withholding_ppn: Mapped[int] = mapped_column(BigInteger, default=0)
    withholding_pph: Mapped[int] = mapped_column(BigInteger, default=0)
    pph_kind: Mapped[str | None] = mapped_column(String(12))
    net_to_supplier: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    respond_by: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    bast_number: Mapped[str | None] = mapped_column(String(80))
    bast_date: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    sp2d_number: Mapped[str | None] = mapped_column(String(80))
    payment_date: Mapped[date | None] = mapped_column(Date)
    rating_score: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)

    skpd = relationship(Skpd)
    supplier = relationship("Supplier")
    budget_line = relationship(BudgetLine)
    created_by = relationship("User")
    lines = relationship("OrderLine", back_populates="order", order_by="OrderLine.id",
                         cascade="all, delete-orphan")
    events = relationship("OrderEvent", back_populates="order", order_by="OrderEvent.id",
                          cascade="all, delete-orphan")
    terms = relationship("OrderTerms", back_populates="order", uselist=False, cascade="all, delete-orphan")


class DecimalText(TypeDecorator):
    """An exact ``Decimal`` kept as its text (``"0.11"``): the same on SQLite, whose NUMERIC is a float."""

    impl = String(20)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else format(Decimal(value), "f")

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value)


class OrderTerms(db.Model):
    """What an order kept at its creation (PRODUCT.md §9 "Frozen terms").

    The tax rule (PPN rate, PKP status, the income tax that applies with its
    rate, the withholding threshold), the supplier's identifiers and bank
    account, the letterhead and the largest lead time of its lines. The
    order's money, documents and deadlines follow these, whatever the
    configuration, the supplier's profile or the listings say later.
    """

    __tablename__ = "order_terms"

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    ppn_rate: Mapped[Decimal] = mapped_column(DecimalText)
    is_pkp: Mapped[bool] = mapped_column(Boolean)
    pph_kind: Mapped[str] = mapped_column(String(12))
    pph_rate: Mapped[Decimal] = mapped_column(DecimalText)
    withholding_threshold: Mapped[int] = mapped_column(BigInteger)
    business_name: Mapped[str] = mapped_column(String(200))
    legal_form: Mapped[str] = mapped_column(String(20))
    nib: Mapped[str] = mapped_column(String(13))
    npwp: Mapped[str] = mapped_column(String(16))
    owner_name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300))
    kelurahan: Mapped[str] = mapped_column(String(100))
    kecamatan: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(20))
    bank_name: Mapped[str] = mapped_column(String(100))
    bank_account: Mapped[str] = mapped_column(String(30))
    bank_account_holder: Mapped[str] = mapped_column(String(200))
    region_name: Mapped[str] = mapped_column(String(200))
    region_city: Mapped[str] = mapped_column(String(100))
    region_address: Mapped[str] = mapped_column(String(500))
    skpd_name: Mapped[str] = mapped_column(String(200))
    lead_time_days: Mapped[int] = mapped_column(Integer)

    order = relationship(Order, back_populates="terms")

    SUPPLIER_FACTS = ("business_name", "legal_form", "nib", "npwp", "owner_name", "address", "kelurahan",
                      "kecamatan", "phone", "bank_name", "bank_account", "bank_account_holder")

    @classmethod
    def kept(cls, rule: TaxRule, supplier, skpd, lead_time_days: int, config) -> OrderTerms:
        """The terms of an order made now: ``rule``, the supplier's facts, the letterhead of ``skpd``."""
        return cls(ppn_rate=rule.ppn_rate, is_pkp=rule.is_pkp, pph_kind=rule.pph_kind, pph_rate=rule.pph_rate,
                   withholding_threshold=rule.threshold, region_name=config["REGION_NAME"],
                   region_city=config["REGION_CITY"], region_address=config["REGION_ADDRESS"],
                   skpd_name=skpd.name, lead_time_days=lead_time_days,
                   **{name: getattr(supplier, name) for name in cls.SUPPLIER_FACTS})

    @property
    def rule(self) -> TaxRule:
        """The tax rule the order keeps."""
        return TaxRule(ppn_rate=self.ppn_rate, is_pkp=self.is_pkp, pph_kind=self.pph_kind,
                       pph_rate=self.pph_rate, threshold=self.withholding_threshold)

    @property
    def has_pp55(self) -> bool:
        """Whether the supplier held a PP 55/2022 certificate (its 0.5 % final tax applies)."""
        return self.pph_kind == FINAL_PP55

    @property
    def bank(self) -> str:
        """The account the order is paid to, as printed: ``Bank Jatim 0011223344 a.n. Siti Rahayu``."""
        return f"{self.bank_name} {self.bank_account} a.n. {self.bank_account_holder}"


class OrderLine(db.Model):
    """A line of an order: a listing, its agreed unit price, quantity and (for services) dates."""

    __tablename__ = "order_lines"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price > 0", name="unit_price_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(30))
    listed_price: Mapped[int] = mapped_column(BigInteger)
    unit_price: Mapped[int] = mapped_column(BigInteger)
    counter_price: Mapped[int | None] = mapped_column(BigInteger)
    quantity: Mapped[int] = mapped_column(Integer)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    days: Mapped[int | None] = mapped_column(Integer)
    line_total: Mapped[int] = mapped_column(BigInteger)

    order = relationship(Order, back_populates="lines")
    listing = relationship("Listing")


class OrderEvent(db.Model):
    """One step in an order's history: the status reached, who, when and why."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    by_name: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)

    order = relationship(Order, back_populates="events")


class OrderCounter(db.Model):
    """The last order number given per SKPD and year."""

    __tablename__ = "order_counters"
    __table_args__ = (UniqueConstraint("skpd_id", "year", name="uq_order_counters_skpd_year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    skpd_id: Mapped[int] = mapped_column(ForeignKey("skpd.id"))
    year: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer, default=0)


class IdempotencyKey(db.Model):
    """A client's ``Idempotency-Key`` (or a web form's one-time token) and the orders it made."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    order_ids: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
