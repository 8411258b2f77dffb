"""API: administration (SKPD, users, budget lines, categories) and the budget lines buyers see."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.common.timeutil import today_wib
from app.etalase.models import Category
from app.extensions import db
from app.procurement.models import BudgetLine, Skpd

from .api_helpers import assert_error, count

ADMIN = "/api/v1/admin"
YEAR = today_wib().year


@pytest.fixture
def admin(make, api_auth):
    return api_auth.headers(make.user("admin"))


# --- SKPD --------------------------------------------------------------------------------------

def test_admin_creates_and_lists_skpd(client, admin):
    response = client.post(f"{ADMIN}/skpd", json={"code": "DISPAR", "name": "Dinas Pariwisata"}, headers=admin)
    assert response.status_code == 201
    body = response.get_json()
    assert body["code"] == "DISPAR" and body["name"] == "Dinas Pariwisata" and isinstance(body["id"], int)
    client.post(f"{ADMIN}/skpd", json={"code": "BPBJ", "name": "Bagian Pengadaan Barang/Jasa"}, headers=admin)
    listed = client.get(f"{ADMIN}/skpd", headers=admin)
    assert listed.status_code == 200
    assert [s["code"] for s in listed.get_json()] == ["BPBJ", "DISPAR"]
    assert db.session.get(Skpd, body["id"]).name == "Dinas Pariwisata"


def test_duplicate_skpd_code_is_409(client, make, admin):
    make.skpd(code="DISPAR")
    assert_error(client.post(f"{ADMIN}/skpd", json={"code": "DISPAR", "name": "Dinas Lain"}, headers=admin),
                 409, "conflict")
    assert count(Skpd) == 1


@pytest.mark.parametrize("body,field", [
    ({"code": "dispar", "name": "Dinas Pariwisata"}, "code"),
    ({"code": "DIS PAR", "name": "Dinas Pariwisata"}, "code"),
    ({"code": "D", "name": "Dinas Pariwisata"}, "code"),
    ({"code": "X" * 21, "name": "Dinas Pariwisata"}, "code"),
    ({"code": "DISPAR", "name": "Di"}, "name"),
    ({"code": "DISPAR", "name": "D" * 201}, "name"),
    ({"name": "Dinas Pariwisata"}, "code"),
    ({"code": "DISPAR"}, "name"),
    ({"code": 12, "name": "Dinas Pariwisata"}, "code"),
])
def test_bad_skpd_is_422(client, admin, body, field):
    assert_error(client.post(f"{ADMIN}/skpd", json=body, headers=admin), 422, "invalid", fields=(field,))
    assert count(Skpd) == 0


# --- users -------------------------------------------------------------------------------------

@pytest.mark.parametrize("role,scope", [("pp", "skpd"), ("ppk", "skpd"), ("bendahara", "skpd"),
                                        ("finance", None), ("admin", None), ("supplier", "supplier")])
def test_admin_creates_users_with_a_role_and_scope_who_can_log_in(client, make, api_auth, admin, role, scope):
    skpd, supplier = make.skpd(), make.supplier()
    body = {"username": f"baru.{role}", "password": "sandi-kuat-1", "full_name": "Pengguna Baru", "role": role}
    if scope == "skpd":
        body["skpd_id"] = skpd.id
        body["nip"] = "198507122010011003"
    elif scope == "supplier":
        body["supplier_id"] = supplier.id
    response = client.post(f"{ADMIN}/users", json=body, headers=admin)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["username"] == f"baru.{role}" and data["role"] == role
    assert data["skpd_id"] == (skpd.id if scope == "skpd" else None)
    assert data["supplier_id"] == (supplier.id if scope == "supplier" else None)
    assert "password" not in data and "password_hash" not in data
    user = db.session.scalar(select(User).where(User.username == f"baru.{role}"))
    assert user.password_hash != "sandi-kuat-1"
    assert api_auth.token(f"baru.{role}", "sandi-kuat-1")


def test_scope_is_dropped_for_roles_without_one(client, make, admin):
    skpd = make.skpd()
    body = {"username": "keuangan1", "password": "sandi-kuat-1", "full_name": "Staf BPKAD", "role": "finance",
            "skpd_id": skpd.id}
    data = client.post(f"{ADMIN}/users", json=body, headers=admin).get_json()
    assert data["skpd_id"] is None


@pytest.mark.parametrize("overrides,field", [
    ({"role": "pp"}, "skpd_id"),
    ({"role": "ppk", "skpd_id": None}, "skpd_id"),
    ({"role": "bendahara", "skpd_id": 424242}, "skpd_id"),
    ({"role": "pp", "skpd_id": 2**40}, "skpd_id"),
    ({"role": "supplier"}, "supplier_id"),
    ({"role": "supplier", "supplier_id": 424242}, "supplier_id"),
    ({"role": "raja"}, "role"),
    ({"password": "pendek"}, "password"),
    ({"username": "a b"}, "username"),
    ({"username": "x" * 81}, "username"),
    ({"full_name": ""}, "full_name"),
    ({"nip": "12345"}, "nip"),
    ({"email": "bukan-email"}, "email"),
    ({"email": "a" * 191 + "@contoh.id"}, "email"),
    ({"full_name": "Nama\x00Palsu"}, "full_name"),
])
def test_bad_user_is_422_and_saves_nothing(client, admin, overrides, field):
    body = {"username": "pengguna.baru", "password": "sandi-kuat-1", "full_name": "Pengguna Baru", "role": "finance"}
    body.update(overrides)
    before = count(User)
    assert_error(client.post(f"{ADMIN}/users", json=body, headers=admin), 422, "invalid", fields=(field,))
    assert count(User) == before


def test_duplicate_username_is_409(client, make, admin):
    make.user("finance", username="sudah.ada")
    body = {"username": "sudah.ada", "password": "sandi-kuat-1", "full_name": "Lain", "role": "finance"}
    assert_error(client.post(f"{ADMIN}/users", json=body, headers=admin), 409, "conflict", fields=("username",))
    assert count(User) == 2


# --- budget lines ------------------------------------------------------------------------------

def budget_body(skpd, **overrides):
    body = {"skpd_id": skpd.id, "year": YEAR, "code": "5.1.02.01.01.0024", "name": "Belanja Makanan dan Minuman Rapat",
            "ceiling": 150_000_000}
    body.update(overrides)
    return body


def test_admin_creates_a_budget_line(client, make, admin):
    skpd = make.skpd()
    response = client.post(f"{ADMIN}/budget-lines", json=budget_body(skpd), headers=admin)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert {k: body[k] for k in ("skpd_id", "year", "code", "ceiling", "committed", "realized", "available")} == {
        "skpd_id": skpd.id, "year": YEAR, "code": "5.1.02.01.01.0024", "ceiling": 150_000_000,
        "committed": 0, "realized": 0, "available": 150_000_000}
    assert db.session.get(BudgetLine, body["id"]).ceiling == 150_000_000


def test_same_code_in_another_year_or_skpd_is_fine_but_a_duplicate_is_409(client, make, admin):
    skpd, other = make.skpd(), make.skpd()
    assert client.post(f"{ADMIN}/budget-lines", json=budget_body(skpd), headers=admin).status_code == 201
    assert client.post(f"{ADMIN}/budget-lines", json=budget_body(skpd, year=YEAR + 1), headers=admin).status_code == 201
    assert client.post(f"{ADMIN}/budget-lines", json=budget_body(other), headers=admin).status_code == 201
    assert_error(client.post(f"{ADMIN}/budget-lines", json=budget_body(skpd), headers=admin), 409, "conflict")
    assert count(BudgetLine) == 3


@pytest.mark.parametrize("overrides,field", [
    ({"code": "5.1.02"}, "code"),
    ({"code": "5.1.02.01.0024"}, "code"),
    ({"code": "5.1.02.01.01.24"}, "code"),
    ({"code": "5.1.02.01.01.0024.1"}, "code"),
    ({"code": "5-1-02-01-01-0024"}, "code"),
    ({"code": "belanja rapat"}, "code"),
    ({"code": ""}, "code"),
    ({"ceiling": 0}, "ceiling"),
    ({"ceiling": -1_000_000}, "ceiling"),
    ({"ceiling": 1500.5}, "ceiling"),
    ({"ceiling": 1500.0}, "ceiling"),
    ({"ceiling": "150000000"}, "ceiling"),
    ({"ceiling": None}, "ceiling"),
    ({"ceiling": 10**16}, "ceiling"),
    ({"year": 1999}, "year"),
    ({"year": "dua ribu"}, "year"),
    ({"skpd_id": 424242}, "skpd_id"),
    ({"skpd_id": 2**40}, "skpd_id"),
    ({"name": "ab"}, "name"),
])
def test_bad_budget_line_is_422(client, make, admin, overrides, field):
    skpd = make.skpd()
    assert_error(client.post(f"{ADMIN}/budget-lines", json=budget_body(skpd, **overrides), headers=admin), 422,
                 "invalid", fields=(field,))
    assert count(BudgetLine) == 0


# --- categories --------------------------------------------------------------------------------

def test_admin_creates_a_category(client, admin):
    response = client.post(f"{ADMIN}/categories", json={"etalase": "produk-unggulan", "name": "Tenun Ikat"},
                           headers=admin)
    assert response.status_code == 201
    category = db.session.get(Category, response.get_json()["id"])
    assert (category.etalase_code, category.name) == ("produk-unggulan", "Tenun Ikat")
    assert response.get_json() == {"id": category.id, "name": "Tenun Ikat"}


def test_duplicate_category_in_a_storefront_is_409_but_allowed_in_another(client, admin):
    body = {"etalase": "produk-unggulan", "name": "Tenun Ikat"}
    assert client.post(f"{ADMIN}/categories", json=body, headers=admin).status_code == 201
    before = count(Category)
    assert_error(client.post(f"{ADMIN}/categories", json=body, headers=admin), 409, "conflict")
    assert count(Category) == before
    other = {"etalase": "jasa-penyelenggara", "name": "Tenun Ikat"}
    assert client.post(f"{ADMIN}/categories", json=other, headers=admin).status_code == 201


@pytest.mark.parametrize("body,field", [
    ({"etalase": "toko-baru", "name": "Tenun Ikat"}, "etalase"),
    ({"etalase": "produk-unggulan", "name": "T"}, "name"),
    ({"etalase": "produk-unggulan", "name": "T" * 101}, "name"),
    ({"name": "Tenun Ikat"}, "etalase"),
])
def test_bad_category_is_422(client, admin, body, field):
    before = count(Category)
    assert_error(client.post(f"{ADMIN}/categories", json=body, headers=admin), 422, "invalid", fields=(field,))
    assert count(Category) == before


# --- only admins -------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["pp", "ppk", "bendahara", "finance", "supplier"])
def test_non_admins_get_403_on_every_admin_endpoint(client, make, api_auth, role):
    skpd = make.skpd()
    user = make.user(role, skpd=skpd if role in ("pp", "ppk", "bendahara") else None,
                     supplier=make.supplier() if role == "supplier" else None)
    headers = api_auth.headers(user)
    before = (count(Skpd), count(User), count(BudgetLine), count(Category))
    calls = [
        ("post", "skpd", {"code": "DINKES", "name": "Dinas Kesehatan"}),
        ("get", "skpd", None),
        ("post", "users", {"username": "penyusup", "password": "sandi-kuat-1", "full_name": "X", "role": "admin"}),
        ("post", "budget-lines", budget_body(skpd)),
        ("post", "categories", {"etalase": "produk-unggulan", "name": "Tenun Ikat"}),
    ]
    for method, path, body in calls:
        response = getattr(client, method)(f"{ADMIN}/{path}", json=body, headers=headers) if body else \
            getattr(client, method)(f"{ADMIN}/{path}", headers=headers)
        assert_error(response, 403, "forbidden")
        assert_error(getattr(client, method)(f"{ADMIN}/{path}", json=body), 401)
    assert (count(Skpd), count(User), count(BudgetLine), count(Category)) == before


# --- GET /budget-lines -------------------------------------------------------------------------

@pytest.fixture
def budget(make):
    own, other = make.skpd(code="DISPAR"), make.skpd(code="DINKES")
    lines = {
        "own_this_year": make.budget_line(own, ceiling=100_000_000, year=YEAR),
        "own_next_year": make.budget_line(own, ceiling=80_000_000, year=YEAR + 1),
        "other_this_year": make.budget_line(other, ceiling=50_000_000, year=YEAR),
    }
    line = lines["own_this_year"]
    line.committed, line.realized = 30_000_000, 12_500_000
    db.session.commit()
    return own, other, lines


def line_ids(response) -> set[int]:
    assert response.status_code == 200, response.get_json()
    return {line["id"] for line in response.get_json()}


@pytest.mark.parametrize("role", ["pp", "ppk", "bendahara"])
def test_skpd_roles_see_only_their_own_lines(client, make, api_auth, budget, role):
    own, _, lines = budget
    headers = api_auth.headers(make.user(role, skpd=own))
    assert line_ids(client.get("/api/v1/budget-lines", headers=headers)) == {
        lines["own_this_year"].id, lines["own_next_year"].id}
    assert line_ids(client.get("/api/v1/budget-lines", query_string={"year": YEAR + 1}, headers=headers)) == {
        lines["own_next_year"].id}


@pytest.mark.parametrize("role", ["admin", "finance"])
def test_admin_and_finance_see_every_line(client, make, api_auth, budget, role):
    _, _, lines = budget
    headers = api_auth.headers(make.user(role))
    assert line_ids(client.get("/api/v1/budget-lines", headers=headers)) == {l.id for l in lines.values()}
    assert line_ids(client.get("/api/v1/budget-lines", query_string={"year": YEAR}, headers=headers)) == {
        lines["own_this_year"].id, lines["other_this_year"].id}


def test_a_supplier_sees_no_budget_lines(client, make, api_auth, budget):
    response = client.get("/api/v1/budget-lines", headers=api_auth.headers(make.supplier_user()))
    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert response.get_json() == []


def test_budget_line_amounts(client, make, api_auth, budget):
    own, _, lines = budget
    body = client.get("/api/v1/budget-lines", query_string={"year": YEAR},
                      headers=api_auth.headers(make.user("pp", skpd=own))).get_json()
    (line,) = body
    assert line == {"id": lines["own_this_year"].id, "skpd_id": own.id, "year": YEAR, "code": lines["own_this_year"].code,
                    "name": lines["own_this_year"].name, "ceiling": 100_000_000, "committed": 30_000_000,
                    "realized": 12_500_000, "available": 70_000_000}


@pytest.mark.parametrize("year", ["abc", "1999", "2101", f"-{YEAR}", str(YEAR).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")),
                                  f"{YEAR}.0", ""])
def test_bad_year_is_422(client, make, api_auth, budget, year):
    own = budget[0]
    response = client.get("/api/v1/budget-lines", query_string={"year": year},
                          headers=api_auth.headers(make.user("pp", skpd=own)))
    assert_error(response, 422, "invalid", fields=("year",))


def test_budget_lines_need_a_token(client, budget):
    assert_error(client.get("/api/v1/budget-lines"), 401)
