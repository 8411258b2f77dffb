"""End to end in a real browser: one order through every role, as each person does it on the pages.

A supplier registers itself with real PDF and PNG scans and the admin verifies
it; the supplier lists a tent rental and submits it; the admin approves it; a
``pp`` (on a phone) finds it by searching the catalog, books dates, adds it to
the cart and checks out against a budget line; the ``ppk`` approves; the
supplier accepts and ships; the ``ppk`` signs the BAST; the ``bendahara``
records the payment; ``finance`` downloads the annual recap as XLSX and PDF
and finds the order in them. Each step asserts what the person sees and is
screenshotted under ``test-output/screenshots/``.
"""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from app.common.timeutil import today_wib
from app.extensions import db

from ..factories import MINIMAL_PDF, png_bytes
from .conftest import ACTION_TIMEOUT_MS, DOWNLOAD_TIMEOUT_MS

try:
    from playwright.sync_api import expect
except ImportError:  # the browser fixture skips, or fails under CI
    expect = None
else:
    expect.set_options(timeout=ACTION_TIMEOUT_MS)

pytestmark = pytest.mark.e2e

PASSWORD = "rahasia123"
TODAY = today_wib()
START = TODAY + timedelta(days=3)
END = START + timedelta(days=4)  # five days, both ends included
TENT = "Tenda Sarnafil 6x6 Lengkap Dekorasi"
SUPPLIER = "UD Tenda Panderman"
# 2 units × 5 days × Rp125.000 = Rp1.250.000; not PKP, so no PPN; PP 55/2022: 0.5 % final = Rp6.250
TOTAL, TOTAL_TEXT, PP55_TEXT, NET_TEXT = 1_250_000, "Rp1.250.000", "Rp6.250", "Rp1.243.750"
ORDER_NUMBER = re.compile(rf"SP-{TODAY.year}-DISPAR-\d{{6}}")


@pytest.fixture
def people(make):
    """The SKPD with its budget line and officials, the catalog manager and the finance office (committed).

    Only plain values are kept, and the test's session is let go, so that with
    SQLite the test holds no lock while the server writes.
    """
    skpd = make.skpd(code="DISPAR", name="Dinas Pariwisata")
    line = make.budget_line(skpd, ceiling=50_000_000, year=TODAY.year, code="5.1.02.01.01.0024",
                            name="Belanja Sewa Tenda dan Perlengkapan Acara")
    users = {
        "admin": make.user("admin", username="admin_bpbj", full_name="Rina Admin BPBJ"),
        "pp": make.user("pp", username="pp_dispar", skpd=skpd, full_name="Agus Pejabat Pengadaan"),
        "ppk": make.user("ppk", username="ppk_dispar", skpd=skpd, full_name="Dewi PPK Dispar"),
        "bendahara": make.user("bendahara", username="bendahara_dispar", skpd=skpd, full_name="Budi Bendahara"),
        "finance": make.user("finance", username="bpkad", full_name="Sari BPKAD"),
    }
    found = {role: user.username for role, user in users.items()}
    found["budget_line_id"] = str(line.id)
    db.session.remove()
    return found


def log_in(browsing, username: str, phone: bool = False):
    """A person's own browser, logged in through the login page."""
    page = browsing.open(phone=phone)
    page.goto("/masuk")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator(".flash")).to_contain_text("Selamat datang")
    return page


def flash(page):
    return page.locator(".flash").first


def order_status(page):
    return page.locator("main h1 + p .badge")


def test_order_journey_through_every_role(browsing, people, tmp_path):
    nib_scan, npwp_scan = tmp_path / "nib.pdf", tmp_path / "npwp.png"
    nib_scan.write_bytes(MINIMAL_PDF)
    npwp_scan.write_bytes(png_bytes((64, 48)))
    photo = tmp_path / "tenda.png"
    photo.write_bytes(png_bytes((320, 240), (40, 110, 170)))

    # -- supplier: registers itself, with the NIB scan as PDF and the NPWP scan as PNG
    supplier = browsing.open()
    supplier.goto("/")
    supplier.get_by_role("link", name="Daftar Penyedia").click()
    expect(supplier.locator("h1")).to_have_text("Daftar sebagai Penyedia")
    supplier.fill("#business_name", SUPPLIER)
    supplier.select_option("#legal_form", "ud")
    supplier.fill("#nib", "9120301234567")
    supplier.fill("#npwp", "012345678901234")
    supplier.fill("#owner_name", "Slamet Riyadi")
    supplier.select_option("#scale", "mikro")
    supplier.fill("#kbli", "77299")
    supplier.fill("#phone", "081233445566")
    supplier.fill("#email", "tenda.panderman@contoh.id")
    supplier.fill("#address", "Jl. Raya Punten No. 8")
    supplier.fill("#kelurahan", "Punten")
    supplier.select_option("#kecamatan", "Bumiaji")
    supplier.check("#has_pp55")
    supplier.fill("#bank_name", "Bank Jatim")
    supplier.fill("#bank_account", "0123456789")
    supplier.fill("#bank_account_holder", "Slamet Riyadi")
    supplier.set_input_files("#nib_document", str(nib_scan))
    supplier.set_input_files("#npwp_document", str(npwp_scan))
    supplier.fill("#username", "tenda_panderman")
    supplier.fill("#password", PASSWORD)
    browsing.shot(supplier, "supplier registration form")
    supplier.get_by_role("button", name="Daftar").click()
    expect(flash(supplier)).to_contain_text("Pendaftaran diterima")
    expect(supplier.locator("h1")).to_have_text(SUPPLIER)
    expect(supplier.locator("#dokumen")).to_contain_text("nib.pdf")
    expect(supplier.locator("#dokumen")).to_contain_text("npwp.png")
    expect(supplier.locator("main")).to_contain_text("Menunggu verifikasi")
    browsing.shot(supplier, "supplier registered, waiting for verification")

    # -- admin: checks the documents and verifies the supplier
    admin = log_in(browsing, people["admin"])
    expect(admin.locator("#pending-suppliers")).to_have_text("1")
    admin.get_by_role("link", name=SUPPLIER).click()
    expect(admin.locator("main")).to_contain_text("Menunggu verifikasi")
    expect(admin.locator("main")).to_contain_text("9120301234567")
    scan = admin.request.get(admin.get_by_role("link", name="nib.pdf").get_attribute("href"))
    assert scan.ok and scan.body().startswith(b"%PDF"), "the stored NIB scan is the PDF uploaded"
    scan = admin.request.get(admin.get_by_role("link", name="npwp.png").get_attribute("href"))
    assert scan.ok and scan.body().startswith(b"\x89PNG"), "the stored NPWP scan is the PNG uploaded"
    browsing.shot(admin, "admin reviews the supplier")
    admin.get_by_role("button", name="Verifikasi").click()
    expect(flash(admin)).to_contain_text("Penyedia terverifikasi")
    expect(admin.locator("main h1 + p .badge")).to_have_text("Terverifikasi")
    browsing.shot(admin, "admin verified the supplier")

    # -- supplier: lists a tent rental (price per unit per day), adds a photo, submits it for curation
    supplier.reload()
    expect(supplier.locator("main")).to_contain_text("Terverifikasi")
    supplier.get_by_role("link", name="Tambah produk").first.click()
    supplier.get_by_role("link", name="Pilih Jasa Penyewaan").click()
    expect(supplier.locator("h1")).to_have_text("Produk baru di Jasa Penyewaan")
    expect(supplier.locator("label[for=price]")).to_have_text("Harga per satuan per hari (Rp)")
    supplier.fill("#name", TENT)
    supplier.select_option("#category_id", label="Tenda")
    supplier.fill("#description", "Tenda sarnafil 6x6 m lengkap dengan dekorasi kain, dipasang di lokasi acara.")
    supplier.fill("#price", "125.000")
    supplier.select_option("#unit", "unit")
    supplier.fill("#min_order", "1")
    supplier.fill("#lead_time_days", "1")
    supplier.fill("#capacity_per_day", "3")
    browsing.shot(supplier, "supplier new rental listing")
    supplier.get_by_role("button", name="Simpan sebagai draf").click()
    expect(flash(supplier)).to_contain_text("Produk tersimpan sebagai draf")
    supplier.set_input_files("#photo", str(photo))
    supplier.get_by_role("button", name="Unggah foto").click()
    expect(flash(supplier)).to_contain_text("Foto ditambahkan")
    expect(supplier.locator("#foto img")).to_have_count(1)
    expect(supplier.locator("main")).to_contain_text("Rp125.000")
    supplier.get_by_role("button", name="Ajukan untuk kurasi").click()
    expect(flash(supplier)).to_contain_text("Produk diajukan")
    row = supplier.locator("tr", has_text=TENT)
    expect(row).to_contain_text("Menunggu kurasi")
    expect(row).to_contain_text("Rp125.000")
    browsing.shot(supplier, "supplier submitted the listing")

    # -- admin: curates the listing and puts it on the catalog
    admin.get_by_role("link", name="Kurasi produk", exact=True).click()
    admin.get_by_role("link", name=TENT).click()
    expect(admin.locator("main")).to_contain_text("Menunggu kurasi")
    browsing.shot(admin, "admin curates the listing")
    admin.get_by_role("button", name="Setujui dan tayangkan").click()
    expect(flash(admin)).to_contain_text("Produk disetujui dan tayang di katalog")
    expect(admin.locator("main")).to_contain_text("Tidak ada produk yang menunggu kurasi")

    # -- pp, on a phone: finds the tent by searching, checks the dates, adds it to the cart, checks out
    pp = log_in(browsing, people["pp"], phone=True)
    pp.get_by_role("link", name="Katalog", exact=True).click()
    pp.fill("#q", "tenda sarnafil")
    pp.get_by_role("button", name="Terapkan").click()
    expect(pp.locator(".count")).to_have_text("1 produk ditemukan")
    card = pp.locator(".card", has_text=TENT)
    expect(card).to_contain_text("Rp125.000")
    expect(card).to_contain_text(SUPPLIER)
    expect(card.locator(".meta").last).to_have_text("Tenda")  # its category
    browsing.shot(pp, "pp phone catalog search")
    card.get_by_role("link").first.click()
    expect(pp.locator("h1")).to_have_text(TENT)
    pp.fill("#quantity", "2")
    pp.fill("#start_date", START.isoformat())
    pp.fill("#end_date", END.isoformat())
    pp.get_by_role("button", name="Cek ketersediaan").click()
    availability = pp.locator("#pesan table tbody tr")
    expect(availability).to_have_count(5)
    expect(availability.first).to_contain_text("3 unit")
    browsing.shot(pp, "pp phone listing with availability")
    pp.get_by_role("button", name="Tambah ke keranjang").click()
    expect(flash(pp)).to_contain_text(f"{TENT} ditambahkan ke keranjang")
    expect(pp.locator("main")).to_contain_text(SUPPLIER)
    pp.select_option("#budget_line_id", people["budget_line_id"])
    expect(pp.locator("#budget_line_id")).to_contain_text("sisa pagu Rp50.000.000")
    pp.fill("#delivery_address", f"Alun-alun Kota Batu, Jl. Sudiro\nFestival Apel {TODAY.year}")
    browsing.shot(pp, "pp phone cart and checkout")
    pp.get_by_role("button", name="Buat 1 Surat Pesanan").click()
    expect(flash(pp)).to_contain_text("1 Surat Pesanan dibuat")
    number = ORDER_NUMBER.search(flash(pp).inner_text()).group(0)
    pp.get_by_role("link", name=number).click()
    expect(pp.locator("h1")).to_have_text(f"Surat Pesanan {number}")
    expect(order_status(pp)).to_have_text("Menunggu persetujuan PPK")
    expect(pp.locator("tfoot")).to_contain_text(TOTAL_TEXT)
    expect(pp.locator(".facts dd", has_text=TOTAL_TEXT)).to_be_in_viewport(ratio=1)  # not only in a scrolled table
    expect(pp.locator("main")).to_contain_text("(5 hari)")
    expect(pp.locator("main")).to_contain_text("satu juta dua ratus lima puluh ribu rupiah")
    browsing.shot(pp, "pp phone order waiting for the ppk")
    surat_pesanan = pdf_text(download(pp, "Surat Pesanan (PDF)", ".pdf"))
    assert number in surat_pesanan and SUPPLIER in surat_pesanan
    expect(pp.locator("#dokumen")).not_to_contain_text("BAST")  # only once received

    # -- ppk: finds the order in its worklist and approves it
    ppk = log_in(browsing, people["ppk"])
    expect(ppk.locator("h1")).to_have_text("Menunggu tindakan Anda")
    ppk.get_by_role("link", name=number).click()
    expect(ppk.locator("tfoot")).to_contain_text(TOTAL_TEXT)
    browsing.shot(ppk, "ppk reviews the order")
    ppk.get_by_role("button", name="Setujui pesanan").click()
    expect(flash(ppk)).to_contain_text("Pesanan disetujui")
    expect(order_status(ppk)).to_have_text("Menunggu jawaban penyedia")

    # -- supplier: accepts the order, then marks it shipped / started
    supplier.get_by_role("link", name="Pesanan", exact=True).first.click()
    supplier.get_by_role("link", name=number).click()
    expect(order_status(supplier)).to_have_text("Menunggu jawaban penyedia")
    expect(supplier.locator("main")).to_contain_text("Dijawab penyedia sebelum")
    browsing.shot(supplier, "supplier receives the order")
    supplier.get_by_role("button", name="Terima pesanan").click()
    expect(flash(supplier)).to_contain_text("Pesanan diterima")
    expect(order_status(supplier)).to_have_text("Diproses penyedia")
    supplier.get_by_role("button", name="Tandai dikirim / mulai dikerjakan").click()
    expect(flash(supplier)).to_contain_text("Pesanan ditandai dikirim")
    expect(order_status(supplier)).to_have_text("Dikirim / dikerjakan")
    browsing.shot(supplier, "supplier shipped the order")

    # -- ppk: checks receipt and signs the BAST
    ppk.reload()
    expect(order_status(ppk)).to_have_text("Dikirim / dikerjakan")
    bast_number = f"BAST/DISPAR/{TODAY.year}/0007"
    ppk.fill("#receive-bast_number", bast_number)
    browsing.shot(ppk, "ppk signs the bast")
    ppk.get_by_role("button", name="Tanda tangani BAST").click()
    expect(flash(ppk)).to_contain_text("BAST ditandatangani")
    expect(order_status(ppk)).to_have_text("Diterima (BAST)")
    expect(ppk.locator("main")).to_contain_text(bast_number)
    expect(ppk.locator("main")).to_contain_text("jatuh tempo")
    bast = pdf_text(download(ppk, "Berita Acara Serah Terima (PDF)", ".pdf"))
    assert bast_number in bast and number in bast

    # -- bendahara: records the payment, with the PP 55/2022 final tax withheld
    bendahara = log_in(browsing, people["bendahara"])
    bendahara.get_by_role("link", name=number).click()
    payment = bendahara.locator("form", has_text="Pembayaran (SP2D)")
    expect(payment).to_contain_text(f"Tagihan {TOTAL_TEXT}")
    expect(payment).to_contain_text(PP55_TEXT)
    expect(payment).to_contain_text(NET_TEXT)
    sp2d_number = f"SP2D/{TODAY.year}/DISPAR/00123"
    bendahara.fill("#pay-sp2d_number", sp2d_number)
    browsing.shot(bendahara, "bendahara records the payment")
    bendahara.get_by_role("button", name="Catat pembayaran").click()
    expect(flash(bendahara)).to_contain_text("Pembayaran dicatat")
    expect(order_status(bendahara)).to_have_text("Dibayar")
    expect(bendahara.locator("main")).to_contain_text(sp2d_number)
    expect(bendahara.locator("#pajak")).to_contain_text(NET_TEXT)
    history = bendahara.locator("#langkah li.done")
    expect(history).to_have_count(6)  # created, approved, accepted, shipped, received, paid
    expect(bendahara.locator("#langkah li.next")).to_contain_text("Berikutnya: Beri nilai")
    browsing.shot(bendahara, "order paid with its history")
    invoice = pdf_text(download(bendahara, "Invoice dan kuitansi (PDF)", ".pdf"))
    assert number in invoice and "1.243.750" in invoice and sp2d_number in invoice

    # -- finance: the annual recap on the page, then as XLSX and as PDF
    finance = log_in(browsing, people["finance"])
    finance.get_by_role("link", name="Laporan", exact=True).click()
    finance.get_by_role("link", name="Rekap tahunan", exact=True).click()
    expect(finance.locator("h1")).to_have_text(f"Rekap tahunan {TODAY.year}")
    expect(finance.locator("main")).to_contain_text(SUPPLIER)
    expect(finance.locator("main")).to_contain_text(TOTAL_TEXT)
    browsing.shot(finance, "finance annual recap")
    workbook = download(finance, "Unduh XLSX", ".xlsx")
    assert_recap_workbook(workbook)
    pdf = download(finance, "Unduh PDF", ".pdf")
    assert_recap_pdf(pdf)

    # -- finance: the order itself is in the transaction report, by number
    finance.get_by_role("link", name="Laporan transaksi", exact=True).click()
    expect(finance.locator("main")).to_contain_text(number)
    browsing.shot(finance, "finance transaction report")
    report_pdf = download(finance, "Unduh PDF", ".pdf")
    assert number in pdf_text(report_pdf)


def download(page, link_name: str, suffix: str) -> bytes:
    """Click a download link; the file the browser saved."""
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as info:
        page.get_by_role("link", name=link_name).click()
    saved = info.value
    assert saved.failure() is None, saved.failure()
    assert saved.suggested_filename.endswith(suffix), saved.suggested_filename
    with open(saved.path(), "rb") as handle:
        return handle.read()


def assert_recap_workbook(data: bytes) -> None:
    """The XLSX opens, and the supplier's sheet holds the order's total as a number."""
    import openpyxl

    assert data.startswith(b"PK"), "an XLSX is a zip file"
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    values = {sheet.title: [cell for row in sheet.iter_rows(values_only=True) for cell in row]
              for sheet in workbook.worksheets}
    workbook.close()
    per_supplier = values["Per penyedia"]
    assert SUPPLIER in per_supplier
    assert TOTAL in per_supplier, f"{TOTAL} not among {per_supplier}"
    assert any(TOTAL in cells for title, cells in values.items() if title == "Per bulan")


def pdf_text(data: bytes) -> str:
    """The text of a PDF, which must be one."""
    import pypdf

    assert data.startswith(b"%PDF"), data[:20]
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def assert_recap_pdf(data: bytes) -> None:
    """A real PDF naming the supplier with the order's total."""
    assert data.startswith(b"%PDF"), data[:20]
    text = pdf_text(data)
    assert SUPPLIER in text
    assert "1.250.000" in text
