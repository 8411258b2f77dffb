"""Pages of the catalog manager: verification, curation, SKPD, budget lines, users, categories."""
import re

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.common.timeutil import today_wib
from app.etalase.models import Category
from app.extensions import db
from app.procurement.models import BudgetLine, Skpd
from app.suppliers.models import Supplier

from .api_helpers import count
from .factories import MINIMAL_PDF
from .web_helpers import alerts, blueprint_pages, field_errors, registration_form, reload


@pytest.fixture
def admin(auth, make):
    """A logged-in admin."""
    user = make.user("admin")
    auth.login(user)
    return user


def shown_number(page: str, element_id: str) -> str:
    """The text of the element with this id."""
    return re.search(rf'id="{element_id}">([^<]*)<', page).group(1)


# --- dashboard and the supplier queue ----------------------------------------------------------------

def test_dashboard_counts_pending_suppliers_and_listings_awaiting_curation(client, make, admin):
    make.supplier(status="pending", business_name="CV Tenda Junrejo")
    make.supplier(status="pending")
    verified = make.supplier()
    for _ in range(3):
        make.listing(supplier=verified, status="submitted")
    make.listing(supplier=verified, status="active")

    page = client.get("/admin/").get_data(as_text=True)

    assert shown_number(page, "pending-suppliers") == "2"
    assert shown_number(page, "curation-queue") == "3"
    assert "CV Tenda Junrejo" in page


def test_supplier_queue_filters_by_status(client, make, admin):
    make.supplier(status="pending", business_name="UD Menunggu")
    make.supplier(status="verified", business_name="UD Terverifikasi")
    make.supplier(status="suspended", business_name="UD Dibekukan")

    default = client.get("/admin/penyedia").get_data(as_text=True)
    assert "UD Menunggu" in default and "UD Terverifikasi" not in default
    verified = client.get("/admin/penyedia?status=verified").get_data(as_text=True)
    assert "UD Terverifikasi" in verified and "UD Menunggu" not in verified
    everyone = client.get("/admin/penyedia?status=semua").get_data(as_text=True)
    assert all(name in everyone for name in ("UD Menunggu", "UD Terverifikasi", "UD Dibekukan"))


def test_admin_verifies_a_supplier_registered_through_the_web(client, auth, make):
    client.post("/penyedia/daftar", data=registration_form(business_name="UD Bunga Potong Bumiaji", username="bunga"))
    auth.logout()
    auth.login(make.user("admin"))
    supplier = db.session.scalar(select(Supplier))

    assert "UD Bunga Potong Bumiaji" in client.get("/admin/penyedia").get_data(as_text=True)
    detail = client.get(f"/admin/penyedia/{supplier.id}").get_data(as_text=True)
    assert supplier.nib in detail and "nib.pdf" in detail and "npwp.png" in detail
    scan = client.get(f"/admin/penyedia/{supplier.id}/dokumen/{supplier.document('nib').id}")
    assert scan.status_code == 200 and scan.mimetype == "application/pdf" and scan.data == MINIMAL_PDF

    verified = client.post(f"/admin/penyedia/{supplier.id}/verify", follow_redirects=True)
    assert "Penyedia terverifikasi; produknya kini dapat dikurasi." in alerts(verified.get_data(as_text=True))
    assert reload(supplier).status == "verified"
    auth.logout()
    auth.login("bunga")
    assert "Terverifikasi" in client.get("/penyedia/beranda").get_data(as_text=True)


def test_verifying_without_documents_is_refused_and_changes_nothing(client, make, admin):
    supplier = make.supplier(status="pending", with_documents=False)

    response = client.post(f"/admin/penyedia/{supplier.id}/verify")

    assert response.status_code == 409
    assert "Dokumen NIB dan NPWP harus diunggah sebelum verifikasi." in alerts(response.get_data(as_text=True))
    assert reload(supplier).status == "pending"


def test_rejection_needs_a_reason_which_the_supplier_then_reads(client, auth, make, admin):
    supplier = make.supplier(status="pending")
    supplier_user = make.supplier_user(supplier)

    missing = client.post(f"/admin/penyedia/{supplier.id}/reject", data={"reason": ""})
    assert missing.status_code == 422
    assert field_errors(missing.get_data(as_text=True), "reject-reason") == ["Alasan wajib diisi, 3–1000 karakter."]
    assert reload(supplier).status == "pending"

    client.post(f"/admin/penyedia/{supplier.id}/reject", data={"reason": "Nama pada NPWP berbeda dengan pemilik"})
    assert (reload(supplier).status, reload(supplier).status_reason) == ("rejected", "Nama pada NPWP berbeda dengan pemilik")
    auth.logout()
    auth.login(supplier_user)
    assert "Nama pada NPWP berbeda dengan pemilik" in client.get("/penyedia/beranda").get_data(as_text=True)


def test_suspension_hides_the_suppliers_listings_until_reinstated(client, auth, make, admin):
    supplier = make.supplier(business_name="UD Kopi Arjuno")
    make.listing(supplier=supplier, name="Kopi Arabika Arjuno 250 g")

    client.post(f"/admin/penyedia/{supplier.id}/suspend", data={"reason": "Harga tidak wajar berulang"})
    assert reload(supplier).status == "suspended"
    assert "Kopi Arabika" not in client.get("/katalog?q=kopi").get_data(as_text=True)

    detail = client.get(f"/admin/penyedia/{supplier.id}").get_data(as_text=True)
    assert "Pulihkan" in detail and "Verifikasi" not in detail
    client.post(f"/admin/penyedia/{supplier.id}/reinstate")
    assert reload(supplier).status == "verified"
    assert "Kopi Arabika Arjuno 250 g" in client.get("/katalog?q=kopi").get_data(as_text=True)


def test_documents_are_served_only_under_their_own_supplier(client, make, admin):
    one, other = make.supplier(), make.supplier()

    assert client.get(f"/admin/penyedia/{one.id}/dokumen/{other.document('nib').id}").status_code == 404
    assert client.get(f"/admin/penyedia/{one.id}/dokumen/999999").status_code == 404
    # the factory's rows point to no stored file: a missing file is "not found", not a crash
    assert client.get(f"/admin/penyedia/{one.id}/dokumen/{one.document('nib').id}").status_code == 404


# --- curation --------------------------------------------------------------------------------------------

def test_curation_return_needs_a_reason_and_the_supplier_reads_it(client, auth, make, admin):
    supplier = make.supplier()
    supplier_user = make.supplier_user(supplier)
    listing = make.listing(supplier=supplier, status="submitted", name="Paket Rapat Setengah Hari",
                           etalase="jasa-penyelenggara")

    page = client.get(f"/admin/produk/{listing.id}").get_data(as_text=True)
    assert "Setujui dan tayangkan" in page and "Kembalikan ke penyedia" in page
    missing = client.post(f"/admin/produk/{listing.id}/return", data={"reason": " "})
    assert missing.status_code == 422
    assert field_errors(missing.get_data(as_text=True), "return-reason") == ["Alasan wajib diisi (minimal 3 karakter)."]
    assert reload(listing).status == "submitted"

    client.post(f"/admin/produk/{listing.id}/return", data={"reason": "Lengkapi rincian menu dan foto ruangan"})
    assert reload(listing).status == "draft"
    assert "Paket Rapat" not in client.get("/admin/kurasi").get_data(as_text=True)
    auth.logout()
    auth.login(supplier_user)
    assert "Lengkapi rincian menu dan foto ruangan" in client.get("/penyedia/produk").get_data(as_text=True)


def test_a_listing_of_an_unverified_supplier_cannot_be_approved(client, make, admin):
    listing = make.listing(supplier=make.supplier(status="pending"), status="submitted")

    response = client.post(f"/admin/produk/{listing.id}/approve")

    assert response.status_code == 409
    assert "Penyedia belum terverifikasi; produk belum dapat ditayangkan." in alerts(response.get_data(as_text=True))
    assert reload(listing).status == "submitted"


def test_admin_freezes_an_unreasonable_price(client, make, admin):
    listing = make.listing(name="Kursi Lipat Futura", etalase="jasa-penyewaan", price=9_500_000)
    assert "Kursi Lipat Futura" in client.get("/katalog?q=kursi").get_data(as_text=True)

    client.post(f"/admin/produk/{listing.id}/freeze", data={"reason": "Harga sewa jauh di atas pasar"})

    assert (reload(listing).status, reload(listing).status_reason) == ("frozen", "Harga sewa jauh di atas pasar")
    assert "Kursi Lipat Futura" not in client.get("/katalog?q=kursi").get_data(as_text=True)


# --- SKPD, budget lines, users, categories ------------------------------------------------------------

def test_admin_adds_skpd_with_unique_codes(client, admin):
    done = client.post("/admin/skpd", data={"code": "DISPAR", "name": "Dinas Pariwisata"}, follow_redirects=True)
    assert "Dinas Pariwisata" in done.get_data(as_text=True)

    again = client.post("/admin/skpd", data={"code": "DISPAR", "name": "Dinas Pariwisata Lagi"})
    assert again.status_code == 409
    assert field_errors(again.get_data(as_text=True), "code") == ["Kode SKPD sudah dipakai."]
    lower = client.post("/admin/skpd", data={"code": "dispar kota", "name": "Dinas Lain"})
    assert field_errors(lower.get_data(as_text=True), "code") == ["Kode 2–20 huruf kapital, angka atau tanda hubung."]
    assert count(Skpd) == 1


def test_admin_adds_a_budget_line_with_a_typed_ceiling(client, make, admin):
    skpd = make.skpd(code="DISKOMINFO")
    year = today_wib().year
    form = {"skpd_id": skpd.id, "year": str(year), "code": "5.1.02.01.01.0052", "name": "Belanja Makan Minum Rapat",
            "ceiling": "250.000.000"}

    done = client.post("/admin/anggaran", data=form)
    assert done.status_code == 302 and f"tahun={year}" in done.headers["Location"]
    page = client.get(f"/admin/anggaran?tahun={year}").get_data(as_text=True)
    assert "5.1.02.01.01.0052" in page and "Rp250.000.000" in page and "DISKOMINFO" in page
    assert "5.1.02.01.01.0052" not in client.get(f"/admin/anggaran?tahun={year + 1}").get_data(as_text=True)

    bad = client.post("/admin/anggaran", data={**form, "code": "5.1.2"})
    assert bad.status_code == 422
    assert field_errors(bad.get_data(as_text=True), "code") == ["Format kode rekening seperti 5.1.02.01.01.0024."]
    assert count(BudgetLine) == 1


def test_admin_adds_users_tied_to_their_skpd(client, auth, make, admin):
    skpd = make.skpd(code="DISPAR")
    user = {"username": "pp.dispar", "password": "rahasia123", "full_name": "Rina Pejabat Pengadaan", "role": "pp",
            "skpd_id": "", "supplier_id": "", "nip": "", "email": ""}

    unscoped = client.post("/admin/pengguna", data=user)
    assert unscoped.status_code == 422
    assert field_errors(unscoped.get_data(as_text=True), "skpd_id") == ["Peran ini wajib terhubung ke SKPD."]

    done = client.post("/admin/pengguna", data={**user, "skpd_id": skpd.id}, follow_redirects=True)
    assert "Pengguna pp.dispar (Pejabat Pengadaan) ditambahkan." in alerts(done.get_data(as_text=True))
    created = db.session.scalar(select(User).where(User.username == "pp.dispar"))
    assert (created.role, created.skpd_id, created.nip, created.email) == ("pp", skpd.id, None, None)

    duplicate = client.post("/admin/pengguna", data={**user, "skpd_id": skpd.id})
    assert field_errors(duplicate.get_data(as_text=True), "username") == ["Nama pengguna sudah dipakai."]
    pp_only = client.get("/admin/pengguna?peran=pp").get_data(as_text=True)
    assert "pp.dispar" in pp_only and admin.username not in pp_only

    auth.logout()
    assert auth.login("pp.dispar").status_code == 302


def test_admin_adds_a_category_under_a_storefront(client, admin):
    form = {"etalase": "jasa-penyewaan", "name": "Alat Panggung"}

    client.post("/admin/kategori", data=form)
    assert db.session.scalar(select(Category.etalase_code).where(Category.name == "Alat Panggung")) == "jasa-penyewaan"
    assert "Alat Panggung" in client.get("/katalog/jasa-penyewaan").get_data(as_text=True)

    again = client.post("/admin/kategori", data=form)
    assert again.status_code == 409
    assert field_errors(again.get_data(as_text=True), "name") == ["Kategori sudah ada di etalase ini."]


# --- access ----------------------------------------------------------------------------------------------

def test_only_admins_reach_the_admin_pages(app, client, auth, make):
    pages = blueprint_pages(app, "admin")
    for method, url in pages:
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/masuk" in response.headers["Location"], (method, url)

    auth.login(make.supplier_user())
    for method, url in pages:
        assert client.open(url, method=method).status_code == 403, (method, url)
