"""Surat Pesanan, BAST and invoice/kuitansi as PDFs, read as a person would (text and rendered pages)."""
import os
import shutil
import subprocess

import pytest
from PIL import Image

from app.common.money import rupiah, terbilang
from app.extensions import db
from app.procurement.models import Order

from .api_helpers import assert_error
from .report_world import YEAR, market, pdf_text  # noqa: F401 (fixture)

KINDS = ("surat-pesanan", "bast", "invoice")


def document(client, headers, order_id, kind):
    return client.get(f"/api/v1/orders/{order_id}/documents/{kind}.pdf", headers=headers)


def rendered_pages(data: bytes, tmp_path) -> list[Image.Image]:
    """The PDF rendered to PNG pages by poppler, as a viewer would show them."""
    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftoppm (Debian poppler-utils) is needed to render the PDFs under CI")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "doc.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(source), str(tmp_path / "page")], check=True)
    return [Image.open(path).convert("L") for path in sorted(tmp_path.glob("page-*.png"))]


def test_the_three_documents_carry_letterhead_parties_amounts_words_and_page_numbers(client, market, tmp_path):
    # a PKP rental over 2 days: PPN, PPN withheld above Rp2.000.000 and PPh 23
    order = market.order(market.dispar, market.tent, 2, "dibayar", days=2)
    stored = db.session.get(Order, order["id"])
    assert (stored.subtotal, stored.ppn, stored.total) == (2_000_000, 220_000, 2_220_000)
    ppk = market.users["ppk:DISPAR"]
    for kind in KINDS:
        response = document(client, market.headers("finance"), order["id"], kind)
        assert response.status_code == 200, response.get_data()[:300]
        assert response.mimetype == "application/pdf"
        assert f"{kind}-{order['number']}.pdf" in response.headers["Content-Disposition"]
        text, pages = pdf_text(response.data)
        assert "PEMERINTAH KOTA BATU" in text and "DINAS PARIWISATA" in text
        assert order["number"] in text
        for amount in (stored.subtotal, stored.ppn, stored.total, stored.net_to_supplier):
            assert rupiah(amount) in text, (kind, rupiah(amount))
        assert "Rp2.220.000" in text and "Rp1.960.000" in text
        assert "Dua juta dua ratus dua puluh ribu rupiah" in text
        assert terbilang(2_220_000).capitalize() in text
        assert "PPh Pasal 23 (2%)" in text and "Rp40.000" in text
        assert market.tenda.nib in text and market.tenda.npwp in text and ppk.nip in text
        assert f"Halaman 1 dari {pages}" in text and f"Halaman {pages} dari {pages}" in text
        images = rendered_pages(response.data, tmp_path / kind)
        assert len(images) == pages
        for image in images:
            assert image.width < image.height  # A4 portrait
            assert image.getextrema()[0] < 60  # ink on the page, not a blank sheet
    _, pages = pdf_text(document(client, market.headers("finance"), order["id"], "invoice").data)
    assert pages == 2  # invoice, then kuitansi


def test_document_texts_name_their_own_facts(client, market):
    order = market.order(market.dispar, market.keripik, 120, "dibayar")
    headers = market.headers(f"supplier:{market.apel.id}")
    sp, _ = pdf_text(document(client, headers, order["id"], "surat-pesanan").data)
    assert "SURAT PESANAN" in sp and "Pejabat Pembuat Komitmen" in sp
    bast, _ = pdf_text(document(client, headers, order["id"], "bast").data)
    assert "BERITA ACARA SERAH TERIMA" in bast and f"BAST/{order['id']:03d}/{YEAR}" in bast
    invoice, _ = pdf_text(document(client, headers, order["id"], "invoice").data)
    assert "INVOICE" in invoice and "KUITANSI" in invoice and f"SP2D-{order['id']:04d}/{YEAR}" in invoice
    # a non-PKP supplier with a PP 55/2022 certificate: no PPN, 0.5 % final tax
    assert "Rp3.000.000" in invoice and "PPh Final PP 55/2022 (0,5%)" in invoice and "Rp15.000" in invoice
    assert "Tiga juta rupiah" in invoice


def test_bast_and_invoice_exist_only_after_receipt(client, market):
    order = market.order(market.dispar, market.keripik, 10, "dikirim")
    headers = market.headers("ppk:DISPAR")
    assert document(client, headers, order["id"], "surat-pesanan").status_code == 200
    for kind in ("bast", "invoice"):
        assert_error(document(client, headers, order["id"], kind), 409, "conflict")
    assert_error(document(client, headers, order["id"], "kontrak"), 404)
    received = market.order(market.dispar, market.keripik, 10, "diterima")
    assert document(client, headers, received["id"], "invoice").status_code == 200


def test_only_the_parties_and_finance_may_download(client, market, make, api_auth):
    order = market.order(market.dispar, market.keripik, 10, "diterima")
    allowed = ("pp:DISPAR", "ppk:DISPAR", "bendahara:DISPAR", f"supplier:{market.apel.id}", "finance", "admin")
    for key in allowed:
        assert document(client, market.headers(key), order["id"], "bast").status_code == 200, key
    for key in ("ppk:DINKES", "bendahara:DINKES", f"supplier:{market.tenda.id}"):
        assert_error(document(client, market.headers(key), order["id"], "bast"), 404)
    assert_error(client.get(f"/api/v1/orders/{order['id']}/documents/bast.pdf"), 401)
    assert_error(document(client, market.headers("finance"), 999_999, "bast"), 404)


def test_document_pages_for_the_order_page(client, market, auth):
    order = market.order(market.dispar, market.keripik, 10, "diterima")
    url = f"/pesanan/{order['id']}/dokumen/bast.pdf"
    assert client.get(url).status_code == 302  # to the login page
    auth.login(market.users[f"supplier:{market.apel.id}"])
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "BERITA ACARA" in pdf_text(response.data)[0]
    auth.logout()
    auth.login(market.users[f"supplier:{market.tenda.id}"])
    assert client.get(url).status_code == 404


def test_a_long_order_runs_over_pages_with_numbers(client, market, make):
    listings = [make.listing(market.apel, price=10_000 + i, stock=100, name=f"Olahan apel varian {i:02d}")
                for i in range(40)]
    body = {"budget_line_id": market.lines["DISPAR"].id, "delivery_address": "Balai Kota Among Tani",
            "lines": [{"listing_id": listing.id, "quantity": 1} for listing in listings]}
    order = client.post("/api/v1/orders", json=body, headers=market.headers("pp:DISPAR")).get_json()
    text, pages = pdf_text(document(client, market.headers("pp:DISPAR"), order["id"], "surat-pesanan").data)
    assert pages >= 2
    assert f"Halaman 2 dari {pages}" in text
    assert "Olahan apel varian 39" in text and rupiah(order["total"]) in text


def test_the_letterhead_is_the_configured_region_of_the_day_the_order_was_made(client, market, app, monkeypatch):
    before = market.order(market.dispar, market.keripik, 10, "diproses")
    monkeypatch.setitem(app.config, "REGION_NAME", "Pemerintah Kabupaten Malang")
    after = market.order(market.dispar, market.keripik, 10, "diproses")
    headers = market.headers("ppk:DISPAR")
    text, _ = pdf_text(document(client, headers, after["id"], "surat-pesanan").data)
    assert "PEMERINTAH KABUPATEN MALANG" in text
    text, _ = pdf_text(document(client, headers, before["id"], "surat-pesanan").data)
    assert "PEMERINTAH KOTA BATU" in text and "MALANG" not in text
