"""The buyer's cart, kept in the signed session cookie so that any app server can serve it.

The cart only remembers what the buyer chose; the rules (minimum order, dates,
capacity, one supplier and one kind per order) are applied by
``orders.create_order`` at checkout.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date

from flask import session

from app.common.errors import Conflict, NotFound
from app.common.validation import load
from app.etalase import services as catalog
from app.etalase.models import Listing

from .schemas import OrderLineInputSchema

SESSION_KEY = "cart"
MAX_LINES = 30  # a session cookie holds about 4 KB


@dataclass
class CartItem:
    """A cart line with its listing."""

    id: str
    listing: Listing
    quantity: int
    start_date: date | None
    end_date: date | None

    def order_line(self) -> dict:
        """The line as ``POST /orders`` reads it."""
        return {"listing_id": self.listing.id, "quantity": self.quantity,
                "start_date": self.start_date.isoformat() if self.start_date else None,
                "end_date": self.end_date.isoformat() if self.end_date else None}


@dataclass
class CartGroup:
    """The lines that become one Surat Pesanan: one supplier, goods or rentals/services."""

    supplier: object
    goods: bool
    items: list[CartItem] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The supplier and the kind, e.g. ``CV Tenda Arjuno · Jasa``."""
        return f"{self.supplier.business_name} · {'Barang' if self.goods else 'Jasa/sewa'}"


def _stored() -> list[dict]:
    return list(session.get(SESSION_KEY, []))


def _store(lines: list[dict]) -> None:
    session[SESSION_KEY] = lines


def count() -> int:
    """How many lines the cart holds."""
    return len(session.get(SESSION_KEY, []))


def add(listing: Listing, data: dict) -> dict:
    """Add a listing with a quantity (and dates), read with the order line schema; return its cart line.

    The same listing on the same dates adds to the quantity of its line.
    """
    values = load(OrderLineInputSchema(), {**data, "listing_id": listing.id})
    start = values["start_date"].isoformat() if values["start_date"] else None
    end = values["end_date"].isoformat() if values["end_date"] else None
    lines = _stored()
    for line in lines:
        if (line["listing_id"], line["start_date"], line["end_date"]) == (listing.id, start, end):
            line["quantity"] += values["quantity"]
            break
    else:
        if len(lines) >= MAX_LINES:
            raise Conflict(f"Keranjang penuh ({MAX_LINES} baris). Selesaikan pesanan yang ada terlebih dahulu.")
        line = {"id": secrets.token_hex(4), "listing_id": listing.id, "quantity": values["quantity"],
                "start_date": start, "end_date": end}
        lines.append(line)
    _store(lines)
    return line


def remove(line_id: str) -> None:
    """Take one line out of the cart."""
    _store([line for line in _stored() if line["id"] != line_id])


def clear() -> None:
    """Empty the cart."""
    session.pop(SESSION_KEY, None)


def groups(actor) -> tuple[list[CartGroup], int]:
    """The cart as future orders, by supplier and kind, and how many lines were dropped
    because their listing is no longer in the catalog."""
    by_key: dict[tuple[int, bool], CartGroup] = {}
    kept, dropped = [], 0
    for line in _stored():
        try:
            listing = catalog.get_listing(actor, line["listing_id"])
        except NotFound:
            dropped += 1
            continue
        kept.append(line)
        goods = listing.stock is not None
        group = by_key.setdefault((listing.supplier_id, goods), CartGroup(listing.supplier, goods))
        group.items.append(CartItem(
            id=line["id"], listing=listing, quantity=line["quantity"],
            start_date=date.fromisoformat(line["start_date"]) if line["start_date"] else None,
            end_date=date.fromisoformat(line["end_date"]) if line["end_date"] else None))
    if dropped:
        _store(kept)
    ordered = sorted(by_key.values(), key=lambda g: (g.supplier.business_name, g.supplier.id, not g.goods))
    return ordered, dropped
