"""Many listings at once from the XLSX template (PRODUCT.md §3): every row imported, or none.

The file is checked before it is opened (size, a real XLSX archive, what it
unpacks to), then each row is read cell by cell (no formulas, the right
types, a known storefront and category) and handed to the catalog's own
``services.create_listing`` — or ``services.update_listing`` for a row that
names one of the supplier's listings — inside a savepoint, so that a row is
judged exactly as the listing form and the API judge it. Every bad row is
reported with its reasons; if there is one, the caller rolls back and
nothing is saved.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from flask import current_app
from openpyxl import load_workbook

from app.audit.services import record
from app.auth import roles
from app.common.errors import Forbidden, Invalid, ServiceError
from app.common.forms import flatten, whole_number
from app.extensions import db

from . import services
from .models import Etalase, Listing
from .schemas import UNITS, ListingInputSchema

SHEET = "Produk"
MAX_SCANNED_ROWS = 100_000
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"
_MAX_MEMBERS = 500


@dataclass(frozen=True)
class ImportColumn:
    """A column of the template: the listing field it fills, its header, ``text`` or ``int``, its width."""

    field: str
    header: str
    kind: str = "text"
    width: float = 16


COLUMNS = (
    ImportColumn("id", "ID produk (kosongkan untuk produk baru)", "int", 16),
    ImportColumn("etalase", "Etalase", width=22),
    ImportColumn("category", "Kategori", width=28),
    ImportColumn("name", "Nama produk/jasa", width=36),
    ImportColumn("description", "Deskripsi", width=44),
    ImportColumn("unit", "Satuan", width=10),
    ImportColumn("price", "Harga (Rp)", "int", 14),
    ImportColumn("min_order", "Minimal pesan", "int", 10),
    ImportColumn("lead_time_days", "Waktu persiapan (hari)", "int", 12),
    ImportColumn("stock", "Stok (produk unggulan)", "int", 12),
    ImportColumn("capacity_per_day", "Kapasitas per hari (jasa)", "int", 14),
)
_HEADERS = {column.field: column.header for column in COLUMNS}
# the service's field names shown as the template's headers in messages
_FIELD_HEADERS = {**_HEADERS, "category_id": _HEADERS["category"]}
# what must be filled in is what the listing schema requires
_REQUIRED = {("category" if name == "category_id" else name)
             for name, schema_field in ListingInputSchema().fields.items() if schema_field.required}


@dataclass
class ImportTemplate:
    """What the template workbook holds: columns, the supplier's listings, categories and instructions."""

    sheet: str
    columns: tuple[ImportColumn, ...]
    rows: list[list]
    etalase_codes: list[str]
    units: tuple[str, ...]
    categories: list[tuple[str, str, str, str]]
    instructions: list[str]
    blank_rows: int = 500

    def header_of(self, field_name: str) -> str:
        """The header of a field's column."""
        return _HEADERS[field_name]


@dataclass
class ImportResult:
    """The listings an import created and updated."""

    created: list[Listing] = field(default_factory=list)
    updated: list[Listing] = field(default_factory=list)


def _supplier_only(actor) -> None:
    if actor is None or actor.role != roles.SUPPLIER or actor.supplier_id is None:
        raise Forbidden("Hanya penyedia yang dapat mengimpor produk.")


def import_template(actor) -> ImportTemplate:
    """The template for the actor's supplier, filled with its current listings (for updating them)."""
    _supplier_only(actor)
    storefronts = services.storefronts()
    rows = [[listing.id, listing.etalase_code, listing.category.name, listing.name, listing.description,
             listing.unit, listing.price, listing.min_order, listing.lead_time_days, listing.stock,
             listing.capacity_per_day]
            for listing in reversed(services.listings_of_supplier(actor.supplier_id))]
    categories = [(e.code, e.name, c.name, "per satuan per hari" if e.pricing == "per_day" else "per satuan")
                  for e in storefronts for c in e.categories]
    limits = current_app.config
    return ImportTemplate(
        sheet=SHEET, columns=COLUMNS, rows=rows, etalase_codes=[e.code for e in storefronts], units=UNITS,
        categories=categories, instructions=[
            "Petunjuk impor produk E-Lokal",
            "",
            f"1. Isi lembar '{SHEET}', satu baris per produk/jasa. Baris judul (baris 1) jangan diubah.",
            "2. Kosongkan kolom ID untuk produk baru. Baris yang sudah ber-ID adalah produk Anda; "
            "mengubah isinya memperbarui produk itu.",
            "3. Etalase: kode dari lembar 'Kategori' (produk-unggulan, jasa-penyewaan, jasa-penyelenggara). "
            "Kategori: nama kategori di etalase tersebut.",
            "4. Harga dalam rupiah bulat tanpa titik atau 'Rp'. Untuk jasa penyewaan harga per satuan per hari.",
            "5. Produk unggulan: isi Stok. Jasa penyewaan dan penyelenggara: isi Kapasitas per hari.",
            f"6. Satuan: salah satu dari {', '.join(UNITS)}.",
            "7. Isi dengan nilai, bukan rumus. Paling banyak "
            f"{limits['IMPORT_MAX_ROWS']} baris; berkas paling besar {limits['IMPORT_MAX_BYTES'] // 1024} KB.",
            "8. Impor berlaku semua atau tidak sama sekali: jika ada baris yang salah, tidak ada yang disimpan "
            "dan setiap baris yang salah disebutkan beserta alasannya.",
            "9. Produk baru tersimpan sebagai draf; ajukan untuk kurasi dari halaman Produk saya.",
        ],
    )


def import_listings(actor, file_storage) -> ImportResult:
    """Import every row of an uploaded template, or raise ``Invalid`` naming every bad row (nothing saved)."""
    _supplier_only(actor)
    rows = _read_rows(_open(_read(file_storage)))
    storefronts = services.storefronts()
    result = ImportResult()
    errors: dict[str, list[str]] = {}
    seen_ids: set[int] = set()
    for number, cells in rows:
        values, problems = _convert(cells)
        if values.get("id") is not None:
            if values["id"] in seen_ids:
                problems.append(f"{_HEADERS['id']}: ID {values['id']} muncul lebih dari sekali.")
            seen_ids.add(values["id"])
        if problems:
            errors[f"baris {number}"] = problems
            continue
        try:
            with db.session.begin_nested():
                listing, created = _save(actor, values, storefronts)
        except ServiceError as exc:
            errors[f"baris {number}"] = _messages(exc)
        else:
            (result.created if created else result.updated).append(listing)
    if errors:
        raise Invalid(errors, f"{len(errors)} baris bermasalah; tidak ada produk yang disimpan. "
                              "Perbaiki baris tersebut lalu unggah lagi.")
    record(actor, "listing.import", "supplier", actor.supplier_id,
           {"created": len(result.created), "updated": len(result.updated)})
    return result


# ---------------------------------------------------------------- the file

def _file_error(message: str) -> Invalid:
    return Invalid({"file": [message]}, message)


def _read(file_storage) -> bytes:
    if file_storage is None or not getattr(file_storage, "filename", ""):
        raise _file_error("Unggah berkas XLSX hasil template.")
    limit = current_app.config["IMPORT_MAX_BYTES"]
    data = file_storage.read(limit + 1)
    if len(data) > limit:
        raise _file_error(f"Berkas melebihi {limit // 1024} KB; bagi menjadi beberapa berkas.")
    if not data:
        raise _file_error("Berkas kosong.")
    return data


def _open(data: bytes):
    """A read-only workbook, after checking the archive cannot unpack into more than the limit."""
    if data.startswith(_OLE_MAGIC):
        raise _file_error("Format .xls lama tidak didukung; simpan sebagai Excel Workbook (.xlsx).")
    if not data.startswith(_ZIP_MAGIC):
        raise _file_error("Berkas bukan workbook XLSX.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise _file_error("Berkas XLSX rusak atau bukan workbook.") from None
    if any(member.flag_bits & 0x1 for member in members):
        raise _file_error("Workbook terkunci sandi; buka kuncinya lalu unggah lagi.")
    unpacked = sum(member.file_size for member in members)
    if len(members) > _MAX_MEMBERS or unpacked > current_app.config["IMPORT_MAX_UNPACKED_BYTES"]:
        raise _file_error("Isi workbook terlalu besar setelah dibuka; berkas ditolak.")
    if "xl/workbook.xml" not in {member.filename for member in members}:
        raise _file_error("Berkas bukan workbook XLSX.")
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # noqa: BLE001 — whatever a malformed archive raises inside openpyxl, the answer is the same
        raise _file_error("Berkas XLSX rusak atau bukan workbook.") from None


def _read_rows(workbook) -> list[tuple[int, dict]]:
    """The non-empty rows under the header as ``(row number, {field: cell})``."""
    try:
        sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
        rows = sheet.iter_rows()
        header = [str(cell.value).strip() if cell.value is not None else "" for cell in next(rows, ())]
        missing = [c.header for c in COLUMNS if c.header not in header]
        if missing:
            raise _file_error("Kolom tidak sesuai template (tidak ada: " + "; ".join(missing) +
                              "). Unduh template terbaru.")
        positions = {c.field: header.index(c.header) for c in COLUMNS}
        found, limit = [], current_app.config["IMPORT_MAX_ROWS"]
        for number, row in enumerate(rows, 2):
            if number > MAX_SCANNED_ROWS:
                break
            cells = {name: row[index] if index < len(row) else None for name, index in positions.items()}
            if all(_blank(cell) for cell in cells.values()):
                continue
            found.append((number, cells))
            if len(found) > limit:
                raise _file_error(f"Paling banyak {limit} baris produk per berkas.")
    except Invalid:
        raise
    except Exception:  # noqa: BLE001 — a sheet that cannot be parsed is a broken file, never a 500
        raise _file_error("Lembar kerja tidak dapat dibaca; berkas rusak.") from None
    finally:
        workbook.close()
    if not found:
        raise _file_error(f"Tidak ada baris produk di lembar '{SHEET}'.")
    return found


def _blank(cell) -> bool:
    value = getattr(cell, "value", None)
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------- the rows

def _convert(cells: dict) -> tuple[dict, list[str]]:
    """Cell values as the service reads them, and the row's problems (formulas, wrong types)."""
    values, problems = {}, []
    for column in COLUMNS:
        cell = cells[column.field]
        raw = getattr(cell, "value", None)
        if getattr(cell, "data_type", None) == "f" or (isinstance(raw, str) and raw.startswith("=")):
            problems.append(f"{column.header}: berisi rumus; isi dengan nilai, bukan rumus.")
            continue
        value, problem = (_integer if column.kind == "int" else _text)(raw)
        if problem:
            problems.append(f"{column.header}: {problem}")
        elif value is None and column.field in _REQUIRED:
            problems.append(f"{column.header}: wajib diisi.")
        elif value is not None:
            values[column.field] = value
    return values, problems


def _text(raw) -> tuple[str | None, str | None]:
    if raw is None:
        return None, None
    if isinstance(raw, (datetime, date, time, bool)):
        return None, "harus berupa teks."
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    text = str(raw).strip()
    return text or None, None


def _integer(raw) -> tuple[int | None, str | None]:
    if isinstance(raw, bool) or isinstance(raw, (datetime, date, time)):
        return None, "harus berupa angka bulat."
    if isinstance(raw, float):
        return (int(raw), None) if raw.is_integer() else (None, "harus angka bulat, tanpa pecahan.")
    if isinstance(raw, int) or raw is None:
        return raw, None
    value = whole_number(raw)
    if isinstance(value, str):
        return None, f"harus berupa angka bulat, bukan '{value[:40]}'."
    return value, None


def _save(actor, values: dict, storefronts: list[Etalase]) -> tuple[Listing, bool]:
    """Create or update one listing through the catalog services; ``(listing, created)``."""
    listing_id = values.pop("id", None)
    etalase = _storefront(values["etalase"], storefronts)
    values["etalase"] = etalase.code
    values["category_id"] = _category_id(etalase, values.pop("category"))
    if listing_id is None:
        return services.create_listing(actor, values), True
    listing = services.get_own_listing(actor, listing_id)
    if etalase.code != listing.etalase_code:
        raise Invalid({"etalase": ["Etalase produk yang sudah ada tidak dapat diubah."]})
    values.pop("etalase")
    return services.update_listing(actor, listing, values), False


def _storefront(given: str, storefronts: list[Etalase]) -> Etalase:
    """The storefront named by code or by name (any case)."""
    for etalase in storefronts:
        if given.lower() in (etalase.code, etalase.name.lower()):
            return etalase
    raise Invalid({"etalase": [f"Etalase '{given}' tidak dikenal."]})


def _category_id(etalase: Etalase, name: str) -> int:
    for category in etalase.categories:
        if category.name.lower() == name.lower():
            return category.id
    raise Invalid({"category": [f"Kategori '{name}' tidak ada di etalase {etalase.name}."]})


def _messages(exc: ServiceError) -> list[str]:
    """A refusal's messages, each prefixed with the template header of its field."""
    if not exc.details:
        return [exc.message]
    return [f"{_FIELD_HEADERS.get(name, name)}: {message}"
            for name, messages in exc.details.items() for message in flatten(messages)]
