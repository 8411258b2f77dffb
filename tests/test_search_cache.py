"""Cached catalog search and report figures answer exactly what the database holds, right after each change."""
from sqlalchemy import event

from app.common import versions
from app.etalase import search_cache
from app.extensions import db


def names(client, query="/api/v1/listings?q=apel&sort=price"):
    body = client.get(query).get_json()
    return [(item["name"], item["price"]) for item in body["data"]], body["meta"]["total"]


def test_changes_show_in_the_next_search(client, make, api_auth):
    supplier = make.supplier(business_name="UD Apel Bumiaji")
    owner = api_auth.headers(make.user("supplier", supplier=supplier))
    admin = api_auth.headers(make.user("admin"))
    make.listing(supplier, name="Keripik Apel 100 g", price=20_000)
    juice = make.listing(supplier, name="Sari Apel 1 L", price=35_000)
    assert names(client) == ([("Keripik Apel 100 g", 20_000), ("Sari Apel 1 L", 35_000)], 2)
    version = search_cache.current_version()
    assert names(client) == ([("Keripik Apel 100 g", 20_000), ("Sari Apel 1 L", 35_000)], 2)
    assert search_cache.current_version() == version

    assert client.patch(f"/api/v1/listings/{juice.id}", json={"price": 15_000}, headers=owner).status_code == 200
    assert names(client) == ([("Sari Apel 1 L", 15_000), ("Keripik Apel 100 g", 20_000)], 2)

    make.listing(make.supplier(), name="Jenang Apel", price=15_000)
    assert names(client)[1] == 3

    assert client.post(f"/api/v1/suppliers/{supplier.id}/suspend", json={}, headers=admin).status_code == 200
    assert names(client) == ([("Jenang Apel", 15_000)], 1)


def test_the_shared_cache_serves_every_process_the_current_catalog(app, client, make, redis_url):
    """With CACHE_URL (Redis on the machine) results are shared and still follow every change."""
    app.config["CACHE_URL"] = redis_url
    try:
        versions.clear()
        make.listing(name="Kopi Arabika Panderman", price=90_000)
        assert names(client, "/api/v1/listings?q=kopi")[1] == 1
        key_count = len(list(versions._shared().scan_iter(f"elokal:{app.config['CACHE_RELEASE']}:catalog:*")))
        assert key_count == 1
        versions.forget_here()
        searches = []

        def note_searches(_connection, _cursor, sql, *_args):
            if " OVER " in sql:
                searches.append(sql)

        event.listen(db.engine, "before_cursor_execute", note_searches)
        try:
            assert names(client, "/api/v1/listings?q=kopi") == ([("Kopi Arabika Panderman", 90_000)], 1)
        finally:
            event.remove(db.engine, "before_cursor_execute", note_searches)
        assert searches == []  # as another process would, it took the matches from Redis
        make.listing(name="Kopi Robusta Bumiaji", price=70_000)
        assert names(client, "/api/v1/listings?q=kopi&sort=price") == (
            [("Kopi Robusta Bumiaji", 70_000), ("Kopi Arabika Panderman", 90_000)], 2)
    finally:
        versions.clear()
        app.config["CACHE_URL"] = ""


def test_a_new_release_never_reads_what_an_older_one_cached(app, client, make, redis_url):
    """The shared cache outlives a deploy: values are kept per release of the code and templates."""
    app.config["CACHE_URL"] = redis_url
    release = app.config["CACHE_RELEASE"]
    try:
        versions.clear()
        make.listing(name="Kopi Arabika Panderman", price=90_000)
        names(client, "/api/v1/listings?q=kopi")
        version = search_cache.current_version()
        key = ("api", (("q", "kopi"),))
        search_cache.store(key, version, {"written by": "the older release"})
        app.config["CACHE_RELEASE"] = "next-release"
        assert search_cache.lookup(key, version) is None
        assert names(client, "/api/v1/listings?q=kopi") == ([("Kopi Arabika Panderman", 90_000)], 1)
        app.config["CACHE_RELEASE"] = release
        assert search_cache.lookup(key, version) == {"written by": "the older release"}
    finally:
        versions.clear()
        app.config.update(CACHE_URL="", CACHE_RELEASE=release)


def test_a_release_is_named_by_its_code_and_templates(tmp_path):
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "detail.html"
    page.write_text("<h1>{{ listing.name }}</h1>")
    (tmp_path / "notes.txt").write_text("not part of a release")
    first = versions.release_of(tmp_path)
    (tmp_path / "notes.txt").write_text("still not part of a release")
    assert versions.release_of(tmp_path) == first
    page.write_text("<h1 class=judul>{{ listing.name }}</h1>")
    assert versions.release_of(tmp_path) != first


def test_stock_changes_from_orders_do_not_invalidate_the_cache(client, make, api_auth):
    from app.common.timeutil import today_wib

    skpd = make.skpd()
    line = make.budget_line(skpd, year=today_wib().year)
    listing = make.listing(name="Kopi Arabika Panderman", price=90_000, stock=10)
    names(client, "/api/v1/listings?q=kopi")
    version = search_cache.current_version()
    r = client.post("/api/v1/orders", headers=api_auth.headers(make.user("ppk", skpd=skpd)), json={
        "budget_line_id": line.id, "delivery_address": "Kantor Dinas", "lines": [{"listing_id": listing.id, "quantity": 2}]})
    assert r.status_code == 201
    db.session.expire_all()
    assert search_cache.current_version() == version
    assert client.get(f"/api/v1/listings/{listing.id}").get_json()["stock"] == 8


def test_a_value_computed_while_another_transaction_committed_is_not_kept(app):
    version = versions.current("transactions")

    def computed_across_a_commit():
        versions.bump(db.session, "transactions")  # another writer's change commits meanwhile
        db.session.commit()
        return {"figures": "of two states"}

    assert versions.cached("transactions", ("recap", 2026), computed_across_a_commit, version) == \
        {"figures": "of two states"}
    assert versions.lookup("transactions", ("recap", 2026), version) is None
    settled = versions.current("transactions")
    versions.cached("transactions", ("recap", 2026), lambda: {"figures": "of one state"}, settled)
    assert versions.lookup("transactions", ("recap", 2026), settled) == {"figures": "of one state"}
