"""Concurrency: real threads sending real requests at the same moment, on SQLite and PostgreSQL.

Exactly the allowed orders succeed, the rest get 409, and the stored stock,
daily capacity and committed budget equal what the orders recompute to.
"""
from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.common.timeutil import today_wib
from app.etalase.models import DailyCapacityUse, Listing
from app.extensions import db
from app.procurement.models import BudgetLine, Order, OrderLine

pytestmark = pytest.mark.slow
TODAY = today_wib()


def run_together(app, jobs):
    """Run each job (a function of a test client) in its own thread, released at once by a barrier."""
    db.session.commit()  # the test's own transaction must not hold SQLite's write lock meanwhile
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(index, job):
        client = app.test_client()
        barrier.wait()
        results[index] = job(client)

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.fixture
def buyers(make, api_auth):
    """An SKPD with four PPs and a PPK, a large budget line, and a supplier."""
    skpd = make.skpd(code="DISKOMINFO")
    line = make.budget_line(skpd, ceiling=10_000_000_000, year=TODAY.year)
    pps = [make.user("pp", skpd=skpd) for _ in range(4)]
    ppk = make.user("ppk", skpd=skpd)
    headers = [api_auth.headers(u) for u in pps]
    return {"skpd": skpd, "line": line, "headers": headers, "ppk": api_auth.headers(ppk),
            "supplier": make.supplier(is_pkp=False, has_pp55=True)}


def order_job(headers, line_id, lines, key=None):
    def job(client):
        h = dict(headers)
        if key:
            h["Idempotency-Key"] = key
        r = client.post("/api/v1/orders", headers=h, json={
            "budget_line_id": line_id, "delivery_address": "Kantor Diskominfo Kota Batu", "lines": lines})
        return r.status_code, r.get_json()
    return job


def recomputed_committed(line_id):
    return db.session.scalar(select(func.coalesce(func.sum(Order.reserved_amount), 0)).where(Order.budget_line_id == line_id))


def test_twenty_buyers_for_the_last_five_units(app, make, buyers):
    listing = make.listing(buyers["supplier"], stock=5, price=20_000)
    jobs = [order_job(buyers["headers"][i % 4], buyers["line"].id, [{"listing_id": listing.id, "quantity": 1}])
            for i in range(20)]
    results = run_together(app, jobs)
    codes = Counter(code for code, _ in results)
    assert codes == {201: 5, 409: 15}, codes
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).stock == 0
    assert db.session.scalar(select(func.count(Order.id))) == 5
    assert db.session.get(BudgetLine, buyers["line"].id).committed == recomputed_committed(buyers["line"].id) == 5 * 20_000
    numbers = {body["number"] for code, body in results if code == 201}
    assert numbers == {f"SP-{TODAY.year}-DISKOMINFO-{n:06d}" for n in range(1, 6)}


def test_same_tent_on_overlapping_days_is_never_double_booked(app, make, buyers):
    tent = make.listing(buyers["supplier"], etalase="jasa-penyewaan", capacity_per_day=2, price=750_000)
    base = TODAY + timedelta(days=10)
    ranges = [(base + timedelta(days=i % 3), base + timedelta(days=i % 3 + 2)) for i in range(12)]
    jobs = [order_job(buyers["headers"][i % 4], buyers["line"].id,
                      [{"listing_id": tent.id, "quantity": 1, "start_date": s.isoformat(), "end_date": e.isoformat()}])
            for i, (s, e) in enumerate(ranges)]
    results = run_together(app, jobs)
    assert {code for code, _ in results} <= {201, 409}
    assert sum(1 for code, _ in results if code == 201) >= 2
    db.session.expire_all()
    booked = db.session.execute(select(OrderLine.start_date, OrderLine.end_date, OrderLine.quantity)
                                .where(OrderLine.listing_id == tent.id)).all()
    for offset in range(6):
        day = base + timedelta(days=offset)
        expected = sum(q for s, e, q in booked if s <= day <= e)
        stored = db.session.scalar(select(DailyCapacityUse.reserved).where(
            DailyCapacityUse.listing_id == tent.id, DailyCapacityUse.day == day)) or 0
        assert stored == expected <= 2, (day, stored, expected)
    assert db.session.get(BudgetLine, buyers["line"].id).committed == recomputed_committed(buyers["line"].id)


def test_orders_whose_sum_exceeds_the_pagu(app, make, buyers):
    listing = make.listing(buyers["supplier"], stock=1000, price=1_000_000)
    line = make.budget_line(buyers["skpd"], ceiling=3_500_000, year=TODAY.year)
    jobs = [order_job(buyers["headers"][i % 4], line.id, [{"listing_id": listing.id, "quantity": 1}]) for i in range(10)]
    codes = Counter(code for code, _ in run_together(app, jobs))
    assert codes == {201: 3, 409: 7}, codes
    db.session.expire_all()
    stored = db.session.get(BudgetLine, line.id)
    assert stored.committed == recomputed_committed(line.id) == 3_000_000 <= stored.ceiling
    assert db.session.get(Listing, listing.id).stock == 997


def test_retried_request_with_one_idempotency_key_makes_one_order(app, make, buyers):
    listing = make.listing(buyers["supplier"], stock=100, price=15_000)
    lines = [{"listing_id": listing.id, "quantity": 2}]
    jobs = [order_job(buyers["headers"][0], buyers["line"].id, lines, key="klik-ganda-7") for _ in range(8)]
    results = run_together(app, jobs)
    assert {code for code, _ in results} == {201}
    assert len({body["id"] for _, body in results}) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Order.id))) == 1
    assert db.session.get(Listing, listing.id).stock == 98


def test_accept_and_cancel_at_the_same_moment(app, make, buyers, api_auth):
    listing = make.listing(buyers["supplier"], stock=10, price=50_000)
    supplier_headers = api_auth.headers(make.user("supplier", supplier=buyers["supplier"]))
    client = app.test_client()
    r = client.post("/api/v1/orders", headers=buyers["ppk"], json={
        "budget_line_id": buyers["line"].id, "delivery_address": "Kantor Diskominfo",
        "lines": [{"listing_id": listing.id, "quantity": 4}]})
    oid = r.get_json()["id"]
    results = run_together(app, [
        lambda c: c.post(f"/api/v1/orders/{oid}/accept", headers=supplier_headers).status_code,
        lambda c: c.post(f"/api/v1/orders/{oid}/cancel", json={"reason": "batal rapat"}, headers=buyers["ppk"]).status_code,
    ])
    assert sorted(results) == [200, 409]
    db.session.expire_all()
    order = db.session.get(Order, oid)
    stock = db.session.get(Listing, listing.id).stock
    assert (order.status, stock) in {("diproses", 6), ("dibatalkan", 10)}


def test_ratings_given_at_the_same_moment_are_each_counted_once(app, make, buyers, api_auth):
    """Two PPKs rate two orders of one supplier at once, and one of them twice: every order is rated
    once, and the supplier's mean counts both ratings (the supplier's row is locked while it is averaged)."""
    from app.procurement import orders

    from .order_steps import body_for, path_to

    skpd = buyers["skpd"]
    people = {role: make.user(role, skpd=skpd) for role in ("pp", "ppk", "bendahara")}
    people["supplier"] = make.user("supplier", supplier=buyers["supplier"])
    second_ppk = make.user("ppk", skpd=skpd)
    listing = make.listing(buyers["supplier"], stock=10, price=50_000)
    paid = []
    for _ in range(2):
        order = orders.create_order(people["pp"], {"budget_line_id": buyers["line"].id, "delivery_address": "Kantor",
                                                   "lines": [{"listing_id": listing.id, "quantity": 1}]})
        for action in path_to("dibayar"):
            orders.perform(people[action.roles[0]], order.id, action.name,
                           body_for(action, [(line.listing_id, line.unit_price) for line in order.lines]))
        paid.append(order.id)
    headers = [api_auth.headers(people["ppk"]), api_auth.headers(second_ppk)]

    def rate(order_id, who, score):
        return lambda c: c.post(f"/api/v1/orders/{order_id}/rate", json={"score": score}, headers=headers[who]).status_code

    results = run_together(app, [rate(paid[0], 0, 5), rate(paid[0], 1, 4), rate(paid[1], 1, 2)])
    assert sorted(results[:2]) == [200, 409] and results[2] == 200
    db.session.expire_all()
    first, second = db.session.get(Order, paid[0]), db.session.get(Order, paid[1])
    assert [e.action for e in first.events].count("rate") == 1 and second.rating_score == 2
    supplier = first.supplier
    assert supplier.rating_count == 2 and supplier.rating == (first.rating_score + 2) / 2
