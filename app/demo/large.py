"""A region at province scale for benchmarks (``flask demo seed --scale large``), PostgreSQL only.

2,000 suppliers, 100,000 active listings over the three storefronts, 300
budget lines, and 200,000 orders with about 500,000 lines over two fiscal
years, written with ``COPY`` in a few minutes. The rows obey the same rules as
orders made through the app: amounts from ``taxes.compute``, capacity and
committed budget equal to what the orders recompute to, numbers per SKPD and
year. Listing names and prices come from the demo catalog.
"""
from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select, text
from werkzeug.security import generate_password_hash

from app.common import versions
from app.common.timeutil import today_wib, wib_to_utc
from app.etalase.models import Category
from app.extensions import db
from app.procurement import taxes
from app.suppliers.models import Supplier

from .catalog import CATALOG
from .region import KECAMATAN_CODE, STREETS

SUPPLIERS = 2_000
LISTINGS = 100_000
SKPD_COUNT = 75
LINES_PER_SKPD_YEAR = 2
ORDERS = 200_000
BENCH_PASSWORD = "bench-elokal-2026"
STATUS_WEIGHTS = {"dibayar": 70, "diterima": 8, "dikirim": 5, "diproses": 5, "ditolak": 4,
                  "dibatalkan": 4, "batal_otomatis": 2, "menunggu_ppk": 1, "menunggu_penyedia": 1}
HOLDING = {"dibayar", "diterima", "dikirim", "diproses", "menunggu_ppk", "menunggu_penyedia"}
ACCEPTED = {"dibayar", "diterima", "dikirim", "diproses"}


@dataclass
class LargeSummary:
    """Row counts written by the large seed."""

    counts: dict

    def describe(self) -> str:
        """A line per table."""
        return "Data skala besar:\n" + "\n".join(f"  {k:>16}: {v:,}" for k, v in self.counts.items())


def seed_large(seed: int = 20261123) -> LargeSummary:
    """Write the large region into an empty PostgreSQL database (the caller commits)."""
    if db.session.get_bind().dialect.name != "postgresql":
        raise RuntimeError("--scale large hanya untuk PostgreSQL (DATABASE_URL=postgresql+psycopg://…)")
    if db.session.scalar(select(func.count(Supplier.id))):
        raise RuntimeError("Basis data sudah berisi penyedia; gunakan basis data kosong untuk skala besar.")
    rng = random.Random(seed)
    writer = _Copier()
    skpd_ids, lines_by_skpd_year = _skpd_and_budget(rng, writer)
    suppliers = _suppliers(rng, writer)
    listings = _listings(rng, writer, suppliers)
    _users(writer, skpd_ids, suppliers)
    _orders(rng, writer, skpd_ids, lines_by_skpd_year, suppliers, listings)
    writer.finish()
    for name in ("catalog", "transactions"):
        versions.bump(db.session, name)
    return LargeSummary(writer.counts)


class _Copier:
    """Buffers rows per table and writes them with COPY."""

    def __init__(self):
        self.connection = db.session.connection().connection.driver_connection
        self.counts: dict[str, int] = {}

    def copy(self, table: str, columns: tuple[str, ...], rows) -> None:
        count = 0
        with self.connection.cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        self.counts[table] = self.counts.get(table, 0) + count

    def finish(self) -> None:
        for table in self.counts:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
        db.session.execute(text("ANALYZE"))


def _skpd_and_budget(rng, writer):
    this_year = today_wib().year
    skpd_rows, line_rows, lines_by = [], [], defaultdict(list)
    line_id = 0
    for i in range(1, SKPD_COUNT + 1):
        skpd_rows.append((i, f"SKPD{i:03d}", f"Perangkat Daerah Uji Skala {i:03d}"))
        for year in (this_year - 1, this_year):
            for j in range(LINES_PER_SKPD_YEAR):
                line_id += 1
                lines_by[(i, year)].append(line_id)
                line_rows.append([line_id, i, year, f"5.1.02.0{j + 1}.01.{line_id:04d}",
                                  "Belanja Barang dan Jasa Skala Uji", 0, 0, 0])
    writer.copy("skpd", ("id", "code", "name"), skpd_rows)
    writer.copy("budget_lines", ("id", "skpd_id", "year", "code", "name", "ceiling", "committed", "realized"),
                line_rows)
    return list(range(1, SKPD_COUNT + 1)), lines_by


def _suppliers(rng, writer):
    places = [(kec, kel) for kec, kels in STREETS.items() for kel in kels]
    rows, suppliers = [], []
    scales = ["mikro"] * 6 + ["kecil"] * 3 + ["menengah"]
    for i in range(1, SUPPLIERS + 1):
        kec, kel = rng.choice(places)
        scale, pkp, pp55 = rng.choice(scales), rng.random() < 0.3, rng.random() < 0.4
        suppliers.append({"id": i, "pkp": pkp, "pp55": pp55, "kec": kec})
        rows.append((i, f"Usaha Uji {i:04d} {kel}", rng.choice(["perorangan", "cv", "ud", "pt", "koperasi"]),
                     f"91{KECAMATAN_CODE[kec]}{i:09d}", f"{rng.randrange(10**14, 10**15)}", f"Pemilik {i}",
                     f"{rng.choice(STREETS[kec][kel])} No. {rng.randint(1, 200)}", kel, kec, f"0812{i:08d}",
                     f"usaha{i}@uji.id", json.dumps(["47111"]), scale, pkp, pp55, "Bank Jatim",
                     f"{10**9 + i}", f"Pemilik {i}", "verified", 0, datetime(2024, 1, 2), datetime(2024, 1, 3)))
    writer.copy("suppliers", ("id", "business_name", "legal_form", "nib", "npwp", "owner_name", "address",
                              "kelurahan", "kecamatan", "phone", "email", "kbli", "scale", "is_pkp", "has_pp55",
                              "bank_name", "bank_account", "bank_account_holder", "status", "rating_count",
                              "created_at", "verified_at"), rows)
    return suppliers


def _listings(rng, writer, suppliers):
    categories = {(c.etalase_code, c.name): c.id for c in db.session.scalars(select(Category))}
    templates = []
    for etalase, by_category in CATALOG.items():
        for category, items in by_category.items():
            for item in items:
                for variant in item.variants:
                    templates.append((etalase, categories[(etalase, category)], item, variant))
    rows, prices, listings = [], [], defaultdict(lambda: {"goods": [], "services": []})
    created = datetime(2024, 1, 5)
    for i in range(1, LISTINGS + 1):
        supplier = suppliers[(i - 1) % SUPPLIERS]
        etalase, category_id, item, variant = rng.choice(templates)
        price = rng.randrange(variant.low, variant.high + 1, 500) if variant.high - variant.low >= 500 else variant.low
        goods = etalase == "produk-unggulan"
        stock = rng.randint(5_000, 50_000) if goods else None
        capacity = None if goods else rng.randint(20, 60)
        name = f"{item.name} {variant.label} #{i}"
        rows.append((i, supplier["id"], etalase, category_id, name, item.description.format(kel="Batu", kec="Batu"),
                     variant.unit, price, 1, rng.randint(0, 3), stock, capacity, "active",
                     created + timedelta(minutes=i), created + timedelta(minutes=i)))
        prices.append((i, i, None, price, created + timedelta(minutes=i)))
        listings[supplier["id"]]["goods" if goods else "services"].append(
            {"id": i, "price": price, "per_day": etalase == "jasa-penyewaan", "capacity": capacity,
             "name": name, "unit": variant.unit})
    writer.copy("listings", ("id", "supplier_id", "etalase_code", "category_id", "name", "description", "unit",
                             "price", "min_order", "lead_time_days", "stock", "capacity_per_day", "status",
                             "created_at", "updated_at"), rows)
    writer.copy("price_changes", ("id", "listing_id", "old_price", "new_price", "changed_at"), prices)
    return listings


def _users(writer, skpd_ids, suppliers):
    digest = generate_password_hash(BENCH_PASSWORD, current_app.config["PASSWORD_HASH_METHOD"])
    rows, uid = [], 0
    for skpd_id in skpd_ids:
        for role in ("pp", "ppk", "bendahara"):
            uid += 1
            rows.append((uid, f"{role}.skpd{skpd_id:03d}", digest, f"{role.upper()} SKPD {skpd_id:03d}", role,
                         skpd_id, None, True, datetime(2024, 1, 1)))
    for n in range(1, 33):
        uid += 1
        rows.append((uid, f"bench.buyer{n:02d}", digest, f"Pembeli Uji {n:02d}", "ppk",
                     skpd_ids[(n - 1) % len(skpd_ids)], None, True, datetime(2024, 1, 1)))
    for supplier in suppliers[:200]:
        uid += 1
        rows.append((uid, f"supplier{supplier['id']:04d}", digest, f"Penyedia {supplier['id']}", "supplier",
                     None, supplier["id"], True, datetime(2024, 1, 1)))
    for username, role in (("bench.admin", "admin"), ("bench.finance", "finance")):
        uid += 1
        rows.append((uid, username, digest, username, role, None, None, True, datetime(2024, 1, 1)))
    writer.copy("users", ("id", "username", "password_hash", "full_name", "role", "skpd_id", "supplier_id",
                          "active", "created_at"), rows)


def _orders(rng, writer, skpd_ids, lines_by, suppliers, listings):
    today = today_wib()
    start = date(today.year - 1, 1, 2)
    span = (today - start).days
    statuses, weights = zip(*STATUS_WEIGHTS.items())
    counters = defaultdict(int)
    usage: dict[tuple[int, date], int] = defaultdict(int)
    committed, realized = defaultdict(int), defaultdict(int)
    orders, lines, events = [], [], []
    line_id = event_id = 0
    for order_id in range(1, ORDERS + 1):
        skpd_id = rng.choice(skpd_ids)
        created_day = start + timedelta(days=rng.randrange(span))
        status = rng.choices(statuses, weights)[0]
        if status.startswith("menunggu"):
            created_day = today - timedelta(days=rng.randint(0, 2))
        created = datetime.combine(created_day, datetime.min.time()) + timedelta(hours=rng.randint(8, 15))
        supplier = suppliers[rng.randrange(SUPPLIERS)]
        kind = "goods" if rng.random() < 0.55 else "services"
        pool = listings[supplier["id"]][kind] or listings[supplier["id"]]["goods" if kind == "services" else "services"]
        kind = "goods" if pool is listings[supplier["id"]]["goods"] else "services"
        order_lines = []
        for listing in rng.sample(pool, min(len(pool), rng.choice((1, 2, 2, 3, 3, 4)))):
            if kind == "goods":
                quantity, first, last, days = rng.randint(1, 20), None, None, None
                line_total = listing["price"] * quantity
            else:
                quantity = rng.randint(1, 3)
                first = created_day + timedelta(days=rng.randint(3, 20))
                days = rng.randint(1, 3)
                last = first + timedelta(days=days - 1)
                line_total = listing["price"] * quantity * (days if listing["per_day"] else 1)
            order_lines.append((listing, quantity, first, last, days, line_total))
        if kind == "services" and status in HOLDING:
            fits = all(usage[(l["id"], first + timedelta(days=d))] + q <= l["capacity"]
                       for l, q, first, _, days, _ in order_lines for d in range(days))
            if not fits:
                status = "ditolak"
        amounts = taxes.compute(sum(l[5] for l in order_lines), taxes.GOODS if kind == "goods" else taxes.SERVICES,
                                supplier["pkp"], supplier["pp55"])
        year = created_day.year
        budget_line = rng.choice(lines_by[(skpd_id, year)])
        counters[(skpd_id, year)] += 1
        number = f"SP-{year}-SKPD{skpd_id:03d}-{counters[(skpd_id, year)]:06d}"
        accepted = created + timedelta(hours=rng.randint(2, 60)) if status in ACCEPTED else None
        bast = payment = due = None
        if status in ("diterima", "dibayar"):
            bast = min(accepted.date() + timedelta(days=rng.randint(3, 15)), today)
            due = bast + timedelta(days=30)
            if status == "dibayar":
                payment = bast + timedelta(days=rng.randint(1, 45))
                if payment > today:
                    status, payment = "diterima", None
        holding = status in HOLDING
        if holding:
            committed[budget_line] += amounts.total
            if kind == "services":
                for listing, quantity, first, _, days, _ in order_lines:
                    for d in range(days):
                        usage[(listing["id"], first + timedelta(days=d))] += quantity
        if status == "dibayar":
            realized[budget_line] += amounts.total
        respond_by = created + timedelta(days=3) if status == "menunggu_penyedia" else None
        orders.append((order_id, number, year, skpd_id, supplier["id"], budget_line, (skpd_id - 1) * 3 + 2,
                       "barang" if kind == "goods" else "jasa", status, "Kantor SKPD uji", amounts.subtotal,
                       amounts.ppn, amounts.total, amounts.total if holding else 0, amounts.withholding_ppn,
                       amounts.withholding_pph, amounts.pph_kind, amounts.net_to_supplier, wib_to_utc(created),
                       respond_by and wib_to_utc(respond_by), accepted and wib_to_utc(accepted),
                       bast and f"BAST/{order_id}", bast, due, payment and f"SP2D/{order_id}", payment))
        for listing, quantity, first, last, days, line_total in order_lines:
            line_id += 1
            lines.append((line_id, order_id, listing["id"], listing["name"], listing["unit"], listing["price"],
                          listing["price"], quantity, first, last, days, line_total))
        for action, event_status in (("create", "menunggu_ppk"), ("final", status)):
            event_id += 1
            events.append((event_id, order_id, action, event_status, wib_to_utc(created), "sistem"))
    writer.copy("orders", ("id", "number", "year", "skpd_id", "supplier_id", "budget_line_id", "created_by_id",
                           "kind", "status", "delivery_address", "subtotal", "ppn", "total", "reserved_amount",
                           "withholding_ppn", "withholding_pph", "pph_kind", "net_to_supplier", "created_at",
                           "respond_by", "accepted_at", "bast_number", "bast_date", "due_date", "sp2d_number",
                           "payment_date"), orders)
    writer.copy("order_lines", ("id", "order_id", "listing_id", "name", "unit", "listed_price", "unit_price",
                                "quantity", "start_date", "end_date", "days", "line_total"), lines)
    writer.copy("order_events", ("id", "order_id", "action", "status", "at", "by_name"), events)
    writer.copy("daily_capacity_use", ("id", "listing_id", "day", "reserved"),
                ((i, key[0], key[1], reserved) for i, (key, reserved) in enumerate(usage.items(), 1)))
    writer.copy("order_counters", ("id", "skpd_id", "year", "last"),
                ((i, key[0], key[1], last) for i, (key, last) in enumerate(counters.items(), 1)))
    db.session.execute(
        text("UPDATE budget_lines SET ceiling = :ceiling, committed = :committed, realized = :realized WHERE id = :id"),
        [{"id": line_id, "committed": committed[line_id], "realized": realized[line_id],
          "ceiling": committed[line_id] * 2 + 5_000_000_000} for line_id in range(1, SKPD_COUNT * 2 * LINES_PER_SKPD_YEAR + 1)])
