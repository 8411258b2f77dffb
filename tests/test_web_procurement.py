"""The buying pages: cart, checkout with a one-time token, order actions, worklist, notifications."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.common.timeutil import today_wib, utcnow
from app.etalase.models import Listing
from app.extensions import db
from app.procurement.models import BudgetLine, Order

TODAY = today_wib()
START = TODAY + timedelta(days=3)
ADDRESS = "Balai Kota Among Tani, Jl. Panglima Sudirman 507"


@pytest.fixture
def shop(make):
    """One SKPD with its officials; a PKP batik maker (goods) and a tent rental (PP 55); another SKPD."""
    skpd = make.skpd(code="DISPAR", name="Dinas Pariwisata")
    batik = make.supplier(is_pkp=True, has_pp55=False, business_name="CV Batik Apel")
    tents = make.supplier(is_pkp=False, has_pp55=True, business_name="UD Sewa Tenda Batu")
    return {
        "line": make.budget_line(skpd, ceiling=100_000_000, year=TODAY.year, code="5.1.02.01.01.0024"),
        "small_line": make.budget_line(skpd, ceiling=2_000_000, year=TODAY.year, code="5.1.02.01.01.0025"),
        "pp": make.user("pp", skpd=skpd),
        "ppk": make.user("ppk", skpd=skpd),
        "bendahara": make.user("bendahara", skpd=skpd),
        "batik_user": make.user("supplier", supplier=batik),
        "tent_user": make.user("supplier", supplier=tents),
        "other_ppk": make.user("ppk", skpd=make.skpd(code="DINKES")),
        "goods": make.listing(batik, price=1_500_000, stock=10, name="Batik Tulis Apel"),
        "tent": make.listing(tents, etalase="jasa-penyewaan", price=500_000, capacity_per_day=2,
                             name="Tenda Sarnafil 5x5"),
    }


def text(response) -> str:
    return response.get_data(as_text=True)


def add_goods(client, shop, quantity=2):
    return client.post(f"/keranjang/tambah/{shop['goods'].id}", data={"quantity": str(quantity)})


def add_tent(client, shop, quantity=1, days=2):
    end = START + timedelta(days=days - 1)
    return client.post(f"/keranjang/tambah/{shop['tent'].id}", data={
        "quantity": str(quantity), "start_date": START.isoformat(), "end_date": end.isoformat()})


def checkout_token(client) -> str:
    page = text(client.get("/keranjang"))
    return re.search(r'name="token" type="hidden" value="([^"]+)"', page).group(1)


def checkout(client, token, line, **extra):
    return client.post("/keranjang/pesan", data={
        "budget_line_id": str(line.id), "delivery_address": ADDRESS, "notes": "", "token": token, **extra})


def order_count() -> int:
    return db.session.scalar(select(func.count(Order.id)))


def orders_by_supplier() -> dict:
    db.session.expire_all()
    return {order.supplier.business_name: order for order in db.session.scalars(select(Order))}


def act(client, order, action, **data):
    return client.post(f"/pesanan/{order.id}/{action}", data=data)


def place_both(client, auth, shop) -> dict:
    """The PP orders the batik (2 pcs) and the tent (1 unit, 2 days); the orders by supplier name."""
    auth.login(shop["pp"])
    add_goods(client, shop)
    add_tent(client, shop)
    assert checkout(client, checkout_token(client), shop["line"]).status_code == 302
    auth.logout()
    return orders_by_supplier()


def test_login_lands_officials_on_their_worklist(client, auth, shop):
    for role in ("pp", "ppk", "bendahara"):
        response = auth.login(shop[role])
        assert response.headers["Location"].endswith("/pesanan/tindakan")
        assert "Menunggu tindakan Anda" in text(client.get("/pesanan/tindakan"))
        auth.logout()


def test_order_box_only_for_pp_and_ppk_with_availability_on_chosen_dates(client, auth, shop):
    url = f"/produk/{shop['tent'].id}"
    assert "Tambah ke keranjang" not in text(client.get(url))
    auth.login(shop["tent_user"])
    assert "Tambah ke keranjang" not in text(client.get(url))
    auth.logout()
    auth.login(shop["pp"])
    page = text(client.get(url))
    assert "Tambah ke keranjang" in page and "Cek ketersediaan" in page
    end = START + timedelta(days=2)
    checked = client.post(f"/keranjang/tambah/{shop['tent'].id}", data={
        "quantity": "1", "start_date": START.isoformat(), "end_date": end.isoformat(), "cek": "1"})
    assert checked.status_code == 302 and "start_date=" in checked.headers["Location"]
    page = text(client.get(checked.headers["Location"]))
    assert "Ketersediaan per hari" in page and page.count("2 unit</td>") == 3
    wrong = text(client.get(f"{url}?start_date={end.isoformat()}&end_date={START.isoformat()}"))
    assert "Tanggal selesai sebelum tanggal mulai." in wrong
    refused = client.post(f"/keranjang/tambah/{shop['goods'].id}", data={"quantity": "0"})
    assert refused.status_code == 422 and "Tambah ke keranjang" in text(refused)
    assert "Keranjang kosong" in text(client.get("/keranjang"))


def test_pp_checks_out_goods_and_a_rental_from_two_suppliers(client, auth, shop):
    auth.login(shop["pp"])
    assert add_goods(client, shop).headers["Location"].endswith("/keranjang")
    assert add_tent(client, shop).status_code == 302
    page = text(client.get("/keranjang"))
    assert "CV Batik Apel · Barang" in page and "UD Sewa Tenda Batu · Jasa/sewa" in page
    assert "sisa pagu Rp100.000.000" in page and "Buat 2 Surat Pesanan" in page

    response = checkout(client, checkout_token(client), shop["line"])
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    numbers = [f"SP-{TODAY.year}-DISPAR-00000{n}" for n in (1, 2)]
    assert "2 Surat Pesanan dibuat" in page and all(number in page for number in numbers)
    assert "Keranjang kosong" in text(client.get("/keranjang"))
    placed = orders_by_supplier()
    assert {o.status for o in placed.values()} == {"menunggu_ppk"}
    assert placed["CV Batik Apel"].total == 3_330_000
    assert placed["UD Sewa Tenda Batu"].lines[0].days == 2 and placed["UD Sewa Tenda Batu"].total == 1_000_000
    assert "Rp3.330.000" in text(client.get(f"/pesanan/{placed['CV Batik Apel'].id}"))


def test_double_submit_of_one_checkout_creates_each_order_once(client, auth, shop):
    auth.login(shop["pp"])
    add_goods(client, shop)
    add_tent(client, shop)
    token = checkout_token(client)
    with client.session_transaction() as session:
        saved_cart = list(session["cart"])
    first = checkout(client, token, shop["line"])
    with client.session_transaction() as session:  # the second click still carries the full cart
        session["cart"] = saved_cart
    second = checkout(client, token, shop["line"])
    assert first.status_code == second.status_code == 302
    assert order_count() == 2
    assert f"SP-{TODAY.year}-DISPAR-000002" in text(client.get(second.headers["Location"]))
    assert db.session.get(Listing, shop["goods"].id).stock == 8
    assert db.session.get(BudgetLine, shop["line"].id).committed == 3_330_000 + 1_000_000


def test_checkout_beyond_the_pagu_creates_nothing(client, auth, shop):
    auth.login(shop["pp"])
    add_goods(client, shop, quantity=1)  # Rp1.665.000 fits the Rp2.000.000 pagu …
    add_tent(client, shop)  # … but not with another Rp1.000.000
    response = checkout(client, checkout_token(client), shop["small_line"])
    assert response.status_code == 409
    page = text(response)
    assert "Pesanan untuk UD Sewa Tenda Batu · Jasa/sewa tidak dapat dibuat" in page
    assert "Sisa pagu 5.1.02.01.01.0025 (Rp335.000) tidak cukup untuk Rp1.000.000." in page
    assert order_count() == 0
    assert db.session.get(BudgetLine, shop["small_line"].id).committed == 0
    assert db.session.get(Listing, shop["goods"].id).stock == 10
    assert "Buat 2 Surat Pesanan" in page  # the cart is kept


def test_checkout_shows_refusals_next_to_the_fields_and_lines(client, auth, shop):
    auth.login(shop["pp"])
    client.post(f"/keranjang/tambah/{shop['tent'].id}", data={"quantity": "1"})  # no dates
    response = checkout(client, checkout_token(client), shop["line"], delivery_address="x")
    assert response.status_code == 422
    assert re.search(r'has-error">\s*<label for="delivery_address"', text(response))
    response = checkout(client, checkout_token(client), shop["line"])
    assert response.status_code == 422
    assert re.search(r'Tenda Sarnafil 5x5</a>\s*<p class="error" role="alert">Isi tanggal mulai dan selesai.', text(response))
    assert order_count() == 0
    assert checkout(client, "", shop["line"]).status_code == 422


def test_orders_move_through_the_pages_to_payment(client, auth, shop):
    placed = place_both(client, auth, shop)
    batik, tent = placed["CV Batik Apel"], placed["UD Sewa Tenda Batu"]

    auth.login(shop["ppk"])
    page = text(client.get(f"/pesanan/{batik.id}"))
    assert "Setujui pesanan" in page and "Tolak pesanan" in page and "Terima pesanan" not in page
    refused = act(client, batik, "reject", reason="")
    assert refused.status_code == 422 and 'class="error"' in text(refused)
    for order in (batik, tent):
        assert act(client, order, "approve").status_code == 302
    auth.logout()

    auth.login(shop["tent_user"])
    worklist = text(client.get("/pesanan/tindakan"))
    assert tent.number in worklist and "Dijawab penyedia sebelum" in worklist and batik.number not in worklist
    page = text(client.get(f"/pesanan/{tent.id}"))
    assert "Ajukan harga baru" in page and "Terima pesanan" in page
    too_high = act(client, tent, "counter", **{"prices-0": "600000"})
    assert too_high.status_code == 422 and "tidak boleh melebihi Rp500.000" in text(too_high)
    assert act(client, tent, "counter", **{"prices-0": "450.000"}).status_code == 302
    auth.logout()

    auth.login(shop["batik_user"])
    assert act(client, batik, "accept").status_code == 302
    assert act(client, batik, "ship").status_code == 302
    auth.logout()

    auth.login(shop["ppk"])
    page = text(client.get(f"/pesanan/{tent.id}"))
    assert "tawaran penyedia Rp450.000" in page and "Setujui harga baru" in page
    assert act(client, tent, "accept-counter").status_code == 302
    future = act(client, batik, "receive", bast_number=f"BAST/001/{TODAY.year}", date=(TODAY + timedelta(days=1)).isoformat())
    assert future.status_code == 422 and "Tanggal BAST tidak boleh di masa depan." in text(future)
    assert act(client, batik, "receive", bast_number=f"BAST/001/{TODAY.year}", date=TODAY.isoformat()).status_code == 302
    auth.logout()

    auth.login(shop["bendahara"])
    worklist = text(client.get("/pesanan/tindakan"))
    assert batik.number in worklist and "0 hari sejak BAST" in worklist and "overdue" not in worklist
    page = text(client.get(f"/pesanan/{batik.id}"))
    assert "Catat pembayaran" in page and "PPh 22" in page and "Rp45.000" in page and "Rp2.955.000" in page
    assert act(client, batik, "pay", sp2d_number=f"SP2D-0099/{TODAY.year}", date=TODAY.isoformat()).status_code == 302
    page = text(client.get(f"/pesanan/{batik.id}"))
    assert f"SP2D-0099/{TODAY.year}" in page and "Catat pembayaran" not in page
    auth.logout()

    auth.login(shop["ppk"])
    assert "Kirim penilaian" in text(client.get(f"/pesanan/{batik.id}"))
    assert act(client, batik, "rate", score="5", comment="Rapi").status_code == 302
    assert "Kirim penilaian" not in text(client.get(f"/pesanan/{batik.id}"))

    db.session.expire_all()
    batik, tent = db.session.get(Order, batik.id), db.session.get(Order, tent.id)
    assert (batik.status, batik.rating_score, tent.status, tent.total) == ("dibayar", 5, "diproses", 900_000)
    history = text(client.get(f"/pesanan/{batik.id}"))
    for label in ("Menunggu persetujuan PPK", "Diproses penyedia", "Diterima (BAST)", "Dibayar"):
        assert label in history


def test_worklist_marks_overdue_clocks(client, auth, shop):
    placed = place_both(client, auth, shop)
    batik, tent = placed["CV Batik Apel"], placed["UD Sewa Tenda Batu"]
    tent.status, tent.respond_by = "menunggu_penyedia", utcnow() - timedelta(hours=1)
    batik.status, batik.bast_date, batik.due_date = "diterima", TODAY - timedelta(days=40), TODAY - timedelta(days=10)
    db.session.commit()
    auth.login(shop["tent_user"])
    assert 'class="overdue"' in text(client.get("/pesanan/tindakan"))
    auth.logout()
    auth.login(shop["bendahara"])
    page = text(client.get("/pesanan/tindakan"))
    assert "40 hari sejak BAST" in page and 'class="overdue"' in page


def test_orders_are_scoped_and_strangers_get_404(client, auth, shop):
    placed = place_both(client, auth, shop)
    batik = placed["CV Batik Apel"]
    auth.login(shop["other_ppk"])
    assert client.get(f"/pesanan/{batik.id}").status_code == 404
    assert act(client, batik, "approve").status_code == 404
    assert batik.number not in text(client.get("/pesanan"))
    auth.logout()
    auth.login(shop["tent_user"])
    page = client.get(f"/pesanan/{batik.id}")
    assert page.status_code == 404 and "Terima pesanan" not in text(page)
    assert act(client, batik, "accept").status_code == 404
    listed = text(client.get("/pesanan"))
    assert placed["UD Sewa Tenda Batu"].number in listed and batik.number not in listed
    auth.logout()
    auth.login(shop["pp"])
    assert act(client, batik, "approve").status_code == 403
    assert act(client, batik, "bogus").status_code == 404
    filtered = text(client.get("/pesanan?status=menunggu_ppk&year=" + str(TODAY.year)))
    assert batik.number in filtered
    assert batik.number not in text(client.get("/pesanan?status=dibayar"))
    assert "Tahun" in text(client.get("/pesanan?year=abc"))


def test_notifications_count_in_the_menu_and_mark_all_read(client, auth, shop):
    place_both(client, auth, shop)
    auth.login(shop["ppk"])
    page = text(client.get("/notifikasi"))
    assert "menunggu persetujuan Anda" in page and 'title="2 belum dibaca"' in page
    assert client.post("/notifikasi/baca").status_code == 302
    assert "belum dibaca" not in text(client.get("/notifikasi"))


def test_lines_can_be_removed_and_listings_gone_from_the_catalog_leave_the_cart(client, auth, shop):
    auth.login(shop["pp"])
    add_goods(client, shop)
    add_goods(client, shop, quantity=3)  # the same listing adds to its line
    add_tent(client, shop)
    with client.session_transaction() as session:
        lines = {line["listing_id"]: line for line in session["cart"]}
    assert len(lines) == 2 and lines[shop["goods"].id]["quantity"] == 5
    assert client.post(f"/keranjang/{lines[shop['tent'].id]['id']}/hapus").status_code == 302
    page = text(client.get("/keranjang"))
    assert "Batik Tulis Apel</a>" in page and "Tenda Sarnafil 5x5</a>" not in page
    token = checkout_token(client)
    shop["goods"].status = "frozen"
    db.session.commit()
    response = checkout(client, token, shop["line"])
    assert response.status_code == 302 and response.headers["Location"].endswith("/keranjang")
    page = text(client.get("/keranjang"))
    assert "tidak lagi tayang" in page and "Keranjang kosong" in page
    assert order_count() == 0
