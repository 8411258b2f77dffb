"""The audit log: every admin action and state change leaves a chained row; ``flask audit verify``."""
from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select, text

from app.audit.models import AuditEntry
from app.audit.services import GENESIS, _digest
from app.common.timeutil import today_wib
from app.extensions import db

from .api_helpers import count
from .factories import MINIMAL_PDF, png_bytes, supplier_payload


def entries(action: str | None = None) -> list[AuditEntry]:
    db.session.expire_all()
    query = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def last() -> AuditEntry:
    return entries()[-1]


def verify(app):
    db.session.commit()
    return app.test_cli_runner().invoke(args=["audit", "verify"])


@pytest.fixture
def admin(make):
    return make.user("admin", username="admin.bpbj")


@pytest.fixture
def admin_headers(admin, api_auth):
    return api_auth.headers(admin)


# --- admin actions -----------------------------------------------------------------------------

def test_admin_actions_are_audited(client, make, admin, admin_headers):
    skpd = client.post("/api/v1/admin/skpd", json={"code": "DISPAR", "name": "Dinas Pariwisata"},
                       headers=admin_headers).get_json()
    row = last()
    assert (row.action, row.object_type, row.object_id, row.actor_id, row.actor) == (
        "skpd.create", "skpd", str(skpd["id"]), admin.id, "admin.bpbj")
    assert json.loads(row.data)["code"] == "DISPAR"

    user = client.post("/api/v1/admin/users", json={"username": "pp.dispar", "password": "sandi-kuat-1",
                                                   "full_name": "PP Dispar", "role": "pp", "skpd_id": skpd["id"]},
                       headers=admin_headers).get_json()
    row = last()
    assert (row.action, row.object_id, row.actor_id) == ("user.create", str(user["id"]), admin.id)
    assert "sandi-kuat-1" not in row.data and json.loads(row.data)["role"] == "pp"

    line = client.post("/api/v1/admin/budget-lines", json={
        "skpd_id": skpd["id"], "year": today_wib().year, "code": "5.1.02.01.01.0024", "name": "Belanja Rapat",
        "ceiling": 90_000_000}, headers=admin_headers).get_json()
    row = last()
    assert (row.action, row.object_id) == ("budget_line.create", str(line["id"]))
    assert json.loads(row.data)["ceiling"] == 90_000_000

    category = client.post("/api/v1/admin/categories", json={"etalase": "produk-unggulan", "name": "Tenun"},
                           headers=admin_headers).get_json()
    assert (last().action, last().object_id) == ("category.create", str(category["id"]))


def test_supplier_life_is_audited(client, api_auth, admin, admin_headers):
    payload = supplier_payload(username="apel.audit")
    supplier_id = client.post("/api/v1/suppliers", json=payload).get_json()["id"]
    assert [(e.action, e.object_id) for e in entries()][-1] == ("supplier.register", str(supplier_id))
    owner = api_auth.headers("apel.audit")
    for kind in ("nib", "npwp"):
        client.post(f"/api/v1/suppliers/{supplier_id}/documents", headers=owner, content_type="multipart/form-data",
                    data={"kind": kind, "file": (io.BytesIO(MINIMAL_PDF), f"{kind}.pdf")})
    documents = entries("supplier.document")
    assert [json.loads(e.data)["kind"] for e in documents] == ["nib", "npwp"]
    for action in ("verify", "suspend", "reinstate"):
        assert client.post(f"/api/v1/suppliers/{supplier_id}/{action}", headers=admin_headers).status_code == 200
        row = last()
        assert (row.action, row.object_id, row.actor_id) == (f"supplier.{action}", str(supplier_id), admin.id)
    moves = [(json.loads(e.data)["from"], json.loads(e.data)["to"]) for e in entries()
             if e.action in ("supplier.verify", "supplier.suspend", "supplier.reinstate")]
    assert moves == [("pending", "verified"), ("verified", "suspended"), ("suspended", "verified")]


def test_rejection_reason_is_audited(client, make, admin_headers):
    supplier = make.supplier(status="pending")
    client.post(f"/api/v1/suppliers/{supplier.id}/reject", json={"reason": "NPWP tidak cocok"},
                headers=admin_headers)
    row = last()
    assert row.action == "supplier.reject"
    assert json.loads(row.data) == {"from": "pending", "to": "rejected", "reason": "NPWP tidak cocok"}


def test_listing_life_is_audited(client, make, api_auth, admin, admin_headers):
    supplier = make.supplier()
    seller = make.user("supplier", supplier=supplier)
    headers = api_auth.headers(seller)
    category_id = make.category("produk-unggulan").id
    listing_id = client.post("/api/v1/listings", headers=headers, json={
        "etalase": "produk-unggulan", "category_id": category_id, "name": "Keripik Apel", "unit": "pcs",
        "price": 20_000, "stock": 50}).get_json()["id"]
    assert (last().action, last().object_id, last().actor_id) == ("listing.create", str(listing_id), seller.id)
    client.patch(f"/api/v1/listings/{listing_id}", json={"price": 21_000}, headers=headers)
    update = last()
    assert update.action == "listing.update"
    assert json.loads(update.data)["old_price"] == 20_000 and json.loads(update.data)["price"] == 21_000
    client.post(f"/api/v1/listings/{listing_id}/photos", headers=headers, content_type="multipart/form-data",
                data={"photo": (io.BytesIO(png_bytes()), "foto.png")})
    assert last().action == "listing.photo"
    client.post(f"/api/v1/listings/{listing_id}/submit", headers=headers)
    client.post(f"/api/v1/listings/{listing_id}/approve", headers=admin_headers)
    client.post(f"/api/v1/listings/{listing_id}/freeze", json={"reason": "Harga tidak wajar"}, headers=admin_headers)
    rows = [e for e in entries() if e.object_type == "listing" and e.action in
            ("listing.submit", "listing.approve", "listing.freeze")]
    assert [(e.action, e.actor_id) for e in rows] == [
        ("listing.submit", seller.id), ("listing.approve", admin.id), ("listing.freeze", admin.id)]
    assert json.loads(rows[-1].data)["reason"] == "Harga tidak wajar"


def test_refused_requests_leave_no_audit_row(client, make, admin_headers):
    make.skpd(code="DISPAR")
    supplier = make.supplier(status="pending", with_documents=False)
    before = count(AuditEntry)
    client.post("/api/v1/admin/skpd", json={"code": "DISPAR", "name": "Lagi"}, headers=admin_headers)  # 409
    client.post("/api/v1/admin/skpd", json={"code": "x", "name": "Lagi"}, headers=admin_headers)  # 422
    client.post(f"/api/v1/suppliers/{supplier.id}/verify", headers=admin_headers)  # 409, no documents
    client.post(f"/api/v1/suppliers/{supplier.id}/suspend", headers=admin_headers)  # 409, pending
    client.post("/api/v1/suppliers", json=supplier_payload(nib="123"))  # 422
    assert count(AuditEntry) == before


# --- the chain ---------------------------------------------------------------------------------

def make_some_history(client, admin_headers, n=3):
    for i in range(n):
        assert client.post("/api/v1/admin/skpd", json={"code": f"SKPD-{i}", "name": f"Dinas Uji {i}"},
                           headers=admin_headers).status_code == 201


def test_rows_are_chained_by_sha256(client, admin_headers):
    make_some_history(client, admin_headers)
    rows = entries()
    assert len(rows) == 3
    assert rows[0].prev_hash == GENESIS
    for before, after in zip(rows, rows[1:]):
        assert after.prev_hash == before.hash
    for row in rows:
        assert len(row.hash) == 64 and row.hash == _digest(row)


def test_verify_passes_on_an_intact_chain(app, client, admin_headers):
    assert verify(app).exit_code == 0  # an empty log is intact
    make_some_history(client, admin_headers)
    result = verify(app)
    assert result.exit_code == 0, result.output
    assert "3" in result.output


def test_verify_fails_after_a_row_is_tampered_with(app, client, admin_headers):
    make_some_history(client, admin_headers)
    target = entries()[1]
    db.session.execute(text("UPDATE audit_log SET data = :data WHERE id = :id"),
                       {"data": json.dumps({"code": "PALSU", "name": "Dinas Palsu"}), "id": target.id})
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert f"#{target.id}" in (result.output + (result.stderr if hasattr(result, "stderr") else ""))


def test_verify_fails_when_the_tamperer_also_rewrites_the_rows_hash(app, client, admin_headers):
    make_some_history(client, admin_headers)
    target = entries()[0]
    target.data = json.dumps({"code": "PALSU"})
    new_hash = _digest(target)
    db.session.rollback()
    db.session.execute(text("UPDATE audit_log SET data = :data, hash = :hash WHERE id = :id"),
                       {"data": json.dumps({"code": "PALSU"}), "hash": new_hash, "id": target.id})
    db.session.commit()
    assert verify(app).exit_code == 1


def test_verify_fails_when_a_row_is_deleted(app, client, admin_headers):
    make_some_history(client, admin_headers)
    target = entries()[1]
    db.session.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": target.id})
    db.session.commit()
    assert verify(app).exit_code == 1


def test_verify_fails_when_an_actor_or_time_is_changed(app, client, admin_headers):
    make_some_history(client, admin_headers)
    db.session.execute(text("UPDATE audit_log SET actor = 'orang-lain' WHERE id = :id"), {"id": entries()[2].id})
    db.session.commit()
    assert verify(app).exit_code == 1
