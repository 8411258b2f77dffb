"""A cache you can trust: keys from validated parameters only, one computation of a missing value at a time
(in a process and across processes sharing Redis), computing on when Redis is down, and versions moved by
every write of what they watch, Core statements included; a cached figure reading a table its version does
not watch is refused."""
import threading
import time

import pytest
from sqlalchemy import delete, false, func, insert, select, update

from app.common import versions
from app.etalase import capacity
from app.etalase.models import DailyCapacityUse, Listing
from app.etalase.search_cache import CATALOG, STOREFRONTS
from app.extensions import db
from app.procurement import budget
from app.procurement.models import BudgetLine
from app.procurement.reporting import TRANSACTIONS
from app.procurement.reporting import recap as recap_module

from .cache_helpers import shared_cache  # noqa: F401 (fixture)
from .report_world import TODAY, YEAR, market  # noqa: F401 (fixture)

SLOW = 0.4


def together(count: int, job) -> list:
    """``job(index)`` in ``count`` real threads released at once; their results."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        barrier.wait()
        results[index] = job(index)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


class Slow:
    """A creator that takes a while and counts its runs."""

    def __init__(self, value="figures"):
        self.runs = 0
        self.value = value
        self._lock = threading.Lock()

    def __call__(self):
        with self._lock:
            self.runs += 1
        time.sleep(SLOW)
        return self.value


def test_one_computation_of_a_cold_value_while_the_others_wait():
    cache, slow = versions.Cache(), Slow({"total_value": 1_250_000})
    assert together(8, lambda _i: cache.get_or_create("recap", slow)) == [{"total_value": 1_250_000}] * 8
    assert slow.runs == 1
    assert cache.get_or_create("recap", slow) == {"total_value": 1_250_000} and slow.runs == 1


def test_a_value_not_kept_is_handed_to_those_waiting_and_computed_anew_afterwards():
    cache, slow = versions.Cache(), Slow()
    assert together(6, lambda _i: cache.get_or_create("recap", slow, keep=lambda _value: False)) == ["figures"] * 6
    assert slow.runs == 1
    assert cache.peek("recap") is None
    cache.get_or_create("recap", slow, keep=lambda _value: False)
    assert slow.runs == 2


def test_processes_sharing_redis_compute_a_cold_value_once(shared_cache, redis_url):
    """Two regions (two processes' caches) with nothing of their own: only Redis and its lock join them."""
    first, second, slow = versions.Cache(redis_url), versions.Cache(redis_url), Slow(["Kopi Arabika", 90_000])
    found = together(8, lambda i: (first if i % 2 else second).get_or_create("elokal:test:catalog", slow))
    assert found == [["Kopi Arabika", 90_000]] * 8
    assert slow.runs == 1
    third = versions.Cache(redis_url)
    assert third.get_or_create("elokal:test:catalog", slow) == ["Kopi Arabika", 90_000] and slow.runs == 1


def test_with_redis_down_each_process_computes_and_keeps_its_own():
    down = versions.Cache("redis://127.0.0.1:1/2")  # nothing listens there
    slow = Slow()
    assert together(3, lambda _i: down.get_or_create("recap", slow)) == ["figures"] * 3
    assert slow.runs == 1
    assert down.get_or_create("recap", slow) == "figures" and slow.runs == 1


def test_pages_and_figures_are_served_while_redis_is_down(app, client, make, market):
    make.listing(name="Kopi Arabika Panderman", price=90_000)
    app.config["CACHE_URL"] = "redis://127.0.0.1:1/2"
    try:
        versions.clear()
        for _ in range(2):
            assert "Kopi Arabika Panderman" in client.get("/katalog?q=kopi").get_data(as_text=True)
            assert client.get("/api/v1/listings?q=kopi").get_json()["meta"]["total"] == 1
            response = client.get(f"/api/v1/reports/annual?year={YEAR}", headers=market.headers("finance"))
            assert response.status_code == 200 and response.get_json()["year"] == YEAR
    finally:
        app.config["CACHE_URL"] = ""
        versions.clear()


def test_many_requests_for_a_cold_recap_sum_it_once(app, market, monkeypatch):
    """Real threads asking the recap at once: the database sums it once, every one gets the same figures."""
    market.order(market.dispar, market.keripik, 10, "diproses")
    summed = []
    figures = recap_module._figures

    def slow_figures(*args):
        summed.append(args)
        time.sleep(SLOW)
        return figures(*args)

    monkeypatch.setattr(recap_module, "_figures", slow_figures)
    headers = market.headers("finance")
    db.session.commit()

    def ask(_index):
        response = app.test_client().get(f"/api/v1/reports/annual?year={YEAR}", headers=headers)
        return response.status_code, response.get_json()["total_value"]

    answers = together(6, ask)
    assert len(set(answers)) == 1 and answers[0][0] == 200 and answers[0][1] > 0
    assert len(summed) == 1


def catalog_entries(shared, app) -> int:
    return len(list(shared.scan_iter(f"elokal:{app.config['CACHE_RELEASE']}:{CATALOG}:*")))


def test_the_catalog_page_is_keyed_by_its_validated_query(app, client, make, shared_cache):
    make.listing(name="Kopi Arabika Panderman", price=90_000)
    assert client.get("/katalog").status_code == 200
    entries = catalog_entries(shared_cache, app)
    assert entries == 2  # the page and its search's matches
    for query in ("?utm_x=1", "?utm_source=koran&fbclid=abc", "?q=&sort=relevance", "?page=1"):
        response = client.get(f"/katalog{query}")
        assert response.status_code == 200 and "Kopi Arabika Panderman" in response.get_data(as_text=True)
        assert catalog_entries(shared_cache, app) == entries
    assert "utm_x" not in client.get("/katalog?utm_x=1").get_data(as_text=True)

    bad = client.get("/katalog?min_price=murah")
    assert bad.status_code == 200 and 'class="error"' in bad.get_data(as_text=True)
    assert 'value="murah"' in bad.get_data(as_text=True)  # the input shown back beside its error
    assert catalog_entries(shared_cache, app) == entries  # a query with errors is not kept

    assert "Kopi Arabika Panderman" in client.get("/katalog?q=kopi&utm_x=1").get_data(as_text=True)
    assert catalog_entries(shared_cache, app) == entries + 2
    assert client.get("/katalog?q=kopi").status_code == 200
    assert catalog_entries(shared_cache, app) == entries + 2


def test_page_links_name_only_the_validated_query(client, make):
    for n in range(30):
        make.listing(name=f"Keripik Apel {n}", price=20_000 + n)
    html = client.get("/katalog?q=keripik&sort=price&utm_x=1").get_data(as_text=True)
    assert "page=2" in html and "sort=price" in html and "utm_x" not in html


# ---------------------------------------------------------------- versions and writes


def moved(statement, *names) -> set:
    """The versions among ``names`` that a Core ``statement`` committed in its own transaction moved."""
    db.session.commit()
    before = {name: versions.current(name) for name in names}
    db.session.connection().execute(statement)
    db.session.commit()
    return {name for name in names if versions.current(name) != before[name]}


def writes_of(table, columns):
    """A Core INSERT, UPDATE (of a column that counts) and DELETE of ``table``, each writing no row."""
    column = table.c[sorted(columns)[0]] if columns else next(c for c in table.c if not c.primary_key)
    nothing = false()
    return [insert(table).from_select([c.name for c in table.c], select(*table.c).where(nothing)),
            update(table).where(nothing).values({column.name: column}),
            delete(table).where(nothing)]


@pytest.mark.parametrize("name", [CATALOG, STOREFRONTS, TRANSACTIONS])
def test_every_core_write_of_a_watched_table_moves_its_version_at_commit(app, name):
    watched = versions.watched(name)
    assert watched
    for table_name, columns in watched.items():
        for statement in writes_of(db.metadata.tables[table_name], columns):
            assert name in moved(statement, name), f"{statement} left {name} where it was"


def test_writes_of_columns_no_version_reads_move_nothing(app, make):
    """Stock is in the listing page's key, and the catalog's search never shows it: orders do not empty
    the cached catalog. Capacity and budget are read by no cached figure."""
    listings = Listing.__table__
    everything = (CATALOG, STOREFRONTS, TRANSACTIONS)
    assert moved(update(listings).values(stock=listings.c.stock + 1), *everything) == set()
    assert moved(update(listings).values(name=listings.c.name), *everything) == {CATALOG}
    assert moved(update(listings).values(etalase_code=listings.c.etalase_code), *everything) == {CATALOG, TRANSACTIONS}
    for table in (DailyCapacityUse.__table__, BudgetLine.__table__):
        for statement in writes_of(table, ()):
            assert moved(statement, *everything) == set()


def test_stock_capacity_and_budget_writes_of_an_order_move_no_catalog_version(app, make):
    line = make.budget_line(ceiling=1_000_000)
    goods = make.listing(name="Madu Kelengkeng 250 ml", stock=10)
    tent = make.listing(name="Tenda Sarnafil 5x5", etalase="jasa-penyewaan", capacity_per_day=4)
    before = {name: versions.current(name) for name in (CATALOG, STOREFRONTS)}
    capacity.reserve_stock(goods, 3)
    capacity.reserve_days(tent, 2, TODAY, TODAY)
    budget.reserve(line, 150_000)
    budget.realize(line.id, 50_000)
    db.session.commit()
    assert {name: versions.current(name) for name in (CATALOG, STOREFRONTS)} == before


def test_a_core_write_shows_in_the_next_search(client, make):
    listing = make.listing(name="Kopi Arabika Panderman", price=90_000)
    assert client.get("/api/v1/listings?q=kopi").get_json()["meta"]["total"] == 1
    db.session.execute(update(Listing).where(Listing.id == listing.id).values(name="Teh Hijau Panderman")
                       .execution_options(synchronize_session=False))
    db.session.commit()
    assert client.get("/api/v1/listings?q=kopi").get_json()["meta"]["total"] == 0
    assert "Teh Hijau Panderman" in client.get("/katalog?q=teh").get_data(as_text=True)


def test_a_rolled_back_write_moves_nothing_and_a_transaction_sees_its_own_new_version(app, make):
    listing = make.listing(name="Kopi Arabika Panderman")
    committed = versions.current(CATALOG)
    db.session.execute(update(Listing).where(Listing.id == listing.id).values(name="Kopi Luwak")
                       .execution_options(synchronize_session=False))
    pending = versions.current(CATALOG)
    assert pending != committed  # what this transaction computes is never kept under the version others see
    db.session.rollback()
    assert versions.current(CATALOG) == committed


def test_a_write_on_another_connection_moves_the_version_at_its_commit(app, make):
    """A second, real connection writes the catalog outside any session: its version moves when (and
    only when) it commits. On SQLite the writer holds the write lock, so the reader waits for its commit."""
    listing_id = make.listing(name="Kopi Arabika Panderman").id
    committed = versions.current(CATALOG)
    db.session.commit()
    listings = Listing.__table__
    with db.engine.connect() as other:
        other.execute(update(listings).where(listings.c.id == listing_id).values(name="Kopi Luwak"))
        if db.engine.dialect.name == "postgresql":
            assert versions.current(CATALOG) == committed
            db.session.commit()
        other.commit()
    assert versions.current(CATALOG) != committed


def test_a_cached_figure_that_reads_a_table_its_version_does_not_watch_is_refused(app, make):
    make.budget_line()

    def pagu_in_a_catalog_figure():
        return db.session.scalar(select(BudgetLine.ceiling))

    with pytest.raises(versions.UnwatchedRead, match="budget_lines"):
        versions.cached(CATALOG, ("pagu",), pagu_in_a_catalog_figure)
    assert versions.lookup(CATALOG, ("pagu",), versions.current(CATALOG)) is None
    assert versions.cached(TRANSACTIONS, ("orders",), lambda: db.session.scalar(
        select(func.count()).select_from(db.metadata.tables["orders"]))) == 0


def test_a_signed_in_visitor_shares_the_catalog_page_of_everyone(app, client, make, auth, shared_cache):
    """The cached part is rendered from the query alone, without the request's user or session."""
    make.listing(name="Kopi Arabika Panderman", price=90_000)
    assert "Kopi Arabika Panderman" in client.get("/katalog?q=kopi").get_data(as_text=True)
    entries = catalog_entries(shared_cache, app)
    auth.login(make.user("pp", skpd=make.skpd()))
    assert "Kopi Arabika Panderman" in client.get("/katalog?q=kopi").get_data(as_text=True)
    assert catalog_entries(shared_cache, app) == entries
