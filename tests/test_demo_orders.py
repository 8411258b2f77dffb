"""The demo region's year of orders (``app.demo.orders``, made through the order services with a settable clock):
the books balance, histories follow §4 and are dated as they happened, numbers continue, the audit chain holds."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.auth.models import User
from app.common import timeutil
from app.common.timeutil import to_wib, today_wib, utcnow
from app.demo import region
from app.demo.seed import build_region, seed_demo
from app.etalase.models import DailyCapacityUse, Listing
from app.extensions import db
from app.notifications.models import Notification
from app.procurement import taxes
from app.procurement.models import BudgetLine, Order, OrderCounter, OrderEvent, OrderLine, Skpd
from app.procurement.actions import REGISTRY
from app.procurement.state import ACCEPTED_STATUSES, SYSTEM
from app.suppliers.models import Supplier

from .conftest import TEST_NOW, _empty_tables
from .demo_world import SEED_AT, SEED_YEAR, held_by, seeded_region

HOLDING = {"menunggu_ppk", "menunggu_penyedia", "negosiasi", *ACCEPTED_STATUSES}
RELEASED = {"ditolak", "dibatalkan", "batal_otomatis"}
BUYERS = {"DISPAR", "DISKOMINFO"}
NUMBER = re.compile(r"^SP-(\d{4})-([A-Z0-9-]+)-(\d{6})$")


@pytest.fixture
def seeded(app):
    """The demo region with its orders, committed (seeded once per session at ``TEST_NOW``)."""
    return seeded_region().summary


def _orders() -> list[Order]:
    return list(db.session.scalars(select(Order).order_by(Order.id)))


def test_a_year_of_orders_with_statuses_spread_like_real_life(seeded):
    orders = _orders()
    assert 600 <= len(orders) <= 1000
    assert seeded.added["orders"] == len(orders)
    assert {o.skpd.code for o in orders} == BUYERS

    statuses = Counter(o.status for o in orders)
    assert set(statuses) == HOLDING | RELEASED, statuses
    assert statuses.most_common(1)[0][0] == "dibayar" and statuses["dibayar"] > len(orders) / 2
    assert all(statuses[s] <= statuses["dibayar"] / 5 for s in statuses if s != "dibayar")

    now, today = utcnow(), today_wib()
    assert all(now - timedelta(days=366) <= o.created_at <= now for o in orders)
    months = {to_wib(o.created_at).strftime("%Y-%m") for o in orders}
    assert len(months) >= 12
    overdue = [o for o in orders if o.status == "diterima" and o.due_date < today]
    assert 1 <= len(overdue) <= 15

    with_login = set(db.session.scalars(select(User.supplier_id).join(Supplier, Supplier.id == User.supplier_id)
                                        .where(Supplier.status == "verified")))
    assert {o.supplier_id for o in orders} == with_login and len(with_login) == 6
    storefronts = set(db.session.scalars(select(Listing.etalase_code).join(OrderLine).distinct()))
    assert storefronts == {"produk-unggulan", "jasa-penyewaan", "jasa-penyelenggara"}
    assert Counter(o.created_by.role for o in orders).keys() == {"pp", "ppk"}


def test_budget_stock_and_capacity_hold_exactly_what_the_orders_reserve(seeded):
    orders = _orders()
    for order in orders:
        assert order.reserved_amount == (order.total if order.status in HOLDING else 0), order.number
        assert order.budget_line.skpd_id == order.skpd_id
        assert order.budget_line.year == order.year == to_wib(order.created_at).year
    for line in db.session.scalars(select(BudgetLine)):
        mine = [o for o in orders if o.budget_line_id == line.id]
        assert line.committed == sum(o.reserved_amount for o in mine), line.code
        assert line.realized == sum(o.total for o in mine if o.status == "dibayar"), line.code
        assert 0 <= line.realized <= line.committed <= line.ceiling
    assert any(line.committed for line in db.session.scalars(select(BudgetLine)))

    opening = {(s.values["business_name"], l.name): l.stock
               for s in build_region(SEED_YEAR).suppliers for l in s.listings}
    held_stock, held_days = held_by(orders)
    for listing in db.session.scalars(select(Listing).where(Listing.stock.is_not(None))):
        start = opening[(listing.supplier.business_name, listing.name)]
        assert listing.stock == start - held_stock[listing.id], listing.name
        assert listing.stock >= listing.min_order
    assert held_stock
    rows = {(r.listing_id, r.day): r.reserved for r in db.session.scalars(select(DailyCapacityUse))}
    assert {key: reserved for key, reserved in rows.items() if reserved} == dict(held_days)
    assert all(reserved >= 0 for reserved in rows.values())  # a released order leaves its days at 0
    capacity = dict(db.session.execute(select(Listing.id, Listing.capacity_per_day)).all())
    assert all(reserved <= capacity[listing_id] for (listing_id, _), reserved in rows.items())


def test_lines_amounts_and_dates_follow_the_rules(seeded):
    for order in _orders():
        supplier = order.supplier
        assert {line.listing.supplier_id for line in order.lines} == {supplier.id}
        goods = order.kind == taxes.GOODS
        created = to_wib(order.created_at).date()
        for line in order.lines:
            listing = line.listing
            assert (listing.stock is not None) == goods
            assert line.listed_price == listing.price and 0 < line.unit_price <= line.listed_price
            assert line.quantity >= listing.min_order
            assert line.name == listing.name and line.unit == listing.unit
            assert listing.created_at <= order.created_at
            if goods:
                assert line.start_date is line.end_date is line.days is None
                assert line.line_total == line.unit_price * line.quantity
            else:
                assert line.days == (line.end_date - line.start_date).days + 1 >= 1
                assert created + timedelta(days=listing.lead_time_days) <= line.start_date
                assert line.end_date <= created + timedelta(days=90)
                days = line.days if listing.etalase_code == "jasa-penyewaan" else 1
                assert line.line_total == line.unit_price * line.quantity * days
            if line.counter_price is not None:
                assert order.status in ("negosiasi", "ditolak") and line.counter_price < line.unit_price
        rule = taxes.TaxRule.in_force(order.kind, supplier.is_pkp, supplier.has_pp55, current_app.config)
        assert order.terms.rule == rule and order.terms.bank_account == supplier.bank_account
        amounts = taxes.compute(sum(l.line_total for l in order.lines), rule)
        assert (order.subtotal, order.ppn, order.total, order.withholding_ppn, order.withholding_pph,
                order.pph_kind, order.net_to_supplier) == (
            amounts.subtotal, amounts.ppn, amounts.total, amounts.withholding_ppn, amounts.withholding_pph,
            amounts.pph_kind, amounts.net_to_supplier), order.number
        assert all(type(getattr(order, c)) is int for c in ("subtotal", "ppn", "total", "net_to_supplier"))
        if order.total > 200_000_000:
            assert order.created_by.role == "ppk"


def test_every_order_has_a_consistent_history(seeded):
    now, today = utcnow(), today_wib()
    users = {u.id: u for u in db.session.scalars(select(User))}
    sources = {name: (a.sources, a.target, a.roles) for name, a in REGISTRY.items()}
    for order in _orders():
        events = order.events
        assert events[0].action == "create" and events[0].status == "menunggu_ppk"
        assert events[0].by_id == order.created_by_id and events[0].at == order.created_at
        assert events[-1].status == order.status
        status = None
        for previous, event in zip([None, *events], events):
            assert previous is None or previous.at <= event.at <= now
            if event.action != "create":
                froms, target, allowed = sources[event.action]
                assert status in froms and (target or status) == event.status, (order.number, status, event.action)
                role = users[event.by_id].role if event.by_id else SYSTEM
                assert role in allowed, (order.number, event.action, role)
            status = event.status
            if event.by_id is None:
                assert event.action == "expire" and event.by_name == SYSTEM
            else:
                actor = users[event.by_id]
                assert event.by_name == actor.username
                assert actor.skpd_id == order.skpd_id or actor.supplier_id == order.supplier_id
                if event.action == "cancel" and actor.role == "pp":
                    assert actor.id == order.created_by_id
            assert bool(event.reason) == (event.status in RELEASED)
        actions = [e.action for e in events]

        accepted = [e for e in events if e.action in ("accept", "accept-counter")]
        assert (order.accepted_at is not None) == (order.status in ACCEPTED_STATUSES) == bool(accepted)
        if accepted:
            assert order.accepted_at == accepted[0].at
        assert (order.respond_by is not None) == ("approve" in actions)
        if order.status in ("menunggu_penyedia", "negosiasi"):
            assert order.respond_by > now
        received = order.status in ("diterima", "dibayar")
        assert received == bool(order.bast_number) == bool(order.bast_date) == ("receive" in actions)
        if received:
            assert order.bast_date == to_wib(events[actions.index("receive")].at).date()
            assert order.due_date == order.bast_date + timedelta(days=30)
            assert order.bast_date <= today
        paid = order.status == "dibayar"
        assert paid == bool(order.sp2d_number) == bool(order.payment_date)
        if paid:
            assert order.bast_date <= order.payment_date <= today
        assert order.rating_score is None or (received and 1 <= order.rating_score <= 5)

    waiting = Counter(o.status for o in _orders() if o.created_at >= now - timedelta(days=7))
    assert waiting["menunggu_ppk"] >= 2 and waiting["menunggu_penyedia"] >= 2 and waiting["negosiasi"] >= 1
    assert db.session.scalar(select(func.count()).select_from(OrderLine).where(OrderLine.unit_price
                                                                                < OrderLine.listed_price))


def test_ratings_are_averaged_on_the_suppliers(seeded):
    rated = 0
    for supplier in db.session.scalars(select(Supplier)):
        scores = list(db.session.scalars(select(Order.rating_score).where(
            Order.supplier_id == supplier.id, Order.rating_score.is_not(None))))
        rated += len(scores)
        assert supplier.rating_count == len(scores)
        if scores:
            average = (Decimal(sum(scores)) / len(scores)).quantize(Decimal("0.01"), ROUND_HALF_UP)
            assert Decimal(str(supplier.rating)) == average
        else:
            assert supplier.rating is None
    assert rated >= 100


def test_numbers_are_unique_well_formed_and_continue_in_the_app(seeded, client, api_auth):
    orders = _orders()
    sequences: dict[tuple[int, str], list[tuple]] = defaultdict(list)
    for order in orders:
        match = NUMBER.match(order.number)
        assert match, order.number
        year, code, sequence = int(match[1]), match[2], int(match[3])
        assert (year, code) == (order.year, order.skpd.code)
        sequences[(order.skpd_id, year)].append((order.created_at, order.id, sequence))
    assert len({o.number for o in orders}) == len(orders)
    counters = {(c.skpd_id, c.year): c.last for c in db.session.scalars(select(OrderCounter))}
    assert counters.keys() == sequences.keys()
    for key, rows in sequences.items():
        assert [sequence for *_, sequence in sorted(rows)] == list(range(1, len(rows) + 1))
        assert counters[key] == len(rows)
    for column in (Order.bast_number, Order.sp2d_number):
        values = [v for v in db.session.scalars(select(column)) if v]
        assert len(values) == len(set(values))

    dispar = db.session.scalar(select(Skpd).where(Skpd.code == "DISPAR"))
    year = today_wib().year
    line = max((l for l in dispar.budget_lines if l.year == year), key=lambda l: l.available)
    listing = db.session.scalar(select(Listing).join(Listing.supplier).where(
        Supplier.business_name == "UD Keripik Apel Brosem", Listing.status == "active",
        Listing.stock > Listing.min_order).order_by(Listing.price))
    headers = api_auth.headers("pp.dispar", region.DEMO_PASSWORD)
    response = client.post("/api/v1/orders", headers=headers, json={
        "budget_line_id": line.id, "delivery_address": "Kantor Dinas Pariwisata, Balai Kota Among Tani",
        "lines": [{"listing_id": listing.id, "quantity": listing.min_order}]})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["number"] == f"SP-{year}-DISPAR-{counters.get((dispar.id, year), 0) + 1:06d}"


def test_a_second_run_adds_no_orders_and_the_audit_chain_holds_every_step(seeded, app):
    def state():
        return ([db.session.scalar(select(func.count()).select_from(m))
                 for m in (Order, OrderLine, OrderEvent, OrderCounter, DailyCapacityUse, Notification)],
                db.session.execute(select(BudgetLine.id, BudgetLine.committed, BudgetLine.realized)
                                   .order_by(BudgetLine.id)).all(),
                db.session.execute(select(Listing.id, Listing.stock).order_by(Listing.id)).all())

    before = state()
    again = seed_demo()
    db.session.commit()
    assert again.added["orders"] == 0 and not again.added_anything
    assert state() == before

    # every step the services took is audited by its user at its moment (a ppk's own order is approved
    # as it is created, in the one audited creation), ratings included
    steps = Counter()
    for order in _orders():
        created = order.events[0].at
        steps.update((f"order.{e.action}", e.at, e.by_name) for e in order.events
                     if not (e.action == "approve" and e.at == created))
    audited = Counter(db.session.execute(select(AuditEntry.action, AuditEntry.at, AuditEntry.actor)
                                         .where(AuditEntry.object_type == "order")).all())
    assert audited == steps
    assert sum(n for key, n in audited.items() if key[0] == "order.rate") == \
        db.session.scalar(select(func.count(Order.rating_score)))
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    notifications = db.session.scalars(select(Notification)).all()
    assert notifications and any(n.read_at is None for n in notifications)
    assert all(n.created_at >= utcnow() - timedelta(days=31) for n in notifications)


def test_the_same_moment_gives_the_same_orders(seeded, app):
    def fingerprint():
        return [(o.number, o.status, o.total, o.created_at, o.bast_number, o.sp2d_number, o.rating_score,
                 [(l.name, l.quantity, l.unit_price, l.start_date) for l in o.lines],
                 [(e.action, e.at, e.by_name, e.reason) for e in o.events]) for o in _orders()]

    first = fingerprint()
    _empty_tables(app.config["SEEDED_ROWS"])
    with timeutil.at(SEED_AT):
        seed_demo()
    db.session.commit()
    assert fingerprint() == first


def test_the_clock_can_be_held_for_a_block_of_work(clock):
    moment = datetime(today_wib().year - 1, 3, 2, 9, 30)  # naive: WIB
    before = timeutil.now()
    with timeutil.at(moment) as held:
        assert timeutil.now() == held == moment.replace(tzinfo=timeutil.WIB)
        assert timeutil.now_wib().replace(tzinfo=None) == moment and timeutil.today_wib() == moment.date()
        with timeutil.at(TEST_NOW + timedelta(days=1)):
            assert timeutil.now() == TEST_NOW + timedelta(days=1)
        assert timeutil.utcnow() == timeutil.wib_to_utc(moment)
    assert before <= timeutil.now() <= before + timedelta(minutes=5)
