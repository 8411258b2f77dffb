"""The buying flow of PRODUCT.md §4 through the API, for every role, with refusals."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.common.timeutil import today_wib
from app.etalase.models import DailyCapacityUse, Listing
from app.extensions import db
from app.procurement.models import BudgetLine, Order

TODAY = today_wib()


@pytest.fixture
def world(make, api_auth):
    """One SKPD with its officials, one supplier with a product and a rental, and tokens."""
    skpd = make.skpd(code="DISPAR", name="Dinas Pariwisata")
    line = make.budget_line(skpd, ceiling=100_000_000, year=TODAY.year)
    supplier = make.supplier(is_pkp=True, has_pp55=False, business_name="CV Tenda Arjuno")
    users = {
        "pp": make.user("pp", skpd=skpd),
        "ppk": make.user("ppk", skpd=skpd),
        "bendahara": make.user("bendahara", skpd=skpd),
        "supplier": make.user("supplier", supplier=supplier),
        "finance": make.user("finance"),
        "admin": make.user("admin"),
    }
    other_skpd = make.skpd(code="DINKES")
    users["other_ppk"] = make.user("ppk", skpd=other_skpd)
    users["other_supplier"] = make.user("supplier", supplier=make.supplier())
    goods = make.listing(supplier, price=1_500_000, stock=10, name="Batik Tulis Apel")
    tent = make.listing(supplier, etalase="jasa-penyewaan", price=500_000, capacity_per_day=2, name="Tenda Sarnafil 5x5")
    headers = {name: api_auth.headers(user) for name, user in users.items()}
    return {"skpd": skpd, "line": line, "supplier": supplier, "users": users, "goods": goods,
            "tent": tent, "h": headers}


def order_body(world, **lines):
    return {"budget_line_id": world["line"].id, "delivery_address": "Balai Kota Among Tani, Jl. Panglima Sudirman 507",
            "lines": lines["lines"] if "lines" in lines else [{"listing_id": world["goods"].id, "quantity": 2}]}


def post(client, world, role, path, json=None):
    return client.post(f"/api/v1{path}", json=json if json is not None else {}, headers=world["h"][role])


def test_full_flow_from_pp_to_payment_and_rating(client, world):
    r = post(client, world, "pp", "/orders", order_body(world))
    assert r.status_code == 201, r.get_json()
    order = r.get_json()
    assert order["status"] == "menunggu_ppk"
    assert order["number"] == f"SP-{TODAY.year}-DISPAR-000001"
    assert order["subtotal"] == 3_000_000 and order["ppn"] == 330_000 and order["total"] == 3_330_000
    oid = order["id"]

    assert post(client, world, "supplier", f"/orders/{oid}/accept").status_code == 409
    r = post(client, world, "ppk", f"/orders/{oid}/approve")
    assert r.status_code == 200 and r.get_json()["status"] == "menunggu_penyedia"
    assert r.get_json()["respond_by"]
    r = post(client, world, "supplier", f"/orders/{oid}/accept")
    assert r.get_json()["status"] == "diproses"
    assert post(client, world, "pp", f"/orders/{oid}/cancel", {"reason": "tidak jadi"}).status_code == 409
    assert post(client, world, "supplier", f"/orders/{oid}/ship").get_json()["status"] == "dikirim"
    r = post(client, world, "ppk", f"/orders/{oid}/receive", {"bast_number": f"BAST/001/{TODAY.year}", "date": TODAY.isoformat()})
    assert r.get_json()["status"] == "diterima"
    assert r.get_json()["bast"] == {"number": f"BAST/001/{TODAY.year}", "date": TODAY.isoformat()}
    assert r.get_json()["due_date"] == (TODAY + timedelta(days=30)).isoformat()
    assert post(client, world, "ppk", f"/orders/{oid}/pay", {"sp2d_number": "X", "date": TODAY.isoformat()}).status_code == 403
    r = post(client, world, "bendahara", f"/orders/{oid}/pay", {"sp2d_number": f"SP2D-0099/{TODAY.year}", "date": TODAY.isoformat()})
    paid = r.get_json()
    assert paid["status"] == "dibayar"
    assert paid["payment"]["sp2d_number"] == f"SP2D-0099/{TODAY.year}" and paid["payment"]["days_to_pay"] == 0
    # PKP, total above Rp2.000.000: PPN withheld; goods above the threshold: PPh 22 1.5 %.
    assert paid["withholding"] == {"ppn": 330_000, "pph": 45_000, "pph_kind": "pph22"}
    assert paid["net_to_supplier"] == 3_330_000 - 330_000 - 45_000
    r = post(client, world, "ppk", f"/orders/{oid}/rate", {"score": 5, "comment": "Rapi dan tepat waktu"})
    assert r.status_code == 200
    assert post(client, world, "ppk", f"/orders/{oid}/rate", {"score": 4}).status_code == 409
    steps = [(h["action"], h["status"]) for h in r.get_json()["history"]]
    assert steps == [("create", "menunggu_ppk"), ("approve", "menunggu_penyedia"), ("accept", "diproses"),
                     ("ship", "dikirim"), ("receive", "diterima"), ("pay", "dibayar"), ("rate", "dibayar")]
    line = db.session.get(BudgetLine, world["line"].id)
    assert (line.committed, line.realized) == (3_330_000, 3_330_000)
    assert db.session.get(Listing, world["goods"].id).stock == 8
    supplier = client.get(f"/api/v1/suppliers/{world['supplier'].id}").get_json()
    assert supplier["rating"] == 5.0


def test_ppk_order_goes_straight_to_supplier_and_counter_offer_lowers_the_total(client, world):
    start = TODAY + timedelta(days=3)
    body = order_body(world, lines=[{"listing_id": world["tent"].id, "quantity": 2,
                                     "start_date": start.isoformat(), "end_date": (start + timedelta(days=1)).isoformat()}])
    r = post(client, world, "ppk", "/orders", body)
    assert r.status_code == 201, r.get_json()
    order = r.get_json()
    assert order["status"] == "menunggu_penyedia"
    assert order["lines"][0]["days"] == 2 and order["subtotal"] == 500_000 * 2 * 2
    oid = order["id"]
    too_high = {"lines": [{"listing_id": world["tent"].id, "unit_price": 600_000}]}
    assert post(client, world, "supplier", f"/orders/{oid}/counter", too_high).status_code == 422
    r = post(client, world, "supplier", f"/orders/{oid}/counter", {"lines": [{"listing_id": world["tent"].id, "unit_price": 450_000}]})
    assert r.get_json()["status"] == "negosiasi"
    r = post(client, world, "ppk", f"/orders/{oid}/accept-counter")
    accepted = r.get_json()
    assert accepted["status"] == "diproses"
    assert accepted["subtotal"] == 1_800_000 and accepted["total"] == 1_998_000
    # Rentals: PPh 23 2 %; total below Rp2.000.000: PPN not withheld.
    assert accepted["withholding"] == {"ppn": 0, "pph": 36_000, "pph_kind": "pph23"}
    assert db.session.get(BudgetLine, world["line"].id).committed == 1_998_000


def test_refusals_release_capacity_and_budget(client, world):
    start = TODAY + timedelta(days=5)
    dates = {"start_date": start.isoformat(), "end_date": start.isoformat()}
    tent_body = order_body(world, lines=[{"listing_id": world["tent"].id, "quantity": 2, **dates}])
    first = post(client, world, "pp", "/orders", tent_body).get_json()
    assert post(client, world, "pp", "/orders", tent_body).status_code == 409
    assert post(client, world, "ppk", f"/orders/{first['id']}/reject", {}).status_code == 422
    assert post(client, world, "ppk", f"/orders/{first['id']}/reject", {"reason": "Anggaran dialihkan"}).get_json()["status"] == "ditolak"
    assert post(client, world, "pp", "/orders", tent_body).status_code == 201
    assert db.session.scalar(select(DailyCapacityUse.reserved).where(DailyCapacityUse.day == start)) == 2
    line = db.session.get(BudgetLine, world["line"].id)
    open_total = db.session.scalar(select(func.sum(Order.reserved_amount)))
    assert line.committed == open_total == 1_110_000


def test_scoping_other_skpd_and_other_supplier_see_nothing(client, world):
    oid = post(client, world, "pp", "/orders", order_body(world)).get_json()["id"]
    assert client.get(f"/api/v1/orders/{oid}", headers=world["h"]["other_ppk"]).status_code == 404
    assert post(client, world, "other_ppk", f"/orders/{oid}/approve").status_code == 404
    assert post(client, world, "other_supplier", f"/orders/{oid}/accept").status_code == 404
    assert client.get(f"/api/v1/orders/{oid}", headers=world["h"]["finance"]).status_code == 200
    assert post(client, world, "finance", f"/orders/{oid}/approve").status_code == 403
    assert post(client, world, "supplier", "/orders", order_body(world)).status_code == 403
    listed = client.get("/api/v1/orders", headers=world["h"]["other_ppk"]).get_json()
    assert listed["meta"]["total"] == 0
    assert client.get("/api/v1/orders", headers=world["h"]["supplier"]).get_json()["meta"]["total"] == 1


def test_invalid_orders_are_refused_and_change_nothing(client, world, make):
    cases = [
        {"lines": [{"listing_id": world["goods"].id, "quantity": 0}]},
        {"lines": [{"listing_id": world["tent"].id, "quantity": 1}]},
        {"lines": [{"listing_id": world["tent"].id, "quantity": 1, "start_date": TODAY.isoformat(),
                    "end_date": (TODAY - timedelta(days=1)).isoformat()}]},
        {"lines": [{"listing_id": world["goods"].id, "quantity": 1}, {"listing_id": make.listing().id, "quantity": 1}]},
        {"lines": [{"listing_id": 99999, "quantity": 1}]},
        {"lines": [{"listing_id": world["goods"].id, "quantity": 1.5}]},
        {"lines": []},
    ]
    for lines in cases:
        r = post(client, world, "pp", "/orders", order_body(world, **lines))
        assert r.status_code == 422, (lines, r.get_json())
        assert r.get_json()["error"]["details"]
    assert post(client, world, "pp", "/orders", {**order_body(world), "budget_line_id": make.budget_line().id}).status_code == 422
    assert client.post("/api/v1/orders", data="not json", headers=world["h"]["pp"]).status_code == 400
    assert db.session.scalar(select(func.count(Order.id))) == 0
    assert db.session.get(BudgetLine, world["line"].id).committed == 0
    assert db.session.get(Listing, world["goods"].id).stock == 10


def test_pp_limit_needs_a_ppk(client, world, app):
    app.config["PP_LIMIT"] = 1_500_000
    try:
        r = post(client, world, "pp", "/orders", order_body(world))
        assert r.status_code == 403 and "PPK" in r.get_json()["error"]["message"]
        assert post(client, world, "ppk", "/orders", order_body(world)).status_code == 201
    finally:
        app.config["PP_LIMIT"] = 200_000_000


def test_budget_ceiling_is_never_exceeded(client, world, make):
    small = make.budget_line(world["skpd"], ceiling=5_000_000, year=TODAY.year)
    body = {**order_body(world), "budget_line_id": small.id}
    assert post(client, world, "pp", "/orders", body).status_code == 201
    r = post(client, world, "pp", "/orders", body)
    assert r.status_code == 409 and "pagu" in r.get_json()["error"]["message"]
    assert db.session.get(BudgetLine, small.id).committed == 3_330_000


def test_pp_cancels_only_its_own_order(client, world, make, api_auth):
    oid = post(client, world, "pp", "/orders", order_body(world)).get_json()["id"]
    colleague = make.user("pp", skpd=world["skpd"])
    r = client.post(f"/api/v1/orders/{oid}/cancel", json={"reason": "salah pesan"}, headers=api_auth.headers(colleague))
    assert r.status_code == 403
    r = post(client, world, "pp", f"/orders/{oid}/cancel", {"reason": "salah pesan"})
    assert r.get_json()["status"] == "dibatalkan"
    assert db.session.get(Listing, world["goods"].id).stock == 10


def test_idempotency_key_returns_the_same_order(client, world):
    headers = {**world["h"]["pp"], "Idempotency-Key": "checkout-42"}
    first = client.post("/api/v1/orders", json=order_body(world), headers=headers)
    again = client.post("/api/v1/orders", json=order_body(world), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.get_json()["id"] == again.get_json()["id"]
    other = order_body(world, lines=[{"listing_id": world["goods"].id, "quantity": 3}])
    assert client.post("/api/v1/orders", json=other, headers=headers).status_code == 422
    assert db.session.scalar(select(func.count(Order.id))) == 1
    assert db.session.get(Listing, world["goods"].id).stock == 8
