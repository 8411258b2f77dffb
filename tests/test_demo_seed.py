"""The demo region of ``flask demo seed``: contents, logins, idempotence, determinism, CLI."""
from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import delete, func, select
from werkzeug.datastructures import FileStorage

from app.auth import roles
from app.auth.models import User
from app.common import uploads
from app.demo import region
from app.demo.seed import build_region, seed_demo
from app.etalase.models import Category, Listing, PriceChange
from app.extensions import db
from app.procurement.models import BudgetLine, OrderLine, Skpd
from app.suppliers.models import Supplier, SupplierDocument

from .conftest import TEST_NOW

TABLES = (Skpd, BudgetLine, Supplier, SupplierDocument, Listing, PriceChange, User)
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
    return {p for p in (Path(app.config["UPLOAD_DIR"]) / "suppliers").rglob("*") if p.is_file()}


def test_seed_loads_a_kota_batu_like_region(app):
    summary = _seed()
    assert summary.added_anything

    skpds = db.session.scalars(select(Skpd)).all()
    assert len(skpds) >= 30
    for code in ("DISPAR", "DISKOMINFO", "BAPPEDA", "BPBJ", "BPKAD", "KEC-BUMIAJI", "RSUD-KH", "SATPOL-PP"):
        assert code in {s.code for s in skpds}
    for skpd in skpds:
        for year in region.FISCAL_YEARS:
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
    _seed()
    before, files = _counts(), _stored_files(app)

    again = _seed()
    assert not again.added_anything
    assert _counts() == before
    assert _stored_files(app) == files
    assert "tidak ada yang ditambahkan" in again.describe()

    listing = db.session.scalar(select(Listing).where(Listing.name.like("Keripik Apel%"),
                                                      Listing.id.not_in(select(OrderLine.listing_id))).limit(1))
    db.session.execute(delete(PriceChange).where(PriceChange.listing_id == listing.id))
    db.session.execute(delete(Listing).where(Listing.id == listing.id))
    db.session.execute(delete(BudgetLine).where(BudgetLine.id == db.session.scalar(select(func.min(BudgetLine.id)))))
    db.session.commit()
    repaired = _seed()
    assert {k: v for k, v in repaired.added.items() if v} == {"listings": 1, "budget_lines": 1}
    assert _counts() == before


def test_the_region_is_the_same_on_every_run():
    def fingerprint(value) -> str:
        return hashlib.sha256(repr(value).encode()).hexdigest()

    here = fingerprint(build_region.__wrapped__())
    assert here == fingerprint(build_region.__wrapped__())
    code = (f"import hashlib, time_machine; time_machine.travel({TEST_NOW.isoformat()!r}).start(); "
            "from app.demo.seed import build_region; "
            "print(hashlib.sha256(repr(build_region()).encode()).hexdigest())")
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(root)}
    elsewhere = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True,
                               text=True, check=True).stdout.strip()
    assert elsewhere == here


def test_every_demo_login_works_through_the_api(app, client):
    summary = _seed()
    assert {login.role for login in summary.logins} == set(roles.ALL)
    for login in summary.logins:
        response = client.post("/api/v1/auth/tokens", json={"username": login.username, "password": login.password})
        assert response.status_code == 201, (login.username, response.get_json())
        assert response.get_json()["token"]


def test_catalog_search_finds_apple_products(app, client):
    _seed()
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
    runner = app.test_cli_runner()
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    for username in [u[0] for u in region.CIVIL_SERVANTS] + [u[0] for u in region.SUPPLIER_LOGINS]:
        assert username in result.output
    assert region.DEMO_PASSWORD in result.output
    assert "Produk tayang" in result.output and "Penyedia" in result.output
    assert db.session.scalar(select(func.count(Skpd.id))) >= 30

    again = runner.invoke(args=["demo", "seed"])
    assert again.exit_code == 0, again.output
    assert "tidak ada yang ditambahkan" in again.output
    assert "penyedia.apel" in again.output
