"""Load the demo region (``flask demo seed``): SKPD, budget lines, suppliers, listings, logins, orders.

The region's data lives in ``app/demo/data/*.json``. It is built in memory first by
``build_region()`` — deterministic, from fixed seeds, independent of what the database
holds — and then only what is missing is inserted, recognised by natural keys (SKPD
code; supplier NIB; username; listing by supplier and name; budget line by SKPD, year
and code); every listing without a photo gets a drawn picture. These rows are
inserted directly (no audit entries). A year of orders is then made through the order
services by ``app.demo.orders`` unless the demo buyers already have orders (those steps
are audited as the services audit them). A second run therefore adds nothing. The
caller commits.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import func, select

from app.auth import roles
from app.auth.models import User
from app.common import timeutil, uploads
from app.common.money import number_id
from app.etalase.models import Category, Etalase, Listing, ListingPhoto, PriceChange
from app.extensions import db
from app.procurement.models import BudgetLine, Order, Skpd
from app.suppliers.models import LEGAL_FORMS, Supplier, SupplierDocument

from . import pictures, region
from .catalog import CATALOG, Item, Variant
from .orders import seed_orders, tidy

SEED = "elokal-demo-kota-batu-v1"
SUPPLIERS_FROM = datetime(2024, 2, 1, 8, 0)
LISTINGS_UNTIL = datetime(2026, 10, 31, 17, 0)
PENDING_FROM = datetime(2026, 11, 16, 9, 0)
REJECTED_FROM = datetime(2026, 8, 3, 9, 0)

ADDED = {"skpd": "SKPD", "budget_lines": "rekening belanja", "suppliers": "penyedia",
         "documents": "dokumen penyedia", "listings": "produk/jasa", "photos": "foto produk", "users": "pengguna",
         "orders": "pesanan"}  # what a run adds, as it says so
CATEGORY_ETALASE = {category: code for code, categories in CATALOG.items() for category in categories}


def _rng(*parts) -> random.Random:
    """A random source of its own for each part of the region, so parts do not shift each other."""
    return random.Random(":".join((SEED, *map(str, parts))))


# --- Specifications (what the region should contain) ------------------------------


@dataclass(frozen=True)
class BudgetSpec:
    """One budget line of an SKPD for a fiscal year."""

    year: int
    code: str
    name: str
    ceiling: int


@dataclass(frozen=True)
class SkpdSpec:
    """An SKPD and its budget lines."""

    code: str
    name: str
    lines: tuple[BudgetSpec, ...]


@dataclass(frozen=True)
class ListingSpec:
    """One listing of a supplier."""

    etalase: str
    category: str
    name: str
    description: str
    unit: str
    price: int
    min_order: int
    lead_time_days: int
    stock: int | None
    capacity_per_day: int | None
    status: str
    created_at: datetime


@dataclass(frozen=True)
class SupplierSpec:
    """A supplier with every field of the registration, its documents and listings."""

    key: str
    values: dict
    listings: tuple[ListingSpec, ...]


@dataclass(frozen=True)
class UserSpec:
    """A demo login."""

    username: str
    role: str
    full_name: str
    nip: str | None
    email: str | None
    skpd_code: str | None
    supplier_key: str | None


@dataclass(frozen=True)
class Region:
    """Everything the demo region holds."""

    skpds: tuple[SkpdSpec, ...]
    suppliers: tuple[SupplierSpec, ...]
    users: tuple[UserSpec, ...]


def _round_price(value: int) -> int:
    """Round a drawn price the way shops price things: to 500, 1.000, 5.000 … rupiah."""
    for limit, step in ((20_000, 500), (100_000, 1_000), (1_000_000, 5_000), (10_000_000, 50_000)):
        if value < limit:
            return max(step, round(value / step) * step)
    return round(value / 250_000) * 250_000


def _draw(rng: random.Random, bounds: tuple[int, int]) -> int:
    low, high = bounds
    return rng.randint(low, high)


def _budget_lines(code: str, accounts: tuple[str, ...], year: int) -> tuple[BudgetSpec, ...]:
    rng = _rng("skpd", code)
    own = [a for a in accounts if a != "mamin_rapat"]
    chosen = ["mamin_rapat", *rng.sample(own, rng.randint(1, min(3, len(own))))]
    lines = []
    for key in sorted(chosen, key=lambda k: region.ACCOUNTS[k][0]):
        account, name, low, high = region.ACCOUNTS[key]
        if code.startswith("KEC-"):
            high = min(high, 300_000_000)
        previous_year, this_year = fiscal_years(year)
        ceiling_now = round(rng.randint(low, high) / 50_000) * 50_000
        ceiling_before = round(ceiling_now * rng.randint(80, 112) / 100 / 50_000) * 50_000
        ceiling_before = min(max(ceiling_before, 50_000_000), 2_000_000_000)
        lines.append(BudgetSpec(previous_year, account, name, ceiling_before))
        lines.append(BudgetSpec(this_year, account, name, ceiling_now))
    return tuple(lines)


def _person(rng: random.Random) -> tuple[str, int]:
    """A Javanese-style full name and gender (1 male, 2 female)."""
    if rng.random() < 0.5:
        return f"{rng.choice(region.MALE_NAMES)} {rng.choice(region.MALE_SECOND_NAMES)}", 1
    return f"{rng.choice(region.FEMALE_NAMES)} {rng.choice(region.FEMALE_SECOND_NAMES)}", 2


def _digits(rng: random.Random, count: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(count))


def _nik(rng: random.Random, kecamatan: str, gender: int) -> str:
    """A 16-digit NIK of a resident of Kota Batu (35.79.xx), birth date encoded as on a KTP."""
    day = rng.randint(1, 28) + (40 if gender == 2 else 0)
    return f"3579{region.KECAMATAN_CODE[kecamatan]}{day:02d}{rng.randint(1, 12):02d}" \
           f"{rng.randint(60, 99):02d}{rng.randint(1, 2999):04d}"


def _npwp(rng: random.Random, legal_form: str, kecamatan: str, gender: int) -> str:
    """15 digits registered at KPP Pratama Batu (628), the 16-digit form, or an owner's NIK."""
    if legal_form in ("perorangan", "ud") and rng.random() < 0.4:
        return _nik(rng, kecamatan, gender)
    old = f"{rng.choice(('01', '02', '31', '41', '66', '71', '81', '82', '86', '93'))}{_digits(rng, 7)}628000"
    return old if rng.random() < 0.7 else f"0{old}"


def _bank_account(rng: random.Random, bank: str) -> str:
    if bank == "BRI":
        return f"{rng.randint(1, 9999):04d}01{_digits(rng, 9)}"
    if bank == "Bank Mandiri":
        return f"144{_digits(rng, 10)}"
    if bank == "Bank Jatim":
        return f"00{rng.randint(11, 99)}{_digits(rng, 6)}"
    return f"{rng.randint(1, 9)}{_digits(rng, 9)}"


def _description(item: Item, row: region.SupplierRow, etalase: str, category: str, unit: str) -> str:
    text = item.description.format(kel=row.kelurahan, kec=row.kecamatan)
    if etalase == "produk-unggulan":
        return f"{text} Produk {row.name}, {row.kelurahan}, Kecamatan {row.kecamatan}, Kota Batu."
    if category == "Kendaraan":
        return f"{text} Harga per unit per hari (pemakaian hingga 12 jam); parkir dan tol ditanggung pemesan."
    if category == "Gedung dan Tempat":
        return f"{text} Harga sewa per hari, pukul 07.00-17.00 WIB, termasuk kebersihan dan listrik."
    if etalase == "jasa-penyewaan":
        return (f"{text} Harga per {unit} per hari, sudah termasuk antar, pasang dan bongkar "
                "di wilayah Kota Batu.")
    return f"{text} Melayani instansi di seluruh wilayah Kota Batu; jadwal dikonfirmasi setelah pesanan."


def _listing(rng: random.Random, row: region.SupplierRow, category: str, item: Item, variant: Variant,
             status: str, start: datetime, end: datetime) -> ListingSpec:
    etalase = CATEGORY_ETALASE[category]
    amount = tidy(_draw(rng, variant.amount or item.amount), ((500, 50), (50, 5)))
    min_order = _draw(rng, variant.min_order or item.min_order)
    if min_order > 10:
        min_order = round(min_order / 5) * 5
    span = max(int((end - start).total_seconds()), 3600)
    created = start + timedelta(seconds=rng.randint(0, span))
    goods = etalase == "produk-unggulan"
    return ListingSpec(
        etalase=etalase,
        category=category,
        name=f"{item.name} {variant.label}",
        description=_description(item, row, etalase, category, variant.unit),
        unit=variant.unit,
        price=_round_price(rng.randint(variant.low, variant.high)),
        min_order=min_order,
        lead_time_days=_draw(rng, item.lead),
        stock=max(amount, min_order) if goods else None,
        capacity_per_day=None if goods else max(amount, 1),
        status=status,
        created_at=created.replace(microsecond=0),
    )


def _listings(rng: random.Random, row: region.SupplierRow, index: int, start: datetime,
              end: datetime) -> tuple[ListingSpec, ...]:
    """The supplier's listings: its plan of active ones, plus an occasional draft or submission."""
    result: list[ListingSpec] = []
    names: set[str] = set()
    for position, (category, count) in enumerate(row.plan):
        items = CATALOG[CATEGORY_ETALASE[category]][category]
        pool = [(item, variant) for item in items for variant in item.variants]
        extra = 1 if row.status == "verified" and position == 0 and index % 6 == 2 else 0
        picks = rng.sample(pool, min(count + extra, len(pool)))
        for number, (item, variant) in enumerate(picks):
            if row.status != "verified":
                status = "draft"
            elif number >= count:
                status = "draft" if index % 12 == 2 else "submitted"
            else:
                status = "active"
            spec = _listing(rng, row, category, item, variant, status, start, end)
            if spec.name not in names:
                names.add(spec.name)
                result.append(spec)
    return tuple(result)


def _supplier(row: region.SupplierRow, index: int, taken_nibs: set[str]) -> SupplierSpec:
    rng = _rng("supplier", row.key)
    owner, gender = _person(rng)
    if row.key in region.OWNER_NAMES:  # "Bu Yuli", "Mbak Rini": the owner is named in the business
        owner, gender = region.OWNER_NAMES[row.key], 2
    nib = f"{rng.choice(('91203', '81202', '12200', '02201', '91201'))}{_digits(rng, 8)}"
    while nib in taken_nibs:
        nib = f"{nib[:5]}{_digits(rng, 8)}"
    taken_nibs.add(nib)
    street = rng.choice(region.STREETS[row.kecamatan][row.kelurahan])
    is_pkp = row.legal_form == "pt" or row.scale == "menengah" or (row.scale == "kecil" and rng.random() < 0.35)
    has_pp55 = (not is_pkp and rng.random() < 0.8) or (is_pkp and row.scale == "kecil" and rng.random() < 0.3)
    bank = rng.choices(region.BANKS, weights=(35, 30, 12, 13, 10))[0]
    company = row.legal_form in ("pt", "cv", "koperasi")
    if row.status == "verified":
        created = SUPPLIERS_FROM + timedelta(days=rng.randint(0, 640), minutes=rng.randint(0, 540))
        verified = created + timedelta(days=rng.randint(1, 6), minutes=rng.randint(0, 480))
        start = verified
    elif row.status == "pending":
        created = PENDING_FROM + timedelta(days=index % 5, minutes=rng.randint(0, 480))
        verified, start = None, created
    else:
        created = REJECTED_FROM + timedelta(days=rng.randint(0, 70), minutes=rng.randint(0, 480))
        verified, start = None, created
    end = LISTINGS_UNTIL if row.status == "verified" else created + timedelta(days=2)
    values = {
        "business_name": row.name,
        "legal_form": row.legal_form,
        "nib": nib,
        "npwp": _npwp(rng, row.legal_form, row.kecamatan, gender),
        "owner_name": owner,
        "address": f"{street} No. {rng.randint(1, 150)}, RT {rng.randint(1, 9):02d}/RW {rng.randint(1, 12):02d}",
        "kelurahan": row.kelurahan,
        "kecamatan": row.kecamatan,
        "phone": f"08{rng.choice(('12', '13', '21', '22', '52', '53', '57', '78', '95'))}{_digits(rng, 8)}",
        "email": f"{row.key.replace('-', '')}@umkm.elokal.test",
        "kbli": list(row.kbli),
        "scale": row.scale,
        "is_pkp": is_pkp,
        "has_pp55": has_pp55,
        "bank_name": bank,
        "bank_account": _bank_account(rng, bank),
        "bank_account_holder": row.name if company else owner,
        "status": row.status,
        "status_reason": row.reason,
        "rating_count": 0,
        "created_at": created.replace(microsecond=0),
        "verified_at": verified.replace(microsecond=0) if verified else None,
    }
    return SupplierSpec(row.key, values, _listings(rng, row, index, start, end))


def _users(suppliers: dict[str, SupplierSpec]) -> tuple[UserSpec, ...]:
    users = []
    for number, (username, role, skpd, full_name, born, tmt, gender) in enumerate(region.CIVIL_SERVANTS, 1):
        nip = f"{born}{tmt}{gender}{number:03d}"
        users.append(UserSpec(username, role, full_name, nip, f"{username}@pemkot.elokal.test",
                              skpd if role in roles.SKPD_ROLES else None, None))
    for username, key in region.SUPPLIER_LOGINS:
        values = suppliers[key].values
        users.append(UserSpec(username, roles.SUPPLIER, values["owner_name"], None, values["email"], None, key))
    return tuple(users)


def fiscal_years(year: int) -> tuple[int, int]:
    """The fiscal years the demo region has a DPA for in ``year``: last year's and this year's."""
    return year - 1, year


@lru_cache(maxsize=2)
def build_region(year: int) -> Region:
    """The whole demo region of fiscal ``year`` as plain specifications; the same on every call and machine."""
    skpds = tuple(SkpdSpec(code, name, _budget_lines(code, accounts, year)) for code, name, accounts in region.SKPD)
    taken: set[str] = set()
    suppliers = tuple(_supplier(row, index, taken) for index, row in enumerate(region.SUPPLIERS))
    return Region(skpds, suppliers, _users({s.key: s for s in suppliers}))


# --- Documents ----------------------------------------------------------------------


def _pdf(title: str, lines: list[str]) -> bytes:
    """A small, valid one-page PDF (Helvetica text, correct cross-reference table)."""

    def text(value: str) -> str:
        return value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 15 Tf", "56 780 Td", f"({text(title)}) Tj", "/F1 10 Tf"]
    for line in lines:
        ops += ["0 -20 Td", f"({text(line)}) Tj"]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _npwp_display(npwp: str) -> str:
    if len(npwp) == 15:
        return f"{npwp[:2]}.{npwp[2:5]}.{npwp[5:8]}.{npwp[8]}-{npwp[9:12]}.{npwp[12:]}"
    return npwp


def _document_pdf(kind: str, values: dict) -> bytes:
    place = f"{values['address']}, {values['kelurahan']}, Kec. {values['kecamatan']}, Kota Batu"
    company = values["legal_form"] in ("pt", "cv", "koperasi")
    if kind == "nib":
        return _pdf("NOMOR INDUK BERUSAHA (NIB)", [
            f"NIB: {values['nib']}",
            f"Nama pelaku usaha: {values['business_name']}",
            f"Bentuk usaha: {LEGAL_FORMS[values['legal_form']]}",
            f"Alamat: {place}",
            f"KBLI: {', '.join(values['kbli'])}",
            f"Skala usaha: {values['scale'].capitalize()}",
            "Diterbitkan melalui sistem OSS Berbasis Risiko.",
            "",
            "CONTOH UNTUK DATA DEMO E-LOKAL - BUKAN DOKUMEN RESMI",
        ])
    return _pdf("NOMOR POKOK WAJIB PAJAK (NPWP)", [
        f"NPWP: {_npwp_display(values['npwp'])}",
        f"Nama wajib pajak: {values['business_name'] if company else values['owner_name']}",
        f"Alamat: {place}",
        "KPP Pratama Batu",
        f"Status PKP: {'Pengusaha Kena Pajak' if values['is_pkp'] else 'Bukan PKP'}",
        "",
        "CONTOH UNTUK DATA DEMO E-LOKAL - BUKAN DOKUMEN RESMI",
    ])


# --- Loading ------------------------------------------------------------------------


@dataclass
class Login:
    """One demo login as printed."""

    username: str
    role: str
    scope: str
    password: str


@dataclass
class SeedSummary:
    """What a run added and what the database now holds, plus the demo logins."""

    added: dict[str, int]
    totals: dict[str, object]
    logins: list[Login] = field(default_factory=list)

    @property
    def added_anything(self) -> bool:
        """Whether this run inserted any row."""
        return any(self.added.values())

    def describe(self) -> str:
        """Counts and the table of demo logins, as ``flask demo seed`` prints them."""
        n = number_id
        t = self.totals
        if self.added_anything:
            added = ", ".join(f"{n(v)} {ADDED[k]}" for k, v in self.added.items() if v)
            head = f"Data demo dimuat: ditambahkan {added}."
        else:
            head = "Data demo sudah lengkap; tidak ada yang ditambahkan."
        suppliers = t["suppliers_by_status"]
        status_text = ", ".join(
            f"{n(suppliers.get(s, 0))} {label}"
            for s, label in (("verified", "terverifikasi"), ("pending", "menunggu verifikasi"),
                             ("rejected", "ditolak"), ("suspended", "dibekukan"))
            if suppliers.get(s)
        )
        active = t["active_by_etalase"]
        listings = t["listings_by_status"]
        lines = [
            head,
            "",
            f"{region.REGION_NAME} — isi basis data:",
            f"  SKPD                 {n(t['skpd'])}",
            f"  Rekening belanja     {n(t['budget_lines'])} (tahun {', '.join(map(str, t['years']))})",
            f"  Penyedia             {n(sum(suppliers.values()))} ({status_text}); "
            f"kecamatan {', '.join(t['kecamatan'])}",
            f"  Dokumen penyedia     {n(t['documents'])}",
            f"  Produk tayang        {n(listings.get('active', 0))}: "
            + ", ".join(f"{name} {n(count)}" for name, count in active),
            f"  Produk belum tayang  {n(sum(v for k, v in listings.items() if k != 'active'))} "
            f"(draf {n(listings.get('draft', 0))}, menunggu kurasi {n(listings.get('submitted', 0))})",
            f"  Foto produk          {n(t['photos'])}",
            f"  Pengguna             {n(t['users'])}",
            f"  Pesanan              {n(t['orders'])}",
            "",
            "Akun demo (kata sandi berlaku selama belum diganti):",
        ]
        header = ("Nama pengguna", "Peran", "SKPD / Penyedia", "Kata sandi")
        rows = [header] + [(x.username, x.role, x.scope, x.password) for x in self.logins]
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        for number, row in enumerate(rows):
            lines.append("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
            if number == 0:
                lines.append("  " + "  ".join("-" * w for w in widths))
        return "\n".join(lines)


def _categories() -> dict[str, int]:
    found = {name: id_ for id_, code, name in db.session.execute(
        select(Category.id, Category.etalase_code, Category.name)) if CATEGORY_ETALASE.get(name) == code}
    missing = sorted(set(CATEGORY_ETALASE) - set(found))
    if missing:
        raise RuntimeError(
            "Kategori etalase belum ada: " + ", ".join(missing) + ". Jalankan 'flask db upgrade' terlebih dahulu."
        )
    return found


def seed_demo() -> SeedSummary:
    """Insert whatever of the demo region is missing into the current session; the caller commits.

    Idempotent and deterministic: the region is always the same, and rows already present
    (by natural key) are left as they are. The app's clock is held at the moment of the run
    (to the second) throughout, and the orders of the past year move it to each of their steps.
    """
    with timeutil.at(timeutil.now().replace(microsecond=0)):
        return _seed(timeutil.today_wib().year)


def _seed(year: int) -> SeedSummary:
    session = db.session
    spec = build_region(year)
    added = dict.fromkeys(ADDED, 0)
    categories = _categories()

    # 1. SKPD and suppliers, so that everything else can refer to their ids.
    skpds = {s.code: s for s in session.scalars(select(Skpd).where(Skpd.code.in_([s.code for s in spec.skpds])))}
    for item in spec.skpds:
        if item.code not in skpds:
            skpds[item.code] = Skpd(code=item.code, name=item.name)
            session.add(skpds[item.code])
            added["skpd"] += 1
    nibs = [s.values["nib"] for s in spec.suppliers]
    suppliers_by_nib = {s.nib: s for s in session.scalars(select(Supplier).where(Supplier.nib.in_(nibs)))}
    suppliers: dict[str, Supplier] = {}
    for item in spec.suppliers:
        supplier = suppliers_by_nib.get(item.values["nib"])
        if supplier is None:
            supplier = Supplier(**item.values)
            session.add(supplier)
            added["suppliers"] += 1
        suppliers[item.key] = supplier
    session.flush()

    # 2. What already exists below them.
    skpd_ids = [s.id for s in skpds.values()]
    supplier_ids = [s.id for s in suppliers.values()]
    budget_keys = set(session.execute(
        select(BudgetLine.skpd_id, BudgetLine.year, BudgetLine.code).where(BudgetLine.skpd_id.in_(skpd_ids))).all())
    document_keys = set(session.execute(
        select(SupplierDocument.supplier_id, SupplierDocument.kind)
        .where(SupplierDocument.supplier_id.in_(supplier_ids))).all())
    listing_keys = set(session.execute(
        select(Listing.supplier_id, Listing.name).where(Listing.supplier_id.in_(supplier_ids))).all())
    usernames = set(session.scalars(
        select(User.username).where(User.username.in_([u.username for u in spec.users]))))

    # 3. Budget lines, documents, listings with their opening price, users.
    new_rows: list = []
    for item in spec.skpds:
        skpd = skpds[item.code]
        for line in item.lines:
            if (skpd.id, line.year, line.code) not in budget_keys:
                new_rows.append(BudgetLine(skpd_id=skpd.id, year=line.year, code=line.code, name=line.name,
                                           ceiling=line.ceiling, committed=0, realized=0))
                added["budget_lines"] += 1
    for item in spec.suppliers:
        supplier = suppliers[item.key]
        for kind in ("nib", "npwp"):
            if (supplier.id, kind) in document_keys:
                continue
            checked = uploads.CheckedFile(_document_pdf(kind, item.values), uploads.PDF,
                                          f"{kind}-{item.values['nib']}.pdf")
            new_rows.append(SupplierDocument(
                supplier_id=supplier.id, kind=kind, original_name=checked.original_name,
                content_type=checked.content_type, size=len(checked.data), sha256=checked.sha256,
                storage_key=uploads.store(checked, f"suppliers/{supplier.id}"),
                uploaded_at=item.values["created_at"] + timedelta(minutes=5 if kind == "nib" else 7),
            ))
            added["documents"] += 1
        for listing_spec in item.listings:
            if (supplier.id, listing_spec.name) in listing_keys:
                continue
            listing = Listing(
                supplier_id=supplier.id, etalase_code=listing_spec.etalase,
                category_id=categories[listing_spec.category], name=listing_spec.name,
                description=listing_spec.description, unit=listing_spec.unit, price=listing_spec.price,
                min_order=listing_spec.min_order, lead_time_days=listing_spec.lead_time_days,
                stock=listing_spec.stock, capacity_per_day=listing_spec.capacity_per_day,
                status=listing_spec.status, created_at=listing_spec.created_at,
                updated_at=listing_spec.created_at,
            )
            PriceChange(listing=listing, old_price=None, new_price=listing_spec.price,
                        changed_at=listing_spec.created_at)
            new_rows.append(listing)
            added["listings"] += 1
    demo_hash = None
    for user_spec in spec.users:
        if user_spec.username in usernames:
            continue
        user = User(
            username=user_spec.username, full_name=user_spec.full_name, role=user_spec.role, nip=user_spec.nip,
            email=user_spec.email, active=True,
            skpd_id=skpds[user_spec.skpd_code].id if user_spec.skpd_code else None,
            supplier_id=suppliers[user_spec.supplier_key].id if user_spec.supplier_key else None,
        )
        # Every demo login shares one published password: hash it once (a salted hash costs
        # a third of a second) and give the same hash to the others.
        if demo_hash is None:
            user.set_password(region.DEMO_PASSWORD)
            demo_hash = user.password_hash
        user.password_hash = demo_hash
        new_rows.append(user)
        added["users"] += 1
    session.add_all(new_rows)
    session.flush()

    # 4. A picture for every listing, 5. a year of orders of the SKPD with demo logins.
    added["photos"] = _pictures(supplier_ids)
    added["orders"] = seed_orders(skpds, suppliers)

    return SeedSummary(added=added, totals=_totals(), logins=_logins(spec, skpds, suppliers))


def _pictures(supplier_ids: list[int]) -> int:
    """A drawn picture (``app.demo.pictures``) for each listing of the demo suppliers that has no photo."""
    missing = db.session.execute(
        select(Listing.id, Listing.name, Category.name).join(Category, Category.id == Listing.category_id)
        .where(Listing.supplier_id.in_(supplier_ids), ~Listing.photos.any()).order_by(Listing.id)).all()
    for listing_id, name, category in missing:
        checked = uploads.CheckedFile(pictures.picture(category, name), uploads.JPEG, f"produk-{listing_id}.jpg")
        db.session.add(ListingPhoto(listing_id=listing_id, content_type=checked.content_type,
                                    storage_key=uploads.store(checked, f"listings/{listing_id}")))
    return len(missing)


def _totals() -> dict[str, object]:
    session = db.session
    count = lambda model: session.scalar(select(func.count()).select_from(model))  # noqa: E731
    active = session.execute(
        select(Etalase.name, func.count(Listing.id))
        .join(Listing, Listing.etalase_code == Etalase.code)
        .where(Listing.status == "active")
        .group_by(Etalase.name, Etalase.position)
        .order_by(Etalase.position)
    ).all()
    return {
        "skpd": count(Skpd),
        "budget_lines": count(BudgetLine),
        "years": list(session.scalars(select(BudgetLine.year).distinct().order_by(BudgetLine.year))),
        "suppliers_by_status": dict(session.execute(
            select(Supplier.status, func.count()).group_by(Supplier.status)).all()),
        "kecamatan": list(session.scalars(
            select(Supplier.kecamatan).where(Supplier.status == "verified").distinct().order_by(Supplier.kecamatan))),
        "documents": count(SupplierDocument),
        "photos": count(ListingPhoto),
        "listings_by_status": dict(session.execute(
            select(Listing.status, func.count()).group_by(Listing.status)).all()),
        "active_by_etalase": [(name, total) for name, total in active],
        "users": count(User),
        "orders": count(Order),
    }


def _logins(spec: Region, skpds: dict[str, Skpd], suppliers: dict[str, Supplier]) -> list[Login]:
    result = []
    for user in spec.users:
        if user.skpd_code:
            scope = f"{user.skpd_code} - {skpds[user.skpd_code].name}"
        elif user.role == roles.ADMIN:
            scope = "BPBJ - pengelola katalog"
        elif user.role == roles.FINANCE:
            scope = "BPKAD - semua SKPD"
        else:
            supplier = suppliers[user.supplier_key]
            scope = supplier.business_name
            if supplier.status != "verified":
                scope += " (menunggu verifikasi)" if supplier.status == "pending" else f" ({supplier.status})"
        result.append(Login(user.username, user.role, _short(scope),
                            region.DEMO_PASSWORD))
    return result


def _short(text: str, limit: int = 60) -> str:
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
