"""The large benchmark region (``bench/seed_large.py``) at a small scale: what the services would have written."""
from __future__ import annotations

import importlib.util
import re
import sys
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.auth.models import User
from app.common.timeutil import to_wib, today_wib, utcnow
from app.etalase.models import DailyCapacityUse, Listing
from app.extensions import db
from app.procurement import taxes
from app.procurement.models import BudgetLine, Order, OrderCounter, OrderEvent, OrderLine
from app.procurement.state import ACCEPTED_STATUSES, SYSTEM, OrderState

from .conftest import TEST_DB_URL
from .demo_world import HOLDING, held_by

_spec = importlib.util.spec_from_file_location(
    "seed_large", Path(__file__).resolve().parent.parent / "bench" / "seed_large.py")
seed_large = sys.modules.setdefault("seed_large", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(seed_large)

SCALE = seed_large.Scale(suppliers=30, listings=600, skpd=5, orders=3_000)
postgres_only = pytest.mark.skipif(not TEST_DB_URL, reason="the large region is written with COPY, PostgreSQL only")


def test_it_refuses_anything_but_postgresql(app):
    if TEST_DB_URL:
        pytest.skip("runs where the test database is SQLite")
    with pytest.raises(RuntimeError, match="hanya untuk PostgreSQL"):
        seed_large.seed_large(SCALE)


@postgres_only
def test_a_small_large_region_obeys_the_services_rules(app):
    counts = seed_large.seed_large(SCALE)
    db.session.commit()
    assert counts["listings"] == SCALE.listings and counts["suppliers"] == SCALE.suppliers
    assert 0.9 * SCALE.orders <= counts["orders"] <= SCALE.orders
    orders = db.session.scalars(select(Order).order_by(Order.id)).all()
    users = {u.id: u for u in db.session.scalars(select(User))}
    now, today = utcnow(), today_wib()
    statuses = {o.status for o in orders}
    assert statuses == set(seed_large.STATUS_WEIGHTS)

    sequences = defaultdict(list)
    for order in orders:
        supplier = order.supplier
        rule = taxes.TaxRule.in_force(order.kind, supplier.is_pkp, supplier.has_pp55, current_app.config)
        assert order.terms.rule == rule and order.terms.bank_account == supplier.bank_account
        amounts = taxes.compute(sum(l.line_total for l in order.lines), rule)
        assert (order.subtotal, order.ppn, order.total, order.withholding_ppn, order.withholding_pph,
                order.pph_kind, order.net_to_supplier) == (
            amounts.subtotal, amounts.ppn, amounts.total, amounts.withholding_ppn, amounts.withholding_pph,
            amounts.pph_kind, amounts.net_to_supplier)
        assert order.reserved_amount == (order.total if order.status in HOLDING else 0)
        match = re.fullmatch(r"SP-(\d{4})-(SKPD\d{3})-(\d{6})", order.number)
        assert match and int(match[1]) == order.year == to_wib(order.created_at).year and match[2] == order.skpd.code
        sequences[(order.skpd_id, order.year)].append(int(match[3]))

        status = None
        for event in order.events:
            assert order.created_at <= event.at <= now
            if event.action == "create":
                assert status is None and event.status == "menunggu_ppk" and event.by_id == order.created_by_id
            else:
                transition = OrderState.transitions[event.action]
                assert status in transition.sources and event.status == transition.target
                role = users[event.by_id].role if event.by_id else SYSTEM
                assert role in transition.roles, (order.number, event.action, role)
                if event.by_id:
                    actor = users[event.by_id]
                    assert actor.skpd_id == order.skpd_id or actor.supplier_id == order.supplier_id
            status = event.status
        assert status == order.status
        if order.status == "menunggu_penyedia":
            assert order.respond_by > now
        assert (order.accepted_at is not None) == (order.status in ACCEPTED_STATUSES)
        if order.bast_date:
            assert order.due_date == order.bast_date + timedelta(days=30) and order.bast_date <= today
        if order.payment_date:
            assert order.bast_date <= order.payment_date <= today

    held_stock, held_days = held_by(orders)
    counters = {(c.skpd_id, c.year): c.last for c in db.session.scalars(select(OrderCounter))}
    assert {key: sorted(numbers) for key, numbers in sequences.items()} == {
        key: list(range(1, last + 1)) for key, last in counters.items()}
    for line in db.session.scalars(select(BudgetLine)):
        mine = [o for o in orders if o.budget_line_id == line.id]
        assert line.committed == sum(o.reserved_amount for o in mine)
        assert line.realized == sum(o.total for o in mine if o.status == "dibayar") <= line.committed <= line.ceiling
    rows = {(r.listing_id, r.day): r.reserved for r in db.session.scalars(select(DailyCapacityUse))}
    assert rows == dict(held_days)
    capacity = dict(db.session.execute(select(Listing.id, Listing.capacity_per_day)).all())
    assert all(reserved <= capacity[listing_id] for (listing_id, _), reserved in rows.items())
    assert db.session.scalar(select(func.min(Listing.stock))) >= 0
    assert held_stock and db.session.scalar(select(func.count(OrderLine.id))) >= len(orders)
    assert db.session.scalar(select(func.count(OrderEvent.id))) > 3 * len(orders)
