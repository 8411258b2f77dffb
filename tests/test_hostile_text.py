"""Names and descriptions with HTML and script in them are shown as text, on pages and in PDFs,
and WeasyPrint fetches nothing but the app's own static files."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app.extensions import db
from reports.pdf import STATIC, OwnStaticFiles, html_to_pdf

from .report_world import market, pdf_text  # noqa: F401 (fixture)

SUPPLIER_NAME = '<script>alert("penyedia")</script> CV Jahil'
LISTING_NAME = '<img src=x onerror="alert(1)"> Keripik Apel'
DESCRIPTION = '<iframe src="https://contoh.invalid/"></iframe><b>Renyah</b>'


@pytest.fixture
def hostile(market):
    """The market's apple-chip supplier and listing renamed by someone who types HTML."""
    market.apel.business_name = SUPPLIER_NAME
    market.keripik.name = LISTING_NAME
    market.keripik.description = DESCRIPTION
    db.session.commit()
    return market


def _assert_shown_as_text(html: str) -> None:
    assert "<script>alert" not in html and "<img src=x" not in html and "<iframe" not in html
    assert "&lt;script&gt;alert" in html or "&lt;img src=x" in html


def test_pages_show_typed_html_as_text(client, hostile, auth):
    listing_page = client.get(f"/produk/{hostile.keripik.id}").get_data(as_text=True)
    _assert_shown_as_text(listing_page)
    assert "&lt;script&gt;alert" in listing_page and "&lt;b&gt;Renyah&lt;/b&gt;" in listing_page
    search = client.get("/katalog", query_string={"q": "keripik"}).get_data(as_text=True)
    assert "Keripik Apel" in search
    _assert_shown_as_text(search)
    order = hostile.order(hostile.dispar, hostile.keripik, 4, "menunggu_ppk")
    auth.login(hostile.users["ppk:DISPAR"])
    order_page = client.get(f"/pesanan/{order['id']}").get_data(as_text=True)
    assert order["number"] in order_page
    _assert_shown_as_text(order_page)


def test_pdfs_print_typed_html_as_text(client, hostile):
    order = hostile.order(hostile.dispar, hostile.keripik, 4, "diterima")
    headers = hostile.headers("ppk:DISPAR")
    for kind in ("surat-pesanan", "bast", "invoice"):
        response = client.get(f"/api/v1/orders/{order['id']}/documents/{kind}.pdf", headers=headers)
        assert response.status_code == 200
        text, _pages = pdf_text(response.data)
        flat = " ".join(text.split())
        assert '<script>alert("penyedia")</script> CV Jahil' in flat, kind
        assert "<img src=x" in flat, kind


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 (http.server's name)
        type(self).hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *_args):
        pass


@pytest.fixture
def listener():
    """An HTTP server on loopback that records every request it gets."""
    _Recorder.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Recorder.hits
    server.shutdown()
    server.server_close()


def test_a_pdf_fetches_nothing_from_the_network_or_the_disk(listener):
    base, hits = listener
    html = (f'<link rel="stylesheet" href="{base}/gaya.css"><p>Surat</p>'
            f'<img src="{base}/logo.png"><img src="file:///etc/hostname"><img src="../config.py">'
            f'<p style="background: url({base}/latar.png)">Isi</p>')
    text, _pages = pdf_text(html_to_pdf(html))
    assert "Surat" in text and "Isi" in text
    assert hits == []


def test_the_fetcher_serves_the_static_files_and_refuses_the_rest():
    fetcher = OwnStaticFiles()
    stylesheet = STATIC / "css" / "app.css"
    assert fetcher.fetch(stylesheet.as_uri()).read() == stylesheet.read_bytes()
    assert fetcher.fetch("data:text/plain,halo").read() == b"halo"
    for url in ("file:///etc/hostname", (STATIC / ".." / "config.py").as_uri(), "http://127.0.0.1:9/x.png",
                "https://contoh.invalid/logo.png", f"file://otherhost{stylesheet}"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
