"""The annual recap is summed by the database and cached under the ``transactions`` data version: every
order change shows at once in the JSON, the page, the workbook and the PDF; a line's value is its share of
its order's total; the shared cache (Redis) gives back exactly the recap it was given."""
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest

from app.common import versions
from app.common.money import rupiah
from app.extensions import db
from app.procurement.reporting import recap as recap_module

from .report_world import TODAY, YEAR, market, pdf_text  # noqa: F401 (fixture)
from .test_reports import data_rows, get, workbook, year_of_orders  # noqa: F401 (fixture)


def recap(client, market, **params):
    return get(client, market.headers("finance"), "/reports/annual", year=YEAR, **params)


def act(client, market, order, action, key, **data):
    response = client.post(f"/api/v1/orders/{order['id']}/{action}", json=data, headers=market.headers(key))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_the_recap_follows_each_order_change_in_every_format(client, market, auth, monkeypatch):
    computed = []
    figures = recap_module._figures
    monkeypatch.setattr(recap_module, "_figures", lambda *args: computed.append(args) or figures(*args))
    first = market.order(market.dispar, market.keripik, 10, "diproses")
    assert recap(client, market).get_json()["total_value"] == first["total"]
    assert recap(client, market).get_json()["total_value"] == first["total"] and len(computed) == 1

    waiting = market.order(market.dinkes, market.meals, 20, "menunggu_penyedia")
    assert recap(client, market).get_json()["orders"] == 1
    act(client, market, waiting, "accept", market.supplier_key(market.meals))
    total = first["total"] + waiting["total"]
    body = recap(client, market).get_json()
    assert body["total_value"] == total and body["orders"] == 2 and body["paid_orders"] == 0
    assert {s["code"]: s["value"] for s in body["by_skpd"]} == {"DISPAR": first["total"], "DINKES": waiting["total"]}

    for action, data in (("ship", {}), ("receive", {"bast_number": "BAST/1", "date": TODAY.isoformat()}),
                         ("pay", {"sp2d_number": "SP2D-1", "date": TODAY.isoformat()})):
        act(client, market, first, action, market.supplier_key(market.keripik) if action == "ship" else
            f"{'ppk' if action == 'receive' else 'bendahara'}:DISPAR", **data)
    body = recap(client, market).get_json()
    assert body["paid_orders"] == 1 and body["avg_days_to_pay"] == 0 and body["total_value"] == total

    book = workbook(recap(client, market, format="xlsx"))
    assert data_rows(book["Per SKPD"])[1][3] == total
    assert rupiah(total) in pdf_text(recap(client, market, format="pdf").data)[0]
    auth.login(market.users["finance"])
    for page in (f"/laporan/tahunan?year={YEAR}", f"/laporan/dasbor?year={YEAR}"):
        assert rupiah(total) in client.get(page).get_data(as_text=True)
    assert len(computed) == 4  # once per version of the transactions it was asked at, for every format


@pytest.mark.parametrize("scale, buyer", [(1, "pp"), (1_234_567, "ppk")], ids=["rupiah", "billions"])
def test_a_line_is_worth_its_share_of_the_order_total(client, make, market, scale, buyer):
    """Shares are exact at any size: billions of rupiah take the database's exact (numeric) division."""
    market.lines["DISPAR"].ceiling = 10**12
    db.session.commit()
    crew = make.listing(market.tenda, etalase="jasa-penyelenggara", price=1_001 * scale, capacity_per_day=10,
                        name="Kru Pemasangan Tenda", unit="orang")
    lights = make.listing(market.tenda, etalase="jasa-penyelenggara", price=3_003 * scale, capacity_per_day=10,
                          name="Lampu Tenda", unit="titik")
    day = {"start_date": TODAY.isoformat(), "end_date": TODAY.isoformat()}
    lines = [{"listing_id": crew.id, "quantity": 3, **day},
             {"listing_id": market.tent.id, "quantity": 1, "start_date": TODAY.isoformat(),
              "end_date": (TODAY + timedelta(days=1)).isoformat()},
             {"listing_id": lights.id, "quantity": 7, **day}]
    response = client.post("/api/v1/orders", headers=market.headers(f"{buyer}:DISPAR"), json={
        "budget_line_id": market.lines["DISPAR"].id, "delivery_address": "Balai Kota", "lines": lines})
    assert response.status_code == 201, response.get_json()
    order = response.get_json()
    if buyer == "pp":
        order = act(client, market, order, "approve", "ppk:DISPAR")
    order = act(client, market, order, "accept", market.supplier_key(market.tent))
    assert (order["total"] >= 2 * 10**9) == (scale > 1)
    parts = [line["line_total"] for line in order["lines"]]
    shares = [int((Decimal(order["total"]) * part / sum(parts)).quantize(Decimal(1), ROUND_HALF_UP))
              for part in parts[:-1]]
    shares.append(order["total"] - sum(shares))
    rounded = [int((Decimal(order["total"]) * part / sum(parts)).quantize(Decimal(1), ROUND_HALF_UP))
               for part in parts]
    if scale == 1:
        assert sum(rounded) != order["total"]  # the last line takes what rounding left over

    body = recap(client, market).get_json()
    assert {e["etalase"]: e["value"] for e in body["by_etalase"]} == {
        "produk-unggulan": 0, "jasa-penyewaan": shares[1], "jasa-penyelenggara": shares[0] + shares[2]}
    assert {e["etalase"]: e["orders"] for e in body["by_etalase"]} == {
        "produk-unggulan": 0, "jasa-penyewaan": 1, "jasa-penyelenggara": 1}
    assert [(p["name"], p["etalase"], p["quantity"], p["unit"], p["value"]) for p in body["top_products"]] == sorted([
        ("Tenda Sarnafil 5x5", "jasa-penyewaan", 2, "unit", shares[1]),
        ("Lampu Tenda", "jasa-penyelenggara", 7, "titik", shares[2]),
        ("Kru Pemasangan Tenda", "jasa-penyelenggara", 3, "orang", shares[0])], key=lambda p: -p[-1])
    month = TODAY.month
    assert sum(m["value"] for m in body["by_month"] if m["month"] == month) == order["total"] == body["total_value"]


def test_the_shared_cache_gives_back_the_same_recap_and_overdue_days_follow_the_date(
        app, client, market, year_of_orders, monkeypatch, redis_url):
    fresh = recap(client, market).get_json()
    app.config["CACHE_URL"] = redis_url
    try:
        versions.clear()
        assert recap(client, market).get_json() == fresh
        assert recap(client, market).get_json() == fresh  # from this process's values
        versions.forget_here()
        assert recap(client, market).get_json() == fresh  # from Redis, as another process reads it, dates and all
        assert fresh["overdue"][0]["days_overdue"] == 3
        monkeypatch.setattr(recap_module, "today_wib", lambda: TODAY + timedelta(days=1))
        assert recap(client, market).get_json()["overdue"][0]["days_overdue"] == 4
    finally:
        versions.clear()
        app.config["CACHE_URL"] = ""
