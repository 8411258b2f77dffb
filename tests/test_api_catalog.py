"""API: the public catalog: storefronts, search, filters, sorting, pages, visibility, availability."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.common.timeutil import today_wib
from app.etalase.models import Category, DailyCapacityUse
from app.extensions import db

from .api_helpers import assert_error

LISTINGS = "/api/v1/listings"
TODAY = today_wib()
YEAR = TODAY.year


def ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()["data"]]


def search(client, **params):
    return client.get(LISTINGS, query_string=params)


# --- storefronts -------------------------------------------------------------------------------

def test_etalase_lists_the_three_storefronts_with_their_categories(client):
    response = client.get("/api/v1/etalase")
    assert response.status_code == 200
    body = response.get_json()
    assert [e["code"] for e in body] == ["produk-unggulan", "jasa-penyewaan", "jasa-penyelenggara"]
    for storefront in body:
        assert set(storefront) >= {"code", "name", "categories"}
        expected = {(c.id, c.name) for c in db.session.scalars(
            select(Category).where(Category.etalase_code == storefront["code"]))}
        assert expected, storefront["code"]
        assert {(c["id"], c["name"]) for c in storefront["categories"]} == expected
    assert body[0]["name"] == "Produk Unggulan"


def test_a_new_category_shows_under_its_storefront(client, make, api_auth):
    admin = make.user("admin")
    response = client.post("/api/v1/admin/categories", json={"etalase": "jasa-penyewaan", "name": "Genset"},
                           headers=api_auth.headers(admin))
    assert response.status_code == 201
    body = client.get("/api/v1/etalase").get_json()
    rentals = next(e for e in body if e["code"] == "jasa-penyewaan")
    assert {"id": response.get_json()["id"], "name": "Genset"} in rentals["categories"]
    goods = next(e for e in body if e["code"] == "produk-unggulan")
    assert "Genset" not in [c["name"] for c in goods["categories"]]


# --- search by words ---------------------------------------------------------------------------

@pytest.fixture
def catalog(make):
    """A small catalog: goods, a rental and a service from suppliers in different places and scales."""
    batu = make.supplier(business_name="UD Apel Manis", kecamatan="Batu", scale="mikro")
    bumiaji = make.supplier(business_name="CV Sewa Tenda Jaya", kecamatan="Bumiaji", scale="kecil")
    junrejo = make.supplier(business_name="PT Katering Nusantara", kecamatan="Junrejo", scale="menengah")
    batu.rating, bumiaji.rating, junrejo.rating = 4.2, 4.9, None
    db.session.commit()
    coffee = db.session.scalar(select(Category).where(Category.name == "Kopi"))
    items = {
        "keripik": make.listing(batu, name="Keripik Apel Original", description="Renyah tanpa pengawet",
                                price=25_000),
        "sari": make.listing(batu, name="Sari Buah Apel 1 L", description="Minuman segar khas Batu",
                             price=18_000),
        "kopi": make.listing(batu, name="Kopi Arabika Bubuk", description="Kopi lereng Arjuno",
                             price=60_000, category_id=coffee.id),
        "tenda": make.listing(bumiaji, etalase="jasa-penyewaan", name="Tenda Sarnafil 5x5",
                              description="Termasuk pemasangan", price=750_000, capacity_per_day=2),
        "katering": make.listing(junrejo, etalase="jasa-penyelenggara", name="Nasi Kotak Rapat",
                                 description="Menu ayam bakar dan buah apel", price=35_000,
                                 capacity_per_day=500),
    }
    items["suppliers"] = {"batu": batu, "bumiaji": bumiaji, "junrejo": junrejo}
    return items


def test_search_without_filters_lists_every_active_listing(client, catalog):
    expected = {catalog[k].id for k in ("keripik", "sari", "kopi", "tenda", "katering")}
    assert set(ids(search(client))) == expected


def test_search_matches_words_in_the_name(client, catalog):
    assert ids(search(client, q="keripik")) == [catalog["keripik"].id]
    assert ids(search(client, q="KERIPIK")) == [catalog["keripik"].id]


def test_search_matches_words_in_the_description(client, catalog):
    assert ids(search(client, q="pengawet")) == [catalog["keripik"].id]
    # "apel": two names, one description, and the supplier "UD Apel Manis" of the coffee
    assert set(ids(search(client, q="apel"))) == {catalog["keripik"].id, catalog["sari"].id,
                                                  catalog["kopi"].id, catalog["katering"].id}
    assert ids(search(client, q="ayam")) == [catalog["katering"].id]


def test_search_matches_words_in_the_supplier_name(client, catalog):
    assert ids(search(client, q="nusantara")) == [catalog["katering"].id]
    assert set(ids(search(client, q="jaya"))) == {catalog["tenda"].id}


def test_search_needs_every_word(client, catalog):
    assert ids(search(client, q="apel renyah")) == [catalog["keripik"].id]
    assert ids(search(client, q="apel tenda")) == []


def test_search_relevance_puts_name_matches_first(client, catalog):
    found = ids(search(client, q="apel", sort="relevance"))
    assert found[-1] == catalog["katering"].id  # only its description says "apel"


@pytest.mark.parametrize("q", ["%", "_", "%%", "a%e"])
def test_search_wildcards_are_taken_literally(client, catalog, q):
    assert ids(search(client, q=q)) == []


# --- filters -----------------------------------------------------------------------------------

def test_filter_by_etalase(client, catalog):
    assert ids(search(client, etalase="jasa-penyewaan")) == [catalog["tenda"].id]
    assert ids(search(client, etalase="jasa-penyelenggara")) == [catalog["katering"].id]
    assert set(ids(search(client, etalase="produk-unggulan"))) == {
        catalog["keripik"].id, catalog["sari"].id, catalog["kopi"].id}


def test_filter_by_category(client, catalog):
    assert ids(search(client, category=catalog["kopi"].category_id)) == [catalog["kopi"].id]


def test_filter_by_kecamatan(client, catalog):
    assert ids(search(client, kecamatan="Bumiaji")) == [catalog["tenda"].id]
    assert set(ids(search(client, kecamatan="Batu"))) == {catalog["keripik"].id, catalog["sari"].id,
                                                          catalog["kopi"].id}


def test_filter_by_supplier(client, catalog):
    junrejo = catalog["suppliers"]["junrejo"]
    assert ids(search(client, supplier=junrejo.id)) == [catalog["katering"].id]


def test_filter_by_price_range(client, catalog):
    assert set(ids(search(client, min_price=20_000, max_price=60_000))) == {
        catalog["keripik"].id, catalog["katering"].id, catalog["kopi"].id}
    assert ids(search(client, min_price=700_000)) == [catalog["tenda"].id]
    assert ids(search(client, max_price=18_000)) == [catalog["sari"].id]
    assert ids(search(client, min_price=25_000, max_price=25_000)) == [catalog["keripik"].id]


def test_filter_by_scale(client, catalog):
    assert ids(search(client, scale="kecil")) == [catalog["tenda"].id]
    assert ids(search(client, scale="menengah")) == [catalog["katering"].id]


def test_filters_combine(client, catalog):
    assert ids(search(client, q="apel", etalase="produk-unggulan", max_price=20_000)) == [catalog["sari"].id]


def test_filter_by_availability_excludes_a_rental_fully_booked_on_a_day_in_range(client, make, catalog):
    tenda = catalog["tenda"]
    second = make.listing(catalog["suppliers"]["bumiaji"], etalase="jasa-penyewaan", name="Tenda Dome",
                          price=300_000, capacity_per_day=2)
    start = TODAY + timedelta(days=60)
    db.session.add_all([
        DailyCapacityUse(listing_id=tenda.id, day=start + timedelta(days=2), reserved=2),  # full
        DailyCapacityUse(listing_id=second.id, day=start + timedelta(days=2), reserved=1),  # one left
    ])
    db.session.commit()
    rentals = dict(etalase="jasa-penyewaan")
    in_range = ids(search(client, available_from=start.isoformat(),
                          available_to=(start + timedelta(days=3)).isoformat(), **rentals))
    assert in_range == [second.id]
    # the full day on the last day of the range counts too
    on_the_day = ids(search(client, available_from=(start + timedelta(days=2)).isoformat(),
                            available_to=(start + timedelta(days=2)).isoformat(), **rentals))
    assert on_the_day == [second.id]
    # outside the full day the rental is available again
    before = ids(search(client, available_from=start.isoformat(),
                        available_to=(start + timedelta(days=1)).isoformat(), **rentals))
    assert set(before) == {tenda.id, second.id}


def test_filter_by_availability_keeps_goods_with_stock_only(client, make, catalog):
    empty = make.listing(catalog["suppliers"]["batu"], name="Keripik Nangka", stock=0)
    found = ids(search(client, etalase="produk-unggulan", available_from=(TODAY + timedelta(days=80)).isoformat(),
                       available_to=(TODAY + timedelta(days=81)).isoformat()))
    assert catalog["keripik"].id in found and empty.id not in found
    assert empty.id in ids(search(client, etalase="produk-unggulan"))


# --- sorting and pages -------------------------------------------------------------------------

def test_sort_by_price_both_ways(client, catalog):
    prices = [catalog[k].price for k in ("keripik", "sari", "kopi", "tenda", "katering")]
    up = search(client, sort="price").get_json()["data"]
    assert [item["price"] for item in up] == sorted(prices)
    down = search(client, sort="-price").get_json()["data"]
    assert [item["price"] for item in down] == sorted(prices, reverse=True)


def test_sort_newest_first(client, make, catalog):
    for n, key in enumerate(("tenda", "keripik", "katering", "kopi", "sari")):
        catalog[key].created_at = datetime.combine(TODAY, datetime.min.time()) - timedelta(days=10 - n)
    db.session.commit()
    assert ids(search(client, sort="newest")) == [catalog[k].id for k in ("sari", "kopi", "katering",
                                                                        "keripik", "tenda")]


def test_sort_by_supplier_rating(client, catalog):
    found = ids(search(client, sort="rating"))
    assert found[0] == catalog["tenda"].id          # rating 4.9
    assert found[-1] == catalog["katering"].id      # no rating yet
    assert set(found[1:4]) == {catalog["keripik"].id, catalog["sari"].id, catalog["kopi"].id}


def test_pages_and_meta(client, make):
    supplier = make.supplier()
    made = [make.listing(supplier, name=f"Batik Tulis Motif {n}", price=100_000 + n) for n in range(7)]
    first = search(client, q="batik", sort="price", per_page=3).get_json()
    assert first["meta"] == {"page": 1, "per_page": 3, "total": 7}
    assert [i["id"] for i in first["data"]] == [m.id for m in made[:3]]
    third = search(client, q="batik", sort="price", per_page=3, page=3).get_json()
    assert third["meta"] == {"page": 3, "per_page": 3, "total": 7}
    assert [i["id"] for i in third["data"]] == [made[6].id]
    beyond = search(client, q="batik", per_page=3, page=9).get_json()
    assert beyond["data"] == [] and beyond["meta"]["total"] == 7
    default = search(client).get_json()["meta"]
    assert default == {"page": 1, "per_page": 20, "total": 7}
    assert search(client, per_page=100).status_code == 200


@pytest.mark.parametrize("params,field", [
    ({"per_page": 101}, "per_page"),
    ({"per_page": 0}, "per_page"),
    ({"page": 0}, "page"),
    ({"page": "abc"}, "page"),
    ({"per_page": "-5"}, "per_page"),
    ({"min_price": 50_000, "max_price": 10_000}, "min_price"),
    ({"min_price": -1}, "min_price"),
    ({"max_price": "murah"}, "max_price"),
    ({"sort": "harga"}, "sort"),
    ({"scale": "raksasa"}, "scale"),
    ({"category": "kopi"}, "category"),
    ({"supplier": "1; DROP TABLE listings"}, "supplier"),
    ({"available_from": f"{YEAR}-13-45", "available_to": f"{YEAR}-12-01"}, "available_from"),
    ({"available_from": f"{YEAR}-08-10", "available_to": "kemarin"}, "available_to"),
    ({"available_from": f"{YEAR}-08-10"}, "available_to"),
    ({"available_from": f"{YEAR}-08-10", "available_to": f"{YEAR}-08-01"}, "available_to"),
    ({"available_from": f"{YEAR}-01-01", "available_to": f"{YEAR + 2}-01-01"}, "available_to"),
    ({"q": "x" * 201}, "q"),
])
def test_bad_query_parameters_answer_422_never_500(client, catalog, params, field):
    assert_error(search(client, **params), 422, "invalid", fields=(field,))


def test_huge_ids_in_paths_are_404_not_500(client):
    assert_error(client.get(f"{LISTINGS}/99999999999999999999999"), 404)
    assert_error(client.get(f"{LISTINGS}/{2**31}/availability"), 404)
    assert_error(client.get(f"/api/v1/suppliers/{2**63}"), 404)


@pytest.mark.parametrize("params", [
    {"category": "99999999999999999999999"},
    {"supplier": str(2**63)},
    {"min_price": str(10**30)},
    {"page": str(10**30)},
    {"q": "\x00"},
    {"q": "' OR 1=1 --"},
    {"kecamatan": "Batu' OR '1'='1"},
])
def test_absurd_query_values_do_not_cause_500(client, catalog, params):
    response = search(client, **params)
    assert response.status_code in (200, 422), response.get_data(as_text=True)[:300]
    if response.status_code == 200:
        assert response.get_json()["data"] == []
    else:
        assert_error(response, 422)


# --- visibility --------------------------------------------------------------------------------

@pytest.fixture
def hidden(make):
    """Listings that must not be public, and one that is."""
    verified = make.supplier()
    suspended = make.supplier(status="suspended")
    pending = make.supplier(status="pending")
    return {
        "visible": make.listing(verified, name="Batik Cap Visible"),
        "draft": make.listing(verified, status="draft", name="Batik Cap Draft"),
        "submitted": make.listing(verified, status="submitted", name="Batik Cap Submitted"),
        "frozen": make.listing(verified, status="frozen", name="Batik Cap Frozen"),
        "inactive": make.listing(verified, status="inactive", name="Batik Cap Inactive"),
        "of_suspended": make.listing(suspended, name="Batik Cap Suspended"),
        "of_pending": make.listing(pending, name="Batik Cap Pending"),
        "suppliers": (verified, suspended, pending),
    }


HIDDEN = ("draft", "submitted", "frozen", "inactive", "of_suspended", "of_pending")


def test_only_active_listings_of_verified_suppliers_are_searched(client, hidden):
    assert ids(search(client, q="batik cap")) == [hidden["visible"].id]
    assert search(client, q="batik cap").get_json()["meta"]["total"] == 1


@pytest.mark.parametrize("key", HIDDEN)
def test_hidden_listing_detail_is_404_for_the_public(client, hidden, key):
    assert_error(client.get(f"{LISTINGS}/{hidden[key].id}"), 404, "not_found")
    assert_error(client.get(f"{LISTINGS}/{hidden[key].id}/availability"), 404)


@pytest.mark.parametrize("key", HIDDEN)
def test_hidden_listing_is_visible_to_its_owner_and_to_admin(client, make, api_auth, hidden, key):
    listing = hidden[key]
    owner = make.user("supplier", supplier=listing.supplier)
    for user in (owner, make.user("admin")):
        response = client.get(f"{LISTINGS}/{listing.id}", headers=api_auth.headers(user))
        assert response.status_code == 200, (user.role, response.get_json())
        assert response.get_json()["status"] == listing.status
    # yet it stays out of search, even for them
    assert listing.id not in ids(client.get(LISTINGS, query_string={"q": "batik cap"},
                                            headers=api_auth.headers(owner)))


@pytest.mark.parametrize("key", HIDDEN)
def test_hidden_listing_is_404_for_other_suppliers_and_buyers(client, make, api_auth, hidden, key):
    other = make.supplier_user()
    buyer = make.user("pp", skpd=make.skpd())
    for user in (other, buyer):
        assert_error(client.get(f"{LISTINGS}/{hidden[key].id}", headers=api_auth.headers(user)), 404)


def test_suspending_a_supplier_takes_its_listings_out_of_the_catalog(client, make, api_auth, hidden):
    verified = hidden["suppliers"][0]
    admin = api_auth.headers(make.user("admin"))
    assert client.post(f"/api/v1/suppliers/{verified.id}/suspend", headers=admin).status_code == 200
    assert ids(search(client, q="batik cap")) == []
    assert_error(client.get(f"{LISTINGS}/{hidden['visible'].id}"), 404)
    assert client.post(f"/api/v1/suppliers/{verified.id}/reinstate", headers=admin).status_code == 200
    assert ids(search(client, q="batik cap")) == [hidden["visible"].id]


def test_detail_has_the_fields_of_api_md(client, make):
    supplier = make.supplier(business_name="UD Batik Tulis Batu", kecamatan="Junrejo", scale="kecil")
    goods = make.listing(supplier, name="Batik Tulis Apel", price=450_000, min_order=2, lead_time_days=3, stock=12)
    rental = make.listing(supplier, etalase="jasa-penyewaan", name="Kursi Futura", price=5_000,
                          capacity_per_day=300)
    body = client.get(f"{LISTINGS}/{goods.id}").get_json()
    assert {k: body[k] for k in ("id", "name", "etalase", "unit", "price", "pricing", "min_order",
                                 "lead_time_days", "stock", "status")} == {
        "id": goods.id, "name": "Batik Tulis Apel", "etalase": "produk-unggulan", "unit": "pcs",
        "price": 450_000, "pricing": "per_unit", "min_order": 2, "lead_time_days": 3, "stock": 12,
        "status": "active"}
    assert "capacity_per_day" not in body
    assert body["category"] == {"id": goods.category_id, "name": goods.category.name}
    assert body["supplier"]["id"] == supplier.id
    assert body["supplier"]["name"] == "UD Batik Tulis Batu"
    assert body["supplier"]["kecamatan"] == "Junrejo" and body["supplier"]["scale"] == "kecil"
    assert "rating" in body["supplier"]
    assert "bank_account" not in body["supplier"] and "npwp" not in body["supplier"]
    rent = client.get(f"{LISTINGS}/{rental.id}").get_json()
    assert rent["pricing"] == "per_day" and rent["capacity_per_day"] == 300 and "stock" not in rent


def test_missing_listing_is_404(client):
    assert_error(client.get(f"{LISTINGS}/987654"), 404, "not_found")


# --- availability ------------------------------------------------------------------------------

def test_availability_of_a_rental_gives_free_units_per_day(client, make):
    rental = make.listing(etalase="jasa-penyewaan", name="Sound System 2000 W", capacity_per_day=3)
    other = make.listing(etalase="jasa-penyewaan", name="Sound System 1000 W", capacity_per_day=3)
    day = [TODAY + timedelta(days=20 + n) for n in range(9)]
    db.session.add_all([
        DailyCapacityUse(listing_id=rental.id, day=day[1], reserved=1),
        DailyCapacityUse(listing_id=rental.id, day=day[2], reserved=3),
        DailyCapacityUse(listing_id=rental.id, day=day[8], reserved=2),  # outside
        DailyCapacityUse(listing_id=other.id, day=day[0], reserved=3),  # other listing
    ])
    db.session.commit()
    response = client.get(f"{LISTINGS}/{rental.id}/availability",
                          query_string={"start": day[0].isoformat(), "end": day[3].isoformat()})
    assert response.status_code == 200
    assert response.get_json() == [
        {"date": day[0].isoformat(), "available": 3},
        {"date": day[1].isoformat(), "available": 2},
        {"date": day[2].isoformat(), "available": 0},
        {"date": day[3].isoformat(), "available": 3},
    ]


def test_availability_of_a_service_uses_its_packages_per_day(client, make):
    service = make.listing(etalase="jasa-penyelenggara", name="Paket Rapat Fullday", capacity_per_day=4)
    day = TODAY + timedelta(days=30)
    db.session.add(DailyCapacityUse(listing_id=service.id, day=day, reserved=4))
    db.session.commit()
    body = client.get(f"{LISTINGS}/{service.id}/availability",
                      query_string={"start": day.isoformat(), "end": day.isoformat()}).get_json()
    assert body == [{"date": day.isoformat(), "available": 0}]


def test_availability_of_goods_is_the_stock(client, make):
    goods = make.listing(stock=37)
    response = client.get(f"{LISTINGS}/{goods.id}/availability")
    assert response.status_code == 200
    assert response.get_json() == {"stock": 37}


@pytest.mark.parametrize("params,field", [
    ({}, "start"),
    ({"start": f"{YEAR}-07-01"}, "end"),
    ({"start": f"{YEAR}-07-05", "end": f"{YEAR}-07-01"}, "end"),
    ({"start": f"{YEAR}-13-45", "end": f"{YEAR}-07-01"}, "start"),
    ({"start": f"{YEAR}-01-01", "end": f"{YEAR + 1}-06-01"}, "end"),
])
def test_bad_availability_range_answers_422(client, make, params, field):
    rental = make.listing(etalase="jasa-penyewaan")
    assert_error(client.get(f"{LISTINGS}/{rental.id}/availability", query_string=params), 422,
                 "invalid", fields=(field,))
