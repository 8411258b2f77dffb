"""API: a supplier's listings: creation, edits with price history, curation states."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.etalase.models import Category, Listing, PriceChange
from app.extensions import db

from .api_helpers import assert_error, count

LISTINGS = "/api/v1/listings"


def category_id(etalase: str) -> int:
    return db.session.scalar(select(Category.id).where(Category.etalase_code == etalase).order_by(Category.id))


def goods_body(**overrides) -> dict:
    body = {"etalase": "produk-unggulan", "category_id": category_id("produk-unggulan"),
            "name": "Sari Apel Batu 1 L", "description": "Tanpa pengawet", "unit": "botol",
            "price": 18_000, "min_order": 10, "lead_time_days": 2, "stock": 400}
    body.update(overrides)
    return body


def rental_body(**overrides) -> dict:
    body = {"etalase": "jasa-penyewaan", "category_id": category_id("jasa-penyewaan"),
            "name": "Tenda Sarnafil 6x6", "description": "Termasuk pasang dan bongkar", "unit": "unit",
            "price": 850_000, "min_order": 1, "lead_time_days": 3, "capacity_per_day": 4}
    body.update(overrides)
    return body


def service_body(**overrides) -> dict:
    body = {"etalase": "jasa-penyelenggara", "category_id": category_id("jasa-penyelenggara"),
            "name": "Paket Rapat Setengah Hari", "unit": "pax", "price": 95_000, "min_order": 20,
            "lead_time_days": 2, "capacity_per_day": 150}
    body.update(overrides)
    return body


@pytest.fixture
def seller(make, api_auth):
    """A verified supplier and its user's headers."""
    supplier = make.supplier(status="verified", business_name="CV Sewa Tenda Jaya")
    return supplier, api_auth.headers(make.user("supplier", supplier=supplier))


@pytest.fixture
def admin(make, api_auth):
    return api_auth.headers(make.user("admin"))


def create(client, headers, body):
    return client.post(LISTINGS, json=body, headers=headers)


# --- creation ----------------------------------------------------------------------------------

@pytest.mark.parametrize("body_of,pricing,capacity_field", [
    (goods_body, "per_unit", "stock"),
    (rental_body, "per_day", "capacity_per_day"),
    (service_body, "per_unit", "capacity_per_day"),
])
def test_supplier_creates_a_draft_priced_by_its_storefront(client, seller, body_of, pricing, capacity_field):
    supplier, headers = seller
    body = body_of()
    response = create(client, headers, body)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["status"] == "draft"
    assert data["pricing"] == pricing
    assert data["etalase"] == body["etalase"]
    assert data["price"] == body["price"] and data["name"] == body["name"]
    assert data[capacity_field] == body[capacity_field]
    other = "capacity_per_day" if capacity_field == "stock" else "stock"
    assert other not in data
    assert data["supplier"]["id"] == supplier.id
    listing = db.session.get(Listing, data["id"])
    assert listing.supplier_id == supplier.id and listing.status == "draft"
    assert [(p.old_price, p.new_price) for p in listing.price_history] == [(None, body["price"])]
    # a draft is not in the catalog
    assert client.get(LISTINGS).get_json()["meta"]["total"] == 0


def test_goods_take_stock_and_drop_a_daily_capacity(client, seller):
    _, headers = seller
    response = create(client, headers, goods_body(capacity_per_day=9))
    assert response.status_code == 201
    listing = db.session.get(Listing, response.get_json()["id"])
    assert listing.stock == 400 and listing.capacity_per_day is None


@pytest.mark.parametrize("body,field", [
    (lambda: goods_body(stock=None), "stock"),
    (lambda: {k: v for k, v in goods_body().items() if k != "stock"}, "stock"),
    (lambda: rental_body(capacity_per_day=None), "capacity_per_day"),
    (lambda: {k: v for k, v in service_body().items() if k != "capacity_per_day"}, "capacity_per_day"),
    (lambda: rental_body(capacity_per_day=0), "capacity_per_day"),
    (lambda: goods_body(stock=-1), "stock"),
    (lambda: goods_body(price=-5000), "price"),
    (lambda: goods_body(price=0), "price"),
    (lambda: goods_body(price=18000.5), "price"),
    (lambda: goods_body(price=18000.0), "price"),
    (lambda: goods_body(price="18000"), "price"),
    (lambda: goods_body(price=True), "price"),
    (lambda: goods_body(price=10**13), "price"),
    (lambda: goods_body(min_order=0), "min_order"),
    (lambda: goods_body(lead_time_days=-1), "lead_time_days"),
    (lambda: goods_body(unit="ton"), "unit"),
    (lambda: goods_body(name="ab"), "name"),
    (lambda: goods_body(name="x" * 201), "name"),
    (lambda: goods_body(etalase="toko-lain"), "etalase"),
    (lambda: goods_body(category_id=999_999), "category_id"),
    (lambda: goods_body(category_id=2**40), "category_id"),
    (lambda: goods_body(category_id="kopi"), "category_id"),
    (lambda: goods_body(status="active"), "status"),
    (lambda: goods_body(supplier_id=1), "supplier_id"),
    (lambda: goods_body(name="Sari\x00Apel"), "name"),
])
def test_invalid_listing_answers_422_and_saves_nothing(client, seller, body, field):
    _, headers = seller
    assert_error(create(client, headers, body()), 422, "invalid", fields=(field,))
    assert count(Listing) == 0 and count(PriceChange) == 0


def test_category_must_belong_to_the_storefront(client, seller):
    _, headers = seller
    assert_error(create(client, headers, goods_body(category_id=category_id("jasa-penyewaan"))), 422,
                 fields=("category_id",))
    assert count(Listing) == 0


@pytest.mark.parametrize("role", ["pp", "ppk", "bendahara", "finance", "admin"])
def test_only_suppliers_create_listings(client, make, api_auth, role):
    user = make.user(role, skpd=make.skpd() if role in ("pp", "ppk", "bendahara") else None)
    assert_error(create(client, api_auth.headers(user), goods_body()), 403, "forbidden")
    assert_error(create(client, {}, goods_body()), 401)
    assert count(Listing) == 0


def test_malformed_listing_body_is_400(client, seller):
    _, headers = seller
    assert_error(client.post(LISTINGS, data="{", content_type="application/json", headers=headers), 400)
    assert count(Listing) == 0


# --- edits and price history -------------------------------------------------------------------

def test_price_changes_are_kept_in_the_history(client, make, seller):
    supplier, headers = seller
    listing_id = create(client, headers, goods_body(price=18_000)).get_json()["id"]
    user_id = db.session.scalar(select(PriceChange.changed_by_id))
    response = client.patch(f"{LISTINGS}/{listing_id}", json={"price": 17_500}, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["price"] == 17_500
    client.patch(f"{LISTINGS}/{listing_id}", json={"name": "Sari Apel Batu 1 Liter"}, headers=headers)
    client.patch(f"{LISTINGS}/{listing_id}", json={"price": 19_000, "stock": 10}, headers=headers)
    db.session.expire_all()
    history = db.session.scalars(select(PriceChange).where(PriceChange.listing_id == listing_id)
                                 .order_by(PriceChange.id)).all()
    assert [(h.old_price, h.new_price) for h in history] == [(None, 18_000), (18_000, 17_500), (17_500, 19_000)]
    assert {h.changed_by_id for h in history} == {user_id}
    listing = db.session.get(Listing, listing_id)
    assert (listing.price, listing.stock, listing.name) == (19_000, 10, "Sari Apel Batu 1 Liter")


def test_a_price_change_of_a_live_listing_shows_in_the_next_search(client, make, api_auth):
    supplier = make.supplier()
    listing = make.listing(supplier, status="active", name="Bunga Krisan Potong", price=15_000)
    headers = api_auth.headers(make.user("supplier", supplier=supplier))
    cheap = {"q": "krisan", "max_price": 13_000}
    assert client.get(LISTINGS, query_string=cheap).get_json()["meta"]["total"] == 0
    assert client.patch(f"{LISTINGS}/{listing.id}", json={"price": 12_000}, headers=headers).status_code == 200
    found = client.get(LISTINGS, query_string=cheap).get_json()["data"]
    assert [(i["id"], i["price"]) for i in found] == [(listing.id, 12_000)]


def test_raising_the_price_of_a_live_listing_sends_it_back_to_curation(client, make, api_auth):
    supplier = make.supplier()
    listing = make.listing(supplier, status="active", name="Bunga Krisan Potong", price=15_000)
    headers = api_auth.headers(make.user("supplier", supplier=supplier))
    r = client.patch(f"{LISTINGS}/{listing.id}", json={"price": 30_000}, headers=headers)
    assert r.status_code == 200 and r.get_json()["status"] == "submitted"
    assert client.get(LISTINGS, query_string={"q": "krisan"}).get_json()["meta"]["total"] == 0
    assert client.get(f"{LISTINGS}/{listing.id}").status_code == 404


def test_setting_the_same_price_adds_no_history(client, seller):
    _, headers = seller
    listing_id = create(client, headers, goods_body(price=18_000)).get_json()["id"]
    assert client.patch(f"{LISTINGS}/{listing_id}", json={"price": 18_000}, headers=headers).status_code == 200
    assert count(PriceChange) == 1


@pytest.mark.parametrize("patch,field", [
    ({"price": -1}, "price"),
    ({"price": 1.5}, "price"),
    ({"price": None}, "price"),
    ({"stock": None}, "stock"),
    ({"etalase": "jasa-penyewaan"}, "etalase"),
    ({"category_id": 9999}, "category_id"),
    ({"unit": "ton"}, "unit"),
])
def test_invalid_edit_answers_422_and_changes_nothing(client, seller, patch, field):
    _, headers = seller
    listing_id = create(client, headers, goods_body(price=18_000)).get_json()["id"]
    assert_error(client.patch(f"{LISTINGS}/{listing_id}", json=patch, headers=headers), 422, fields=(field,))
    db.session.expire_all()
    listing = db.session.get(Listing, listing_id)
    assert (listing.price, listing.stock, listing.unit, listing.etalase_code) == (
        18_000, 400, "botol", "produk-unggulan")
    assert count(PriceChange) == 1


def test_rental_capacity_cannot_be_removed(client, seller):
    _, headers = seller
    listing_id = create(client, headers, rental_body()).get_json()["id"]
    assert_error(client.patch(f"{LISTINGS}/{listing_id}", json={"capacity_per_day": None}, headers=headers),
                 422, fields=("capacity_per_day",))
    assert client.patch(f"{LISTINGS}/{listing_id}", json={"capacity_per_day": 6},
                        headers=headers).get_json()["capacity_per_day"] == 6


@pytest.mark.parametrize("status", ["draft", "active"])
def test_another_supplier_cannot_edit_or_submit(client, make, api_auth, status):
    listing = make.listing(status=status, price=50_000)
    stranger = api_auth.headers(make.supplier_user())
    assert_error(client.patch(f"{LISTINGS}/{listing.id}", json={"price": 1}, headers=stranger), 404, "not_found")
    assert_error(client.post(f"{LISTINGS}/{listing.id}/submit", headers=stranger), 404)
    assert_error(client.post(f"{LISTINGS}/{listing.id}/deactivate", headers=stranger), 404)
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).price == 50_000
    assert db.session.get(Listing, listing.id).status == status
    assert count(PriceChange) == 1


def test_admin_cannot_edit_a_listing(client, make, admin):
    listing = make.listing(price=50_000)
    assert_error(client.patch(f"{LISTINGS}/{listing.id}", json={"price": 1}, headers=admin), 403)


def test_edit_of_a_missing_listing_is_404(client, seller):
    _, headers = seller
    assert_error(client.patch(f"{LISTINGS}/777777", json={"price": 1}, headers=headers), 404)


# --- curation ----------------------------------------------------------------------------------

def test_submit_approve_puts_the_listing_in_search(client, seller, admin):
    _, headers = seller
    listing_id = create(client, headers, rental_body(name="Tenda Roder Pesta")).get_json()["id"]
    assert client.get(LISTINGS, query_string={"q": "roder"}).get_json()["data"] == []
    assert_error(client.get(f"{LISTINGS}/{listing_id}"), 404)
    # the admin cannot approve a draft
    assert_error(client.post(f"{LISTINGS}/{listing_id}/approve", headers=admin), 409, "conflict")
    response = client.post(f"{LISTINGS}/{listing_id}/submit", headers=headers)
    assert response.status_code == 200 and response.get_json()["status"] == "submitted"
    assert client.get(LISTINGS, query_string={"q": "roder"}).get_json()["data"] == []
    # the supplier cannot approve itself
    assert_error(client.post(f"{LISTINGS}/{listing_id}/approve", headers=headers), 403)
    response = client.post(f"{LISTINGS}/{listing_id}/approve", headers=admin)
    assert response.status_code == 200 and response.get_json()["status"] == "active"
    found = client.get(LISTINGS, query_string={"q": "roder"}).get_json()
    assert [item["id"] for item in found["data"]] == [listing_id]
    assert client.get(f"{LISTINGS}/{listing_id}").status_code == 200


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_listing_of_an_unverified_supplier_cannot_be_approved(client, make, api_auth, admin, status):
    supplier = make.supplier(status=status)
    listing = make.listing(supplier, status="submitted")
    assert_error(client.post(f"{LISTINGS}/{listing.id}/approve", headers=admin), 409, "conflict")
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).status == "submitted"


def test_a_pending_supplier_may_prepare_and_submit_listings(client, make, api_auth, admin):
    supplier = make.supplier(status="pending")
    headers = api_auth.headers(make.user("supplier", supplier=supplier))
    listing_id = create(client, headers, goods_body()).get_json()["id"]
    assert client.post(f"{LISTINGS}/{listing_id}/submit", headers=headers).status_code == 200
    assert_error(client.post(f"{LISTINGS}/{listing_id}/approve", headers=admin), 409)
    assert client.post(f"/api/v1/suppliers/{supplier.id}/verify", headers=admin).status_code == 200
    assert client.post(f"{LISTINGS}/{listing_id}/approve", headers=admin).get_json()["status"] == "active"


def test_freeze_needs_a_reason_and_hides_the_listing(client, make, admin):
    listing = make.listing(status="active", name="Keripik Apel Mahal")
    for body in ({}, {"reason": ""}, {"reason": "  "}, {"reason": 5}):
        assert_error(client.post(f"{LISTINGS}/{listing.id}/freeze", json=body, headers=admin), 422,
                     fields=("reason",))
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).status == "active"
    response = client.post(f"{LISTINGS}/{listing.id}/freeze", json={"reason": "Harga tidak wajar"}, headers=admin)
    assert response.status_code == 200 and response.get_json()["status"] == "frozen"
    assert db.session.get(Listing, listing.id).status_reason == "Harga tidak wajar"
    assert client.get(LISTINGS, query_string={"q": "mahal"}).get_json()["data"] == []
    assert_error(client.get(f"{LISTINGS}/{listing.id}"), 404)


def test_a_frozen_listing_goes_back_through_curation(client, make, api_auth, admin):
    supplier = make.supplier()
    listing = make.listing(supplier, status="frozen", price=900_000)
    headers = api_auth.headers(make.user("supplier", supplier=supplier))
    assert_error(client.post(f"{LISTINGS}/{listing.id}/approve", headers=admin), 409)
    client.patch(f"{LISTINGS}/{listing.id}", json={"price": 90_000}, headers=headers)
    assert client.post(f"{LISTINGS}/{listing.id}/submit", headers=headers).get_json()["status"] == "submitted"
    assert client.post(f"{LISTINGS}/{listing.id}/approve", headers=admin).get_json()["status"] == "active"


def test_return_and_deactivate(client, make, api_auth, admin):
    supplier = make.supplier()
    headers = api_auth.headers(make.user("supplier", supplier=supplier))
    submitted = make.listing(supplier, status="submitted")
    assert_error(client.post(f"{LISTINGS}/{submitted.id}/return", json={}, headers=admin), 422,
                 fields=("reason",))
    response = client.post(f"{LISTINGS}/{submitted.id}/return", json={"reason": "Foto belum ada"}, headers=admin)
    assert response.status_code == 200 and response.get_json()["status"] == "draft"
    active = make.listing(supplier, status="active", name="Kopi Robusta Bumiaji")
    response = client.post(f"{LISTINGS}/{active.id}/deactivate", headers=headers)
    assert response.status_code == 200 and response.get_json()["status"] == "inactive"
    assert client.get(LISTINGS, query_string={"q": "robusta"}).get_json()["data"] == []


@pytest.mark.parametrize("status,action,by_admin", [
    ("active", "submit", False),
    ("submitted", "submit", False),
    ("draft", "deactivate", False),
    ("frozen", "deactivate", False),
    ("active", "approve", True),
    ("inactive", "approve", True),
    ("draft", "freeze", True),
    ("frozen", "freeze", True),
    ("active", "return", True),
])
def test_transitions_not_in_the_table_answer_409(client, make, api_auth, admin, status, action, by_admin):
    supplier = make.supplier()
    listing = make.listing(supplier, status=status)
    headers = admin if by_admin else api_auth.headers(make.user("supplier", supplier=supplier))
    body = {"reason": "Alasan yang cukup"} if action in ("freeze", "return") else None
    response = client.post(f"{LISTINGS}/{listing.id}/{action}", headers=headers, json=body) if body else \
        client.post(f"{LISTINGS}/{listing.id}/{action}", headers=headers)
    assert_error(response, 409, "conflict")
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).status == status


@pytest.mark.parametrize("action", ["approve", "freeze", "return"])
def test_suppliers_cannot_curate(client, make, api_auth, action):
    supplier = make.supplier()
    listing = make.listing(supplier, status="submitted")
    headers = api_auth.headers(make.user("supplier", supplier=supplier))
    assert_error(client.post(f"{LISTINGS}/{listing.id}/{action}", json={"reason": "Sudah bagus"},
                             headers=headers), 403)
    db.session.expire_all()
    assert db.session.get(Listing, listing.id).status == "submitted"
