"""Authorization matrix (PRODUCT.md §1): every page and API route, tried by every kind of person.

The people: a visitor, each role of one SKPD (``pp``, ``ppk``, ``bendahara``), the
catalog ``admin``, ``finance``, the ``supplier`` party to the objects, and strangers:
a ``ppk`` and a ``bendahara`` of another SKPD and a user of another supplier.

For each route a compact table names who may (success: 2xx, or a redirect that is not
the login page), who is answered as if the object did not exist (404); everybody else
gets 403, and a visitor gets 401 from the API or the login redirect from a page.
A route registered without an entry here fails ``test_every_route_is_in_the_matrix``.

The world is built once for the module; every request that changes state gets a fresh
object when it is expected to succeed, so the order of the checks does not matter.
"""
from __future__ import annotations

import io
import itertools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable
from urllib.parse import urlparse

import pytest

from app.common import versions
from app.extensions import db
from app.procurement.actions import MANUAL
from app.kalender import services as kalender

from .conftest import _empty_tables
from .factories import MINIMAL_PDF, PASSWORD, png_bytes, supplier_payload
from .trust_world import ANON, TODAY, USERS, World, _seq
from .web_helpers import registration_form

pytestmark = pytest.mark.one_clock  # the module's tests share one world and its logins

ACTORS = (ANON,) + USERS
EVERYONE = frozenset(ACTORS)
LOGGED_IN = frozenset(USERS)
STRANGERS = frozenset({"other_ppk", "other_bendahara", "other_supplier"})
PARTIES = LOGGED_IN - STRANGERS          # those who see the world's orders: its SKPD, its supplier, admin, finance
BUYERS = frozenset({"pp", "ppk", "other_ppk"})
SELLERS = frozenset({"supplier", "other_supplier"})
REPORTERS = frozenset({"admin", "finance", "bendahara", "other_bendahara"})
ADMIN = frozenset({"admin"})
WHITELIST = {("/static/<path:filename>", "GET"), ("/api/v1/openapi.json", "GET")}


# -------------------------------------------------------------------------------------- the matrix

Url = Callable[[World, str], str]


@dataclass
class Case:
    """One request of a route: its URL (and body) for an actor, who may, and who gets 404."""

    url: Url | str
    allow: frozenset
    hidden: frozenset = frozenset()
    body: Callable[[World, str], dict] | None = None
    fresh_client: bool = False   # the request changes the caller's login or session: use a throwaway one
    label: str = ""


def page(*cases: Case) -> list[Case]:
    return list(cases)


def api(path: str) -> str:
    return "/api/v1" + path


def _reason(_w, _a):
    return {"json": {"reason": "Alasan pengujian"}}


def _reason_form(_w, _a):
    return {"data": {"reason": "Alasan pengujian"}}


def _png(_w, _a):
    return {"data": {"photo": (io.BytesIO(png_bytes()), "foto.png")}, "content_type": "multipart/form-data"}


def _document(field_name):
    def body(_w, _a):
        return {"data": {"kind": "npwp", field_name: (io.BytesIO(MINIMAL_PDF), "npwp.pdf")},
                "content_type": "multipart/form-data"}
    return body


_weekdays = (day for day in (date(TODAY.year + 2, 1, 1) + timedelta(days=n) for n in itertools.count())
             if day.weekday() < 5)  # in a year no cuti bersama is seeded for


def _cuti() -> dict:
    return {"date": next(_weekdays).isoformat(), "description": "Cuti bersama uji"}


def _cuti_body(form: bool):
    return lambda _w, _a: {"data" if form else "json": _cuti()}


def _cuti_day(_w, _a) -> int:
    return kalender.add_day(None, _cuti()).id


STRANGER_OF = {"pp": "other_ppk", "ppk": "other_ppk", "bendahara": "other_bendahara", "supplier": "other_supplier"}


def order_action_cases(form: bool) -> dict[str, Case]:
    """Every manual action of the registry, on an order in its first source status, by every actor."""
    cases = {}
    for action in MANUAL.values():
        prefix = "/pesanan" if form else api("/orders")
        if form:   # the page finds the order in the caller's scope first, then asks the state table
            hidden = STRANGERS
        else:      # the API checks the role first, then the scope
            hidden = frozenset(STRANGER_OF[role] for role in action.roles)
        cases[action.name] = Case(
            url=lambda w, a, status=action.sources[0], name=action.name, prefix=prefix:
                f"{prefix}/{w.order(status)}/{name}",
            allow=frozenset(action.roles), hidden=hidden,
            body=lambda w, a, action=action: w.action_body(action, form), label=action.name)
    return cases


PAGE_ACTIONS = order_action_cases(form=True)
API_ACTIONS = order_action_cases(form=False)


MATRIX: dict[tuple[str, str], list[Case]] = {
    # ---------------------------------------------------------------- public pages
    ("/", "GET"): [Case("/", EVERYONE)],
    ("/katalog", "GET"): [Case("/katalog?q=batik", EVERYONE)],
    ("/katalog/<etalase_code>", "GET"): [Case("/katalog/produk-unggulan", EVERYONE)],
    ("/produk/<int:listing_id>", "GET"): [
        Case(lambda w, a: f"/produk/{w.goods_id}", EVERYONE, label="active"),
        Case(lambda w, a: f"/produk/{w.draft_id}", frozenset({"admin", "finance", "supplier"}),
             hidden=EVERYONE - {"admin", "finance", "supplier"}, label="draft"),
    ],
    ("/katalog/foto/<int:photo_id>", "GET"): [Case(lambda w, a: f"/katalog/foto/{w.photo_id}", EVERYONE)],
    ("/status", "GET"): [Case("/status", EVERYONE)],
    ("/data", "GET"): [Case("/data", EVERYONE)],
    ("/masuk", "GET"): [Case("/masuk", EVERYONE)],
    ("/masuk", "POST"): [Case("/masuk", EVERYONE, body=lambda w, a: {"data": {}})],
    ("/keluar", "POST"): [Case("/keluar", LOGGED_IN, fresh_client=True)],
    ("/penyedia/daftar", "GET"): [Case("/penyedia/daftar", EVERYONE)],
    ("/penyedia/daftar", "POST"): [Case("/penyedia/daftar", EVERYONE, fresh_client=True,
                                        body=lambda w, a: {"data": registration_form(),
                                                           "content_type": "multipart/form-data"})],
    # ---------------------------------------------------------------- the supplier's workspace
    ("/penyedia/beranda", "GET"): [Case("/penyedia/beranda", SELLERS)],
    ("/penyedia/dokumen", "POST"): [Case("/penyedia/dokumen", SELLERS, body=_document("file"))],
    ("/penyedia/dokumen/<int:document_id>", "GET"): [
        Case(lambda w, a: f"/penyedia/dokumen/{w.document_id}", frozenset({"supplier"}),
             hidden=frozenset({"other_supplier"}))],
    ("/penyedia/profil", "GET"): [Case("/penyedia/profil", SELLERS)],
    ("/penyedia/profil", "POST"): [Case("/penyedia/profil", SELLERS, body=lambda w, a: w.profile_body(a))],
    ("/penyedia/produk", "GET"): [Case("/penyedia/produk", SELLERS)],
    ("/penyedia/produk/baru", "GET"): [Case("/penyedia/produk/baru", SELLERS)],
    ("/penyedia/produk/baru/<etalase_code>", "GET"): [Case("/penyedia/produk/baru/produk-unggulan", SELLERS)],
    ("/penyedia/produk/baru/<etalase_code>", "POST"): [
        Case("/penyedia/produk/baru/produk-unggulan", SELLERS, body=lambda w, a: w.listing_form())],
    ("/penyedia/produk/<int:listing_id>", "GET"): [
        Case(lambda w, a: f"/penyedia/produk/{w.draft_id}", frozenset({"supplier"}),
             hidden=frozenset({"other_supplier"}))],
    ("/penyedia/produk/<int:listing_id>", "POST"): [
        Case(lambda w, a: f"/penyedia/produk/{w.listing('draft')}", frozenset({"supplier"}),
             hidden=frozenset({"other_supplier"}), body=lambda w, a: w.listing_form())],
    ("/penyedia/produk/<int:listing_id>/foto", "POST"): [
        Case(lambda w, a: f"/penyedia/produk/{w.listing('draft')}/foto", frozenset({"supplier"}),
             hidden=frozenset({"other_supplier"}), body=_png)],
    ("/penyedia/produk/<int:listing_id>/<any(submit, deactivate):action>", "POST"): [
        Case(lambda w, a: f"/penyedia/produk/{w.listing('draft')}/submit", frozenset({"supplier"}),
             hidden=frozenset({"other_supplier"}), label="submit"),
        Case(lambda w, a: f"/penyedia/produk/{w.listing('active')}/deactivate", frozenset({"supplier"}),
             hidden=frozenset({"other_supplier"}), label="deactivate"),
    ],
    ("/penyedia/impor-produk/", "GET"): [Case("/penyedia/impor-produk/", SELLERS)],
    ("/penyedia/impor-produk/", "POST"): [
        Case("/penyedia/impor-produk/", SELLERS, body=lambda w, a: w.import_file())],
    ("/penyedia/impor-produk/template.xlsx", "GET"): [Case("/penyedia/impor-produk/template.xlsx", SELLERS)],
    # ---------------------------------------------------------------- the catalog manager
    ("/admin/", "GET"): [Case("/admin/", ADMIN)],
    ("/admin/penyedia", "GET"): [Case("/admin/penyedia?status=semua", ADMIN)],
    ("/admin/penyedia/<int:supplier_id>", "GET"): [
        Case(lambda w, a: f"/admin/penyedia/{w.pending_supplier_id}", ADMIN)],
    ("/admin/penyedia/<int:supplier_id>/<any(verify, reject, suspend, reinstate):action>", "POST"): [
        Case(lambda w, a: f"/admin/penyedia/{w.supplier_row('pending')}/verify", ADMIN, label="verify"),
        Case(lambda w, a: f"/admin/penyedia/{w.supplier_row('pending')}/reject", ADMIN, body=_reason_form,
             label="reject"),
        Case(lambda w, a: f"/admin/penyedia/{w.supplier_row('verified')}/suspend", ADMIN, body=_reason_form,
             label="suspend"),
        Case(lambda w, a: f"/admin/penyedia/{w.supplier_row('suspended')}/reinstate", ADMIN, label="reinstate"),
    ],
    ("/admin/penyedia/<int:supplier_id>/dokumen/<int:document_id>", "GET"): [
        Case(lambda w, a: f"/admin/penyedia/{w.supplier_id}/dokumen/{w.document_id}", ADMIN)],
    ("/admin/kurasi", "GET"): [Case("/admin/kurasi", ADMIN)],
    ("/admin/produk/<int:listing_id>", "GET"): [Case(lambda w, a: f"/admin/produk/{w.draft_id}", ADMIN)],
    ("/admin/produk/<int:listing_id>/<any(approve, return, freeze):action>", "POST"): [
        Case(lambda w, a: f"/admin/produk/{w.listing('submitted')}/approve", ADMIN, label="approve"),
        Case(lambda w, a: f"/admin/produk/{w.listing('submitted')}/return", ADMIN, body=_reason_form,
             label="return"),
        Case(lambda w, a: f"/admin/produk/{w.listing('active')}/freeze", ADMIN, body=_reason_form, label="freeze"),
    ],
    ("/admin/skpd", "GET"): [Case("/admin/skpd", ADMIN)],
    ("/admin/skpd", "POST"): [Case("/admin/skpd", ADMIN, body=lambda w, a: {
        "data": {"code": f"DINAS{next(_seq)}", "name": "Dinas Uji"}})],
    ("/admin/anggaran", "GET"): [Case("/admin/anggaran", ADMIN)],
    ("/admin/anggaran", "POST"): [Case("/admin/anggaran", ADMIN, body=lambda w, a: {"data": {
        "skpd_id": str(w.skpd_id), "year": str(TODAY.year), "code": f"5.2.02.01.01.{next(_seq):04d}",
        "name": "Belanja Uji", "ceiling": "1.000.000"}})],
    ("/admin/pengguna", "GET"): [Case("/admin/pengguna", ADMIN)],
    ("/admin/pengguna", "POST"): [Case("/admin/pengguna", ADMIN, body=lambda w, a: {"data": {
        "username": f"pengguna{next(_seq)}", "password": PASSWORD, "full_name": "Pengguna Uji", "role": "finance",
        "skpd_id": "", "supplier_id": "", "nip": "", "email": ""}})],
    ("/admin/cuti-bersama", "GET"): [Case("/admin/cuti-bersama", ADMIN)],
    ("/admin/cuti-bersama", "POST"): [Case("/admin/cuti-bersama", ADMIN, body=_cuti_body(form=True))],
    ("/admin/cuti-bersama/<int:day_id>/hapus", "GET"): [
        Case(lambda w, a: f"/admin/cuti-bersama/{_cuti_day(w, a)}/hapus", ADMIN)],
    ("/admin/cuti-bersama/<int:day_id>/hapus", "POST"): [
        Case(lambda w, a: f"/admin/cuti-bersama/{_cuti_day(w, a)}/hapus", ADMIN)],
    ("/admin/kategori", "GET"): [Case("/admin/kategori", ADMIN)],
    ("/admin/kategori", "POST"): [Case("/admin/kategori", ADMIN, body=lambda w, a: {
        "data": {"etalase": "jasa-penyewaan", "name": f"Kategori Uji {next(_seq)}"}})],
    # ---------------------------------------------------------------- buying pages
    ("/keranjang", "GET"): [Case("/keranjang", BUYERS)],
    ("/keranjang/tambah/<int:listing_id>", "POST"): [
        Case(lambda w, a: f"/keranjang/tambah/{w.goods_id}", BUYERS, fresh_client=True,
             body=lambda w, a: {"data": {"quantity": "1"}})],
    ("/keranjang/<line_id>/hapus", "POST"): [Case("/keranjang/abcd1234/hapus", BUYERS, fresh_client=True)],
    ("/keranjang/pesan", "POST"): [Case("/keranjang/pesan", BUYERS, fresh_client=True)],
    ("/pesanan", "GET"): [Case("/pesanan", LOGGED_IN)],
    ("/pesanan/tindakan", "GET"): [Case("/pesanan/tindakan", LOGGED_IN)],
    ("/pesanan/<int:order_id>", "GET"): [
        Case(lambda w, a: f"/pesanan/{w.order('menunggu_penyedia')}", PARTIES, hidden=STRANGERS)],
    ("/pesanan/<int:order_id>/<action>", "POST"): list(PAGE_ACTIONS.values()),
    ("/pesanan/<int:order_id>/dokumen/<kind>.pdf", "GET"): [
        Case(lambda w, a: f"/pesanan/{w.order('menunggu_penyedia')}/dokumen/surat-pesanan.pdf", PARTIES,
             hidden=STRANGERS)],
    ("/notifikasi", "GET"): [Case("/notifikasi", LOGGED_IN)],
    ("/notifikasi/baca", "POST"): [Case("/notifikasi/baca", LOGGED_IN)],
    # ---------------------------------------------------------------- reports
    ("/laporan/transaksi", "GET"): [Case(f"/laporan/transaksi?year={TODAY.year}", REPORTERS)],
    ("/laporan/transaksi/unduh", "GET"): [Case(f"/laporan/transaksi/unduh?year={TODAY.year}&format=xlsx", REPORTERS)],
    ("/laporan/tahunan", "GET"): [Case(f"/laporan/tahunan?year={TODAY.year}", REPORTERS)],
    ("/laporan/tahunan/unduh", "GET"): [Case(f"/laporan/tahunan/unduh?year={TODAY.year}&format=xlsx", REPORTERS)],
    ("/laporan/dasbor", "GET"): [Case(f"/laporan/dasbor?year={TODAY.year}", REPORTERS)],
    ("/laporan/dasbor.pdf", "GET"): [Case(f"/laporan/dasbor.pdf?year={TODAY.year}", REPORTERS)],

    # ================================================================ API
    (api("/auth/tokens"), "POST"): [Case(api("/auth/tokens"), EVERYONE, body=lambda w, a: {
        "json": {"username": w.usernames["finance"], "password": PASSWORD}})],
    (api("/auth/tokens/current"), "DELETE"): [Case(api("/auth/tokens/current"), LOGGED_IN, fresh_client=True)],
    (api("/etalase"), "GET"): [Case(api("/etalase"), EVERYONE)],
    (api("/listings"), "GET"): [Case(api("/listings?q=batik"), EVERYONE)],
    (api("/listings"), "POST"): [Case(api("/listings"), SELLERS, body=lambda w, a: {"json": {
        "etalase": "produk-unggulan", "category_id": w.goods_category_id, "name": f"Kopi Arabika {next(_seq)}",
        "description": "Kopi Bumiaji", "unit": "pcs", "price": 50_000, "min_order": 1, "lead_time_days": 0,
        "stock": 10}})],
    (api("/listings/<int:listing_id>"), "GET"): [
        Case(lambda w, a: api(f"/listings/{w.goods_id}"), EVERYONE, label="active"),
        Case(lambda w, a: api(f"/listings/{w.draft_id}"), frozenset({"admin", "finance", "supplier"}),
             hidden=EVERYONE - {"admin", "finance", "supplier"}, label="draft"),
    ],
    (api("/listings/<int:listing_id>"), "PATCH"): [
        Case(lambda w, a: api(f"/listings/{w.goods_id}"), frozenset({"supplier"}), hidden=frozenset({"other_supplier"}),
             body=lambda w, a: {"json": {"description": f"Batik tulis motif apel {next(_seq)}"}})],
    (api("/listings/<int:listing_id>/availability"), "GET"): [
        Case(lambda w, a: api(f"/listings/{w.goods_id}/availability"), EVERYONE)],
    (api("/listings/<int:listing_id>/submit"), "POST"): [
        Case(lambda w, a: api(f"/listings/{w.listing('draft')}/submit"), frozenset({"supplier"}),
             hidden=frozenset({"other_supplier"}))],
    (api("/listings/<int:listing_id>/deactivate"), "POST"): [
        Case(lambda w, a: api(f"/listings/{w.listing('active')}/deactivate"), frozenset({"supplier"}),
             hidden=frozenset({"other_supplier"}))],
    (api("/listings/<int:listing_id>/approve"), "POST"): [
        Case(lambda w, a: api(f"/listings/{w.listing('submitted')}/approve"), ADMIN)],
    (api("/listings/<int:listing_id>/return"), "POST"): [
        Case(lambda w, a: api(f"/listings/{w.listing('submitted')}/return"), ADMIN, body=_reason)],
    (api("/listings/<int:listing_id>/freeze"), "POST"): [
        Case(lambda w, a: api(f"/listings/{w.listing('active')}/freeze"), ADMIN, body=_reason)],
    (api("/listings/<int:listing_id>/photos"), "POST"): [
        Case(lambda w, a: api(f"/listings/{w.listing('draft')}/photos"), frozenset({"supplier"}),
             hidden=frozenset({"other_supplier"}), body=_png)],
    (api("/listings/import"), "POST"): [Case(api("/listings/import"), SELLERS, body=lambda w, a: w.import_file())],
    (api("/listings/import-template.xlsx"), "GET"): [Case(api("/listings/import-template.xlsx"), SELLERS)],
    (api("/suppliers"), "POST"): [Case(api("/suppliers"), EVERYONE, body=lambda w, a: {"json": supplier_payload()})],
    (api("/suppliers/<int:supplier_id>"), "GET"): [
        Case(lambda w, a: api(f"/suppliers/{w.supplier_id}"), EVERYONE, label="verified"),
        Case(lambda w, a: api(f"/suppliers/{w.pending_supplier_id}"), frozenset({"admin", "finance"}),
             hidden=EVERYONE - {"admin", "finance"}, label="pending"),
    ],
    (api("/suppliers/<int:supplier_id>/documents"), "POST"): [
        Case(lambda w, a: api(f"/suppliers/{w.supplier_id}/documents"), frozenset({"supplier"}),
             hidden=frozenset({"other_supplier"}), body=_document("file"))],
    (api("/suppliers/<int:supplier_id>/verify"), "POST"): [
        Case(lambda w, a: api(f"/suppliers/{w.supplier_row('pending')}/verify"), ADMIN)],
    (api("/suppliers/<int:supplier_id>/reject"), "POST"): [
        Case(lambda w, a: api(f"/suppliers/{w.supplier_row('pending')}/reject"), ADMIN, body=_reason)],
    (api("/suppliers/<int:supplier_id>/suspend"), "POST"): [
        Case(lambda w, a: api(f"/suppliers/{w.supplier_row('verified')}/suspend"), ADMIN)],
    (api("/suppliers/<int:supplier_id>/reinstate"), "POST"): [
        Case(lambda w, a: api(f"/suppliers/{w.supplier_row('suspended')}/reinstate"), ADMIN)],
    (api("/admin/skpd"), "GET"): [Case(api("/admin/skpd"), ADMIN)],
    (api("/admin/skpd"), "POST"): [Case(api("/admin/skpd"), ADMIN, body=lambda w, a: {
        "json": {"code": f"BADAN{next(_seq)}", "name": "Badan Uji"}})],
    (api("/admin/users"), "POST"): [Case(api("/admin/users"), ADMIN, body=lambda w, a: {"json": {
        "username": f"api.user{next(_seq)}", "password": PASSWORD, "full_name": "Pengguna API", "role": "pp",
        "skpd_id": w.skpd_id}})],
    (api("/admin/budget-lines"), "POST"): [Case(api("/admin/budget-lines"), ADMIN, body=lambda w, a: {"json": {
        "skpd_id": w.skpd_id, "year": TODAY.year, "code": f"5.1.02.01.02.{next(_seq):04d}", "name": "Belanja API",
        "ceiling": 5_000_000}})],
    (api("/admin/categories"), "POST"): [Case(api("/admin/categories"), ADMIN, body=lambda w, a: {
        "json": {"etalase": "produk-unggulan", "name": f"Kategori API {next(_seq)}"}})],
    (api("/admin/cuti-bersama"), "GET"): [Case(api(f"/admin/cuti-bersama?year={TODAY.year}"), ADMIN)],
    (api("/admin/cuti-bersama"), "POST"): [Case(api("/admin/cuti-bersama"), ADMIN, body=_cuti_body(form=False))],
    (api("/admin/cuti-bersama/<int:day_id>"), "DELETE"): [
        Case(lambda w, a: api(f"/admin/cuti-bersama/{_cuti_day(w, a)}"), ADMIN)],
    (api("/budget-lines"), "GET"): [Case(api(f"/budget-lines?year={TODAY.year}"), LOGGED_IN)],
    (api("/orders"), "GET"): [Case(api("/orders"), LOGGED_IN)],
    (api("/orders"), "POST"): [Case(api("/orders"), BUYERS, body=lambda w, a: w.order_body(a))],
    (api("/orders/<int:order_id>"), "GET"): [
        Case(lambda w, a: api(f"/orders/{w.order('menunggu_penyedia')}"), PARTIES, hidden=STRANGERS)],
    **{(api(f"/orders/<int:order_id>/{action}"), "POST"): [case] for action, case in API_ACTIONS.items()},
    (api("/orders/<int:order_id>/documents/<kind>.pdf"), "GET"): [
        Case(lambda w, a: api(f"/orders/{w.order('menunggu_penyedia')}/documents/surat-pesanan.pdf"), PARTIES,
             hidden=STRANGERS)],
    (api("/reports/transactions"), "GET"): [Case(api(f"/reports/transactions?year={TODAY.year}"), REPORTERS)],
    (api("/reports/annual"), "GET"): [Case(api(f"/reports/annual?year={TODAY.year}"), REPORTERS)],
    (api("/public/summary"), "GET"): [Case(api(f"/public/summary?year={TODAY.year}"), EVERYONE)],
    (api("/ocds/releases"), "GET"): [  # a year with an order accepted by its supplier
        Case(lambda w, a: (w.order("diproses", fresh=False), api(f"/ocds/releases?year={TODAY.year}"))[1], EVERYONE)],
}


# ----------------------------------------------------------------------------------------- running

@pytest.fixture(scope="module")
def world(_app):
    """The world, built once for this module on emptied tables.

    No application context is held while requests run: a request would share it, and
    with it ``g`` (the logged-in user) and the database session of the previous one.
    """
    with _app.app_context():
        _empty_tables(_app.config["SEEDED_ROWS"])
        versions.clear()
        built = World(_app)
        db.session.commit()
        db.session.remove()
    return built


def expected(case: Case, actor: str, is_api: bool) -> str:
    if actor in case.allow:
        return "ok"
    if actor in case.hidden:
        return "404"
    if actor == ANON:
        return "401" if is_api else "login"
    return "403"


def outcome(response, is_api: bool) -> str:
    code = response.status_code
    if 300 <= code < 400:
        return "login" if urlparse(response.headers.get("Location", "")).path == "/masuk" else "ok"
    if 200 <= code < 300:
        return "ok"
    if is_api:  # a refusal is an error in the API's format
        body = response.get_json(silent=True) or {}
        assert set(body.get("error", {})) == {"code", "message", "details"}, (code, response.data[:200])
    return str(code)


def call(world: World, key: tuple[str, str], case: Case, actor: str):
    rule, method = key
    is_api = rule.startswith("/api/")
    with world.app.app_context():
        world.fresh = actor in case.allow  # a request expected to change state gets its own object
        url = case.url(world, actor) if callable(case.url) else case.url
        kwargs = case.body(world, actor) if case.body else {}
        db.session.commit()
        db.session.remove()
    if is_api:
        headers = {}
        if actor != ANON:
            headers["Authorization"] = f"Bearer {world.token(actor, fresh=case.fresh_client)}"
        return world.app.test_client().open(url, method=method, headers=headers, **kwargs), is_api
    client = world.client_for(actor, fresh=case.fresh_client)
    return client.open(url, method=method, **kwargs), is_api


def _key_id(key):
    return f"{key[1]} {key[0]}"


@pytest.mark.parametrize("key", sorted(MATRIX), ids=_key_id)
def test_route_answers_each_person_as_product_md_says(world, key):
    failures = []
    for case in MATRIX[key]:
        for actor in ACTORS:
            response, is_api = call(world, key, case, actor)
            want, got = expected(case, actor, is_api), outcome(response, is_api)
            response.close()
            if want != got:
                failures.append(f"{case.label or '-'} as {actor}: expected {want}, got {got} "
                                f"({response.status_code} {response.headers.get('Location', '')})")
    assert not failures, "\n".join(failures)


def test_every_route_is_in_the_matrix(_app):
    routes = {(rule.rule, method) for rule in _app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    missing = routes - set(MATRIX) - WHITELIST
    assert not missing, f"routes without an authorization matrix entry: {sorted(missing)}"
    stale = set(MATRIX) - routes
    assert not stale, f"matrix entries for routes that no longer exist: {sorted(stale)}"


def test_strangers_get_the_same_answer_as_for_a_missing_object(world):
    """'Answered as if it did not exist': a stranger's 404 carries the same error as a missing id."""
    with world.app.app_context():
        order_id = world.order("menunggu_penyedia", fresh=False)
        db.session.remove()
    headers = {"Authorization": f"Bearer {world.token('other_ppk')}"}
    client = world.app.test_client()
    theirs = client.get(api(f"/orders/{order_id}"), headers=headers)
    missing = client.get(api("/orders/2147483000"), headers=headers)
    assert theirs.status_code == missing.status_code == 404
    assert theirs.get_json() == missing.get_json()
    supplier = world.client_for("other_supplier")
    supplier.get("/")  # the first page after logging in carries the welcome message
    page_theirs = supplier.get(f"/pesanan/{order_id}")
    page_missing = supplier.get("/pesanan/2147483000")
    assert page_theirs.status_code == page_missing.status_code == 404
    assert without_csrf_token(page_theirs.data) == without_csrf_token(page_missing.data)


def without_csrf_token(page: bytes) -> bytes:
    """The page with its logout form's CSRF token blanked: the token is signed with the second it was made in,
    so two renderings a second apart differ there and only there."""
    return re.sub(rb'(name="csrf_token" value=")[^"]*"', rb'\1"', page)
