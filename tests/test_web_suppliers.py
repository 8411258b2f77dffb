"""Pages of suppliers: registration, workspace, documents, profile and listings."""
import io

from sqlalchemy import select

from app.auth.models import User
from app.etalase.models import Listing
from app.extensions import db
from app.suppliers.models import Supplier

from .api_helpers import count
from .factories import MINIMAL_PDF, jpeg_bytes, png_bytes
from .web_helpers import alerts, blueprint_pages, field_errors, profile_form, registration_form, reload

BAD_FILE = "Isi berkas bukan PDF, JPG, PNG yang sah."


def exe_as_pdf():
    """A Windows executable under a PDF name."""
    return io.BytesIO(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 256), "nib.pdf"


def listing_form(category, **overrides) -> dict:
    """A valid goods listing as the form posts it."""
    data = {"category_id": category.id, "name": "Sari Apel Batu 250 ml", "description": "Sari apel manalagi tanpa pengawet.",
            "unit": "botol", "price": "1.250.000", "min_order": "10", "lead_time_days": "2", "stock": "500"}
    data.update(overrides)
    return data


# --- registration ---------------------------------------------------------------------------------

def test_registration_with_a_twelve_digit_nib_shows_the_rule_next_to_the_field(client):
    response = client.post("/penyedia/daftar", data=registration_form(nib="912000000000", business_name="UD Apel Sisir"))

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_errors(page, "nib") == ["NIB harus 13 digit angka."]
    assert 'value="UD Apel Sisir"' in page
    assert count(Supplier) == 0 and count(User) == 0


def test_an_executable_renamed_to_pdf_is_refused(client):
    response = client.post("/penyedia/daftar", data=registration_form(nib_document=exe_as_pdf()))

    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "nib_document") == [BAD_FILE]
    assert count(Supplier) == 0


def test_registration_creates_a_pending_supplier_with_both_documents(client):
    response = client.post("/penyedia/daftar", data=registration_form(business_name="UD Keripik Bumiaji"),
                           follow_redirects=True)

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "UD Keripik Bumiaji" in page and "Menunggu verifikasi" in page
    supplier = db.session.scalar(select(Supplier))
    assert supplier.status == "pending"
    assert sorted((d.kind, d.content_type) for d in supplier.documents) == [
        ("nib", "application/pdf"), ("npwp", "image/png")]
    own_scan = client.get(f"/penyedia/dokumen/{supplier.document('nib').id}")
    assert own_scan.status_code == 200 and own_scan.data == MINIMAL_PDF
    assert "no-store" in own_scan.headers["Cache-Control"]


# --- workspace: documents and profile -------------------------------------------------------------

def test_supplier_replaces_a_document_and_a_bad_file_is_refused(client, auth, make):
    user = make.supplier_user(status="pending")
    auth.login(user)

    refused = client.post("/penyedia/dokumen", data={"kind": "npwp", "file": exe_as_pdf()})
    assert refused.status_code == 422
    assert field_errors(refused.get_data(as_text=True), "file") == [BAD_FILE]

    done = client.post("/penyedia/dokumen", data={"kind": "npwp", "file": (io.BytesIO(jpeg_bytes()), "npwp-baru.jpg")},
                       follow_redirects=True)
    assert "Dokumen NPWP tersimpan." in alerts(done.get_data(as_text=True))
    assert "npwp-baru.jpg" in done.get_data(as_text=True)
    assert reload(user.supplier).document("npwp").content_type == "image/jpeg"


def test_supplier_cannot_open_another_suppliers_document(client, auth, make):
    other = make.supplier()
    auth.login(make.supplier_user())

    assert client.get(f"/penyedia/dokumen/{other.document('nib').id}").status_code == 404


def test_rejected_supplier_sees_the_reason_and_resubmits_through_the_profile(client, auth, make):
    supplier = make.supplier(status="rejected", status_reason="Pindaian NPWP tidak terbaca")
    auth.login(make.supplier_user(supplier))

    dashboard = client.get("/penyedia/beranda").get_data(as_text=True)
    assert "Ditolak" in dashboard and "Pindaian NPWP tidak terbaca" in dashboard
    form_page = client.get("/penyedia/profil").get_data(as_text=True)
    assert f'value="{supplier.nib}"' in form_page and 'value="10794"' in form_page

    bad = client.post("/penyedia/profil", data=profile_form(nib=supplier.nib, phone="12345"))
    assert bad.status_code == 422
    assert field_errors(bad.get_data(as_text=True), "phone") == ["Nomor telepon seperti 081234567890."]
    assert reload(supplier).status == "rejected"

    done = client.post("/penyedia/profil", data=profile_form(nib=supplier.nib, business_name="UD Apel Manis Sejati"),
                       follow_redirects=True)
    assert "Profil diperbarui dan diajukan kembali untuk verifikasi." in alerts(done.get_data(as_text=True))
    supplier = reload(supplier)
    assert (supplier.status, supplier.status_reason, supplier.business_name) == ("pending", None, "UD Apel Manis Sejati")


# --- listings ---------------------------------------------------------------------------------------

def test_supplier_creates_reprices_and_submits_a_listing_which_admin_approves_into_the_catalog(client, auth, make):
    user = make.supplier_user()
    admin = make.user("admin")
    auth.login(user)

    created = client.post("/penyedia/produk/baru/produk-unggulan", data=listing_form(make.category("produk-unggulan")))
    assert created.status_code == 302
    listing = db.session.scalar(select(Listing))
    assert (listing.status, listing.price, listing.stock, listing.supplier_id) == ("draft", 1_250_000, 500, user.supplier_id)
    own_list = client.get("/penyedia/produk").get_data(as_text=True)
    assert "Sari Apel Batu 250 ml" in own_list and "Rp1.250.000" in own_list and "Draf" in own_list

    client.post(f"/penyedia/produk/{listing.id}", data=listing_form(listing.category, price="1200000"))
    listing = reload(listing)
    assert [c.new_price for c in listing.price_history] == [1_250_000, 1_200_000]
    edit_page = client.get(f"/penyedia/produk/{listing.id}").get_data(as_text=True)
    assert "Rp1.250.000" in edit_page and "Rp1.200.000" in edit_page

    submitted = client.post(f"/penyedia/produk/{listing.id}/submit", follow_redirects=True)
    assert "Produk diajukan; admin BPBJ akan mengkurasinya." in alerts(submitted.get_data(as_text=True))
    assert reload(listing).status == "submitted"
    assert "Sari Apel Batu" not in client.get("/katalog?q=sari+apel").get_data(as_text=True)

    auth.logout()
    auth.login(admin)
    assert "Sari Apel Batu 250 ml" in client.get("/admin/kurasi").get_data(as_text=True)
    assert client.post(f"/admin/produk/{listing.id}/approve").status_code == 302
    auth.logout()

    catalog = client.get("/katalog?q=sari+apel").get_data(as_text=True)
    assert "Sari Apel Batu 250 ml" in catalog and "Rp1.200.000" in catalog


def test_listing_form_shows_the_services_messages_next_to_the_fields(client, auth, make):
    auth.login(make.supplier_user())
    category = make.category("produk-unggulan")

    zero = client.post("/penyedia/produk/baru/produk-unggulan", data=listing_form(category, price="0"))
    assert zero.status_code == 422
    assert field_errors(zero.get_data(as_text=True), "price") == ["Harga harus bilangan bulat rupiah lebih dari 0."]

    no_stock = client.post("/penyedia/produk/baru/produk-unggulan", data=listing_form(category, stock=""))
    assert no_stock.status_code == 422
    assert field_errors(no_stock.get_data(as_text=True), "stock") == ["Stok wajib diisi untuk produk."]

    other_storefront = make.category("jasa-penyewaan")
    wrong = client.post("/penyedia/produk/baru/produk-unggulan", data=listing_form(other_storefront))
    assert field_errors(wrong.get_data(as_text=True), "category_id") == ["Kategori tidak ada di etalase ini."]
    assert count(Listing) == 0


def test_the_storefront_decides_whether_stock_or_capacity_per_day_is_asked(client, auth, make):
    auth.login(make.supplier_user())

    goods = client.get("/penyedia/produk/baru/produk-unggulan").get_data(as_text=True)
    assert 'name="stock"' in goods and 'name="capacity_per_day"' not in goods
    rental = client.get("/penyedia/produk/baru/jasa-penyewaan").get_data(as_text=True)
    assert 'name="capacity_per_day"' in rental and 'name="stock"' not in rental
    assert "Harga per satuan per hari" in rental
    assert make.category("jasa-penyewaan").name in rental and make.category("produk-unggulan").name not in rental

    client.post("/penyedia/produk/baru/jasa-penyewaan", data={
        "category_id": make.category("jasa-penyewaan").id, "name": "Tenda Dome 5x5 m", "unit": "unit",
        "price": "750000", "min_order": "1", "lead_time_days": "1", "capacity_per_day": "4"})
    listing = db.session.scalar(select(Listing))
    assert (listing.etalase_code, listing.capacity_per_day, listing.stock) == ("jasa-penyewaan", 4, None)
    assert client.get("/penyedia/produk/baru/toko-gelap").status_code == 404


def test_photo_upload_takes_images_and_refuses_other_files(client, auth, make):
    user = make.supplier_user()
    listing = make.listing(supplier=user.supplier, status="draft")
    auth.login(user)

    refused = client.post(f"/penyedia/produk/{listing.id}/foto", data={"photo": (io.BytesIO(MINIMAL_PDF), "foto.png")})
    assert refused.status_code == 422
    assert field_errors(refused.get_data(as_text=True), "photo") == ["Isi berkas bukan JPG, PNG yang sah."]

    client.post(f"/penyedia/produk/{listing.id}/foto", data={"photo": (io.BytesIO(png_bytes()), "foto.png")})
    photos = reload(listing).photos
    assert len(photos) == 1
    page = client.get(f"/penyedia/produk/{listing.id}").get_data(as_text=True)
    assert f"/katalog/foto/{photos[0].id}" in page
    assert client.get(f"/katalog/foto/{photos[0].id}").status_code == 200


def test_supplier_takes_an_active_listing_off_the_catalog(client, auth, make):
    user = make.supplier_user()
    listing = make.listing(supplier=user.supplier, name="Batik Tulis Motif Apel")
    auth.login(user)
    assert "Batik Tulis Motif Apel" in client.get("/katalog?q=batik").get_data(as_text=True)

    page = client.get(f"/penyedia/produk/{listing.id}").get_data(as_text=True)
    assert "Turunkan dari katalog" in page and "Ajukan untuk kurasi" not in page
    client.post(f"/penyedia/produk/{listing.id}/deactivate")

    assert reload(listing).status == "inactive"
    assert "Batik Tulis Motif Apel" not in client.get("/katalog?q=batik").get_data(as_text=True)
    refused = client.post(f"/penyedia/produk/{listing.id}/deactivate")
    assert refused.status_code == 409
    assert any("tidak diizinkan" in message for message in alerts(refused.get_data(as_text=True)))


def test_another_supplier_cannot_see_or_change_someone_elses_listing(client, auth, make):
    owner = make.supplier()
    draft = make.listing(supplier=owner, status="draft")
    active = make.listing(supplier=owner, status="active", price=30_000)
    auth.login(make.supplier_user())

    for listing in (draft, active):
        assert client.get(f"/penyedia/produk/{listing.id}").status_code == 404
        edit = client.post(f"/penyedia/produk/{listing.id}", data=listing_form(listing.category, price="1"))
        assert edit.status_code == 404
        assert client.post(f"/penyedia/produk/{listing.id}/submit").status_code == 404
        photo = client.post(f"/penyedia/produk/{listing.id}/foto", data={"photo": (io.BytesIO(png_bytes()), "x.png")})
        assert photo.status_code == 404
    assert client.post(f"/penyedia/produk/{active.id}/deactivate").status_code == 404
    assert (reload(draft).status, reload(active).status, reload(active).price) == ("draft", "active", 30_000)
    assert not reload(active).photos


# --- access -------------------------------------------------------------------------------------------

def test_a_buyer_is_refused_on_every_supplier_and_admin_page(app, client, auth, make):
    auth.login(make.user("pp", skpd=make.skpd()))
    pages = blueprint_pages(app, "suppliers", skip=("suppliers.register",)) + blueprint_pages(app, "admin")
    assert len(pages) > 20

    for method, url in pages:
        response = client.open(url, method=method)
        assert response.status_code in (403, 404), (method, url, response.status_code)


def test_a_visitor_is_sent_to_log_in(app, client):
    for method, url in blueprint_pages(app, "suppliers", skip=("suppliers.register",)):
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/masuk" in response.headers["Location"], (method, url)
