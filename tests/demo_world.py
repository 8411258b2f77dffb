"""The demo region, seeded once per test session and given back to each test that asks for it.

``flask demo seed`` makes a year of orders through the services, which takes a while; the
tests of the demo read (and some change) what it made. The first test to ask seeds an empty
database at ``TEST_NOW`` and keeps every row of every table; each test then gets those rows
back in freshly emptied tables (the files the seed stored stay in the session's upload folder).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import insert, select, text

from app.common import timeutil, versions
from app.etalase.capacity import days_between
from app.procurement.state import ACCEPTED_STATUSES, OPEN_STATUSES
from app.demo.seed import SeedSummary, seed_demo
from app.extensions import db

from .conftest import SEEDED_TABLES, TEST_NOW

SEED_AT = TEST_NOW
SEED_YEAR = SEED_AT.astimezone(timeutil.WIB).year  # the fiscal year the region is seeded in


@dataclass
class SeededRegion:
    """What the seed reported and every row it left, per table."""

    summary: SeedSummary
    rows: dict[str, list[dict]]


_kept: list[SeededRegion] = []


def _tables():
    return [t for t in db.metadata.sorted_tables if t.name != "alembic_version"]


def seeded_region() -> SeededRegion:
    """The demo region seeded at ``SEED_AT`` into the (empty) tables of the current app, once per session."""
    if not _kept:
        with timeutil.at(SEED_AT):
            summary = seed_demo()
        db.session.commit()
        rows = {t.name: [dict(r._mapping) for r in db.session.execute(select(t))] for t in _tables()}
        _kept.append(SeededRegion(summary, rows))
    else:
        restore(_kept[0])
    return _kept[0]


def restore(region: SeededRegion) -> None:
    """Put the seeded rows back into the emptied tables (the storefronts are there already)."""
    for table in _tables():
        if table.name not in SEEDED_TABLES and region.rows[table.name]:
            db.session.execute(insert(table), region.rows[table.name])
    if db.engine.dialect.name == "postgresql":
        for table in _tables():
            if "id" in table.c and table.name != "etalase":
                db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                        f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"))
    db.session.commit()
    versions.clear()


HOLDING = {*OPEN_STATUSES, *ACCEPTED_STATUSES}


def held_by(orders) -> tuple[dict[int, int], dict[tuple, int]]:
    """What the orders that still hold reserve: units of stock per listing, units per listing and day."""
    stock: dict[int, int] = defaultdict(int)
    days: dict[tuple, int] = defaultdict(int)
    for order in orders:
        if order.status not in HOLDING:
            continue
        for line in order.lines:
            if line.start_date is None:
                stock[line.listing_id] += line.quantity
            else:
                for day in days_between(line.start_date, line.end_date):
                    days[(line.listing_id, day)] += line.quantity
    return stock, days
