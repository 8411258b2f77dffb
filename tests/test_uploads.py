"""Uploads through the API: documents and photos are checked by content and size, stored outside
the web root, and a refused file leaves nothing behind."""
from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest

from app.etalase.models import ListingPhoto
from app.suppliers.models import SupplierDocument
from app.audit.models import AuditEntry

from .api_helpers import assert_error, count
from .factories import MINIMAL_PDF, jpeg_bytes, png_bytes

FIVE_MB = 5 * 1024 * 1024


def stored_files(app) -> set[Path]:
    root = Path(app.config["UPLOAD_DIR"])
    return {p for p in root.rglob("*") if p.is_file()}


def pdf_of_size(size: int) -> bytes:
    """A well-formed PDF padded with a comment to exactly ``size`` bytes."""
    head, tail = MINIMAL_PDF.split(b"trailer")
    padding = size - len(MINIMAL_PDF) - 2
    return head + b"%" + b"x" * padding + b"\n" + b"trailer" + tail


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


# a PNG that claims 30000 × 30000 pixels: opening it for real would exhaust memory
PNG_BOMB = (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 30000, 30000, 1, 0, 0, 0, 0))
            + png_chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + png_chunk(b"IEND", b""))

PDF_WITH_JS = MINIMAL_PDF.replace(b"/Type/Catalog", b"/Type/Catalog/OpenAction<</S/JavaScript/JS(app.alert(1))>>")
PDF_WITH_ESCAPED_JS = MINIMAL_PDF.replace(b"/Type/Catalog", b"/Type/Catalog/Names<</J#61vaScript 4 0 R>>")
PDF_WITH_LAUNCH = MINIMAL_PDF.replace(b"/Type/Catalog", b"/Type/Catalog/AA<</O<</S/Launch/F(cmd.exe)>>>>")
_OBJSTM = zlib.compress(b"4 0 << /S /JavaScript /JS (app.alert(1)) >>")
PDF_WITH_JS_IN_OBJECT_STREAM = MINIMAL_PDF.replace(
    b"trailer", b"5 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length %d>>stream\n" % len(_OBJSTM)
    + _OBJSTM + b"\nendstream endobj\ntrailer")
# an image stream whose compressed bytes happen to spell "/JS " is not a script
_SCAN = b"\x78\x9c\x01/JS \x00/JavaScript)\xff\xfe" * 50
PDF_WITH_BINARY_IMAGE = MINIMAL_PDF.replace(
    b"trailer", b"6 0 obj<</Type/XObject/Subtype/Image/Width 8/Height 8/Length %d>>stream\n" % len(_SCAN)
    + _SCAN + b"\nendstream endobj\ntrailer")

BAD_DOCUMENTS = {
    "exe_named_pdf": (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200, "nib.pdf"),
    "elf_named_pdf": (b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "nib.pdf"),
    "text_file": (b"Ini bukan dokumen, hanya teks biasa.\n", "nib.pdf"),
    "html_named_png": (b"<html><script>alert(1)</script></html>", "nib.png"),
    "empty": (b"", "nib.pdf"),
    "pdf_without_eof": (MINIMAL_PDF.replace(b"%%EOF", b""), "nib.pdf"),
    "pdf_with_javascript": (PDF_WITH_JS, "nib.pdf"),
    "pdf_with_escaped_javascript": (PDF_WITH_ESCAPED_JS, "nib.pdf"),
    "pdf_with_launch_action": (PDF_WITH_LAUNCH, "nib.pdf"),
    "pdf_with_javascript_in_object_stream": (PDF_WITH_JS_IN_OBJECT_STREAM, "nib.pdf"),
    "truncated_png": (png_bytes()[:40], "nib.png"),
    "png_bomb": (PNG_BOMB, "nib.png"),
    "gif": (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
            b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;", "nib.gif"),
    "too_big_pdf": (pdf_of_size(FIVE_MB + 1), "nib.pdf"),
}


@pytest.fixture
def owner(make, api_auth):
    """A pending supplier without documents, and its user's headers."""
    supplier = make.supplier(status="pending", with_documents=False)
    user = make.user("supplier", supplier=supplier)
    return supplier, api_auth.headers(user)


def upload_document(client, supplier, headers, data, filename, kind="nib"):
    return client.post(f"/api/v1/suppliers/{supplier.id}/documents", headers=headers,
                       content_type="multipart/form-data",
                       data={"kind": kind, "file": (io.BytesIO(data), filename)})


@pytest.mark.parametrize("name,data,content_type", [
    ("nib.pdf", MINIMAL_PDF, "application/pdf"),
    ("scan.png", png_bytes((40, 30)), "image/png"),
    ("scan.jpg", jpeg_bytes((40, 30)), "image/jpeg"),
    ("dokumen-tanpa-ekstensi", MINIMAL_PDF, "application/pdf"),
    ("foto.pdf", png_bytes(), "image/png"),  # named wrongly, judged by content
    ("scan-5mb.pdf", pdf_of_size(FIVE_MB), "application/pdf"),
    ("scan-gambar.pdf", PDF_WITH_BINARY_IMAGE, "application/pdf"),
])
def test_real_documents_are_accepted_and_stored_outside_the_web_root(client, app, owner, name, data,
                                                                     content_type):
    supplier, headers = owner
    before = stored_files(app)
    response = upload_document(client, supplier, headers, data, name, kind="npwp")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["kind"] == "npwp" and body["content_type"] == content_type and body["size"] == len(data)
    new = stored_files(app) - before
    assert len(new) == 1
    path = new.pop()
    assert path.read_bytes() == data
    assert name not in path.name  # stored under a random name
    static = Path(app.static_folder).resolve()
    assert static not in path.resolve().parents
    document = SupplierDocument.query.one()
    assert document.original_name == name and document.content_type == content_type


def test_a_path_in_the_file_name_is_not_followed(client, app, owner):
    supplier, headers = owner
    before = stored_files(app)
    response = upload_document(client, supplier, headers, MINIMAL_PDF, "../../../../etc/passwd.pdf")
    assert response.status_code == 201
    (path,) = stored_files(app) - before
    assert Path(app.config["UPLOAD_DIR"]).resolve() in path.resolve().parents
    assert SupplierDocument.query.one().original_name == "passwd.pdf"


@pytest.mark.parametrize("case", sorted(BAD_DOCUMENTS))
def test_bad_documents_are_refused_with_422_and_nothing_is_stored(client, app, owner, case):
    supplier, headers = owner
    data, filename = BAD_DOCUMENTS[case]
    before_files, before_audit = stored_files(app), count(AuditEntry)
    assert_error(upload_document(client, supplier, headers, data, filename), 422, "invalid", fields=("file",))
    assert stored_files(app) == before_files
    assert count(SupplierDocument) == 0
    assert count(AuditEntry) == before_audit


@pytest.mark.parametrize("kind", ["ktp", "", "NIB"])
def test_unknown_document_kind_is_refused(client, app, owner, kind):
    supplier, headers = owner
    before = stored_files(app)
    assert_error(upload_document(client, supplier, headers, MINIMAL_PDF, "x.pdf", kind=kind), 422,
                 fields=("kind",))
    assert stored_files(app) == before and count(SupplierDocument) == 0


def test_missing_file_is_refused(client, owner):
    supplier, headers = owner
    response = client.post(f"/api/v1/suppliers/{supplier.id}/documents", headers=headers,
                           content_type="multipart/form-data", data={"kind": "nib"})
    assert_error(response, 422, fields=("file",))
    response = client.post(f"/api/v1/suppliers/{supplier.id}/documents", headers=headers,
                           json={"kind": "nib", "file": MINIMAL_PDF.decode()})
    assert response.status_code in (400, 415, 422)
    assert_error(response, response.status_code)
    assert count(SupplierDocument) == 0


def test_a_request_beyond_the_request_limit_is_413_in_the_error_format(client, app, owner):
    supplier, headers = owner
    huge = b"%PDF-1.4\n" + b"0" * (app.config["MAX_CONTENT_LENGTH"] + 10)
    before = stored_files(app)
    assert_error(upload_document(client, supplier, headers, huge, "besar.pdf"), 413)
    assert stored_files(app) == before and count(SupplierDocument) == 0


# --- listing photos ----------------------------------------------------------------------------

@pytest.fixture
def listing_owner(make, api_auth):
    supplier = make.supplier()
    listing = make.listing(supplier, status="draft")
    return listing, api_auth.headers(make.user("supplier", supplier=supplier))


def upload_photo(client, listing, headers, data, filename):
    return client.post(f"/api/v1/listings/{listing.id}/photos", headers=headers,
                       content_type="multipart/form-data", data={"photo": (io.BytesIO(data), filename)})


@pytest.mark.parametrize("data,content_type", [(png_bytes((64, 48)), "image/png"),
                                               (jpeg_bytes((64, 48)), "image/jpeg")])
def test_photos_accept_png_and_jpeg(client, app, listing_owner, data, content_type):
    listing, headers = listing_owner
    before = stored_files(app)
    response = upload_photo(client, listing, headers, data, "foto.png")
    assert response.status_code == 201, response.get_json()
    photo = ListingPhoto.query.one()
    assert photo.content_type == content_type
    assert response.get_json()["photos"] == [f"/katalog/foto/{photo.id}"]
    (path,) = stored_files(app) - before
    assert path.read_bytes() == data


@pytest.mark.parametrize("data,filename", [
    (b"MZ\x90\x00" + b"\x00" * 100, "foto.png"),
    (b"bukan gambar", "foto.jpg"),
    (MINIMAL_PDF, "foto.png"),          # a document is not a photo
    (png_bytes()[:30], "foto.png"),
    (PNG_BOMB, "foto.png"),
])
def test_photos_refuse_what_is_not_an_image(client, app, listing_owner, data, filename):
    listing, headers = listing_owner
    before = stored_files(app)
    assert_error(upload_photo(client, listing, headers, data, filename), 422, "invalid", fields=("photo",))
    assert stored_files(app) == before and count(ListingPhoto) == 0


def test_photo_larger_than_the_limit_is_refused(client, app, listing_owner):
    listing, headers = listing_owner
    data = png_bytes() + b"\x00" * (app.config["MAX_PHOTO_BYTES"])
    assert_error(upload_photo(client, listing, headers, data, "besar.png"), 422, fields=("photo",))
    assert count(ListingPhoto) == 0


def test_photo_of_another_suppliers_listing_is_404(client, make, api_auth):
    listing = make.listing(status="active")
    stranger = api_auth.headers(make.supplier_user())
    assert_error(upload_photo(client, listing, stranger, png_bytes(), "foto.png"), 404)
    assert count(ListingPhoto) == 0


def test_at_most_eight_photos(client, listing_owner):
    listing, headers = listing_owner
    for n in range(8):
        assert upload_photo(client, listing, headers, png_bytes(color=(n, n, n)), f"{n}.png").status_code == 201
    assert_error(upload_photo(client, listing, headers, png_bytes(), "9.png"), 409)
    assert count(ListingPhoto) == 8


def test_the_upload_folder_is_not_served(client, app, owner):
    supplier, headers = owner
    assert upload_document(client, supplier, headers, MINIMAL_PDF, "nib.pdf").status_code == 201
    key = SupplierDocument.query.one().storage_key
    for prefix in ("/static/", "/uploads/", "/instance/uploads/", "/"):
        assert client.get(prefix + key).status_code == 404
    assert os.path.isabs(app.config["UPLOAD_DIR"])
