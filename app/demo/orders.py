"""A year of orders for the demo region, loaded by ``seed_demo()``.

The buyers are the SKPD with a full set of demo logins (pp, ppk and bendahara:
DISPAR and DISKOMINFO); the sellers are the verified suppliers with a demo login,
in all three storefronts. Orders are placed on working days over the twelve months
up to now, busier in the second half of the fiscal year, and each one walks the flow
of PRODUCT.md §4 step by step: created by the pp (by the ppk when the total exceeds
the PP limit, and now and then anyway), approved, accepted by the supplier (sometimes
after a counter-offer), shipped or started, received with a BAST, paid with an SP2D.
Some are refused, cancelled or expire on the way; the others stop where their next
step lies after now, so the recent ones are still open. A few orders of the last two
working days are kept waiting (menunggu_ppk, menunggu_penyedia, negosiasi). Every
step is an ``OrderEvent`` by the demo user who would take it, and steps of the last
month leave the notifications the app would have sent.

The rows obey the rules the app enforces: amounts from ``taxes.compute``; an order
is only placed when its budget line, stock and daily capacity can take it, counting
every order from its creation (released ones too, so no moment was ever oversold),
and budget lines are spent at a pace (a share of the pagu growing through the year);
``committed``, stock and ``DailyCapacityUse`` then hold exactly what the orders that
still hold budget reserve, ``realized`` what was paid; numbers are per SKPD and year
and continue the ``OrderCounter`` rows. The budget line is the SKPD's account for
the category when its DPA has one (catering on Belanja Makanan dan Minuman Rapat,
tents on Belanja Sewa Tenda, ...); categories the DPA has no account for (batik,
flowers, event organisers for these two SKPD) go on the line with the most room.

Deterministic: one seeded ``random.Random`` draws everything, so the orders depend
only on the moment of the run (the window ends then). Nothing is written when the
buyer SKPD already have orders. No audit entries: the audit chain records what users
do in the app, and the demo data is not that.
"""
from __future__ import annotations

import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from flask import current_app
from sqlalchemy import func, insert, select

from app.auth import roles
from app.auth.models import User
from app.common.money import rupiah
from app.common.timeutil import to_wib, utcnow, wib_to_utc
from app.common.workdays import add_working_days, is_working_day
from app.etalase.models import Category, DailyCapacityUse, Etalase, Listing
from app.extensions import db
from app.notifications.models import Notification
from app.procurement import taxes
from app.procurement.models import BudgetLine, Order, OrderCounter, OrderEvent, OrderLine, Skpd
from app.procurement.state import ACCEPTED_STATUSES, OPEN_STATUSES, SYSTEM
from app.suppliers.models import Supplier

from . import region

SEED = "elokal-demo-orders-v1"
HOLDING = (*OPEN_STATUSES, *ACCEPTED_STATUSES)
ORDERS_PER_DAY = 3.3  # on an average working day
MONTH_WEIGHTS = (0.55, 0.75, 0.9, 1.0, 1.05, 1.1, 1.1, 1.35, 1.15, 1.2, 1.2, 1.3)  # January … December
SUPPLIER_WEIGHTS = {"katering-bu-endang": 30, "tenda-arjuno": 22, "apel-brosem": 20, "bunga-sidomulyo": 10,
                    "eo-kusuma-agro": 9, "batik-kembang-kota": 9}
MISFIT_WEIGHT = 0.3  # a supplier selling nothing the SKPD's DPA has an account for is chosen less often
KEPT_WAITING = ("menunggu_ppk", "menunggu_penyedia", "negosiasi", "menunggu_ppk", "menunggu_penyedia",
                "negosiasi", "menunggu_ppk", "menunggu_penyedia")
OPENS, CLOSES = time(8, 0), time(16, 0)
NOTIFY_DAYS = 30
UNREAD_DAYS = 7
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

# The accounts (keys of region.ACCOUNTS) a category is bought on, best first.
ACCOUNTS_BY_CATEGORY = {
    "Olahan Apel": ("mamin_rapat", "mamin_tamu", "cinderamata"),
    "Makanan Ringan": ("mamin_rapat", "mamin_tamu"),
    "Kopi": ("mamin_rapat", "mamin_tamu"),
    "Sayur dan Buah": ("mamin_rapat", "mamin_lapangan"),
    "Katering": ("mamin_rapat", "mamin_tamu", "mamin_lapangan"),
    "Paket Rapat": ("mamin_rapat",),
    "Batik": ("pakaian_batik", "cinderamata"),
    "Kerajinan": ("cinderamata",),
    "Bunga Potong": ("dekorasi", "acara"),
    "Dekorasi": ("dekorasi", "acara"),
    "Event Organizer": ("acara",),
    "Dokumentasi": ("dokumentasi", "acara"),
    "Pelatihan": ("pelatihan",),
    "Tenda": ("sewa_tenda", "acara"),
    "Kursi dan Meja": ("sewa_kursi", "sewa_tenda", "acara"),
    "Sound System": ("sewa_sound", "acara"),
    "Peralatan Multimedia": ("sewa_multimedia", "acara"),
    "Kendaraan": ("sewa_kendaraan",),
    "Gedung dan Tempat": ("sewa_gedung", "acara"),
}
ACTIVITIES = {
    "DISPAR": ("Festival Apel dan Bunga Kota Batu", "Rapat Koordinasi Pengelola Desa Wisata",
               "Famtrip Media dan Agen Perjalanan", "Pelatihan Pemandu Wisata Desa", "Batu Tourism Expo",
               "Lomba Kelompok Sadar Wisata Tingkat Kota", "Rapat Evaluasi Kunjungan Wisatawan",
               "Sosialisasi Sapta Pesona"),
    "DISKOMINFO": ("Rapat Koordinasi Kota Cerdas", "Bimtek Pengelola Laman Perangkat Daerah",
                   "Sosialisasi Keterbukaan Informasi Publik", "Forum Komunikasi Media",
                   "Rapat Evaluasi Layanan Pengaduan Warga", "Pameran Inovasi Digital",
                   "Diseminasi Informasi Program Pemerintah", "Siaran Langsung Hari Jadi Kota Batu"),
}
GENERAL_ACTIVITIES = ("Rapat Koordinasi Internal", "Rapat Evaluasi Kinerja Triwulan", "Sosialisasi Program Kerja")
VENUES = ("Graha Pancasila, Balai Kota Among Tani, Jl. Panglima Sudirman No. 507, Pesanggrahan, Kota Batu",
          "Alun-Alun Kota Batu, Jl. Gajah Mada, Sisir, Kota Batu",
          "Lapangan Stadion Brantas, Jl. Stadion, Temas, Kota Batu",
          "Balai Desa Bumiaji, Jl. Raya Bumiaji, Kota Batu",
          "Pendopo Kecamatan Junrejo, Jl. Raya Junrejo, Kota Batu",
          "Taman Rekreasi Songgoriti, Jl. Arumdalu, Songgokerto, Kota Batu")
REJECT_REASONS = ("Kegiatan ditunda sesuai disposisi pimpinan; pesanan akan diajukan ulang.",
                  "Jumlah melebihi kebutuhan kegiatan; sesuaikan dengan daftar peserta.",
                  "Spesifikasi belum sesuai dengan kerangka acuan kerja kegiatan.",
                  "Mata anggaran tidak sesuai dengan jenis belanja; ajukan dengan rekening yang benar.")
CANCEL_REASONS = ("Kegiatan dibatalkan karena bertepatan dengan agenda Wali Kota.",
                  "Jumlah peserta berubah; pesanan dibuat ulang dengan jumlah yang benar.",
                  "Salah memilih produk; pesanan dibuat ulang.",
                  "Tanggal kegiatan diundur ke bulan berikutnya.")
DECLINE_REASONS = ("Bahan baku sedang tidak tersedia dalam jumlah yang diminta.",
                   "Tenaga kerja pada tanggal tersebut sudah penuh untuk acara lain.",
                   "Waktu persiapan tidak cukup untuk jumlah pesanan ini.",
                   "Armada kami tidak dapat menjangkau lokasi pada jam yang diminta.")
REJECT_COUNTER_REASONS = ("Tawaran baru mensyaratkan uang muka; tidak sesuai ketentuan pembayaran.",
                          "Kegiatan dijadwalkan ulang sebelum tawaran disetujui; pesanan tidak dilanjutkan.")
EXPIRE_REASON = "Penyedia tidak menjawab dalam batas waktu."
RATING_COMMENTS = {
    5: ("Tepat waktu dan kualitas sangat baik.", "Pelayanan ramah, sesuai pesanan.",
        "Sangat memuaskan, akan memesan lagi."),
    4: ("Sesuai pesanan, pengiriman sedikit terlambat.", "Kualitas baik; kemasan bisa lebih rapi.",
        "Baik, koordinasi lancar."),
    3: ("Cukup; beberapa item kurang sesuai spesifikasi.", "Datang terlambat satu jam dari jadwal."),
    2: ("Terlambat dan jumlah kurang, baru dilengkapi keesokan harinya.",),
    1: ("Tidak sesuai pesanan; perlu evaluasi penyedia.",),
}


@dataclass
class _Buyer:
    skpd: Skpd
    pp: User
    ppk: User
    bendahara: User
    lines: dict[int, list[BudgetLine]]  # by year
    office: str
    activities: tuple[str, ...]


@dataclass
class _Seller:
    supplier: Supplier
    user: User
    listings: list[Listing]
    weight: int


@dataclass
class _Step:
    action: str
    status: str
    at: datetime  # WIB
    by: User | None
    reason: str | None = None


@dataclass
class _Draft:
    """An order being made up, with what the seed needs beside its columns."""

    order: Order
    buyer: _Buyer
    seller: _Seller
    created: datetime  # WIB
    creator: User
    lines: list[OrderLine]  # written with the order's id once it has one
    listings: list[Listing]
    per_day: bool
    steps: list[_Step] = field(default_factory=list)


class _Books:
    """What budget lines, stock and daily capacity have given out.

    ``ever_*`` counts every order from its creation on (what the checks use);
    the other counters only the orders that still hold at the end (what is written).
    """

    def __init__(self, capacity_in_use: dict[tuple[int, date], int]):
        self.ever_budget: dict[int, int] = defaultdict(int)
        self.ever_stock: dict[int, int] = defaultdict(int)
        self.ever_days: dict[tuple[int, date], int] = defaultdict(int, capacity_in_use)
        self.committed: dict[int, int] = defaultdict(int)
        self.realized: dict[int, int] = defaultdict(int)
        self.stock: dict[int, int] = defaultdict(int)
        self.days: dict[tuple[int, date], int] = defaultdict(int)


def seed_orders(skpds: dict[str, Skpd], suppliers: dict[str, Supplier]) -> int:
    """Add a year of orders of the demo buyers to the current session; return how many (0 if they have orders).

    ``skpds`` and ``suppliers`` are the demo region's rows by SKPD code and supplier key.
    """
    session = db.session
    buyer_codes = [code for code in skpds if _has_full_staff(code)]
    buyer_ids = [skpds[code].id for code in buyer_codes]
    if not buyer_ids or session.scalar(select(Order.id).where(Order.skpd_id.in_(buyer_ids)).limit(1)):
        return 0
    now = to_wib(utcnow()).replace(tzinfo=None, microsecond=0)
    rng = random.Random(SEED)
    buyers = _buyers([skpds[code] for code in buyer_codes])
    sellers = _sellers(suppliers)
    if not buyers or not sellers:
        return 0
    listing_ids = [listing.id for seller in sellers for listing in seller.listings]
    usage_rows = {(row.listing_id, row.day): row for row in session.scalars(
        select(DailyCapacityUse).where(DailyCapacityUse.listing_id.in_(listing_ids)))}
    books = _Books({key: row.reserved for key, row in usage_rows.items()})
    maker = _Maker(rng, now, buyers, sellers, books)

    drafts = []
    # The orders kept waiting first, so that they find budget and capacity; then the rest by date.
    for moment, waiting in sorted(_moments(rng, now), key=lambda item: item[1] is None):
        draft = maker.make(moment, waiting)
        if draft is not None:
            drafts.append(draft)
    _number(drafts, session)
    for draft in drafts:
        _settle(draft, books)
    _rate(rng, drafts)
    _update_ratings(drafts)

    # The orders through the ORM (their ids are needed); the many rows below them in one executemany each.
    session.add_all([draft.order for draft in drafts])
    new_usage = _write_books(books, buyers, sellers, usage_rows)
    session.flush()
    line_columns = [c.key for c in OrderLine.__table__.columns if c.key not in ("id", "order_id")]
    _insert(OrderLine, [{"order_id": d.order.id, **{key: getattr(line, key) for key in line_columns}}
                        for d in drafts for line in d.lines])
    _insert(OrderEvent, [{"order_id": d.order.id, "action": s.action, "status": s.status, "at": wib_to_utc(s.at),
                          "by_id": s.by.id if s.by else None, "by_name": s.by.username if s.by else SYSTEM,
                          "reason": s.reason} for d in drafts for s in d.steps])
    _insert(DailyCapacityUse, new_usage)
    _insert(Notification, _notifications(rng, drafts, now))
    return len(drafts)


def _insert(model, rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(model.__table__), rows)


def _has_full_staff(code: str) -> bool:
    """Whether the demo region has a pp, a ppk and a bendahara login for this SKPD."""
    return {role for _, role, skpd, *_ in region.CIVIL_SERVANTS if skpd == code} >= set(roles.SKPD_ROLES)


def _buyers(skpds: list[Skpd]) -> list[_Buyer]:
    staff = {u.username: u for u in db.session.scalars(
        select(User).where(User.username.in_([row[0] for row in region.CIVIL_SERVANTS]), User.active.is_(True)))}
    lines: dict[int, dict[int, list[BudgetLine]]] = defaultdict(lambda: defaultdict(list))
    for line in db.session.scalars(select(BudgetLine).where(BudgetLine.skpd_id.in_([s.id for s in skpds]))
                                   .order_by(BudgetLine.year, BudgetLine.code)):
        lines[line.skpd_id][line.year].append(line)
    buyers = []
    for skpd in skpds:
        people = {role: staff.get(username) for username, role, code, *_ in region.CIVIL_SERVANTS
                  if code == skpd.code}
        if all(people.get(role) for role in roles.SKPD_ROLES):
            buyers.append(_Buyer(skpd, people[roles.PP], people[roles.PPK], people[roles.BENDAHARA],
                                 lines[skpd.id], f"Kantor {skpd.name}, Balai Kota Among Tani, "
                                 "Jl. Panglima Sudirman No. 507, Pesanggrahan, Kota Batu",
                                 ACTIVITIES.get(skpd.code, GENERAL_ACTIVITIES)))
    return buyers


def _sellers(suppliers: dict[str, Supplier]) -> list[_Seller]:
    keys = [key for _, key in region.SUPPLIER_LOGINS if key in suppliers and suppliers[key].status == "verified"]
    by_id = {suppliers[key].id: key for key in keys}
    users = {u.supplier_id: u for u in db.session.scalars(
        select(User).where(User.username.in_([name for name, _ in region.SUPPLIER_LOGINS]),
                           User.supplier_id.in_(by_id), User.active.is_(True)))}
    listings = defaultdict(list)
    for listing in db.session.scalars(select(Listing).where(Listing.supplier_id.in_(by_id),
                                                            Listing.status == "active").order_by(Listing.id)):
        listings[listing.supplier_id].append(listing)
    return [_Seller(suppliers[key], users[suppliers[key].id], listings[suppliers[key].id],
                    SUPPLIER_WEIGHTS.get(key, 10))
            for key in keys if suppliers[key].id in users and listings[suppliers[key].id]]


def _moments(rng: random.Random, now: datetime):
    """When orders are created (WIB), each with the status it is kept waiting in (or None).

    Working days of the twelve months up to now, busier late in the year; and a few
    orders of the last two working days that are still waiting for someone.
    """
    moments = []
    day = now.date() - timedelta(days=365)
    while day <= now.date():
        if is_working_day(day):
            for _ in range(_poisson(rng, ORDERS_PER_DAY * MONTH_WEIGHTS[day.month - 1])):
                moment = datetime.combine(day, OPENS) + timedelta(minutes=rng.randint(0, 450),
                                                                  seconds=rng.randint(0, 59))
                if moment < now - timedelta(minutes=10):
                    moments.append((moment, None))
        day += timedelta(days=1)
    recent = [day for day in (now.date() - timedelta(days=n) for n in range(14))
              if is_working_day(day) and datetime.combine(day, OPENS) + timedelta(hours=2) <= now][:2]
    for number, waiting in enumerate(KEPT_WAITING):
        opens = datetime.combine(recent[number % 2], OPENS)
        latest = min(opens.replace(hour=15, minute=30), now - timedelta(hours=1))
        moments.append((opens + timedelta(seconds=rng.randint(0, int((latest - opens).total_seconds()))), waiting))
    return moments


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson-distributed count (Knuth), from the seeded generator."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _office(rng: random.Random, moment: datetime) -> datetime:
    """``moment`` if offices are open then (08.00–16.00 WIB on a working day), else a while after they open."""
    if is_working_day(moment.date()) and OPENS <= moment.time() < CLOSES:
        return moment
    day = moment.date() if moment.time() < OPENS else moment.date() + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, OPENS) + timedelta(minutes=rng.randint(5, 150), seconds=rng.randint(0, 59))


def _office_between(start: datetime, end: datetime, share: float) -> datetime:
    """The moment ``share`` of the way through the office hours between ``start`` and ``end``."""
    spans = []
    for n in range((end.date() - start.date()).days + 1):
        day = start.date() + timedelta(days=n)
        opens, closes = max(start, datetime.combine(day, OPENS)), min(end, datetime.combine(day, CLOSES))
        if is_working_day(day) and opens < closes:
            spans.append((opens, closes))
    left = sum((closes - opens for opens, closes in spans), timedelta()) * share
    for opens, closes in spans:
        if left <= closes - opens:
            return (opens + left).replace(microsecond=0)
        left -= closes - opens
    return end


def _tidy(quantity: int) -> int:
    if quantity >= 200:
        return round(quantity / 10) * 10
    if quantity >= 50:
        return round(quantity / 5) * 5
    return quantity


class _Maker:
    """Makes up orders one by one, keeping the books of what each takes."""

    def __init__(self, rng: random.Random, now: datetime, buyers: list[_Buyer], sellers: list[_Seller],
                 books: _Books):
        self.rng, self.now, self.buyers, self.sellers, self.books = rng, now, buyers, sellers, books
        self.categories = dict(db.session.execute(select(Category.id, Category.name)).all())
        self.per_day = {code for code, pricing in db.session.execute(select(Etalase.code, Etalase.pricing))
                        if pricing == "per_day"}
        self.config = current_app.config
        self.account_codes = {key: values[0] for key, values in region.ACCOUNTS.items()}
        self.listings = {listing.id: listing for seller in sellers for listing in seller.listings}
        self.fits: dict[tuple[int, int], bool] = {}

    def make(self, created: datetime, waiting: str | None) -> _Draft | None:
        """An order created at ``created`` (WIB), or None when nothing fits the budget, stock or capacity."""
        rng = self.rng
        buyer = rng.choice(self.buyers)
        if not buyer.lines.get(created.year):
            return None
        created_utc = wib_to_utc(created)
        offer = [(seller, [l for l in seller.listings if l.created_at <= created_utc])
                 for seller in self.sellers if seller.supplier.verified_at <= created_utc]
        offer = [(seller, listings) for seller, listings in offer if listings]
        if not offer:
            return None
        weights = [seller.weight * (1 if any(self._fits(buyer, l) for l in seller.listings) else MISFIT_WEIGHT)
                   for seller, _ in offer]
        seller, available = rng.choices(offer, weights)[0]
        by_etalase = defaultdict(list)
        for listing in [l for l in available if self._fits(buyer, l)] or available:
            by_etalase[listing.etalase_code].append(listing)
        etalase = rng.choices(list(by_etalase), [len(v) for v in by_etalase.values()])[0]
        goods = by_etalase[etalase][0].stock is not None
        count = rng.choices((1, 2, 3, 4), (35, 30, 22, 13) if goods else (60, 28, 12, 0))[0]
        chosen = rng.sample(by_etalase[etalase], min(count, len(by_etalase[etalase])))
        if len(chosen) > 1:  # a big event package is ordered on its own
            chosen = [listing for listing in chosen if listing.price < 5_000_000] or chosen[:1]
        start = end = None
        if not goods:
            start = created.date() + timedelta(days=max(l.lead_time_days for l in chosen) + rng.randint(1, 12))
            days = rng.choice((1, 1, 1, 2, 2, 3) if etalase in self.per_day else (1, 1, 1, 1, 2))
            end = start + timedelta(days=days - 1)
        wanted = {listing.id: self._quantity(listing) for listing in chosen}
        for _ in range(3):
            lines = self._lines(chosen, wanted, start, end)
            if lines:
                kind = taxes.GOODS if goods else taxes.SERVICES
                amounts = taxes.compute(sum(l.line_total for l in lines), kind, seller.supplier.is_pkp,
                                        seller.supplier.has_pp55)
                line = self._budget_line(buyer, created, lines, amounts.total)
                if line is not None:
                    return self._draft(buyer, seller, created, waiting, kind, lines, amounts, line)
            wanted = {key: max(1, quantity // 2) for key, quantity in wanted.items()}
        return None

    def _fits(self, buyer: _Buyer, listing: Listing) -> bool:
        """Whether the buyer's DPA has an account for the listing's category."""
        key = (buyer.skpd.id, listing.category_id)
        if key not in self.fits:
            codes = {line.code for lines in buyer.lines.values() for line in lines}
            accounts = ACCOUNTS_BY_CATEGORY.get(self.categories[listing.category_id], ())
            self.fits[key] = any(self.account_codes[account] in codes for account in accounts)
        return self.fits[key]

    def _quantity(self, listing: Listing) -> int:
        rng = self.rng
        if listing.price >= 5_000_000:
            wanted = 1
        elif listing.price >= 500_000:
            wanted = rng.choice((1, 1, 1, 2, 2, 3))
        elif listing.price >= 100_000:
            wanted = rng.choice((1, 2, 2, 3, 4, 5, 6, 8, 10))
        else:
            budget = rng.choice((300_000, 500_000, 750_000, 1_000_000, 1_500_000, 2_000_000, 3_000_000))
            wanted = _tidy(budget // listing.price)
        return max(wanted, listing.min_order)

    def _lines(self, chosen: list[Listing], wanted: dict[int, int], start: date | None,
               end: date | None) -> list[OrderLine]:
        """Order lines for what stock or capacity can still give, each at least the minimum order."""
        books = self.books
        lines = []
        for listing in chosen:
            if listing.stock is not None:
                room = min(listing.stock - listing.min_order, listing.stock * 4 // 5) - books.ever_stock[listing.id]
            else:
                room = min(listing.capacity_per_day - books.ever_days[(listing.id, start + timedelta(days=n))]
                           for n in range((end - start).days + 1))
            quantity = min(max(wanted[listing.id], listing.min_order), room)
            if quantity < listing.min_order:
                continue
            days = (end - start).days + 1 if start else None
            multiplier = days if listing.etalase_code in self.per_day else 1
            lines.append(OrderLine(
                listing_id=listing.id, name=listing.name, unit=listing.unit, listed_price=listing.price,
                unit_price=listing.price, quantity=quantity, start_date=start, end_date=end, days=days,
                line_total=listing.price * quantity * multiplier))
        return lines

    def _budget_line(self, buyer: _Buyer, created: datetime, lines: list[OrderLine],
                     total: int) -> BudgetLine | None:
        """The line the order is bought on: the category's account if the DPA has it, else the roomiest.

        A line gives out a share of its pagu that grows through the fiscal year, so that
        the budget lasts to the end of the year as the SKPD's cash plan (anggaran kas) wants.
        """
        year_lines = buyer.lines[created.year]
        main = max(lines, key=lambda l: l.line_total)
        category = self.categories[self.listings[main.listing_id].category_id]
        preferred = [self.account_codes[key] for key in ACCOUNTS_BY_CATEGORY.get(category, ())]
        share = min(Decimal(1), Decimal("0.1") + Decimal("0.9") * created.timetuple().tm_yday / 365)

        def room(line: BudgetLine) -> int:
            allowance = int(line.ceiling * share) - line.committed
            return allowance - self.books.ever_budget[line.id]

        matching = [line for code in preferred for line in year_lines if line.code == code]
        candidates = matching or sorted(year_lines, key=room, reverse=True)
        return next((line for line in candidates if room(line) >= total), None)

    def _draft(self, buyer: _Buyer, seller: _Seller, created: datetime, waiting: str | None, kind: str,
               lines: list[OrderLine], amounts: taxes.Amounts, budget_line: BudgetLine) -> _Draft:
        rng, books = self.rng, self.books
        big = amounts.total > self.config["PP_LIMIT"]
        creator = buyer.ppk if big or (waiting != "menunggu_ppk" and rng.random() < 0.12) else buyer.pp
        venue = kind == taxes.SERVICES and rng.random() < 0.6
        order = Order(
            year=created.year, skpd_id=buyer.skpd.id, supplier_id=seller.supplier.id,
            budget_line_id=budget_line.id, created_by_id=creator.id, kind=kind, status="menunggu_ppk",
            delivery_address=rng.choice(VENUES) if venue else buyer.office,
            notes=f"Untuk kegiatan {rng.choice(buyer.activities)}." if rng.random() < 0.7 else None,
            reserved_amount=amounts.total, created_at=wib_to_utc(created), **_amount_columns(amounts))
        draft = _Draft(order, buyer, seller, created, creator, lines, [self.listings[l.listing_id] for l in lines],
                       self.listings[lines[0].listing_id].etalase_code in self.per_day)
        books.ever_budget[budget_line.id] += amounts.total
        for line in lines:
            if line.start_date is None:
                books.ever_stock[line.listing_id] += line.quantity
            else:
                for n in range(line.days):
                    books.ever_days[(line.listing_id, line.start_date + timedelta(days=n))] += line.quantity
        _History(rng, self.now, self.config, draft, waiting).walk()
        return draft


def _amount_columns(amounts: taxes.Amounts) -> dict:
    return {"subtotal": amounts.subtotal, "ppn": amounts.ppn, "total": amounts.total,
            "withholding_ppn": amounts.withholding_ppn, "withholding_pph": amounts.withholding_pph,
            "pph_kind": amounts.pph_kind, "net_to_supplier": amounts.net_to_supplier}


class _History:
    """Walks one order through the flow until its next step would come after now."""

    def __init__(self, rng: random.Random, now: datetime, config, draft: _Draft, waiting: str | None):
        self.rng, self.now, self.config, self.draft, self.waiting = rng, now, config, draft, waiting
        self.at = draft.created

    def later(self, low: int, high: int) -> datetime:
        """The moment of the next step: ``low``–``high`` minutes on, in office hours (sooner when kept waiting)."""
        if self.waiting:
            self.at = _office_between(self.at, self.now, self.rng.uniform(0.2, 0.5))
        else:
            self.at = _office(self.rng, self.at + timedelta(minutes=self.rng.randint(low, high),
                                                             seconds=self.rng.randint(0, 59)))
        return self.at

    def step(self, action: str, status: str, by: User | None, reason: str | None = None) -> bool:
        """Record a step at ``self.at``; False (and nothing recorded) when that is after now."""
        if self.at > self.now:
            return False
        self.draft.steps.append(_Step(action, status, self.at, by, reason))
        self.draft.order.status = status
        return True

    def walk(self) -> None:
        """Every step the order has taken by now."""
        rng, draft, order = self.rng, self.draft, self.draft.order
        buyer, supplier = draft.buyer, draft.seller.user
        self.step("create", "menunggu_ppk", draft.creator)
        if draft.creator is buyer.pp:
            if self.waiting == "menunggu_ppk":
                return
            fate = "approve" if self.waiting else rng.choices(("approve", "reject", "cancel"), (94, 3.5, 2.5))[0]
            self.later(15, 1200)
            if fate == "reject":
                self.step("reject", "ditolak", buyer.ppk, rng.choice(REJECT_REASONS))
                return
            if fate == "cancel":
                self.step("cancel", "dibatalkan", buyer.pp, rng.choice(CANCEL_REASONS))
                return
        if not self.step("approve", "menunggu_penyedia", buyer.ppk):
            return
        days = self.config["RESPOND_WORKING_DAYS"]
        respond_by = add_working_days(self.at, days)
        order.respond_by = wib_to_utc(respond_by)
        if self.waiting == "menunggu_penyedia":
            return
        fate = "counter" if self.waiting else rng.choices(
            ("accept", "counter", "decline", "silent", "cancel"), (85.5, 5.5, 3.5, 2.5, 3))[0]
        if fate == "silent":
            self.at = respond_by + timedelta(minutes=rng.randint(1, 15))
            if respond_by <= self.now:
                self.at = min(self.at, self.now)
            self.step("expire", "batal_otomatis", None, EXPIRE_REASON)
            return
        self.later(10, 1800)
        self.at = min(self.at, respond_by - timedelta(minutes=30))
        if fate == "cancel":
            self.step("cancel", "dibatalkan", draft.creator, rng.choice(CANCEL_REASONS))
            return
        if fate == "decline":
            self.step("decline", "ditolak", supplier, rng.choice(DECLINE_REASONS))
            return
        if fate == "counter":
            if not self.step("counter", "negosiasi", supplier):
                return
            for line in draft.lines:
                if line.unit_price >= 20_000 or line is draft.lines[0]:
                    lowered = line.unit_price * rng.choice((90, 92, 95, 97)) // 100
                    line.counter_price = max(1, lowered - lowered % (500 if lowered < 100_000 else 1_000))
            if self.waiting:
                return
            self.later(30, 1200)
            if rng.random() < 0.2:
                self.step("reject-counter", "ditolak", buyer.ppk, rng.choice(REJECT_COUNTER_REASONS))
                return
            if not self.step("accept-counter", "diproses", buyer.ppk):
                return
            self._take_counter_offer()
        elif not self.step("accept", "diproses", supplier):
            return
        order.accepted_at = wib_to_utc(self.at)
        self._deliver()

    def _take_counter_offer(self) -> None:
        order, supplier = self.draft.order, self.draft.seller.supplier
        for line in self.draft.lines:
            if line.counter_price is not None:
                line.unit_price, line.counter_price = line.counter_price, None
                multiplier = line.days if self.draft.per_day else 1
                line.line_total = line.unit_price * line.quantity * multiplier
        amounts = taxes.compute(sum(l.line_total for l in self.draft.lines), order.kind, supplier.is_pkp,
                                supplier.has_pp55)
        for key, value in _amount_columns(amounts).items():
            setattr(order, key, value)
        order.reserved_amount = amounts.total

    def _deliver(self) -> None:
        """Shipped (or started), received with a BAST, paid; each as far as now allows."""
        rng, draft, order = self.rng, self.draft, self.draft.order
        supplier, buyer = draft.seller.user, draft.buyer
        first = draft.lines[0]
        if first.start_date is None:
            lead = max(listing.lead_time_days for listing in draft.listings)
            self.at = _office(rng, self.at + timedelta(days=lead, minutes=rng.randint(30, 300)))
        else:
            begins = datetime.combine(first.start_date, time(6, 30)) + timedelta(minutes=rng.randint(0, 90))
            self.at = max(begins, self.at + timedelta(minutes=30))
        if not self.step("ship", "dikirim", supplier):
            return
        if first.start_date is None:
            self.at = _office(rng, self.at + timedelta(days=rng.choice((0, 1, 1, 2, 3, 4, 5)),
                                                       minutes=rng.randint(30, 240)))
        else:
            done = datetime.combine(first.end_date, time(9, 0)) + timedelta(
                days=rng.choice((1, 1, 2, 3, 4, 6)), minutes=rng.randint(0, 360))
            self.at = _office(rng, max(done, self.at + timedelta(hours=2)))
        if not self.step("receive", "diterima", buyer.ppk):
            return
        order.bast_date = self.at.date()
        order.due_date = order.bast_date + timedelta(days=self.config["PAYMENT_TERM_DAYS"])
        delay = rng.choices(((2, 21), (22, 30), (31, 75)), (78, 12, 10))[0]
        self.at = _office(rng, datetime.combine(order.bast_date + timedelta(days=rng.randint(*delay)), time(9, 0))
                          + timedelta(minutes=rng.randint(0, 360)))
        if self.step("pay", "dibayar", buyer.bendahara):
            order.payment_date = self.at.date()


def _number(drafts: list[_Draft], session) -> None:
    """Order numbers per SKPD and year (continuing the counters), in the order of creation; BAST and SP2D numbers."""
    drafts.sort(key=lambda d: d.created)
    counters = {(c.skpd_id, c.year): c for c in session.scalars(
        select(OrderCounter).where(OrderCounter.skpd_id.in_({d.order.skpd_id for d in drafts})))}
    for draft in drafts:
        order = draft.order
        counter = counters.get((order.skpd_id, order.year))
        if counter is None:
            counter = counters[(order.skpd_id, order.year)] = OrderCounter(skpd_id=order.skpd_id,
                                                                             year=order.year, last=0)
            session.add(counter)
        counter.last += 1
        order.number = f"SP-{order.year}-{draft.buyer.skpd.code}-{counter.last:06d}"
    bast, sp2d = defaultdict(int), defaultdict(int)
    for at, draft in _steps_in_order(drafts, "receive"):
        key = (draft.buyer.skpd.code, at.year)
        bast[key] += 1
        draft.order.bast_number = f"{bast[key]:03d}/BAST/{key[0]}/{ROMAN[at.month - 1]}/{at.year}"
    for at, draft in _steps_in_order(drafts, "pay"):
        sp2d[at.year] += 1
        draft.order.sp2d_number = f"{sp2d[at.year]:05d}/SP2D-LS/BPKAD/{at.year}"


def _steps_in_order(drafts: list[_Draft], action: str) -> list[tuple[datetime, _Draft]]:
    return sorted(((s.at, d) for d in drafts for s in d.steps if s.action == action), key=lambda pair: pair[0])


def _settle(draft: _Draft, books: _Books) -> None:
    """What the order holds at the end (budget, stock, capacity) and what was paid."""
    order = draft.order
    if order.status not in HOLDING:
        order.reserved_amount = 0
        return
    books.committed[order.budget_line_id] += order.total
    if order.status == "dibayar":
        books.realized[order.budget_line_id] += order.total
    for line in draft.lines:
        if line.start_date is None:
            books.stock[line.listing_id] += line.quantity
        else:
            for n in range(line.days):
                books.days[(line.listing_id, line.start_date + timedelta(days=n))] += line.quantity


def _rate(rng: random.Random, drafts: list[_Draft]) -> None:
    """The ppk rates a little under half of the received orders, mostly well."""
    for draft in drafts:
        if draft.order.status in ("diterima", "dibayar") and rng.random() < 0.45:
            score = rng.choices((5, 4, 3, 2, 1), (45, 38, 12, 4, 1))[0]
            draft.order.rating_score = score
            draft.order.rating_comment = rng.choice(RATING_COMMENTS[score]) if rng.random() < 0.7 else None


def _write_books(books: _Books, buyers: list[_Buyer], sellers: list[_Seller],
                 usage_rows: dict[tuple[int, date], DailyCapacityUse]) -> list[dict]:
    """Budget lines, stock and existing capacity rows take what the orders hold; the capacity rows to add."""
    for buyer in buyers:
        for lines in buyer.lines.values():
            for line in lines:
                line.committed += books.committed[line.id]
                line.realized += books.realized[line.id]
    for seller in sellers:
        for listing in seller.listings:
            if listing.stock is not None and books.stock[listing.id]:
                listing.stock -= books.stock[listing.id]
    new_rows = []
    for (listing_id, day), reserved in sorted(books.days.items()):
        row = usage_rows.get((listing_id, day))
        if row is None:
            new_rows.append({"listing_id": listing_id, "day": day, "reserved": reserved})
        else:
            row.reserved += reserved
    return new_rows


def _update_ratings(drafts: list[_Draft]) -> None:
    """Each supplier's rating: the average of all its rated orders (these and any before), to two decimals."""
    scores = defaultdict(list)
    for draft in drafts:
        if draft.order.rating_score is not None:
            scores[draft.seller.supplier].append(draft.order.rating_score)
    for supplier, new in scores.items():
        total, count = db.session.execute(
            select(func.coalesce(func.sum(Order.rating_score), 0), func.count(Order.rating_score))
            .where(Order.supplier_id == supplier.id, Order.rating_score.is_not(None))).one()
        total, count = total + sum(new), count + len(new)
        supplier.rating = (Decimal(total) / count).quantize(Decimal("0.01"), ROUND_HALF_UP)
        supplier.rating_count = count


def _notifications(rng: random.Random, drafts: list[_Draft], now: datetime) -> list[dict]:
    """What the app would have notified for the steps of the last month; read unless recent and still pending."""
    since = now - timedelta(days=NOTIFY_DAYS)
    rows = []
    for draft in drafts:
        order, buyer, creator = draft.order, draft.buyer, draft.steps[0].by
        parties = [buyer.ppk, creator, draft.seller.user]
        for step in draft.steps:
            if step.at < since:
                continue
            pending = step is draft.steps[-1] and step.at >= now - timedelta(days=UNREAD_DAYS)
            read_at = None if pending else wib_to_utc(min(step.at + timedelta(minutes=rng.randint(10, 900)), now))
            for users, message in _messages(step, order, buyer, creator, draft.seller.user, parties):
                for user in {u.id: u for u in users}.values():
                    rows.append({"user_id": user.id, "order_id": order.id, "message": message[:500],
                                 "created_at": wib_to_utc(step.at), "read_at": read_at})
    return rows


def _messages(step: _Step, order: Order, buyer: _Buyer, creator: User, supplier: User,
              parties: list[User]) -> list[tuple[list[User], str]]:
    """The notifications of one step, worded as ``app.procurement.orders`` words them."""
    number, reason = order.number, step.reason
    if step.action == "create":
        return [([buyer.ppk], f"Pesanan {number} menunggu persetujuan Anda.")] if creator is buyer.pp else []
    if step.action == "approve":
        return [([supplier], f"Pesanan baru {number} menunggu jawaban Anda sebelum "
                             f"{to_wib(order.respond_by):%d-%m-%Y %H:%M} WIB.")]
    return {
        "reject": [(parties, f"Pesanan {number} ditolak PPK: {reason}")],
        "cancel": [(parties, f"Pesanan {number} dibatalkan: {reason}")],
        "decline": [(parties, f"Pesanan {number} ditolak penyedia: {reason}")],
        "reject-counter": [(parties, f"Tawaran harga {number} ditolak PPK: {reason}")],
        "expire": [(parties, f"Pesanan {number} batal otomatis: penyedia tidak menjawab tepat waktu.")],
        "accept": [([buyer.ppk, creator], f"Pesanan {number} diterima penyedia dan sedang diproses.")],
        "counter": [([buyer.ppk], f"Penyedia mengajukan harga baru untuk {number}.")],
        "accept-counter": [(parties, f"Harga baru {number} disetujui; total {rupiah(order.total)}.")],
        "ship": [([buyer.ppk, creator], f"Pesanan {number} telah dikirim / dikerjakan. "
                                        "Periksa dan tanda tangani BAST.")],
        "receive": [([buyer.bendahara], f"BAST {number} ditandatangani; tagihan jatuh tempo "
                                        f"{order.due_date.isoformat() if order.due_date else '-'}."),
                    ([supplier], f"BAST {number} ditandatangani. Tagihan diterbitkan.")],
        "pay": [([supplier], f"Pesanan {number} dibayar (SP2D {order.sp2d_number}); "
                             f"diterima bersih {rupiah(order.net_to_supplier)}.")],
    }[step.action]
