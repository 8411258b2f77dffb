"""Storefronts, categories, listings, photos, price history and daily capacity."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.common.timeutil import utcnow
from app.extensions import db

class Etalase(db.Model):
    """One of the three storefronts; ``pricing`` and ``capacity`` follow from it."""

    __tablename__ = "etalase"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(300))
    pricing: Mapped[str] = mapped_column(String(10))
    capacity: Mapped[str] = mapped_column(String(10))
    position: Mapped[int] = mapped_column(Integer)

    categories = relationship("Category", back_populates="etalase", order_by="Category.name")

    @property
    def is_goods(self) -> bool:
        """Goods hold stock; rentals and services hold capacity per day."""
        return self.capacity == "stock"


class Category(db.Model):
    """A category under one storefront."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("etalase_code", "name", name="uq_categories_etalase_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    etalase_code: Mapped[str] = mapped_column(ForeignKey("etalase.code"), index=True)
    name: Mapped[str] = mapped_column(String(100))

    etalase = relationship(Etalase, back_populates="categories")


class Listing(db.Model):
    """A product, rental or service offered by one supplier at a ceiling price."""

    __tablename__ = "listings"
    __table_args__ = (
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("min_order >= 1", name="min_order_positive"),
        CheckConstraint("stock IS NULL OR stock >= 0", name="stock_nonnegative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    etalase_code: Mapped[str] = mapped_column(ForeignKey("etalase.code"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    unit: Mapped[str] = mapped_column(String(30))
    price: Mapped[int] = mapped_column(BigInteger, index=True)
    min_order: Mapped[int] = mapped_column(Integer, default=1)
    lead_time_days: Mapped[int] = mapped_column(Integer, default=0)
    stock: Mapped[int | None] = mapped_column(Integer)
    capacity_per_day: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    status_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    revision: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    supplier = relationship("Supplier")
    etalase = relationship(Etalase)
    category = relationship(Category)
    photos = relationship("ListingPhoto", back_populates="listing", order_by="ListingPhoto.id")
    price_history = relationship(
        "PriceChange", back_populates="listing", order_by="PriceChange.id"
    )

    @property
    def pricing(self) -> str:
        """``per_day`` for rentals, ``per_unit`` otherwise."""
        return self.etalase.pricing


class ListingPhoto(db.Model):
    """A photo (JPEG or PNG) of a listing, stored outside the web root."""

    __tablename__ = "listing_photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    content_type: Mapped[str] = mapped_column(String(50))
    storage_key: Mapped[str] = mapped_column(String(255))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    listing = relationship(Listing, back_populates="photos")


class PriceChange(db.Model):
    """One price change of a listing; the first row is the opening price."""

    __tablename__ = "price_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    old_price: Mapped[int | None] = mapped_column(BigInteger)
    new_price: Mapped[int] = mapped_column(BigInteger)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    listing = relationship(Listing, back_populates="price_history")
    changed_by = relationship("User")


class DailyCapacityUse(db.Model):
    """Units of a rental or service listing reserved on one day."""

    __tablename__ = "daily_capacity_use"
    __table_args__ = (
        UniqueConstraint("listing_id", "day", name="uq_daily_capacity_use_listing_day"),
        CheckConstraint("reserved >= 0", name="reserved_nonnegative"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listings.id"), index=True)
    day: Mapped[date] = mapped_column(Date)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
