"""API: supplier registration, verification states and who sees what of a supplier."""
from __future__ import annotations

import io

import pytest

from app.audit.models import AuditEntry
from app.auth.models import User
from app.extensions import db
from app.suppliers.models import Supplier, SupplierDocument

from .api_helpers import assert_error, count
from .factories import MINIMAL_PDF, supplier_payload

SUPPLIERS = "/api/v1/suppliers"


def register(client, **overrides):
    return client.post(SUPPLIERS, json=supplier_payload(**overrides))


def upload(client, supplier_id, kind, data, headers, filename=None):
    return client.post(f"{SUPPLIERS}/{supplier_id}/documents", headers=headers, content_type="multipart/form-data",
                       data={"kind": kind, "file": (io.BytesIO(data), filename or f"{kind}.pdf")})


# --- registration ------------------------------------------------------------------------------

def test_registration_creates_a_pending_supplier_whose_user_can_log_in_at_once(client, api_auth):
    payload = supplier_payload(username="apelmanis", business_name="UD Apel Manis Bumiaji",
                               kecamatan="Bumiaji", kbli=["10794", "47211"], is_pkp=True)
    response = client.post(SUPPLIERS, json=payload)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "pending"
    assert body["business_name"] == "UD Apel Manis Bumiaji"
    assert body["nib"] == payload["nib"] and body["npwp"] == payload["npwp"]
    assert body["kbli"] == ["10794", "47211"] and body["is_pkp"] is True
    assert "password" not in body and "password_hash" not in body
    supplier = db.session.get(Supplier, body["id"])
    assert supplier.status == "pending" and supplier.kecamatan == "Bumiaji"
    user = db.session.scalar(db.select(User).where(User.username == "apelmanis"))
    assert user.role == "supplier" and user.supplier_id == supplier.id
    assert user.password_hash != payload["password"]
    # log in at once and see the own full record
    headers = api_auth.headers("apelmanis")
    own = client.get(f"{SUPPLIERS}/{supplier.id}", headers=headers)
    assert own.status_code == 200 and own.get_json()["bank_account"] == payload["bank_account"]
    # a supplier user may create listings, not buyer things
    assert_error(client.get("/api/v1/admin/skpd", headers=headers), 403)


def test_registration_accepts_each_legal_form_and_a_16_digit_nik(client):
    for form in ("perorangan", "cv", "pt", "koperasi", "ud"):
        assert register(client, legal_form=form).status_code == 201
    assert register(client, legal_form="perorangan", npwp="3507012345670001").status_code == 201
    assert count(Supplier) == 6


@pytest.mark.parametrize("overrides,field", [
    ({"nib": "912000000000"}, "nib"),             # 12 digits
    ({"nib": "91200000000001"}, "nib"),           # 14 digits
    ({"nib": "912000000000A"}, "nib"),
    ({"npwp": "12345678901234"}, "npwp"),         # 14 digits
    ({"npwp": "12.345.678.9-012.000"}, "npwp"),
    ({"npwp": "12345678901234567"}, "npwp"),      # 17 digits
    ({"kbli": ["5610"]}, "kbli"),
    ({"kbli": ["56101", "ABCDE"]}, "kbli"),
    ({"kbli": []}, "kbli"),
    ({"kbli": "56101"}, "kbli"),
    ({"email": "bukan-email"}, "email"),
    ({"email": "a" * 191 + "@contoh.id"}, "email"),  # 201 characters: longer than the column
    ({"legal_form": "firma"}, "legal_form"),
    ({"scale": "besar"}, "scale"),
    ({"kecamatan": "Klojen"}, "kecamatan"),
    ({"phone": "12345"}, "phone"),
    ({"bank_account": "12-34-56"}, "bank_account"),
    ({"is_pkp": "mungkin"}, "is_pkp"),
    ({"username": "ab"}, "username"),
    ({"username": "nama dengan spasi"}, "username"),
    ({"password": "pendek"}, "password"),
    ({"business_name": "UD Apel\x00Manis"}, "business_name"),
    ({"nib": 9120000000001}, "nib"),               # a number, not a string of digits
])
def test_invalid_registration_answers_422_per_field_and_saves_nothing(client, overrides, field):
    before = (count(Supplier), count(User), count(AuditEntry))
    error = assert_error(register(client, **overrides), 422, "invalid", fields=(field,))
    assert all(isinstance(m, (str, list, dict)) for m in error["details"].values())
    assert (count(Supplier), count(User), count(AuditEntry)) == before


def test_deeply_nested_values_are_refused_not_500(client):
    nested = "x"
    for _ in range(900):
        nested = [nested]
    error = assert_error(register(client, kbli=nested, owner_name={"a": nested}), 422, fields=("kbli", "owner_name"))
    assert error["code"] == "invalid"
    assert count(Supplier) == 0


def test_missing_fields_are_all_reported_at_once(client):
    payload = supplier_payload()
    for name in ("nib", "npwp", "email", "business_name"):
        del payload[name]
    error = assert_error(client.post(SUPPLIERS, json=payload), 422, "invalid",
                         fields=("nib", "npwp", "email", "business_name"))
    assert len(error["details"]) == 4
    assert count(Supplier) == 0 and count(User) == 0


def test_unknown_fields_are_refused(client):
    assert_error(register(client, status="verified"), 422, fields=("status",))
    assert count(Supplier) == 0


@pytest.mark.parametrize("body", ["{rusak", "[]", "null"])
def test_malformed_registration_answers_400(client, body):
    assert_error(client.post(SUPPLIERS, data=body, content_type="application/json"), 400)
    assert count(Supplier) == 0


def test_duplicate_nib_answers_409_and_saves_nothing(client):
    first = supplier_payload()
    assert client.post(SUPPLIERS, json=first).status_code == 201
    before = (count(Supplier), count(User))
    assert_error(register(client, nib=first["nib"]), 409, "conflict", fields=("nib",))
    assert (count(Supplier), count(User)) == before


def test_duplicate_username_answers_409_and_saves_nothing(client, make):
    make.user("admin", username="sudahada")
    assert_error(register(client, username="sudahada"), 409, "conflict", fields=("username",))
    assert count(Supplier) == 0 and count(User) == 1


# --- verification states -----------------------------------------------------------------------

@pytest.fixture
def admin_headers(make, api_auth):
    return api_auth.headers(make.user("admin"))


def act(client, supplier, action, headers, body=None):
    if body is None:
        return client.post(f"{SUPPLIERS}/{supplier.id}/{action}", headers=headers)
    return client.post(f"{SUPPLIERS}/{supplier.id}/{action}", headers=headers, json=body)


def test_verify_needs_both_documents(client, make, api_auth, admin_headers):
    body = register(client, username="tendajaya").get_json()
    supplier = db.session.get(Supplier, body["id"])
    owner = api_auth.headers("tendajaya")
    assert_error(act(client, supplier, "verify", admin_headers), 409, "conflict")
    assert upload(client, supplier.id, "nib", MINIMAL_PDF, owner).status_code == 201
    assert_error(act(client, supplier, "verify", admin_headers), 409, "conflict")
    assert upload(client, supplier.id, "nib", MINIMAL_PDF, owner).status_code == 201  # same kind again
    assert_error(act(client, supplier, "verify", admin_headers), 409, "conflict")
    db.session.expire_all()
    assert db.session.get(Supplier, supplier.id).status == "pending"
    assert upload(client, supplier.id, "npwp", MINIMAL_PDF, owner).status_code == 201
    response = act(client, supplier, "verify", admin_headers)
    assert response.status_code == 200
    assert response.get_json()["status"] == "verified"
    db.session.expire_all()
    stored = db.session.get(Supplier, supplier.id)
    assert stored.status == "verified" and stored.verified_at is not None


def test_reject_needs_a_reason_and_keeps_it(client, make, admin_headers):
    supplier = make.supplier(status="pending")
    assert_error(act(client, supplier, "reject", admin_headers, {}), 422, "invalid", fields=("reason",))
    assert_error(act(client, supplier, "reject", admin_headers, {"reason": " "}), 422, fields=("reason",))
    assert_error(act(client, supplier, "reject", admin_headers, {"reason": "      "}), 422, fields=("reason",))
    assert_error(act(client, supplier, "reject", admin_headers, {"reason": 42}), 422, fields=("reason",))
    assert_error(act(client, supplier, "reject", admin_headers), 400)
    db.session.expire_all()
    assert db.session.get(Supplier, supplier.id).status == "pending"
    response = act(client, supplier, "reject", admin_headers, {"reason": "Scan NIB tidak terbaca"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "rejected"
    assert response.get_json()["status_reason"] == "Scan NIB tidak terbaca"


def test_suspend_and_reinstate(client, make, admin_headers):
    supplier = make.supplier(status="verified")
    response = act(client, supplier, "suspend", admin_headers)
    assert response.status_code == 200 and response.get_json()["status"] == "suspended"
    response = act(client, supplier, "reinstate", admin_headers)
    assert response.status_code == 200 and response.get_json()["status"] == "verified"


@pytest.mark.parametrize("status,action,body", [
    ("verified", "verify", None),
    ("rejected", "verify", None),
    ("suspended", "verify", None),
    ("verified", "reject", {"reason": "Tidak lengkap"}),
    ("suspended", "reject", {"reason": "Tidak lengkap"}),
    ("rejected", "reject", {"reason": "Tidak lengkap"}),
    ("pending", "suspend", None),
    ("rejected", "suspend", None),
    ("suspended", "suspend", None),
    ("pending", "reinstate", None),
    ("verified", "reinstate", None),
    ("rejected", "reinstate", None),
])
def test_transitions_not_in_the_table_answer_409_and_change_nothing(client, make, admin_headers,
                                                                   status, action, body):
    supplier = make.supplier(status=status)
    audit_before = count(AuditEntry)
    assert_error(act(client, supplier, action, admin_headers, body), 409, "conflict")
    db.session.expire_all()
    assert db.session.get(Supplier, supplier.id).status == status
    assert count(AuditEntry) == audit_before


@pytest.mark.parametrize("role", ["pp", "ppk", "bendahara", "finance", "supplier"])
@pytest.mark.parametrize("action", ["verify", "reject", "suspend", "reinstate"])
def test_only_admin_moves_a_supplier(client, make, api_auth, role, action):
    supplier = make.supplier(status="pending")
    user = make.user(role, skpd=make.skpd() if role in ("pp", "ppk", "bendahara") else None,
                     supplier=supplier if role == "supplier" else None)
    assert_error(act(client, supplier, action, api_auth.headers(user), {"reason": "Coba-coba saja"}), 403)
    assert_error(act(client, supplier, action, {}, {"reason": "Coba-coba saja"}), 401)
    db.session.expire_all()
    assert db.session.get(Supplier, supplier.id).status == "pending"


def test_actions_on_a_missing_supplier_answer_404(client, admin_headers):
    assert_error(client.post(f"{SUPPLIERS}/424242/verify", headers=admin_headers), 404)
    assert_error(client.get(f"{SUPPLIERS}/424242", headers=admin_headers), 404)


# --- documents: ownership ----------------------------------------------------------------------

@pytest.mark.parametrize("other_status", ["pending", "verified"])
def test_a_supplier_cannot_upload_to_another_supplier(client, make, api_auth, app, other_status):
    mine = make.supplier_user()
    other = make.supplier(status=other_status, with_documents=False)
    response = upload(client, other.id, "nib", MINIMAL_PDF, api_auth.headers(mine))
    assert_error(response, 404, "not_found")
    assert count(SupplierDocument) == 2  # the two of the factory's own supplier only
    db.session.expire_all()
    assert db.session.get(Supplier, other.id).documents == []


@pytest.mark.parametrize("role", ["admin", "pp", "finance"])
def test_only_suppliers_upload_documents(client, make, api_auth, role):
    supplier = make.supplier(status="pending", with_documents=False)
    user = make.user(role, skpd=make.skpd() if role == "pp" else None)
    assert_error(upload(client, supplier.id, "nib", MINIMAL_PDF, api_auth.headers(user)), 403)
    assert count(SupplierDocument) == 0


# --- who sees what -----------------------------------------------------------------------------

SECRETS = ("npwp", "nib", "bank_account", "bank_name", "bank_account_holder", "phone", "email", "documents")


@pytest.mark.parametrize("role", ["self", "admin", "finance"])
def test_full_record_for_itself_admin_and_finance(client, make, api_auth, role):
    supplier = make.supplier(status="verified", bank_account="998877665544", npwp="012345678901234")
    user = make.user("supplier", supplier=supplier) if role == "self" else make.user(role)
    body = client.get(f"{SUPPLIERS}/{supplier.id}", headers=api_auth.headers(user)).get_json()
    assert body["bank_account"] == "998877665544" and body["npwp"] == "012345678901234"
    assert {d["kind"] for d in body["documents"]} == {"nib", "npwp"}


@pytest.mark.parametrize("who", ["public", "other_supplier", "pp", "ppk", "bendahara"])
def test_public_record_for_everybody_else(client, make, api_auth, who):
    supplier = make.supplier(status="verified", business_name="CV Kursi Futura", bank_account="998877665544")
    headers = {}
    if who == "other_supplier":
        headers = api_auth.headers(make.supplier_user())
    elif who != "public":
        headers = api_auth.headers(make.user(who, skpd=make.skpd()))
    response = client.get(f"{SUPPLIERS}/{supplier.id}", headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == supplier.id and body["business_name"] == "CV Kursi Futura"
    assert body["status"] == "verified"
    for name in SECRETS:
        assert name not in body, name
    assert "998877665544" not in response.get_data(as_text=True)


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_unverified_supplier_is_404_for_the_public_but_not_for_admin(client, make, api_auth, status):
    supplier = make.supplier(status=status)
    assert_error(client.get(f"{SUPPLIERS}/{supplier.id}"), 404)
    assert_error(client.get(f"{SUPPLIERS}/{supplier.id}", headers=api_auth.headers(make.supplier_user())), 404)
    admin = client.get(f"{SUPPLIERS}/{supplier.id}", headers=api_auth.headers(make.user("admin")))
    assert admin.status_code == 200 and admin.get_json()["status"] == status
