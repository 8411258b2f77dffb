"""A large region for benchmarks: ``python bench/seed_large.py [--listings N --suppliers N --skpd N --orders N]``.

PostgreSQL only (``DATABASE_URL``), into a migrated database without suppliers. By default
the region of ``make bench``: 2,000 suppliers, 100,000 active listings over the three
storefronts, 75 SKPD with two budget lines a fiscal year, and 200,000 orders with about
500,000 lines over two fiscal years, written with ``COPY`` in a few minutes. Province scale
is ``--listings 1000000 --suppliers 20000``.

The rows are what the services would have written: amounts from ``taxes.compute``, order
numbers from ``orders.order_number`` (per SKPD and year, in the order of creation, with the
counters continuing them), ``respond_by`` from the working-day calendar and the app's
``RESPOND_WORKING_DAYS``, due dates from ``PAYMENT_TERM_DAYS``; every order's events walk a
path of ``OrderState``'s transitions to its status, each step by a user of a role the
transition allows, none after now (an order whose next step lies after now stays where it
is, one nobody answered in time expired); an order the stock or a day's capacity cannot
take is not placed; stock, daily capacity and the budget lines' committed and realised
amounts equal what the orders hold and paid. Listing names and prices come from the demo
catalog, places from the demo region.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import current_app  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402
from werkzeug.security import generate_password_hash  # noqa: E402

from app.auth import roles  # noqa: E402
from app.common import versions  # noqa: E402
from app.common.timeutil import now_wib, wib_to_utc  # noqa: E402
from app.common.workdays import add_working_days  # noqa: E402
from app.demo.catalog import CATALOG  # noqa: E402
from app.demo.region import KECAMATAN_CODE, STREETS  # noqa: E402
from app.etalase.models import Category  # noqa: E402
from app.extensions import db  # noqa: E402
from app.procurement import taxes  # noqa: E402
from app.procurement.models import OrderTerms  # noqa: E402
from app.procurement.orders import order_number  # noqa: E402
from app.procurement.state import ACCEPTED_STATUSES, OPEN_STATUSES, SYSTEM, OrderState  # noqa: E402
from app.suppliers.models import Supplier  # noqa: E402

BENCH_PASSWORD = "bench-elokal-2026"
LINES_PER_SKPD_YEAR = 2
BENCH_BUYERS = 32
STATUS_WEIGHTS = {"dibayar": 70, "diterima": 8, "dikirim": 5, "diproses": 5, "ditolak": 4,
                  "dibatalkan": 4, "batal_otomatis": 2, "menunggu_ppk": 1, "menunggu_penyedia": 1}
HOLDING = {*OPEN_STATUSES, *ACCEPTED_STATUSES}
REASONS = {"reject": "Ditolak PPK (data uji skala).", "cancel": "Dibatalkan pemesan (data uji skala).",
           "decline": "Ditolak penyedia (data uji skala).", "expire": "Penyedia tidak menjawab dalam batas waktu."}
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


@dataclass(frozen=True)
class Scale:
    """How big the region is."""

    suppliers: int = 2_000
    listings: int = 100_000
    skpd: int = 75
    orders: int = 200_000


def paths() -> dict[str, tuple[str, ...]]:
    """For each status, the shortest run of ``OrderState`` transitions from a new order's status to it."""
    start = "menunggu_ppk"
    found, queue = {start: ()}, deque([start])
    while queue:
        status = queue.popleft()
        for action, transition in OrderState.transitions.items():
            if status in transition.sources and transition.target not in found:
                found[transition.target] = (*found[status], action)
                queue.append(transition.target)
    return found


@dataclass
class _Order:
    created: datetime
    skpd: int
    supplier: int
    budget_line: int
    creator: int
    kind: str
    lines: list[tuple]  # (listing, quantity, start, end, days, line_total)
    rule: taxes.TaxRule
    amounts: taxes.Amounts
    steps: list[tuple[str, str, datetime, int | None]] = field(default_factory=list)  # action, status, at, by
    respond_by: datetime | None = None

    @property
    def status(self) -> str:
        return self.steps[-1][1]

    def at(self, action: str) -> datetime | None:
        return next((at for act, _, at, _ in self.steps if act == action), None)


class _Copier:
    """Writes rows with COPY, counting them per table."""

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
            if "id" not in db.metadata.tables[table].c:  # keyed by its parent's id (order_terms)
                continue
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
        db.session.execute(text("ANALYZE"))


def seed_large(scale: Scale = Scale(), seed: int = 20261123) -> dict[str, int]:
    """Write the region into the current app's empty PostgreSQL database (the caller commits); rows per table."""
    if db.session.get_bind().dialect.name != "postgresql":
        raise RuntimeError("Data skala besar hanya untuk PostgreSQL (DATABASE_URL=postgresql+psycopg://…).")
    if db.session.scalar(select(func.count(Supplier.id))):
        raise RuntimeError("Basis data sudah berisi penyedia; gunakan basis data kosong untuk data skala besar.")
    region = _Region(random.Random(seed), scale, now_wib().replace(tzinfo=None, microsecond=0))
    region.make_orders()
    writer = _Copier()
    region.write(writer)
    writer.finish()
    _catalog_and_transactions_changed()
    return writer.counts


def _catalog_and_transactions_changed() -> None:
    """Rows written behind the ORM's back: the caches' data versions move on."""
    for name in ("catalog", "transactions"):
        versions.bump(db.session, name)


class _Region:
    """The region in memory: suppliers, listings, users and orders, then written table by table."""

    def __init__(self, rng: random.Random, scale: Scale, now: datetime):
        self.rng, self.scale, self.now = rng, scale, now
        self.today = now.date()
        self.years = (self.today.year - 1, self.today.year)
        self.config = current_app.config
        self.paths = paths()
        self.places = [(kec, kel) for kec, kels in STREETS.items() for kel in kels]
        self.suppliers = [self._supplier() for _ in range(scale.suppliers)]
        categories = {(c.etalase_code, c.name): c.id for c in db.session.scalars(select(Category))}
        self.templates = [(etalase, categories[(etalase, category)], item, variant)
                          for etalase, by_category in CATALOG.items() for category, items in by_category.items()
                          for item in items for variant in item.variants]
        self.listings = [self._listing(i) for i in range(scale.listings)]
        self.pools = defaultdict(lambda: {True: [], False: []})  # supplier → goods? → listing ids
        for listing_id, listing in enumerate(self.listings, 1):
            self.pools[listing["supplier"]][listing["goods"]].append(listing_id)
        self.held_stock: dict[int, int] = defaultdict(int)
        self.held_days: dict[tuple[int, date], int] = defaultdict(int)
        self.orders: list[_Order] = []
        skpd_users = 3 * scale.skpd
        self.supplier_user = {s: skpd_users + BENCH_BUYERS + s for s in range(1, scale.suppliers + 1)}

    # --- suppliers and listings

    def _supplier(self) -> dict:
        rng = self.rng
        kec, kel = rng.choice(self.places)
        return {"kec": kec, "kel": kel, "scale": rng.choice(("mikro",) * 6 + ("kecil",) * 3 + ("menengah",)),
                "pkp": rng.random() < 0.3, "pp55": rng.random() < 0.4,
                "form": rng.choice(("perorangan", "cv", "ud", "pt", "koperasi")),
                "street": rng.choice(STREETS[kec][kel]), "number": rng.randint(1, 200),
                "npwp": f"{rng.randrange(10**14, 10**15)}"}

    def _listing(self, index: int) -> dict:
        rng = self.rng
        template = rng.randrange(len(self.templates))
        etalase, _, _, variant = self.templates[template]
        price = rng.randrange(variant.low, variant.high + 1, 500) if variant.high - variant.low >= 500 else variant.low
        goods = etalase == "produk-unggulan"
        return {"supplier": index % self.scale.suppliers + 1, "template": template, "price": price, "goods": goods,
                "amount": rng.randint(5_000, 50_000) if goods else rng.randint(20, 60),
                "per_day": etalase == "jasa-penyewaan", "lead": rng.randint(0, 3)}

    # --- orders

    def make_orders(self) -> None:
        """Draw the orders, walk each as far as now allows, keep those stock and capacity can take; by creation."""
        statuses, weights = zip(*STATUS_WEIGHTS.items())
        start = date(self.today.year - 1, 1, 2)
        span = (self.today - start).days
        for _ in range(self.scale.orders):
            goal = self.rng.choices(statuses, weights)[0]
            order = self._draw(goal, start, span)
            if order is not None and self._reserve(order):
                self.orders.append(order)
        self.orders.sort(key=lambda o: o.created)

    def _draw(self, goal: str, start: date, span: int) -> _Order | None:
        rng, scale = self.rng, self.scale
        skpd = rng.randrange(1, scale.skpd + 1)
        if goal in OPEN_STATUSES:
            day = self.today - timedelta(days=rng.randint(0, 2))
        else:
            day = start + timedelta(days=rng.randrange(span))
        created = min(datetime.combine(day, datetime.min.time()) + timedelta(minutes=rng.randint(8 * 60, 15 * 60)),
                      self.now - timedelta(hours=3))
        supplier = rng.randrange(1, scale.suppliers + 1)
        pools = self.pools[supplier]
        goods = rng.random() < 0.55
        if not pools[goods]:
            goods = not goods
        if not pools[goods]:
            return None
        lines = [self._line(listing_id, created.date())
                 for listing_id in rng.sample(pools[goods], min(len(pools[goods]), rng.choice((1, 2, 2, 3, 3, 4))))]
        kind = taxes.GOODS if goods else taxes.SERVICES
        seller = self.suppliers[supplier - 1]
        rule = taxes.TaxRule.in_force(kind, seller["pkp"], seller["pp55"], self.config)
        amounts = taxes.compute(sum(line[5] for line in lines), rule)
        creator = self._user(skpd, roles.PPK if amounts.total > self.config["PP_LIMIT"] else roles.PP)
        budget_line = self._budget_line(skpd, created.year, rng.randrange(LINES_PER_SKPD_YEAR))
        order = _Order(created, skpd, supplier, budget_line, creator, kind, lines, rule, amounts)
        self._walk(order, goal)
        return order

    def _line(self, listing_id: int, day: date) -> tuple:
        listing = self.listings[listing_id - 1]
        if listing["goods"]:
            quantity = self.rng.randint(1, 20)
            return listing_id, quantity, None, None, None, listing["price"] * quantity
        quantity, days = self.rng.randint(1, 3), self.rng.randint(1, 3)
        first = day + timedelta(days=listing["lead"] + self.rng.randint(3, 20))
        total = listing["price"] * quantity * (days if listing["per_day"] else 1)
        return listing_id, quantity, first, first + timedelta(days=days - 1), days, total

    def _walk(self, order: _Order, goal: str) -> None:
        """The steps to ``goal`` along the state table, each at its moment, up to now."""
        rng = self.rng
        order.steps.append(("create", "menunggu_ppk", order.created, order.creator))
        at = order.created
        for action in self.paths[goal]:
            if action == "approve":
                at = at if order.creator == self._user(order.skpd, roles.PPK) else at + timedelta(minutes=rng.randint(20, 300))
            elif action == "expire":
                at = order.respond_by
            elif action in ("accept", "decline"):
                at = min(at + timedelta(hours=rng.randint(2, 60)), order.respond_by - timedelta(minutes=30))
            elif action == "ship":
                first = order.lines[0][2]
                at = max(at + timedelta(days=rng.randint(1, 3)),
                         datetime.combine(first, datetime.min.time()) + timedelta(hours=7) if first else at)
            elif action == "receive":
                at += timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 4))
            elif action == "pay":
                at += timedelta(days=rng.randint(1, 45))
            else:
                at += timedelta(minutes=rng.randint(30, 600))
            if at > self.now:
                break
            transition = OrderState.transitions[action]
            order.steps.append((action, transition.target, at, self._actor(order, transition.roles)))
            if action == "approve":
                order.respond_by = add_working_days(at, self.config["RESPOND_WORKING_DAYS"])
        if order.status == "menunggu_penyedia" and order.respond_by <= self.now:
            order.steps.append(("expire", "batal_otomatis", order.respond_by, None))

    def _actor(self, order: _Order, allowed: tuple[str, ...]) -> int | None:
        if SYSTEM in allowed:
            return None
        if roles.SUPPLIER in allowed:
            return self.supplier_user[order.supplier]
        if order.creator in (self._user(order.skpd, role) for role in allowed):
            return order.creator
        return self._user(order.skpd, allowed[0])

    def _reserve(self, order: _Order) -> bool:
        """Whether stock and every day's capacity can take a holding order; if so, it takes them."""
        if order.status not in HOLDING:
            return True
        wanted_stock, wanted_days = defaultdict(int), defaultdict(int)
        for listing_id, quantity, first, _, days, _ in order.lines:
            if first is None:
                wanted_stock[listing_id] += quantity
            for n in range(days or 0):
                wanted_days[(listing_id, first + timedelta(days=n))] += quantity
        if any(self.held_stock[k] + q > self.listings[k - 1]["amount"] for k, q in wanted_stock.items()) or \
                any(self.held_days[k] + q > self.listings[k[0] - 1]["amount"] for k, q in wanted_days.items()):
            return False
        for key, quantity in wanted_stock.items():
            self.held_stock[key] += quantity
        for key, quantity in wanted_days.items():
            self.held_days[key] += quantity
        return True

    def _user(self, skpd: int, role: str) -> int:
        return (skpd - 1) * 3 + roles.SKPD_ROLES.index(role) + 1

    def _budget_line(self, skpd: int, year: int, index: int) -> int:
        return ((skpd - 1) * len(self.years) + self.years.index(year)) * LINES_PER_SKPD_YEAR + index + 1

    # --- writing

    def write(self, writer: _Copier) -> None:
        """Every table, parents first."""
        writer.copy("skpd", ("id", "code", "name"),
                    ((i, self._skpd_code(i), self._skpd_name(i)) for i in range(1, self.scale.skpd + 1)))
        self._write_budget_lines(writer)
        self._write_suppliers(writer)
        self._write_listings(writer)
        self._write_users(writer)
        self._write_orders(writer)

    @staticmethod
    def _skpd_code(skpd: int) -> str:
        return f"SKPD{skpd:03d}"

    @staticmethod
    def _skpd_name(skpd: int) -> str:
        return f"Perangkat Daerah Uji Skala {skpd:03d}"

    def _write_budget_lines(self, writer: _Copier) -> None:
        committed, realized = defaultdict(int), defaultdict(int)
        for order in self.orders:
            if order.status in HOLDING:
                committed[order.budget_line] += order.amounts.total
            if order.status == "dibayar":
                realized[order.budget_line] += order.amounts.total
        rows = []
        for skpd in range(1, self.scale.skpd + 1):
            for year in self.years:
                for index in range(LINES_PER_SKPD_YEAR):
                    line = self._budget_line(skpd, year, index)
                    rows.append((line, skpd, year, f"5.1.02.0{index + 1}.01.{line:04d}", "Belanja Barang dan Jasa Skala Uji",
                                 committed[line] * 2 + 5_000_000_000, committed[line], realized[line]))
        writer.copy("budget_lines", ("id", "skpd_id", "year", "code", "name", "ceiling", "committed", "realized"), rows)

    def _facts(self, i: int) -> dict:
        """Supplier ``i``'s identifiers and bank account, as its row holds them and its orders keep them."""
        s = self.suppliers[i - 1]
        return {"business_name": f"Usaha Uji {i:05d} {s['kel']}", "legal_form": s["form"],
                "nib": f"91{KECAMATAN_CODE[s['kec']]}{i:09d}", "npwp": s["npwp"], "owner_name": f"Pemilik {i}",
                "address": f"{s['street']} No. {s['number']}", "kelurahan": s["kel"], "kecamatan": s["kec"],
                "phone": f"0812{i:08d}", "bank_name": "Bank Jatim", "bank_account": f"{10**9 + i}",
                "bank_account_holder": f"Pemilik {i}"}

    def _write_suppliers(self, writer: _Copier) -> None:
        opened, verified = datetime(self.years[0] - 1, 1, 2), datetime(self.years[0] - 1, 1, 3)
        facts = OrderTerms.SUPPLIER_FACTS
        writer.copy("suppliers", ("id", *facts, "email", "kbli", "scale", "is_pkp", "has_pp55", "status",
                                  "rating_count", "created_at", "verified_at"), (
            (i, *(self._facts(i)[name] for name in facts), f"usaha{i}@uji.id", json.dumps(["47111"]), s["scale"],
             s["pkp"], s["pp55"], "verified", 0, opened, verified)
            for i, s in enumerate(self.suppliers, 1)))

    def _write_listings(self, writer: _Copier) -> None:
        created = datetime(self.years[0] - 1, 1, 5)
        columns = ("id", "supplier_id", "etalase_code", "category_id", "name", "description", "unit", "price",
                   "min_order", "lead_time_days", "stock", "capacity_per_day", "status", "created_at", "updated_at")

        def rows():
            for i, listing in enumerate(self.listings, 1):
                etalase, category_id, item, variant = self.templates[listing["template"]]
                supplier = self.suppliers[listing["supplier"] - 1]
                at = created + timedelta(minutes=i)
                stock = listing["amount"] - self.held_stock[i] if listing["goods"] else None
                yield (i, listing["supplier"], etalase, category_id, f"{item.name} {variant.label} #{i}",
                       item.description.format(kel=supplier["kel"], kec=supplier["kec"]), variant.unit,
                       listing["price"], 1, listing["lead"], stock, None if listing["goods"] else listing["amount"],
                       "active", at, at)

        writer.copy("listings", columns, rows())
        writer.copy("price_changes", ("id", "listing_id", "old_price", "new_price", "changed_at"),
                    ((i, i, None, listing["price"], created + timedelta(minutes=i))
                     for i, listing in enumerate(self.listings, 1)))

    def _write_users(self, writer: _Copier) -> None:
        digest = generate_password_hash(BENCH_PASSWORD, self.config["PASSWORD_HASH_METHOD"])
        since = datetime(self.years[0] - 1, 1, 1)
        rows = [(self._user(skpd, role), f"{role}.skpd{skpd:03d}", digest, f"{role.upper()} SKPD {skpd:03d}", role,
                 skpd, None, True, since) for skpd in range(1, self.scale.skpd + 1) for role in roles.SKPD_ROLES]
        first = len(rows)
        rows += [(first + n, f"bench.buyer{n:02d}", digest, f"Pembeli Uji {n:02d}", roles.PPK,
                  (n - 1) % self.scale.skpd + 1, None, True, since) for n in range(1, BENCH_BUYERS + 1)]
        rows += [(user, f"supplier{supplier:04d}", digest, f"Penyedia {supplier}", roles.SUPPLIER, None, supplier,
                  True, since) for supplier, user in self.supplier_user.items()]
        last = rows[-1][0]
        rows += [(last + 1, "bench.admin", digest, "bench.admin", roles.ADMIN, None, None, True, since),
                 (last + 2, "bench.finance", digest, "bench.finance", roles.FINANCE, None, None, True, since)]
        self.usernames = {row[0]: row[1] for row in rows}
        writer.copy("users", ("id", "username", "password_hash", "full_name", "role", "skpd_id", "supplier_id",
                              "active", "created_at"), rows)

    def _write_orders(self, writer: _Copier) -> None:
        counters: dict[tuple[int, int], int] = defaultdict(int)
        bast: dict[tuple[int, int], int] = defaultdict(int)
        sp2d: dict[int, int] = defaultdict(int)
        term = timedelta(days=self.config["PAYMENT_TERM_DAYS"])
        orders, lines, events, terms = [], [], [], []
        line_id = event_id = 0
        letterhead = (self.config["REGION_NAME"], self.config["REGION_CITY"], self.config["REGION_ADDRESS"])
        for order_id, order in enumerate(self.orders, 1):
            rule, facts = order.rule, self._facts(order.supplier)
            terms.append((order_id, str(rule.ppn_rate), rule.is_pkp, rule.pph_kind, str(rule.pph_rate), rule.threshold,
                          *(facts[name] for name in OrderTerms.SUPPLIER_FACTS), *letterhead,
                          self._skpd_name(order.skpd),
                          max(self.listings[line[0] - 1]["lead"] for line in order.lines)))
            a, status, year = order.amounts, order.status, order.created.year
            counters[(order.skpd, year)] += 1
            received, paid, accepted = order.at("receive"), order.at("pay"), order.at("accept")
            bast_number = sp2d_number = None
            if received:
                bast[(order.skpd, received.year)] += 1
                bast_number = (f"{bast[(order.skpd, received.year)]:03d}/BAST/{self._skpd_code(order.skpd)}/"
                               f"{ROMAN[received.month - 1]}/{received.year}")
            if paid:
                sp2d[paid.year] += 1
                sp2d_number = f"{sp2d[paid.year]:05d}/SP2D-LS/BPKAD/{paid.year}"
            orders.append((
                order_id, order_number(year, self._skpd_code(order.skpd), counters[(order.skpd, year)]), year,
                order.skpd, order.supplier, order.budget_line, order.creator, order.kind, status, "Kantor SKPD uji",
                a.subtotal, a.ppn, a.total, a.total if status in HOLDING else 0, a.withholding_ppn, a.withholding_pph,
                a.pph_kind, a.net_to_supplier, wib_to_utc(order.created), order.respond_by and wib_to_utc(order.respond_by),
                accepted and wib_to_utc(accepted), bast_number, received and received.date(),
                received and received.date() + term, sp2d_number, paid and paid.date()))
            for listing_id, quantity, first, last, days, line_total in order.lines:
                line_id += 1
                listing = self.listings[listing_id - 1]
                etalase, _, item, variant = self.templates[listing["template"]]
                lines.append((line_id, order_id, listing_id, f"{item.name} {variant.label} #{listing_id}", variant.unit,
                              listing["price"], listing["price"], quantity, first, last, days, line_total))
            for action, event_status, at, by in order.steps:
                event_id += 1
                events.append((event_id, order_id, action, event_status, wib_to_utc(at), by,
                               self.usernames[by] if by else SYSTEM, REASONS.get(action)))
        writer.copy("orders", (
            "id", "number", "year", "skpd_id", "supplier_id", "budget_line_id", "created_by_id", "kind", "status",
            "delivery_address", "subtotal", "ppn", "total", "reserved_amount", "withholding_ppn", "withholding_pph",
            "pph_kind", "net_to_supplier", "created_at", "respond_by", "accepted_at", "bast_number", "bast_date",
            "due_date", "sp2d_number", "payment_date"), orders)
        writer.copy("order_lines", ("id", "order_id", "listing_id", "name", "unit", "listed_price", "unit_price",
                                    "quantity", "start_date", "end_date", "days", "line_total"), lines)
        writer.copy("order_events", ("id", "order_id", "action", "status", "at", "by_id", "by_name", "reason"), events)
        writer.copy("order_terms", ("order_id", "ppn_rate", "is_pkp", "pph_kind", "pph_rate", "withholding_threshold",
                                    *OrderTerms.SUPPLIER_FACTS, "region_name", "region_city", "region_address",
                                    "skpd_name", "lead_time_days"), terms)
        writer.copy("daily_capacity_use", ("id", "listing_id", "day", "reserved"),
                    ((i, key[0], key[1], reserved) for i, (key, reserved) in enumerate(sorted(self.held_days.items()), 1)))
        writer.copy("order_counters", ("id", "skpd_id", "year", "last"),
                    ((i, key[0], key[1], last) for i, (key, last) in enumerate(sorted(counters.items()), 1)))


def main() -> None:
    """Parse the scale, write the region into ``DATABASE_URL``, print the rows per table and the time."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    defaults = Scale()
    for name in ("suppliers", "listings", "skpd", "orders"):
        parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args()
    from app import create_app

    started = time.perf_counter()
    with create_app().app_context():
        try:
            counts = seed_large(Scale(args.suppliers, args.listings, args.skpd, args.orders), args.seed)
        except RuntimeError as exc:
            sys.exit(str(exc))
        db.session.commit()
    print("Data skala besar:\n" + "\n".join(f"  {table:>18}: {count:,}" for table, count in counts.items()))
    print(f"  {'detik':>18}: {time.perf_counter() - started:.1f}")


if __name__ == "__main__":
    main()
