"""Stock and daily capacity: reserved and given back with guarded updates.

Each reservation is a single conditional UPDATE (``… WHERE stock >= :q``), so
two buyers can never both take the last unit: on PostgreSQL the second update
waits for the first to commit and re-checks the condition; on SQLite every
transaction holds the write lock from its start.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import bindparam, update

from app.common.errors import Conflict
from app.common.upsert import upsert
from app.extensions import db

from .models import DailyCapacityUse, Listing


def days_between(start: date, end: date) -> list[date]:
    """Every day from start to end, inclusive."""
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


_listings = Listing.__table__
_TAKE_STOCK = (update(_listings)
               .where(_listings.c.id == bindparam("listing_id"), _listings.c.stock >= bindparam("quantity"))
               .values(stock=_listings.c.stock - bindparam("quantity")))


def reserve_stock(listing: Listing, quantity: int) -> None:
    """Take ``quantity`` units of a goods listing, or raise Conflict."""
    result = db.session.connection().execute(_TAKE_STOCK, {"listing_id": listing.id, "quantity": quantity})
    if result.rowcount != 1:
        raise Conflict(f"Stok '{listing.name}' tidak mencukupi untuk {quantity} {listing.unit}.")


def release_stock(listing_id: int, quantity: int) -> None:
    """Give units back to a goods listing."""
    db.session.execute(
        update(Listing).where(Listing.id == listing_id)
        .values(stock=Listing.stock + quantity).execution_options(synchronize_session=False)
    )


def reserve_days(listing: Listing, quantity: int, start: date, end: date) -> None:
    """Reserve ``quantity`` units on every day from start to end, or raise Conflict."""
    days = days_between(start, end)
    db.session.execute(
        upsert(DailyCapacityUse.__table__)
        .values([{"listing_id": listing.id, "day": day, "reserved": 0} for day in days])
        .on_conflict_do_nothing(index_elements=["listing_id", "day"])
    )
    for day in days:
        result = db.session.execute(
            update(DailyCapacityUse)
            .where(
                DailyCapacityUse.listing_id == listing.id,
                DailyCapacityUse.day == day,
                DailyCapacityUse.reserved + quantity <= listing.capacity_per_day,
            )
            .values(reserved=DailyCapacityUse.reserved + quantity)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise Conflict(
                f"'{listing.name}' tidak tersedia {quantity} {listing.unit} pada {day.isoformat()}."
            )


def release_days(listing_id: int, quantity: int, start: date, end: date) -> None:
    """Give back units reserved on each day from start to end."""
    db.session.execute(
        update(DailyCapacityUse)
        .where(
            DailyCapacityUse.listing_id == listing_id,
            DailyCapacityUse.day >= start,
            DailyCapacityUse.day <= end,
        )
        .values(reserved=DailyCapacityUse.reserved - quantity)
        .execution_options(synchronize_session=False)
    )
