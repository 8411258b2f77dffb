"""The demo region of ``flask demo seed``: contents, pictures, logins, idempotence, determinism, CLI, production."""
from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

from PIL import Image
from sqlalchemy import delete, func, select
from werkzeug.datastructures import FileStorage

from app import create_app
from app.auth import roles
from app.auth.models import User
from app.common import uploads
from app.demo import region
from app.demo.seed import build_region, fiscal_years, seed_demo
from app.etalase.models import Category, Listing, ListingPhoto, PriceChange
from app.extensions import db
from app.procurement.models import BudgetLine, OrderLine, Skpd
from app.suppliers.models import Supplier, SupplierDocument

from .demo_world import SEED_YEAR, seeded_region

TABLES = (Skpd, BudgetLine, Supplier, SupplierDocument, Listing, ListingPhoto, PriceChange, User)
YEAR = SEED_YEAR
# Kode rekening as PRODUCT.md §4 writes it: 5.1.02.01.01.0024.
ACCOUNT_CODE = re.compile(r"^\d(\.\d{1,2}){4}\.\d{4}$")
STOREFRONTS = ("produk-unggulan", "jasa-penyewaan", "jasa-penyelenggara")


def _seed():
    summary = seed_demo()
    db.session.commit()
    return summary


def _counts() -> dict[str, int]:
    return {m.__tablename__: db.session.scalar(select(func.count()).select_from(m)) for m in TABLES}


def _stored_files(app) -> set[Path]:
    return {p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()}


def test_seed_loads_a_kota_batu_like_region(app):
    summary = seeded_region().summary
    assert summary.added_anything

    skpds = db.session.scalars(select(Skpd)).all()
    assert len(skpds) >= 30
    for code in ("DISPAR", "DISKOMINFO", "BAPPEDA", "BPBJ", "BPKAD", "KEC-BUMIAJI", "RSUD-KH", "SATPOL-PP"):
        assert code in {s.code for s in skpds}
    for skpd in skpds:
        for year in fiscal_years(YEAR):
            lines = [b for b in skpd.budget_lines if b.year == year]
            assert 2 <= len(lines) <= 4, (skpd.code, year)
            for line in lines:
                assert ACCOUNT_CODE.match(line.code), line.code
                assert line.name.startswith("Belanja")
                assert isinstance(line.ceiling, int) and 50_000_000 <= line.ceiling <= 2_000_000_000
                if skpd.code not in ("DISPAR", "DISKOMINFO"):  # the demo buyers' orders: tests/test_demo_orders.py
                    assert line.committed == 0 and line.realized == 0

    verified = db.session.scalars(select(Supplier).where(Supplier.status == "verified")).all()
    assert 60 <= len(verified) <= 80
    assert {s.kecamatan for s in verified} == {"Batu", "Bumiaji", "Junrejo"}
    everyone = db.session.scalars(select(Supplier)).all()
    assert len({s.nib for s in everyone}) == len(everyone)
    assert {s.status for s in everyone} == {"verified", "pending", "rejected"}
    assert all(s.status_reason for s in everyone if s.status == "rejected")
    assert {s.scale for s in verified} == {"mikro", "kecil", "menengah"}
    assert any(s.is_pkp for s in verified) and any(not s.is_pkp for s in verified)
    assert any(s.has_pp55 for s in verified)
    for supplier in everyone:
        assert supplier.kelurahan in region.STREETS[supplier.kecamatan], supplier.kelurahan
        assert re.fullmatch(r"\d{13}", supplier.nib)
        assert re.fullmatch(r"\d{15}|\d{16}", supplier.npwp)
        assert supplier.kbli and all(re.fullmatch(r"\d{5}", k) for k in supplier.kbli)
        assert supplier.bank_name in region.BANKS and supplier.bank_account.isdigit()
    for supplier in verified:
        assert supplier.verified_at and supplier.has_all_documents
        for document in supplier.documents:
            data = uploads.path_of(document.storage_key).read_bytes()
            assert len(data) == document.size
            assert hashlib.sha256(data).hexdigest() == document.sha256
            upload = FileStorage(stream=io.BytesIO(data), filename=document.original_name)
            checked = uploads.check_file("file", upload, (uploads.PDF,), app.config["MAX_DOCUMENT_BYTES"])
            assert checked.content_type == uploads.PDF

    visible = (select(Listing).join(Listing.supplier)
               .where(Listing.status == "active", Supplier.status == "verified"))
    listings = db.session.scalars(visible).all()
    for code in STOREFRONTS:
        assert sum(1 for x in listings if x.etalase_code == code) >= 300, code
    categories = db.session.scalars(select(Category)).all()
    assert {c.id for c in categories} == {x.category_id for x in listings}
    for listing in listings:
        assert listing.category.etalase_code == listing.etalase_code
        assert listing.price > 0 and listing.min_order >= 1 and listing.lead_time_days >= 0
        if listing.etalase_code == "produk-unggulan":
            assert listing.stock is not None and listing.stock >= listing.min_order
            assert listing.capacity_per_day is None
        else:
            assert listing.stock is None and listing.capacity_per_day >= 1
    statuses = set(db.session.scalars(select(Listing.status).distinct()))
    assert {"active", "draft", "submitted"} <= statuses
    opening = db.session.execute(select(Listing.price, PriceChange.old_price, PriceChange.new_price)
                                 .join(PriceChange, PriceChange.listing_id == Listing.id)).all()
    assert len(opening) == db.session.scalar(select(func.count(Listing.id)))
    assert all(old is None and new == price for price, old, new in opening)
    prices = {x.name: x.price for x in listings}
    assert any(18_000 <= p <= 25_000 for n, p in prices.items() if n.startswith("Keripik Apel Original 100 g"))

    users = db.session.scalars(select(User)).all()
    assert {u.role for u in users} == set(roles.ALL)
    for user in users:
        assert user.full_name
        if user.role in roles.SKPD_ROLES:
            assert user.skpd_id is not None
        if user.role == roles.SUPPLIER:
            assert user.supplier_id is not None and user.nip is None
        else:
            assert re.fullmatch(r"\d{18}", user.nip), user.username
    assert {u.skpd.code for u in users if u.role == roles.PPK} >= {"DISPAR", "DISKOMINFO"}


def test_a_second_run_adds_nothing_and_missing_rows_come_back(app):
    seeded_region()
    before, files = _counts(), _stored_files(app)

    again = _seed()
    assert not again.added_anything
    assert _counts() == before
    assert _stored_files(app) == files
    assert "tidak ada yang ditambahkan" in again.describe()

    listing = db.session.scalar(select(Listing).where(Listing.name.like("Keripik Apel%"),
                                                      Listing.id.not_in(select(OrderLine.listing_id))).limit(1))
    other = db.session.scalar(select(Listing).where(Listing.id != listing.id).limit(1))
    for photo_of in (listing, other):
        db.session.execute(delete(ListingPhoto).where(ListingPhoto.listing_id == photo_of.id))
    db.session.execute(delete(PriceChange).where(PriceChange.listing_id == listing.id))
    db.session.execute(delete(Listing).where(Listing.id == listing.id))
    db.session.execute(delete(BudgetLine).where(BudgetLine.id == db.session.scalar(select(func.min(BudgetLine.id)))))
    db.session.commit()
    repaired = _seed()
    assert {k: v for k, v in repaired.added.items() if v} == {"listings": 1, "photos": 2, "budget_lines": 1}
    assert _counts() == before
    assert len(other.photos) == 1


def test_the_region_is_the_same_on_every_run():
    def fingerprint(value) -> str:
        return hashlib.sha256(repr(value).encode()).hexdigest()

    here = fingerprint(build_region.__wrapped__(YEAR))
    assert here == fingerprint(build_region.__wrapped__(YEAR))
    code = ("import hashlib; from app.demo.seed import build_region; "
            f"print(hashlib.sha256(repr(build_region({YEAR})).encode()).hexdigest())")
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(root)}
    elsewhere = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True,
                               text=True, check=True).stdout.strip()
    assert elsewhere == here


def test_every_demo_login_works_through_the_api(app, client):
    summary = seeded_region().summary
    assert {login.role for login in summary.logins} == set(roles.ALL)
    for login in summary.logins:
        response = client.post("/api/v1/auth/tokens", json={"username": login.username, "password": login.password})
        assert response.status_code == 201, (login.username, response.get_json())
        assert response.get_json()["token"]


def test_catalog_search_finds_apple_products(app, client):
    seeded_region()
    body = client.get("/api/v1/listings?q=apel&per_page=100").get_json()
    assert body["meta"]["total"] >= 100
    names = [item["name"] for item in body["data"]]
    assert any(name.startswith("Keripik Apel") for name in names)
    for item in body["data"]:
        text = f"{item['name']} {item['description']} {item['supplier']['name']}".lower()
        assert "apel" in text
        assert item["status"] == "active"
    in_bumiaji = client.get("/api/v1/listings?q=keripik apel&kecamatan=Bumiaji").get_json()
    assert in_bumiaji["meta"]["total"] > 0
    assert all(item["supplier"]["kecamatan"] == "Bumiaji" for item in in_bumiaji["data"])
    tents = client.get("/api/v1/listings?q=tenda&etalase=jasa-penyewaan&sort=price").get_json()
    assert tents["meta"]["total"] > 20
    assert [t["price"] for t in tents["data"]] == sorted(t["price"] for t in tents["data"])


def test_flask_demo_seed_prints_the_logins(app):
    first = seeded_region().summary.describe()
    assert first.startswith("Data demo dimuat: ditambahkan ") and "pesanan." in first.splitlines()[0]
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    for output in (first, result.output):
        for username in [u.username for u in region.CIVIL_SERVANTS] + [u.username for u in region.SUPPLIER_LOGINS]:
            assert username in output
        assert region.DEMO_PASSWORD in output
        assert "Produk tayang" in output and "Penyedia" in output and "Foto produk" in output
    assert "tidak ada yang ditambahkan" in result.output
    assert db.session.scalar(select(func.count(Skpd.id))) >= 30


def test_every_listing_has_a_picture_of_its_category(app, client):
    seeded_region()
    listings = db.session.scalars(select(Listing)).all()
    assert listings and all(len(listing.photos) == 1 for listing in listings)
    assert all(uploads.path_of(listing.photos[0].storage_key).stat().st_size > 10_000 for listing in listings)
    looks = {}
    for listing in {listing.category_id: listing for listing in listings}.values():
        photo = listing.photos[0]
        data = uploads.path_of(photo.storage_key).read_bytes()
        upload = FileStorage(stream=io.BytesIO(data), filename="foto.jpg")
        checked = uploads.check_file("photo", upload, (uploads.JPEG,), app.config["MAX_PHOTO_BYTES"])
        assert checked.content_type == photo.content_type == uploads.JPEG
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (800, 600)
            looks[listing.category.name] = image.convert("RGB").resize((1, 1)).getpixel((0, 0))
    assert len(looks) == len(db.session.scalars(select(Category)).all())
    assert len(set(looks.values())) == len(looks)  # each category has colours of its own
    some = listings[:60]
    pictures = {uploads.path_of(l.photos[0].storage_key).read_bytes() for l in some}
    assert len(pictures) == len({(l.category_id, l.name) for l in some})  # the listing's name is on its picture

    page = client.get("/katalog/produk-unggulan?q=keripik apel")
    assert page.status_code == 200
    shown = re.findall(r'<img src="(/katalog/foto/\d+)" alt="([^"]+)"', page.get_data(as_text=True))
    assert len(shown) >= 10
    picture = client.get(shown[0][0])
    assert picture.status_code == 200 and picture.mimetype == "image/jpeg"
    assert picture.data.startswith(b"\xff\xd8\xff")


def _row_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables if t.name != "alembic_version"}


def test_flask_demo_seed_refuses_production(app, monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "production-like-secret")
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    production = create_app("production", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                            UPLOAD_DIR=str(tmp_path / "uploads"))
    before = _row_counts()
    with production.app_context():
        result = production.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code != 0
    assert "Data demo tidak dimuat: ELOKAL_ENV=production" in result.output
    assert _row_counts() == before
    assert not (tmp_path / "uploads").exists()


def test_flask_demo_seed_refuses_production_from_the_environment(tmp_path):
    root = Path(__file__).resolve().parent.parent
    database = tmp_path / "produksi.sqlite"
    env = {**os.environ, "ELOKAL_ENV": "production", "SECRET_KEY": "production-like-secret",
           "DATABASE_URL": f"sqlite:///{database}", "ELOKAL_INSTANCE": str(tmp_path / "instance"),
           "UPLOAD_DIR": str(tmp_path / "uploads")}
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "demo", "seed"], cwd=root, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "Data demo tidak dimuat: ELOKAL_ENV=production" in result.stderr
    assert not database.exists() and not (tmp_path / "uploads").exists()
