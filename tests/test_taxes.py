"""Taxes of PRODUCT.md §5 for every kind of supplier and storefront, below and above the thresholds."""
from decimal import Decimal

import pytest

from app.procurement import taxes

# (kind, is_pkp, has_pp55, subtotal) -> (ppn, total, withheld ppn, pph, pph_kind, net)
CASES = [
    # goods, non-PKP, no PP 55: PPh 22 only above Rp2.000.000 of subtotal
    (taxes.GOODS, False, False, 2_000_000, (0, 2_000_000, 0, 0, None, 2_000_000)),
    (taxes.GOODS, False, False, 2_000_001, (0, 2_000_001, 0, 30_000, "pph22", 1_970_001)),
    # goods, PKP: PPN 11 %; withheld once the total exceeds Rp2.000.000
    (taxes.GOODS, True, False, 1_500_000, (165_000, 1_665_000, 0, 0, None, 1_665_000)),
    (taxes.GOODS, True, False, 1_900_000, (209_000, 2_109_000, 209_000, 0, None, 1_900_000)),
    (taxes.GOODS, True, False, 3_000_000, (330_000, 3_330_000, 330_000, 45_000, "pph22", 2_955_000)),
    # PP 55/2022 holder: 0.5 % final on the subtotal whatever the amount
    (taxes.GOODS, False, True, 150_000, (0, 150_000, 0, 750, "final_pp55", 149_250)),
    (taxes.SERVICES, True, True, 10_000_000, (1_100_000, 11_100_000, 1_100_000, 50_000, "final_pp55", 9_950_000)),
    # rentals and services: PPh 23 2 % from the first rupiah
    (taxes.SERVICES, False, False, 750_000, (0, 750_000, 0, 15_000, "pph23", 735_000)),
    (taxes.SERVICES, True, False, 4_500_000, (495_000, 4_995_000, 495_000, 90_000, "pph23", 4_410_000)),
    # half-up rounding of each tax: 11 % of 12.345 = 1.357,95 -> 1.358; 2 % of 12.345 = 246,9 -> 247
    (taxes.SERVICES, True, False, 12_345, (1_358, 13_703, 0, 247, "pph23", 13_456)),
    # 0.5 % of 12.345 = 61,725 -> 62; 1.5 % of 2.000.100 = 30.001,5 -> 30.002
    (taxes.GOODS, False, True, 12_345, (0, 12_345, 0, 62, "final_pp55", 12_283)),
    (taxes.GOODS, False, False, 2_000_100, (0, 2_000_100, 0, 30_002, "pph22", 1_970_098)),
]


@pytest.mark.parametrize("kind, pkp, pp55, subtotal, expected", CASES)
def test_amounts(app, kind, pkp, pp55, subtotal, expected):
    amounts = taxes.compute(subtotal, taxes.TaxRule.in_force(kind, pkp, pp55, app.config))
    got = (amounts.ppn, amounts.total, amounts.withholding_ppn, amounts.withholding_pph,
           amounts.pph_kind, amounts.net_to_supplier)
    assert got == expected
    assert all(isinstance(v, int) for v in got if v is not None and not isinstance(v, str))


def test_the_rule_in_force_comes_from_configuration(app, monkeypatch):
    monkeypatch.setitem(app.config, "PPN_RATE", "0.12")
    monkeypatch.setitem(app.config, "WITHHOLDING_THRESHOLD", 1_000_000)
    rule = taxes.TaxRule.in_force(taxes.GOODS, True, False, app.config)
    assert rule == taxes.TaxRule(Decimal("0.12"), True, "pph22", Decimal("0.015"), 1_000_000)
    amounts = taxes.compute(1_500_000, rule)
    assert (amounts.ppn, amounts.withholding_ppn, amounts.withholding_pph) == (180_000, 180_000, 22_500)


def test_amounts_follow_the_rule_given_not_the_configuration(app, monkeypatch):
    kept = taxes.TaxRule.in_force(taxes.SERVICES, True, False, app.config)
    monkeypatch.setitem(app.config, "PPN_RATE", "0.12")
    monkeypatch.setitem(app.config, "PPH23_RATE", "0.04")
    amounts = taxes.compute(4_500_000, kept)
    assert (amounts.ppn, amounts.withholding_pph, amounts.pph_kind) == (495_000, 90_000, "pph23")


@pytest.mark.parametrize("rate, text", [("0.11", "11%"), ("0.015", "1,5%"), ("0.005", "0,5%"), ("0.12", "12%")])
def test_rates_are_written_the_indonesian_way(rate, text):
    assert taxes.percent(Decimal(rate)) == text


STOREFRONT_ORDERS = {
    # storefront: (unit price, quantity, days or None)
    "produk-unggulan": (1_200_000, 2, None),
    "jasa-penyewaan": (400_000, 1, 2),
    "jasa-penyelenggara": (35_000, 100, 2),
}
SUPPLIERS = {"pkp": dict(is_pkp=True, has_pp55=False), "non_pkp": dict(is_pkp=False, has_pp55=False),
             "pp55": dict(is_pkp=False, has_pp55=True)}
# (storefront, supplier) -> (subtotal, ppn, total, withholding, net)
EXPECTED = {
    ("produk-unggulan", "pkp"): (2_400_000, 264_000, 2_664_000, {"ppn": 264_000, "pph": 36_000, "pph_kind": "pph22"}, 2_364_000),
    ("produk-unggulan", "non_pkp"): (2_400_000, 0, 2_400_000, {"ppn": 0, "pph": 36_000, "pph_kind": "pph22"}, 2_364_000),
    ("produk-unggulan", "pp55"): (2_400_000, 0, 2_400_000, {"ppn": 0, "pph": 12_000, "pph_kind": "final_pp55"}, 2_388_000),
    ("jasa-penyewaan", "pkp"): (800_000, 88_000, 888_000, {"ppn": 0, "pph": 16_000, "pph_kind": "pph23"}, 872_000),
    ("jasa-penyewaan", "non_pkp"): (800_000, 0, 800_000, {"ppn": 0, "pph": 16_000, "pph_kind": "pph23"}, 784_000),
    ("jasa-penyewaan", "pp55"): (800_000, 0, 800_000, {"ppn": 0, "pph": 4_000, "pph_kind": "final_pp55"}, 796_000),
    ("jasa-penyelenggara", "pkp"): (3_500_000, 385_000, 3_885_000, {"ppn": 385_000, "pph": 70_000, "pph_kind": "pph23"}, 3_430_000),
    ("jasa-penyelenggara", "non_pkp"): (3_500_000, 0, 3_500_000, {"ppn": 0, "pph": 70_000, "pph_kind": "pph23"}, 3_430_000),
    ("jasa-penyelenggara", "pp55"): (3_500_000, 0, 3_500_000, {"ppn": 0, "pph": 17_500, "pph_kind": "final_pp55"}, 3_482_500),
}


@pytest.mark.parametrize("etalase, kind", sorted(EXPECTED))
def test_order_amounts_in_each_storefront(client, make, api_auth, etalase, kind):
    from datetime import timedelta

    from app.common.timeutil import today_wib

    skpd = make.skpd()
    line = make.budget_line(skpd, year=today_wib().year)
    supplier = make.supplier(**SUPPLIERS[kind])
    price, quantity, days = STOREFRONT_ORDERS[etalase]
    listing = make.listing(supplier, etalase=etalase, price=price, capacity_per_day=500)
    item = {"listing_id": listing.id, "quantity": quantity}
    if days:
        start = today_wib() + timedelta(days=7)
        item.update(start_date=start.isoformat(), end_date=(start + timedelta(days=days - 1)).isoformat())
    r = client.post("/api/v1/orders", headers=api_auth.headers(make.user("ppk", skpd=skpd)),
                    json={"budget_line_id": line.id, "delivery_address": "Kantor Kecamatan Bumiaji", "lines": [item]})
    assert r.status_code == 201, r.get_json()
    order = r.get_json()
    got = (order["subtotal"], order["ppn"], order["total"], order["withholding"], order["net_to_supplier"])
    assert got == EXPECTED[(etalase, kind)]
