"""Catalog operations: storefronts, categories, search, listings, photos, capacity."""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import NamedTuple

from flask import current_app
from sqlalchemy import and_, bindparam, case, exists, func, or_, select, text
from sqlalchemy.orm import joinedload, selectinload

from app.audit.services import record
from app.auth import roles
from app.common import uploads, versions
from app.common.errors import Conflict, Forbidden, Invalid, NotFound
from app.common.pagination import Page
from app.common.versions import DataVersion
from app.common.validation import load
from app.extensions import db
from app.suppliers.models import Supplier

from . import search_cache
from .models import Category, DailyCapacityUse, Etalase, Listing, ListingPhoto, PriceChange
from .schemas import (
    AvailabilityQuerySchema,
    CategoryInputSchema,
    ListingInputSchema,
    ListingQuerySchema,
    ListingUpdateSchema,
)
from .state import ListingState

def storefronts() -> list[Etalase]:
    """The three storefronts in their display order, with categories."""
    return list(
        db.session.scalars(
            select(Etalase).options(selectinload(Etalase.categories)).order_by(Etalase.position)
        )
    )


def get_etalase(code: str | None) -> Etalase:
    """A storefront by code, or NotFound."""
    etalase = db.session.get(Etalase, code) if code else None
    if etalase is None:
        raise NotFound("Etalase tidak ditemukan.")
    return etalase


def create_category(actor, data: dict) -> Category:
    """Admin adds a category under a storefront."""
    values = load(CategoryInputSchema(), data)
    if db.session.get(Etalase, values["etalase"]) is None:
        raise Invalid({"etalase": ["Etalase tidak dikenal."]})
    exists_ = db.session.scalar(
        select(Category.id).where(Category.etalase_code == values["etalase"], Category.name == values["name"])
    )
    if exists_:
        raise Conflict("Kategori sudah ada.", {"name": ["Kategori sudah ada di etalase ini."]})
    category = Category(etalase_code=values["etalase"], name=values["name"])
    db.session.add(category)
    db.session.flush()
    record(actor, "category.create", "category", category.id, values)
    return category


def _visible():
    """Condition for a listing to be shown in the public catalog."""
    return and_(Listing.status == "active", Supplier.status == "verified")


def search_query(params: dict) -> dict:
    """The loaded values of a catalog query (unknown parameters dropped), or Invalid."""
    return load(ListingQuerySchema(), params)


def search(params: dict) -> Page:
    """Search active listings with the filters and sorting of PRODUCT.md §3."""
    return find(search_query(params))


def find(values: dict) -> Page:
    """The page of listings a loaded query asks for.

    Results without a date filter are cached per query and catalog version
    (see ``search_cache``); a date filter depends on bookings and is always
    computed.
    """
    if values["available_from"]:
        ids, total = _search_ids(values)
    else:
        ids, total = versions.cached(search_cache.CATALOG, ("ids", values), lambda: _search_ids(values))
    listings = {l.id: l for l in db.session.scalars(
        select(Listing).where(Listing.id.in_(ids))
        .options(joinedload(Listing.supplier), joinedload(Listing.category), selectinload(Listing.photos)))}
    items = [listings[i] for i in ids if i in listings]
    return Page(items=items, page=values["page"], per_page=values["per_page"], total=total)


def _search_ids(values: dict) -> tuple[list[int], int]:
    """The ids of the requested page and the number of matches."""
    query = select(Listing.id, func.count().over().label("total")).join(Listing.supplier).where(_visible())
    words = [w for w in values["q"].lower().split() if w][:8]
    for word in words:
        query = query.where(or_(_text_matches(word), Listing.supplier_id.in_(
            select(Supplier.id).where(func.lower(Supplier.business_name).contains(word, autoescape=True)))))
    if values["etalase"]:
        query = query.where(Listing.etalase_code == values["etalase"])
    if values["category"]:
        query = query.where(Listing.category_id == values["category"])
    if values["kecamatan"]:
        query = query.where(Supplier.kecamatan == values["kecamatan"])
    if values["supplier"]:
        query = query.where(Listing.supplier_id == values["supplier"])
    if values["min_price"] is not None:
        query = query.where(Listing.price >= values["min_price"])
    if values["max_price"] is not None:
        query = query.where(Listing.price <= values["max_price"])
    if values["scale"]:
        query = query.where(Supplier.scale == values["scale"])
    if values["available_from"]:
        query = query.where(_available_between(values["available_from"], values["available_to"]))
    per_page = values["per_page"]
    rows = db.session.execute(
        query.order_by(*_ordering(values["sort"], words), Listing.id.desc())
        .limit(per_page).offset((values["page"] - 1) * per_page)
    ).all()
    if rows:
        return [row.id for row in rows], rows[0].total
    total = db.session.scalar(select(func.count()).select_from(query.with_only_columns(Listing.id).subquery()))
    return [], total


def _text_matches(word: str):
    """A listing's name or description contains the word.

    On PostgreSQL this uses the indexed full-text vector (the word as a prefix:
    "apel" finds "apel" and "apelnya"); elsewhere a substring match.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        term = re.sub(r"[^\w]+", " ", word).split()
        if term:
            return text("listings.search_vector @@ to_tsquery('simple', :term)").bindparams(
                bindparam("term", " & ".join(f"{t}:*" for t in term), unique=True))
    return or_(func.lower(Listing.name).contains(word, autoescape=True),
               func.lower(Listing.description).contains(word, autoescape=True))


def _ordering(sort: str, words: list[str]):
    if sort == "price":
        return [Listing.price.asc()]
    if sort == "-price":
        return [Listing.price.desc()]
    if sort == "newest":
        return [Listing.created_at.desc()]
    if sort == "rating":
        return [func.coalesce(Supplier.rating, 0).desc()]
    if not words:
        return [Listing.created_at.desc()]
    score = sum(
        case((func.lower(Listing.name).contains(w, autoescape=True), 3), else_=0)
        + case((func.lower(Supplier.business_name).contains(w, autoescape=True), 1), else_=0)
        for w in words
    )
    return [score.desc()]


def _available_between(start: date, end: date):
    """Goods with stock, or rentals/services with a free unit on every day of the range."""
    full_day = exists().where(
        DailyCapacityUse.listing_id == Listing.id,
        DailyCapacityUse.day >= start,
        DailyCapacityUse.day <= end,
        DailyCapacityUse.reserved >= Listing.capacity_per_day,
    )
    return or_(
        and_(Listing.stock.is_not(None), Listing.stock >= Listing.min_order),
        and_(Listing.capacity_per_day.is_not(None), ~full_day),
    )


class PublicListing(NamedTuple):
    """The state a public listing page is cached under: the stock shown, the listing's and its
    supplier's revisions, and the storefronts' version (their names and categories)."""

    listing_id: int
    stock: int | None
    revision: int
    supplier_revision: int
    version: int

    @property
    def key(self) -> tuple:
        """The page's cache key (the version is checked beside it)."""
        return ("listing", self.listing_id, self.revision, self.supplier_revision, self.stock)

    def shows(self, listing: Listing) -> bool:
        """Whether ``listing``, read after this state, is still in it: only then is its page kept.

        Read committed lets an order or an edit commit between the two reads.
        """
        return (listing.stock, listing.revision, listing.supplier.revision) == \
            (self.stock, self.revision, self.supplier_revision)


_PUBLIC_STATE = (
    select(Listing.stock, Listing.revision, Supplier.revision.label("supplier_revision"),
           func.coalesce(DataVersion.version, 0).label("version"))
    .join(Supplier, Supplier.id == Listing.supplier_id)
    .outerjoin(DataVersion, DataVersion.name == search_cache.STOREFRONTS)
    .where(Listing.id == bindparam("listing_id"), _visible())
)


def public_listing_state(listing_id: int) -> PublicListing | None:
    """For a listing anyone may see: the state its page is cached under, in one query; else None.

    Every listing page asks this first, so the statement is built once and run on
    the session's connection, without the ORM's per-statement work.
    """
    row = db.session.connection().execute(_PUBLIC_STATE, {"listing_id": listing_id}).first()
    return row and PublicListing(listing_id, row.stock, row.revision, row.supplier_revision,
                                 versions.seen(search_cache.STOREFRONTS, row.version))


_LISTING_PAGE = (
    select(Listing).where(Listing.id == bindparam("listing_id"))
    .options(joinedload(Listing.supplier), joinedload(Listing.category), joinedload(Listing.etalase),
             joinedload(Listing.photos), joinedload(Listing.price_history))
)


def get_listing(actor, listing_id: int) -> Listing:
    """A listing the actor may see: public ones, or its own, or any for admins."""
    listing = db.session.scalars(_LISTING_PAGE, {"listing_id": listing_id}).unique().first()
    if listing is None or not can_see(actor, listing):
        raise NotFound("Produk tidak ditemukan.")
    return listing


def get_own_listing(actor, listing_id: int) -> Listing:
    """A listing of the actor's own supplier, for its management pages; NotFound for anyone else's."""
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        raise NotFound("Produk tidak ditemukan.")
    _owned(actor, listing)
    return listing


def can_see(actor, listing: Listing) -> bool:
    """Active listings of verified suppliers are public; owners and admins see the rest."""
    if listing.status == "active" and listing.supplier.status == "verified":
        return True
    if actor is None:
        return False
    return actor.role in (roles.ADMIN, roles.FINANCE) or (
        actor.role == roles.SUPPLIER and actor.supplier_id == listing.supplier_id
    )


def _owned(actor, listing: Listing) -> None:
    if actor.role != roles.SUPPLIER or actor.supplier_id != listing.supplier_id:
        raise NotFound("Produk tidak ditemukan.")


def _check_capacity_fields(etalase: Etalase, values: dict, current: Listing | None = None) -> dict:
    stock = values.get("stock", current.stock if current else None)
    capacity = values.get("capacity_per_day", current.capacity_per_day if current else None)
    if etalase.is_goods:
        if stock is None:
            raise Invalid({"stock": ["Stok wajib diisi untuk produk."]})
        values["capacity_per_day"] = None
    else:
        if capacity is None:
            raise Invalid({"capacity_per_day": ["Kapasitas per hari wajib diisi untuk jasa."]})
        values["stock"] = None
    return values


def _category_of(etalase: Etalase, category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None or category.etalase_code != etalase.code:
        raise Invalid({"category_id": ["Kategori tidak ada di etalase ini."]})
    return category


def create_listing(actor, data: dict) -> Listing:
    """A supplier adds a listing as a draft; the first price opens its history."""
    if actor.role != roles.SUPPLIER or actor.supplier_id is None:
        raise Forbidden("Hanya penyedia yang dapat menambah produk.")
    values = load(ListingInputSchema(), data)
    etalase = db.session.get(Etalase, values.pop("etalase"))
    if etalase is None:
        raise Invalid({"etalase": ["Etalase tidak dikenal."]})
    _category_of(etalase, values["category_id"])
    values = _check_capacity_fields(etalase, values)
    listing = Listing(supplier_id=actor.supplier_id, etalase_code=etalase.code, status="draft", **values)
    db.session.add(listing)
    db.session.flush()
    db.session.add(PriceChange(listing=listing, old_price=None, new_price=listing.price, changed_by_id=actor.id))
    record(actor, "listing.create", "listing", listing.id, {"price": listing.price})
    return listing


def update_listing(actor, listing: Listing, data: dict) -> Listing:
    """The owner edits a listing; a price change is kept in its history.

    Raising the price of a live listing sends it back to curation: the listed
    price is the ceiling buyers rely on, so only a lower price goes live at once.
    """
    _owned(actor, listing)
    values = load(ListingUpdateSchema(), data, partial=True)
    if "category_id" in values:
        _category_of(listing.etalase, values["category_id"])
    values = _check_capacity_fields(listing.etalase, values, listing)
    old_price = listing.price
    for key, value in values.items():
        setattr(listing, key, value)
    if listing.price != old_price:
        db.session.add(PriceChange(listing=listing, old_price=old_price, new_price=listing.price, changed_by_id=actor.id))
        if listing.price > old_price and listing.status == "active":
            ListingState.status_up(listing, "reprice", actor.role)
    record(actor, "listing.update", "listing", listing.id, {"fields": sorted(values), "old_price": old_price, "price": listing.price})
    return listing


def change_status(actor, listing: Listing, action: str, data: dict | None = None) -> Listing:
    """Move a listing along ``action`` (submit, approve, return, deactivate, freeze)."""
    if actor.role == roles.SUPPLIER:
        _owned(actor, listing)
    reason = (data or {}).get("reason")
    if action in ("freeze", "return") and not (isinstance(reason, str) and len(reason.strip()) >= 3):
        raise Invalid({"reason": ["Alasan wajib diisi (minimal 3 karakter)."]})
    ListingState.check(listing, action, actor.role)
    if action == "approve" and listing.supplier.status != "verified":
        raise Conflict("Penyedia belum terverifikasi; produk belum dapat ditayangkan.")
    previous = ListingState.status_up(listing, action, actor.role)
    listing.status_reason = reason.strip() if isinstance(reason, str) else None
    record(actor, f"listing.{action}", "listing", listing.id, {"from": previous, "to": listing.status, "reason": listing.status_reason})
    return listing


def listings_of_supplier(supplier_id: int) -> list[Listing]:
    """All listings of one supplier, newest first (its own management page)."""
    return list(
        db.session.scalars(
            select(Listing).where(Listing.supplier_id == supplier_id)
            .options(joinedload(Listing.category))
            .order_by(Listing.created_at.desc(), Listing.id.desc())
        )
    )


def curation_queue() -> list[Listing]:
    """Listings waiting for an admin's curation, oldest first."""
    return list(
        db.session.scalars(
            select(Listing).where(Listing.status == "submitted")
            .options(joinedload(Listing.supplier), joinedload(Listing.category))
            .order_by(Listing.updated_at, Listing.id)
        )
    )


def add_photo(actor, listing: Listing, file_storage) -> ListingPhoto:
    """The owner adds a JPEG or PNG photo, checked by content and size."""
    _owned(actor, listing)
    if len(listing.photos) >= 8:
        raise Conflict("Paling banyak 8 foto per produk.")
    checked = uploads.check_file(
        "photo", file_storage, (uploads.JPEG, uploads.PNG), current_app.config["MAX_PHOTO_BYTES"]
    )
    photo = ListingPhoto(
        listing=listing, content_type=checked.content_type,
        storage_key=uploads.store(checked, f"listings/{listing.id}"),
    )
    db.session.add(photo)
    db.session.flush()
    record(actor, "listing.photo", "listing", listing.id, {"photo_id": photo.id, "sha256": checked.sha256})
    return photo


def get_photo(actor, photo_id: int) -> ListingPhoto:
    """A photo of a listing the actor may see."""
    photo = db.session.get(ListingPhoto, photo_id)
    if photo is None or not can_see(actor, photo.listing):
        raise NotFound("Foto tidak ditemukan.")
    return photo


def availability(listing: Listing, params: dict) -> list[dict] | dict:
    """Free units per day for rentals and services; the stock for goods."""
    if listing.stock is not None:
        return {"stock": listing.stock}
    values = load(AvailabilityQuerySchema(), params)
    start, end = values["start"], values["end"]
    used = dict(
        db.session.execute(
            select(DailyCapacityUse.day, DailyCapacityUse.reserved).where(
                DailyCapacityUse.listing_id == listing.id,
                DailyCapacityUse.day >= start,
                DailyCapacityUse.day <= end,
            )
        ).all()
    )
    days = (end - start).days + 1
    return [
        {"date": day, "available": max(0, listing.capacity_per_day - used.get(day, 0))}
        for day in (start + timedelta(days=i) for i in range(days))
    ]
