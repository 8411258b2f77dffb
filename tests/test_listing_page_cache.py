"""A listing's public page is cached on its own: it follows every change it shows, right after the change,
and one supplier's edit leaves every other page cached."""
import io
import threading

from sqlalchemy import event, text

from app.common.timeutil import today_wib
from app.common import versions
from app.etalase import services
from app.etalase.search_cache import CATALOG, STOREFRONTS
from app.extensions import db
from app.suppliers import services as suppliers
from app.suppliers.schemas import SupplierProfileSchema

from .factories import png_bytes


def page(client, listing_id: int) -> str:
    response = client.get(f"/produk/{listing_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def cached_page(listing):
    """The page's parts in the cache for the listing's current state, or None."""
    db.session.rollback()
    state = services.public_listing_state(listing.id)
    return versions.lookup(STOREFRONTS, state.key, state.version)


def test_a_cached_page_follows_every_change_it_shows(client, make, api_auth):
    supplier = make.supplier(business_name="UD Apel Bumiaji")
    owner = make.user("supplier", supplier=supplier)
    listing = make.listing(supplier, name="Sari Apel 1 L", price=35_000, stock=10)
    skpd = make.skpd()
    line = make.budget_line(skpd, year=today_wib().year)
    assert "Rp35.000" in page(client, listing.id) and cached_page(listing) is not None

    patched = client.patch(f"/api/v1/listings/{listing.id}", json={"price": 30_000, "description": "Tanpa gula."},
                           headers=api_auth.headers(owner))
    assert patched.status_code == 200
    shown = page(client, listing.id)
    assert "Rp30.000" in shown and "Tanpa gula." in shown and "Riwayat harga" in shown

    uploaded = client.post(f"/api/v1/listings/{listing.id}/photos", headers=api_auth.headers(owner),
                           content_type="multipart/form-data", data={"photo": (io.BytesIO(png_bytes()), "apel.png")})
    assert uploaded.status_code == 201
    assert f"/katalog/foto/{uploaded.get_json()['id']}" in page(client, listing.id)

    profile = {name: getattr(supplier, name) for name in SupplierProfileSchema().fields}
    suppliers.update_profile(owner, supplier, {**profile, "business_name": "UD Sari Apel Bumiaji"})
    db.session.commit()
    assert "UD Sari Apel Bumiaji" in page(client, listing.id)

    ordered = client.post("/api/v1/orders", headers=api_auth.headers(make.user("ppk", skpd=skpd)), json={
        "budget_line_id": line.id, "delivery_address": "Kantor Dinas",
        "lines": [{"listing_id": listing.id, "quantity": 3}]})
    assert ordered.status_code == 201
    assert "<dt>Stok</dt><dd>7 pcs</dd>" in page(client, listing.id)


def test_one_suppliers_edit_leaves_the_other_pages_cached(client, make, api_auth):
    edited = make.listing(name="Keripik Apel 100 g", price=20_000)
    other = make.listing(name="Kopi Arabika Panderman", price=90_000)
    page(client, edited.id), page(client, other.id)
    catalog_version = versions.current(CATALOG)

    owner = api_auth.headers(make.user("supplier", supplier=edited.supplier))
    assert client.patch(f"/api/v1/listings/{edited.id}", json={"name": "Keripik Apel Pedas 100 g"},
                        headers=owner).status_code == 200

    assert versions.current(CATALOG) != catalog_version
    assert cached_page(edited) is None
    assert cached_page(other) is not None
    assert "Keripik Apel Pedas 100 g" in page(client, edited.id)
    assert "Kopi Arabika Panderman" in page(client, other.id)


def test_a_page_read_while_an_order_commits_is_not_kept_under_the_stock_it_no_longer_shows(app, client, make):
    """PostgreSQL's read committed lets an order commit between the page's two reads; its stock may then
    return (a cancelled order), and the page must show it. SQLite serialises the two (the writer waits)."""
    listing = make.listing(name="Madu Kelengkeng 250 ml", stock=10)
    listing_id, engine = listing.id, db.engine
    db.session.close()
    writers = []

    def other_buyer(amount: int) -> None:
        with engine.begin() as connection:
            connection.execute(text("UPDATE listings SET stock = stock + :n WHERE id = :id"),
                               {"n": amount, "id": listing_id})

    def order_commits_meanwhile(_connection, _cursor, statement, *_args):
        if statement.startswith("SELECT listings.stock, listings.revision") and not writers:
            writers.append(threading.Thread(target=other_buyer, args=(-1,)))
            writers[0].start()
            if engine.dialect.name == "postgresql":
                writers[0].join()

    event.listen(engine, "after_cursor_execute", order_commits_meanwhile)
    try:
        page(client, listing_id)
    finally:
        event.remove(engine, "after_cursor_execute", order_commits_meanwhile)
    db.session.close()
    writers[0].join()
    other_buyer(+1)
    assert "<dt>Stok</dt><dd>10 pcs</dd>" in page(client, listing_id)
