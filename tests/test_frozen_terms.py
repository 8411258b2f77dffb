"""Frozen terms (PRODUCT.md §9): an order keeps its rates, the supplier's facts and bank account and the letterhead
from its creation; its JSON, its counter-offer and its documents follow what it kept, whatever changes later.
The migration that brought the terms backfills the orders made before it."""
from __future__ import annotations

from decimal import Decimal

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text, update

from app.common.timeutil import today_wib
from app.extensions import db
from app.procurement import orders
from app.procurement.models import OrderTerms, Skpd
from app.suppliers.models import Supplier

from .report_world import pdf_text

TODAY = today_wib()
KINDS = ("surat-pesanan", "bast", "invoice")
OLD_BANK = "Bank Jatim 0011223344 a.n. Siti Rahayu"


@pytest.fixture
def buying(make, api_auth):
    """An SKPD with its officials; a PKP supplier of goods (the factory's bank account) with a batik."""
    skpd = make.skpd(code="DISPAR", name="Dinas Pariwisata")
    supplier = make.supplier(is_pkp=True, has_pp55=False, business_name="CV Batik Apel", npwp="012345678901234")
    users = {role: make.user(role, skpd=skpd) for role in ("pp", "ppk", "bendahara")}
    users["supplier"] = make.user("supplier", supplier=supplier)
    return {"skpd": skpd, "supplier": supplier, "users": users,
            "line": make.budget_line(skpd, ceiling=10**10, year=TODAY.year),
            "batik": make.listing(supplier, price=1_500_000, stock=100, name="Batik Tulis Apel"),
            "headers": {name: api_auth.headers(user) for name, user in users.items()}}


def call(client, buying, role, path, body=None):
    method = client.get if body is None else client.post
    kwargs = {} if body is None else {"json": body}
    response = method(f"/api/v1{path}", headers=buying["headers"][role], **kwargs)
    assert response.status_code in (200, 201), response.get_json()
    return response if path.endswith(".pdf") else response.get_json()


def place(client, buying) -> dict:
    return call(client, buying, "pp", "/orders", {"budget_line_id": buying["line"].id,
                                                   "delivery_address": "Balai Kota Among Tani",
                                                   "lines": [{"listing_id": buying["batik"].id, "quantity": 2}]})


def change_everything(app, monkeypatch, buying) -> None:
    """Rates, the letterhead, the SKPD's name and the supplier's facts all change after the order."""
    for key, value in {"PPN_RATE": "0.12", "PPH22_RATE": "0.03", "WITHHOLDING_THRESHOLD": 10**9,
                       "REGION_NAME": "Pemerintah Kabupaten Malang", "REGION_CITY": "Kepanjen",
                       "REGION_ADDRESS": "Jl. Panji No. 158, Kepanjen"}.items():
        monkeypatch.setitem(app.config, key, value)
    supplier = db.session.get(Supplier, buying["supplier"].id)
    supplier.business_name, supplier.npwp, supplier.is_pkp = "PT Batik Baru", "998877665544332", False
    supplier.bank_name, supplier.bank_account, supplier.bank_account_holder = "Bank BRI", "5566778899", "Budi"
    db.session.get(Skpd, buying["skpd"].id).name = "Dinas Kebudayaan"
    db.session.commit()


def test_an_order_keeps_its_terms_through_changes_of_rates_supplier_and_letterhead(client, app, monkeypatch, buying):
    created = place(client, buying)
    assert created["terms"] == {"ppn_rate": "0.11", "is_pkp": True, "has_pp55": False, "pph_kind": "pph22",
                                "bank_name": "Bank Jatim", "bank_account": "0011223344",
                                "bank_account_holder": "Siti Rahayu"}
    oid = created["id"]
    change_everything(app, monkeypatch, buying)
    kept = call(client, buying, "ppk", f"/orders/{oid}")
    for key in ("terms", "subtotal", "ppn", "total", "withholding", "net_to_supplier"):
        assert kept[key] == created[key], key

    # the counter-offer is recomputed with the kept rates: 11 % PPN, PPh 22 1.5 % above Rp2.000.000
    call(client, buying, "ppk", f"/orders/{oid}/approve", {})
    call(client, buying, "supplier", f"/orders/{oid}/counter",
         {"lines": [{"listing_id": buying["batik"].id, "unit_price": 1_400_000}]})
    accepted = call(client, buying, "ppk", f"/orders/{oid}/accept-counter", {})
    assert (accepted["subtotal"], accepted["ppn"], accepted["total"]) == (2_800_000, 308_000, 3_108_000)
    assert accepted["withholding"] == {"ppn": 308_000, "pph": 42_000, "pph_kind": "pph22"}
    call(client, buying, "supplier", f"/orders/{oid}/ship", {})
    call(client, buying, "ppk", f"/orders/{oid}/receive", {"bast_number": "BAST/01", "date": TODAY.isoformat()})
    call(client, buying, "bendahara", f"/orders/{oid}/pay", {"sp2d_number": "SP2D/01", "date": TODAY.isoformat()})

    for kind in KINDS:
        text, _ = pdf_text(call(client, buying, "ppk", f"/orders/{oid}/documents/{kind}.pdf").data)
        assert "PEMERINTAH KOTA BATU" in text and "DINAS PARIWISATA" in text and "Batu," in text, kind
        assert "CV Batik Apel" in text and "PPN 11%" in text, kind
        for later in ("MALANG", "Kepanjen", "Kebudayaan", "PT Batik Baru", "998877665544332", "12%"):
            assert later not in text, (kind, later)
        if kind == "surat-pesanan":
            assert "012345678901234" in text and "Status pajak" in text and "Non-PKP" not in text
        if kind == "invoice":
            assert OLD_BANK in text and "5566778899" not in text
            assert "PPN dipungut (11%)" in text and "PPh Pasal 22 (1,5%)" in text
    assert "Rp308.000" in text and "Rp42.000" in text

    # what changed holds for the next order: no PPN from a supplier no longer PKP, the new account and letterhead
    later = place(client, buying)
    assert later["terms"]["ppn_rate"] == "0.12" and later["terms"]["is_pkp"] is False
    assert (later["ppn"], later["terms"]["bank_account"]) == (0, "5566778899")
    text, _ = pdf_text(call(client, buying, "ppk", f"/orders/{later['id']}/documents/surat-pesanan.pdf").data)
    assert "PEMERINTAH KABUPATEN MALANG" in text and "DINAS KEBUDAYAAN" in text and "PT Batik Baru" in text


def test_the_order_page_says_what_the_order_kept(client, auth, app, monkeypatch, buying):
    oid = place(client, buying)["id"]
    change_everything(app, monkeypatch, buying)
    auth.login(buying["users"]["bendahara"])
    html = client.get(f"/pesanan/{oid}").get_data(as_text=True)
    assert OLD_BANK in html and "CV Batik Apel" in html and "PPN 11%" in html
    assert "5566778899" not in html and "PT Batik Baru" not in html


def test_rates_are_kept_exactly(buying):
    order = orders.create_order(buying["users"]["pp"], {
        "budget_line_id": buying["line"].id, "delivery_address": "Balai Kota Among Tani",
        "lines": [{"listing_id": buying["batik"].id, "quantity": 1}]})
    db.session.commit()
    db.session.expire_all()
    terms = db.session.get(OrderTerms, order.id)
    assert (terms.ppn_rate, terms.pph_rate) == (Decimal("0.11"), Decimal("0.015"))
    assert isinstance(terms.ppn_rate, Decimal) and terms.withholding_threshold == 2_000_000
    stored = db.session.execute(text("SELECT ppn_rate, pph_rate FROM order_terms")).one()
    assert tuple(stored) == ("0.11", "0.015")  # as text: the same on SQLite and PostgreSQL, never a float


def _terms_rows() -> dict[int, dict]:
    table = OrderTerms.__table__
    return {row.order_id: dict(row._mapping) for row in db.session.execute(select(table))}


def test_the_migration_backfills_the_orders_made_before_it(app, make, buying):
    pp = buying["users"]["pp"]
    pp55 = make.supplier(is_pkp=False, has_pp55=True, business_name="UD Tenda Junrejo", kelurahan="Dadaprejo",
                         kecamatan="Junrejo")
    plain = make.supplier(is_pkp=False, has_pp55=False, business_name="UD Kopi Bumiaji")
    tent = make.listing(pp55, etalase="jasa-penyewaan", price=400_000, capacity_per_day=9)
    sound = make.listing(plain, etalase="jasa-penyewaan", price=300_000, capacity_per_day=9)
    coffee = make.listing(plain, price=50_000, stock=100, lead_time_days=3)
    start = TODAY.isoformat()

    def order(listing, quantity, dated=False):
        line = {"listing_id": listing.id, "quantity": quantity}
        if dated:
            line.update(start_date=start, end_date=start)
        return orders.create_order(pp, {"budget_line_id": buying["line"].id, "delivery_address": "Kantor Dinas",
                                        "lines": [line]})

    made = [order(buying["batik"], 2), order(coffee, 2), order(tent, 1, True), order(sound, 1, True)]
    db.session.commit()
    assert [o.pph_kind for o in made] == ["pph22", None, "final_pp55", "pph23"]
    ids, plain_orders = [o.id for o in made], {o.id for o in made if o.supplier_id == plain.id}
    before = _terms_rows()
    db.session.execute(update(Supplier).where(Supplier.id == plain.id).values(bank_account="7777000011"))
    db.session.commit()
    db.session.close()
    try:
        downgrade(revision="0005_page_revisions")
        assert "order_terms" not in inspect(db.engine).get_table_names()
    finally:
        upgrade()  # back to the schema the other tests use, whatever happened
    after = _terms_rows()
    assert set(after) == set(ids)
    for order_id in ids:
        expected = dict(before[order_id])
        if order_id in plain_orders:
            expected["bank_account"] = "7777000011"  # the supplier's row as the migration found it
        assert after[order_id] == expected, order_id
    assert [after[i]["pph_kind"] for i in ids] == ["pph22", "pph22", "final_pp55", "pph23"]
    assert after[ids[1]]["lead_time_days"] == 3 and after[ids[2]]["kecamatan"] == "Junrejo"
