"""Importing listings from the XLSX template: all rows or none, every bad row reported, broken files refused."""
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from app.common.timeutil import today_wib
from app.etalase.imports import COLUMNS
from app.etalase.models import Listing, PriceChange
from app.extensions import db

from .api_helpers import assert_error, count
from .factories import MINIMAL_PDF

HEADERS = [c.header for c in COLUMNS]
GOODS = ["", "produk-unggulan", "Olahan Apel", "Sari Apel 1 L", "Sari apel murni", "botol", 35_000, 6, 1, 200, ""]
RENTAL = ["", "jasa-penyewaan", "Tenda & Dekorasi", "Kursi Futura", "", "unit", 7_500, 20, 2, "", 300]
SERVICE = ["", "Jasa Penyelenggara", "Katering", "Nasi Kotak Rapat", "Menu lokal", "pax", 30_000, 25, 1, "", 500]


@pytest.fixture
def seller(make, api_auth):
    """A verified supplier with one listing, logged in through the API."""
    supplier = make.supplier(business_name="UD Apel Manis")
    user = make.user("supplier", supplier=supplier)
    listing = make.listing(supplier, price=25_000, stock=50, name="Keripik Apel Original 100 g")
    return {"supplier": supplier, "user": user, "listing": listing, "h": api_auth.headers(user)}


def categories_named(names):
    """Make sure the categories the rows name exist (the default set may call them differently)."""
    from app.etalase.models import Category

    for etalase, name in names:
        if db.session.scalar(select(Category).where(Category.etalase_code == etalase, Category.name == name)) is None:
            db.session.add(Category(etalase_code=etalase, name=name))
    db.session.commit()


@pytest.fixture(autouse=True)
def _categories(app):
    categories_named([("produk-unggulan", "Olahan Apel"), ("jasa-penyewaan", "Tenda & Dekorasi"),
                      ("jasa-penyelenggara", "Katering")])


def xlsx(rows, headers=HEADERS, formulas=()) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Produk"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    for coordinate, formula in formulas:
        sheet[coordinate] = formula
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, seller, data: bytes, name="produk.xlsx"):
    return client.post("/api/v1/listings/import", data={"file": (io.BytesIO(data), name)},
                       headers=seller["h"], content_type="multipart/form-data")


def test_template_holds_the_columns_the_supplier_listings_and_categories(client, seller, make, api_auth):
    response = client.get("/api/v1/listings/import-template.xlsx", headers=seller["h"])
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Produk", "Kategori", "Petunjuk"]
    sheet = book["Produk"]
    assert [c.value for c in sheet[1]] == HEADERS and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[2]][:4] == [seller["listing"].id, "produk-unggulan",
                                               seller["listing"].category.name, "Keripik Apel Original 100 g"]
    assert sheet.data_validations.dataValidation  # drop-downs for storefront, category and unit
    kinds = {row[0] for row in book["Kategori"].iter_rows(min_row=2, values_only=True)}
    assert kinds == {"produk-unggulan", "jasa-penyewaan", "jasa-penyelenggara"}
    other = api_auth.headers(make.user("finance"))
    assert_error(client.get("/api/v1/listings/import-template.xlsx", headers=other), 403)


def test_a_good_workbook_imports_every_row_and_updates_by_id(client, seller):
    changed = [seller["listing"].id, "produk-unggulan", seller["listing"].category.name,
               "Keripik Apel Pedas 100 g", "Lebih pedas", "pcs", 27_500, 1, 0, 80, None]
    before = count(Listing)
    response = upload(client, seller, xlsx([GOODS, RENTAL, SERVICE, changed]))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["created"], body["updated"]) == (3, 1)
    assert count(Listing) == before + 3
    juice = db.session.scalar(select(Listing).where(Listing.name == "Sari Apel 1 L"))
    assert (juice.price, juice.stock, juice.min_order, juice.status, juice.unit) == (35_000, 200, 6, "draft", "botol")
    chairs = db.session.scalar(select(Listing).where(Listing.name == "Kursi Futura"))
    assert (chairs.etalase_code, chairs.capacity_per_day, chairs.stock, chairs.pricing) == (
        "jasa-penyewaan", 300, None, "per_day")
    meals = db.session.scalar(select(Listing).where(Listing.name == "Nasi Kotak Rapat"))
    assert meals.etalase_code == "jasa-penyelenggara"  # named by its storefront name
    updated = db.session.get(Listing, seller["listing"].id)
    assert (updated.name, updated.price, updated.stock) == ("Keripik Apel Pedas 100 g", 27_500, 80)
    history = db.session.scalars(select(PriceChange).where(PriceChange.listing_id == updated.id)
                                 .order_by(PriceChange.id)).all()
    assert [(h.old_price, h.new_price) for h in history][-1] == (25_000, 27_500)


def test_every_bad_row_is_reported_and_nothing_is_saved(client, seller, make):
    others = make.listing(name="Milik penyedia lain")
    rows = [
        GOODS,                                                                           # row 2: good
        ["", "produk-unggulan", "Olahan Apel", "Dodol Apel", "", "pcs", None, 1, 0, 10, ""],   # 3: formula
        ["", "produk-unggulan", "Olahan Apel", "Jenang", "", "pcs", "dua puluh ribu", 1, 0, 10, ""],  # 4
        ["", "produk-unggulan", "Perhiasan Emas", "Cincin", "", "pcs", 10_000, 1, 0, 10, ""],  # 5: category
        ["", "produk-unggulan", "Olahan Apel", "Cuka Apel", "", "botol", -5_000, 1, 0, 10, ""],  # 6: negative
        ["", "warung-kopi", "Olahan Apel", "Kopi", "", "pcs", 10_000, 1, 0, 10, ""],        # 7: storefront
        ["", "produk-unggulan", "Olahan Apel", "", "", "pcs", 10_000, 1, 0, 10, ""],        # 8: no name
        ["", "produk-unggulan", "Olahan Apel", "Bibit Apel", "", "pcs", 10_000, 1, 0, "", ""],  # 9: no stock
        ["", "jasa-penyewaan", "Tenda & Dekorasi", "Sound", "", "unit", 12.5, 1, 0, "", 2],  # 10: fraction
        [others.id, "produk-unggulan", "Olahan Apel", "Curian", "", "pcs", 10_000, 1, 0, 1, ""],  # 11: not mine
        ["", "produk-unggulan", "Olahan Apel", "Tanggal", "", "pcs", today_wib(), 1, 0, 1, ""],  # 12: date
        ["", "produk-unggulan", "Olahan Apel", "Satuan aneh", "", "ton", 10_000, 1, 0, 1, ""],  # 13: unit
        RENTAL,                                                                          # 14: good
    ]
    before = count(Listing)
    response = upload(client, seller, xlsx(rows, formulas=[("G3", "=5*5000")]))
    error = assert_error(response, 422, "invalid")
    details = error["details"]
    assert set(details) == {f"baris {n}" for n in range(3, 14)}, details
    assert "rumus" in " ".join(details["baris 3"])
    assert "Harga (Rp)" in details["baris 4"][0] and "angka" in details["baris 4"][0]
    assert "Perhiasan Emas" in details["baris 5"][0]
    assert details["baris 6"][0].startswith("Harga (Rp)")
    assert "warung-kopi" in details["baris 7"][0]
    assert details["baris 8"] == ["Nama produk/jasa: wajib diisi."]
    assert "Stok" in " ".join(details["baris 9"])
    assert "pecahan" in details["baris 10"][0]
    assert "tidak ditemukan" in details["baris 11"][0].lower()
    assert "angka" in details["baris 12"][0]
    assert details["baris 13"][0].startswith("Satuan")
    assert "tidak ada produk yang disimpan" in error["message"]
    assert count(Listing) == before
    assert db.session.get(Listing, others.id).name == "Milik penyedia lain"


@pytest.mark.parametrize("data, name, words", [
    (b"nama,harga\nkeripik,25000\n", "produk.xlsx", "bukan workbook"),
    (MINIMAL_PDF, "produk.xlsx", "bukan workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "produk.xls", ".xls"),
    (b"PK\x03\x04 rusak", "produk.xlsx", "rusak"),
    (b"", "produk.xlsx", "kosong"),
])
def test_files_that_are_not_workbooks_are_refused(client, seller, data, name, words):
    error = assert_error(upload(client, seller, data, name), 422, fields=("file",))
    assert words in error["details"]["file"][0]


def test_a_zip_that_is_not_a_workbook_or_would_unpack_too_far_is_refused(client, seller, app):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w/>")
    error = assert_error(upload(client, seller, buffer.getvalue()), 422, fields=("file",))
    assert "bukan workbook" in error["details"]["file"][0]

    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        source = zipfile.ZipFile(io.BytesIO(xlsx([GOODS])))
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</worksheet>", b"<!--" + b" " * (60 * 1024 * 1024) + b"--></worksheet>")
            archive.writestr(member.filename, data)
    assert len(bomb.getvalue()) < app.config["IMPORT_MAX_BYTES"]
    error = assert_error(upload(client, seller, bomb.getvalue()), 422, fields=("file",))
    assert "terlalu besar" in error["details"]["file"][0]


def test_size_and_row_limits(client, seller, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 2)
    error = assert_error(upload(client, seller, xlsx([GOODS, RENTAL, SERVICE])), 422, fields=("file",))
    assert "Paling banyak 2 baris" in error["details"]["file"][0]
    monkeypatch.setitem(app.config, "IMPORT_MAX_BYTES", 1024)
    error = assert_error(upload(client, seller, xlsx([GOODS])), 422, fields=("file",))
    assert "melebihi 1 KB" in error["details"]["file"][0]
    monkeypatch.undo()
    error = assert_error(upload(client, seller, xlsx([], headers=HEADERS[:-1])), 422, fields=("file",))
    assert "Kolom tidak sesuai template" in error["details"]["file"][0]
    error = assert_error(upload(client, seller, xlsx([])), 422, fields=("file",))
    assert "Tidak ada baris" in error["details"]["file"][0]


def test_only_suppliers_import(client, make, api_auth, seller):
    finance = api_auth.headers(make.user("finance"))
    response = client.post("/api/v1/listings/import", data={"file": (io.BytesIO(xlsx([GOODS])), "p.xlsx")},
                           headers=finance, content_type="multipart/form-data")
    assert_error(response, 403)
    assert_error(client.post("/api/v1/listings/import"), 401)
    assert_error(client.post("/api/v1/listings/import", headers=seller["h"]), 422, fields=("file",))


def test_import_pages_for_the_supplier(client, seller, auth):
    auth.login(seller["user"])
    page = client.get("/penyedia/impor-produk/")
    assert page.status_code == 200 and "Unduh template XLSX" in page.get_data(as_text=True)
    template = client.get("/penyedia/impor-produk/template.xlsx")
    assert load_workbook(io.BytesIO(template.data)).sheetnames[0] == "Produk"
    before = count(Listing)
    bad_row = ["", "produk-unggulan", "Olahan Apel", "Cuka Apel", "", "botol", -1, 1, 0, 10, ""]
    refused = client.post("/penyedia/impor-produk/", data={"file": (io.BytesIO(xlsx([GOODS, bad_row])), "p.xlsx")},
                          content_type="multipart/form-data")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "Baris 3" in html and "tidak ada produk yang disimpan" in html
    assert count(Listing) == before
    done = client.post("/penyedia/impor-produk/", data={"file": (io.BytesIO(xlsx([GOODS, RENTAL])), "p.xlsx")},
                       content_type="multipart/form-data", follow_redirects=True)
    assert done.status_code == 200 and "2 produk baru" in done.get_data(as_text=True)
    assert count(Listing) == before + 2
