"""A year of orders for the demo region, made through the order services by ``seed_demo()``.

The buyers are the SKPD with a full set of demo logins (pp, ppk and bendahara:
DISPAR and DISKOMINFO); the sellers are the verified suppliers with a demo login,
in all three storefronts. Orders are placed on working days over the twelve months
up to now, busier in the second half of the fiscal year, and each one walks the flow
of PRODUCT.md §4 step by step: created by the pp (by the ppk when the total exceeds
the PP limit, and now and then anyway), approved, accepted by the supplier (sometimes
after a counter-offer), shipped or started, received with a BAST, paid with an SP2D;
the ppk rates a little under half of the received orders. Some are refused,
cancelled or expire on the way (``orders.expire_overdue``, as the cron would); the
others stop where their next step lies after now, so the recent ones are still open.
A few orders of the last two working days are kept waiting (menunggu_ppk,
menunggu_penyedia, negosiasi).

Every step is a call of ``app.procurement.orders`` by the demo user who would take
it, with the app's clock held at the moment the step happens (``timeutil.at``), the
steps of all orders in the order of time. Numbers, amounts, reservations of budget,
stock and daily capacity, ``respond_by``, acceptance, BAST and SP2D dates, the
suppliers' ratings, notifications and audit entries are therefore the services'
own. Buyers choose as a person would: a budget line of the SKPD's DPA for the
category (catering on Belanja Makanan dan Minuman Rapat, tents on Belanja Sewa
Tenda, ...; else the line with the most room) within its cash plan (a share of the
pagu growing through the year), quantities within the stock or free days the catalog
shows. Whatever the services refuse then (pagu, stock or capacity gone, over the PP
limit) is not placed. The demo users read their notifications at the end of each
working day but the last week's; those older than a month are cleared, and none is
mailed.

Deterministic: one seeded ``random.Random`` draws everything, so the orders depend
only on the moment of the run (the window ends then). Nothing is written when the
buyer SKPD already have orders.
"""
from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import delete, func, select

from app.audit.services import savepoint
from app.auth import roles
from app.auth.models import User
from app.common import timeutil
from app.common.errors import Conflict, Forbidden, ServiceError
from app.common.workdays import is_working_day
from app.etalase.models import Category, Listing
from app.etalase.services import availability
from app.extensions import db
from app.notifications import services as notifications
from app.notifications.models import Notification
from app.procurement import orders
from app.procurement.models import BudgetLine, Order
from app.suppliers.models import Supplier

from . import region

SEED = "elokal-demo-orders-v2"
ORDERS_PER_DAY = 3.3  # on an average working day
MONTH_WEIGHTS = (0.55, 0.75, 0.9, 1.0, 1.05, 1.1, 1.1, 1.35, 1.15, 1.2, 1.2, 1.3)  # January … December
MISFIT_WEIGHT = 0.3  # a supplier selling nothing the SKPD's DPA has an account for is chosen less often
KEPT_WAITING = ("menunggu_ppk", "menunggu_penyedia", "negosiasi", "menunggu_ppk", "menunggu_penyedia",
                "negosiasi", "menunggu_ppk", "menunggu_penyedia")
OPENS, CLOSES, READS = time(8, 0), time(16, 0), time(16, 30)
NOTIFY_DAYS = 30
UNREAD_DAYS = 7
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")

_story = region.load("orders")
SUPPLIER_WEIGHTS: dict[str, int] = _story["supplier_weights"]
ACCOUNTS_BY_CATEGORY: dict[str, list[str]] = _story["accounts_by_category"]  # best first
REASONS: dict[str, list[str]] = _story["reasons"]
RATING_COMMENTS = {int(score): comments for score, comments in _story["rating_comments"].items()}

Step = Iterator[datetime]  # a story yields the moment (WIB) of its next step and takes it when resumed then


@dataclass
class _Buyer:
    skpd_id: int
    code: str
    pp: User
    ppk: User
    bendahara: User
    accounts: set[str]  # the account codes of its DPA
    office: str
    activities: list[str]


@dataclass
class _Seller:
    supplier: Supplier
    user: User
    listings: list[Listing]
    weight: float


def rate(actor: User, order_id: int, score: int, comment: str | None) -> Order:
    """The ppk's rating of an order, through the order services (the one place that names the call)."""
    return orders.perform(actor, order_id, "rate", {"score": score, "comment": comment or ""})


def seed_orders(skpds: dict, suppliers: dict[str, Supplier]) -> int:
    """Add a year of orders of the demo buyers to the current session; return how many (0 if they have orders).

    ``skpds`` and ``suppliers`` are the demo region's rows by SKPD code and supplier key.
    The clock is read once: the year ends at this moment.
    """
    buyer_ids = [skpd.id for code, skpd in skpds.items() if _has_full_staff(code)]
    if not buyer_ids or db.session.scalar(select(Order.id).where(Order.skpd_id.in_(buyer_ids)).limit(1)):
        return 0
    buyers = _buyers([skpd for code, skpd in skpds.items() if skpd.id in buyer_ids])
    sellers = _sellers(suppliers)
    if not buyers or not sellers:
        return 0
    year = _Year(random.Random(SEED), timeutil.now_wib().replace(tzinfo=None, microsecond=0), buyers, sellers)
    return year.run()


def _has_full_staff(code: str) -> bool:
    """Whether the demo region has a pp, a ppk and a bendahara login for this SKPD."""
    return {person.role for person in region.CIVIL_SERVANTS if person.skpd == code} >= set(roles.SKPD_ROLES)


def _buyers(skpds: list) -> list[_Buyer]:
    staff = {u.username: u for u in db.session.scalars(
        select(User).where(User.username.in_([p.username for p in region.CIVIL_SERVANTS]), User.active.is_(True)))}
    codes = defaultdict(set)
    for skpd_id, code in db.session.execute(select(BudgetLine.skpd_id, BudgetLine.code)
                                            .where(BudgetLine.skpd_id.in_([s.id for s in skpds]))):
        codes[skpd_id].add(code)
    buyers = []
    for skpd in skpds:
        people = {p.role: staff.get(p.username) for p in region.CIVIL_SERVANTS if p.skpd == skpd.code}
        if all(people.get(role) for role in roles.SKPD_ROLES):
            buyers.append(_Buyer(skpd.id, skpd.code, people[roles.PP], people[roles.PPK], people[roles.BENDAHARA],
                                 codes[skpd.id], f"Kantor {skpd.name}, Balai Kota Among Tani, "
                                 "Jl. Panglima Sudirman No. 507, Pesanggrahan, Kota Batu",
                                 _story["activities"].get(skpd.code, _story["general_activities"])))
    return buyers


def _sellers(suppliers: dict[str, Supplier]) -> list[_Seller]:
    keys = [login.key for login in region.SUPPLIER_LOGINS
            if login.key in suppliers and suppliers[login.key].status == "verified"]
    by_id = {suppliers[key].id: key for key in keys}
    users = {u.supplier_id: u for u in db.session.scalars(
        select(User).where(User.username.in_([login.username for login in region.SUPPLIER_LOGINS]),
                           User.supplier_id.in_(by_id), User.active.is_(True)))}
    listings = defaultdict(list)
    for listing in db.session.scalars(select(Listing).where(Listing.supplier_id.in_(by_id),
                                                            Listing.status == "active").order_by(Listing.id)):
        listings[listing.supplier_id].append(listing)
    return [_Seller(suppliers[key], users[suppliers[key].id], listings[suppliers[key].id],
                    SUPPLIER_WEIGHTS.get(key, 10))
            for key in keys if suppliers[key].id in users and listings[suppliers[key].id]]


# --- When things happen ----------------------------------------------------------------


def _moments(rng: random.Random, now: datetime) -> list[tuple[datetime, str | None]]:
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


def tidy(count: int, steps: tuple[tuple[int, int], ...] = ((200, 10), (50, 5))) -> int:
    """A drawn count as people put it: rounded to the step of the first limit it reaches, e.g. 20 from 200 on."""
    for limit, step in steps:
        if count >= limit:
            return round(count / step) * step
    return count


def _once(call) -> Step:
    """A story of one step: ``call`` at the moment the story is scheduled for."""
    call()
    yield from ()


# --- The year ----------------------------------------------------------------------------


class _Year:
    """The stories of every order (and of the users reading their notifications), run in the order of time."""

    def __init__(self, rng: random.Random, now: datetime, buyers: list[_Buyer], sellers: list[_Seller]):
        self.rng, self.now, self.buyers, self.sellers = rng, now, buyers, sellers
        self.queue: list[tuple[datetime, int, Step]] = []
        self.sequence = itertools.count()
        self.categories = dict(db.session.execute(select(Category.id, Category.name)).all())
        self.account_codes = {key: account.code for key, account in region.ACCOUNTS.items()}
        self.placed: list[Order] = []

    def schedule(self, moment: datetime, story: Step) -> None:
        """Run ``story`` from ``moment`` on, unless that lies after now."""
        if moment <= self.now:
            heapq.heappush(self.queue, (moment, next(self.sequence), story))

    def run(self) -> int:
        """Every step up to now, each with the clock at its moment; returns how many orders were placed."""
        for moment, waiting in _moments(self.rng, self.now):
            self.schedule(moment, self._order(moment, waiting))
        users = [u for b in self.buyers for u in (b.pp, b.ppk, b.bendahara)] + [s.user for s in self.sellers]
        for user in users:
            self.schedule(self._first_reading(), self._reading(user))
        while self.queue:
            moment, _, story = heapq.heappop(self.queue)
            with timeutil.at(moment):
                following = next(story, None)
                db.session.flush()  # rows with a default time (notifications) are dated now
            if following is not None:
                self.schedule(following, story)
        with timeutil.at(self.now):
            orders.expire_overdue()  # the cron's last run
            db.session.flush()
        self._clear_old_notifications(users)
        notifications.forget_mail()
        return len(self.placed)

    # --- notifications

    def _first_reading(self) -> datetime:
        day = (self.now - timedelta(days=NOTIFY_DAYS)).date()
        return datetime.combine(day, READS)

    def _reading(self, user: User) -> Step:
        """The user reads the notifications at the end of each working day, but for the last week's."""
        moment = self._first_reading()
        while moment <= self.now - timedelta(days=UNREAD_DAYS):
            if is_working_day(moment.date()):
                notifications.mark_all_read(user)
            moment += timedelta(days=1)
            yield moment

    def _clear_old_notifications(self, users: list[User]) -> None:
        since = timeutil.wib_to_utc(self.now - timedelta(days=NOTIFY_DAYS))
        db.session.flush()
        db.session.execute(delete(Notification).where(Notification.user_id.in_([u.id for u in users]),
                                                      Notification.created_at < since))

    # --- one order

    def _later(self, at: datetime, low: int, high: int, waiting: str | None) -> datetime:
        """The moment of a next step: ``low``–``high`` minutes on, in office hours (before now when kept waiting)."""
        if waiting:
            return _office_between(at, self.now, self.rng.uniform(0.2, 0.5))
        return _office(self.rng, at + timedelta(minutes=self.rng.randint(low, high), seconds=self.rng.randint(0, 59)))

    def _reason(self, action: str) -> dict:
        return {"reason": self.rng.choice(REASONS[action])}

    def _order(self, created: datetime, waiting: str | None) -> Step:
        """One order's story, from its creation at ``created`` (WIB) to where it stands now."""
        rng = self.rng
        placed = self._create(created, waiting)
        if placed is None:
            return
        order, buyer, seller = placed
        supplier = seller.user
        creator = buyer.ppk if order.created_by_id == buyer.ppk.id else buyer.pp
        at = created
        if order.status == "menunggu_ppk":
            if waiting == "menunggu_ppk":
                return
            fate = "approve" if waiting else rng.choices(("approve", "reject", "cancel"), (94, 3.5, 2.5))[0]
            at = self._later(at, 15, 1200, waiting)
            yield at
            if fate != "approve":
                actor = buyer.ppk if fate == "reject" else buyer.pp
                orders.perform(actor, order.id, fate, self._reason(fate))
                return
            orders.perform(buyer.ppk, order.id, "approve", {})
        respond_by = timeutil.to_wib(order.respond_by).replace(tzinfo=None)
        if waiting == "menunggu_penyedia":
            return
        fate = "counter" if waiting else rng.choices(
            ("accept", "counter", "decline", "silent", "cancel"), (85.5, 5.5, 3.5, 2.5, 3))[0]
        if fate == "silent":
            at = respond_by + timedelta(minutes=rng.randint(1, 15))
            yield min(at, self.now) if respond_by <= self.now else at
            orders.expire_overdue()
            return
        at = min(self._later(at, 10, 1800, waiting), respond_by - timedelta(minutes=30))
        yield at
        if fate in ("cancel", "decline"):
            orders.perform(creator if fate == "cancel" else supplier, order.id, fate, self._reason(fate))
            return
        if fate == "counter":
            orders.perform(supplier, order.id, "counter", {"lines": self._counter_offer(order)})
            if waiting:
                return
            at = self._later(at, 30, 1200, None)
            yield at
            if rng.random() < 0.2:
                orders.perform(buyer.ppk, order.id, "reject-counter", self._reason("reject-counter"))
                return
            orders.perform(buyer.ppk, order.id, "accept-counter", {})
        else:
            orders.perform(supplier, order.id, "accept", {})
        yield from self._deliver(order, buyer, seller, at)

    def _counter_offer(self, order: Order) -> list[dict]:
        """Lower prices for the dearer lines (and the first): 3–10 % off, rounded down to 500 or 1.000."""
        offer = []
        for line in order.lines:
            if line.unit_price >= 20_000 or line is order.lines[0]:
                lowered = line.unit_price * self.rng.choice((90, 92, 95, 97)) // 100
                offer.append({"listing_id": line.listing_id,
                              "unit_price": max(1, lowered - lowered % (500 if lowered < 100_000 else 1_000))})
        return offer

    def _deliver(self, order: Order, buyer: _Buyer, seller: _Seller, at: datetime) -> Step:
        """Shipped (or started), received with a BAST, rated now and then, paid; each as far as now allows."""
        rng = self.rng
        first = order.lines[0]
        if first.start_date is None:
            lead = max(line.listing.lead_time_days for line in order.lines)
            at = _office(rng, at + timedelta(days=lead, minutes=rng.randint(30, 300)))
        else:
            begins = datetime.combine(first.start_date, time(6, 30)) + timedelta(minutes=rng.randint(0, 90))
            at = max(begins, at + timedelta(minutes=30))
        yield at
        orders.perform(seller.user, order.id, "ship", {})
        if first.start_date is None:
            at = _office(rng, at + timedelta(days=rng.choice((0, 1, 1, 2, 3, 4, 5)), minutes=rng.randint(30, 240)))
        else:
            done = datetime.combine(first.end_date, time(9, 0)) + timedelta(
                days=rng.choice((1, 1, 2, 3, 4, 6)), minutes=rng.randint(0, 360))
            at = _office(rng, max(done, at + timedelta(hours=2)))
        yield at
        orders.perform(buyer.ppk, order.id, "receive", {"bast_number": self._bast_number(buyer),
                                                         "date": at.date().isoformat()})
        if rng.random() < 0.45:
            score = rng.choices((5, 4, 3, 2, 1), (45, 38, 12, 4, 1))[0]
            comment = rng.choice(RATING_COMMENTS[score]) if rng.random() < 0.7 else None
            self.schedule(_office(rng, at + timedelta(minutes=rng.randint(20, 4000))),
                          _once(lambda: rate(buyer.ppk, order.id, score, comment)))
        delay = rng.choices(((2, 21), (22, 30), (31, 90)), (76, 12, 12))[0]
        at = _office(rng, datetime.combine(at.date() + timedelta(days=rng.randint(*delay)), time(9, 0))
                     + timedelta(minutes=rng.randint(0, 360)))
        yield at
        orders.perform(buyer.bendahara, order.id, "pay", {"sp2d_number": self._sp2d_number(),
                                                          "date": at.date().isoformat()})

    @staticmethod
    def _bast_number(buyer: _Buyer) -> str:
        """The SKPD's next BAST number of the year, as its register counts them: ``007/BAST/DISPAR/VI/2026``."""
        today = timeutil.today_wib()
        count = db.session.scalar(select(func.count(Order.id)).where(
            Order.skpd_id == buyer.skpd_id, Order.bast_date >= date(today.year, 1, 1)))
        return f"{count + 1:03d}/BAST/{buyer.code}/{ROMAN[today.month - 1]}/{today.year}"

    @staticmethod
    def _sp2d_number() -> str:
        """BPKAD's next SP2D number of the year: ``00042/SP2D-LS/BPKAD/2026``."""
        year = timeutil.today_wib().year
        count = db.session.scalar(select(func.count(Order.id)).where(Order.payment_date >= date(year, 1, 1)))
        return f"{count + 1:05d}/SP2D-LS/BPKAD/{year}"

    # --- creation

    def _create(self, created: datetime, waiting: str | None) -> tuple[Order, _Buyer, _Seller] | None:
        """An order a demo buyer places at ``created``, or None when nothing it wants is to be had."""
        rng = self.rng
        buyer = rng.choice(self.buyers)
        created_utc = timeutil.wib_to_utc(created)
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
            days = rng.choice((1, 1, 1, 2, 2, 3) if chosen[0].pricing == "per_day" else (1, 1, 1, 1, 2))
            end = start + timedelta(days=days - 1)
        wanted = {listing.id: self._quantity(listing) for listing in chosen}
        ppk_anyway = waiting != "menunggu_ppk" and rng.random() < 0.12
        data = {"delivery_address": rng.choice(_story["venues"]) if not goods and rng.random() < 0.6 else buyer.office,
                "notes": f"Untuk kegiatan {rng.choice(buyer.activities)}." if rng.random() < 0.7 else None}
        for _ in range(3):
            lines = self._lines(chosen, wanted, start, end)
            if lines:
                order = self._place(buyer, created, {**data, "lines": lines}, chosen, ppk_anyway)
                if order is not None:
                    self.placed.append(order)
                    return order, buyer, seller
            wanted = {key: max(1, quantity // 2) for key, quantity in wanted.items()}
        return None

    def _fits(self, buyer: _Buyer, listing: Listing) -> bool:
        """Whether the buyer's DPA has an account for the listing's category."""
        accounts = ACCOUNTS_BY_CATEGORY.get(self.categories[listing.category_id], ())
        return any(self.account_codes[account] in buyer.accounts for account in accounts)

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
            wanted = tidy(budget // listing.price)
        return max(wanted, listing.min_order)

    @staticmethod
    def _lines(chosen: list[Listing], wanted: dict[int, int], start: date | None, end: date | None) -> list[dict]:
        """Order lines within what the catalog shows free (a buyer leaves some stock for others)."""
        lines = []
        for listing in chosen:
            if start is None:
                db.session.refresh(listing, ["stock"])
                stock = availability(listing, {})["stock"]
                room = min(stock - listing.min_order, stock * 4 // 5)
            else:
                days = availability(listing, {"start": start.isoformat(), "end": end.isoformat()})
                room = min(day["available"] for day in days)
            quantity = min(max(wanted[listing.id], listing.min_order), room)
            if quantity >= listing.min_order:
                lines.append({"listing_id": listing.id, "quantity": quantity,
                              "start_date": start.isoformat() if start else None,
                              "end_date": end.isoformat() if end else None})
        return lines

    def _place(self, buyer: _Buyer, created: datetime, data: dict, chosen: list[Listing],
               ppk_anyway: bool) -> Order | None:
        """Create the order on the line with the most room for the category within the cash plan, if it fits.

        The pp creates it unless the ppk does anyway, or the services refuse the pp (over the PP limit).
        """
        main = max(chosen, key=lambda listing: listing.price)
        preferred = [self.account_codes[key] for key in ACCOUNTS_BY_CATEGORY.get(self.categories[main.category_id], ())]
        share = min(Decimal(1), Decimal("0.1") + Decimal("0.9") * created.timetuple().tm_yday / 365)
        lines = db.session.execute(select(BudgetLine.id, BudgetLine.code, BudgetLine.ceiling, BudgetLine.committed)
                                   .where(BudgetLine.skpd_id == buyer.skpd_id, BudgetLine.year == created.year)
                                   .order_by(BudgetLine.code)).all()
        matching = [line for line in lines if line.code in preferred] or lines
        if not matching:
            return None
        line = max(matching, key=lambda l: int(l.ceiling * share) - l.committed)
        room = int(line.ceiling * share) - line.committed
        data = {**data, "budget_line_id": line.id}

        if not ppk_anyway:
            try:
                return _created(buyer.pp, data, room)
            except Forbidden:
                pass  # over the PP limit: the order is the ppk's to make
            except ServiceError:
                return None
        try:
            return _created(buyer.ppk, data, room)
        except ServiceError:
            return None


def _created(actor: User, data: dict, room: int) -> Order:
    """``create_order`` in a savepoint, undone (and refused) when its total is beyond the cash plan's ``room``."""
    with savepoint():
        order = orders.create_order(actor, data)
        if order.total > room:
            raise Conflict("Di luar rencana anggaran kas.")  # the buyer, seeing the total, would not place it
        return order
