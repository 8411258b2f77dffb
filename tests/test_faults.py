"""Faults: PostgreSQL stopped under a load of orders, and a gunicorn worker killed in the middle of checkout.

The tests start their own PostgreSQL cluster (``initdb`` in a temporary folder, its own
loopback port, run as the ``postgres`` user when the tests run as root), so the machine's
shared server is left alone. It gets the schema of the migrations and a small world, and
the app is served from it by real gunicorn sync workers, configured as in production.
After each fault the tests check what an operator would: every answer was an order or a
clean 503 in the API's error format, no order is half-written, stock, daily capacity and
committed budget equal what the orders recompute to, the audit chain is intact, and a
retry with the same Idempotency-Key makes exactly one order.

The PostgreSQL they need is their own, so ``make test`` runs them in its first pass only
(the PostgreSQL pass deselects the ``faults`` marker).
Without PostgreSQL's server programs or gunicorn they are skipped on a workstation and
fail under CI (``CI=true``).
"""
from __future__ import annotations

import http.client
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from glob import glob
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, select, text

from app import create_app
from app.audit.services import verify_chain
from app.auth.services import issue_token
from app.common.timeutil import today_wib
from app.etalase.capacity import days_between
from app.etalase.models import DailyCapacityUse, Listing
from app.extensions import db
from app.procurement.models import BudgetLine, IdempotencyKey, Order, OrderLine

from .factories import Factory
from .conftest import TEST_NOW
from .test_concurrency import recomputed_committed

pytestmark = [pytest.mark.faults, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
TODAY = today_wib()
WORKERS = 3
BUYERS = 4
STOCK = 1_000_000
TENT_DAYS = (TODAY + timedelta(days=10), TODAY + timedelta(days=12))
APP_NAME = "elokal-worker-"
PAUSE = 0.02             # between two requests of one buyer
OUTAGE = 1.0             # seconds PostgreSQL stays down under the load
REQUEST_TIMEOUT = 30     # one HTTP request
PHASE_TIMEOUT = 30       # each phase of the load, each wait for the server or a backend
PG_TIMEOUT = 60          # initdb, pg_ctl start and stop

GUNICORN_CONF = f'''\
import os

import time_machine

# the test's clock, in the master before it forks: every worker runs on it
time_machine.travel({TEST_NOW.isoformat()!r}, tick=True).start()

control_socket_disable = True  # gunicorn 27+: leave the user's shared control socket alone


def post_fork(server, worker):
    """Name the worker's database connections after its pid (libpq reads PGAPPNAME)."""
    os.environ["PGAPPNAME"] = f"{APP_NAME}{{os.getpid()}}"
'''


def _unavailable(reason: str):
    """Skip on a workstation; under CI the fault tests must run, so fail instead."""
    if IN_CI:
        pytest.fail(f"{reason}: CI=true, the fault tests cannot be skipped", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, what: str, timeout: float = PHASE_TIMEOUT, every: float = 0.05):
    """Poll ``condition`` until it returns something true, and return that; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(every)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


# ---------------------------------------------------------------- the real parts

class PrivatePostgres:
    """A throwaway PostgreSQL cluster in ``folder`` (which its owner must own), on a free loopback port."""

    def __init__(self, bindir: Path, folder: Path):
        self.bindir, self.data, self.log = bindir, folder / "data", folder / "postgres.log"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/elokal"
        self.folder = folder
        self._as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale",
                  "--no-sync")
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{folder}'\nfsync = off\n")

    def _run(self, program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([*self._as_owner, str(self.bindir / program), *args], cwd=self.folder,
                                capture_output=True, text=True, timeout=PG_TIMEOUT + 30)
        if check and result.returncode:
            raise RuntimeError(f"{program} {' '.join(args)} failed ({result.returncode}):\n"
                               f"{result.stdout}{result.stderr}\n{_tail(self.log)}")
        return result

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", str(PG_TIMEOUT), "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``immediate`` kills every backend at once, as a crash does."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "-t", str(PG_TIMEOUT), "stop")

    def running(self) -> bool:
        """Whether the server is up."""
        return self._run("pg_ctl", "-D", str(self.data), "status", check=False).returncode == 0


class Gunicorn:
    """``gunicorn wsgi:app`` with sync workers on a free loopback port, configured as in production."""

    def __init__(self, database_url: str, folder: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = folder / "gunicorn.log"
        conf = folder / "gunicorn.conf.py"
        conf.write_text(GUNICORN_CONF)
        env = {**os.environ, "ELOKAL_ENV": "production", "DATABASE_URL": database_url,
               "SECRET_KEY": uuid.uuid4().hex, "ELOKAL_INSTANCE": str(folder / "instance"), "CACHE_URL": ""}
        self.process = subprocess.Popen(
            [str(GUNICORN), "-c", str(conf), "-w", str(WORKERS), "-b", f"127.0.0.1:{self.port}",
             "--timeout", "30", "--graceful-timeout", "5", "--error-logfile", str(self.log), "wsgi:app"],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)

    def workers(self) -> set[int]:
        """The pids of the master's live workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return {int(pid) for pid in children.read_text().split()} if children.exists() else set()

    def wait_ready(self) -> None:
        """Wait until every worker is up and the status page answers."""
        def ready():
            assert self.process.poll() is None, f"gunicorn exited:\n{_tail(self.log)}"
            if len(self.workers()) != WORKERS:
                return False
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            try:
                connection.request("GET", "/status")
                return connection.getresponse().status == 200
            except (OSError, http.client.HTTPException):
                return False
            finally:
                connection.close()
        wait_for(ready, f"gunicorn on {self.url}", timeout=PG_TIMEOUT, every=0.3)

    def stop(self) -> None:
        """Stop the master and its workers (gunicorn's quick shutdown)."""
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=15)


# ---------------------------------------------------------------- the world and its requests

@dataclass
class Shop:
    """Ids and tokens of the world: PPs of one SKPD, its budget line, a supplier's goods and tent."""

    line_id: int
    goods_id: int
    tent_id: int
    tokens: list[str]

    def order_body(self, n: int) -> dict:
        """The ``n``-th order: goods (1–3 units) or a tent for three days, in turn."""
        if n % 2:
            lines = [{"listing_id": self.tent_id, "quantity": 1, "start_date": TENT_DAYS[0].isoformat(),
                      "end_date": TENT_DAYS[1].isoformat()}]
        else:
            lines = [{"listing_id": self.goods_id, "quantity": 1 + n % 3}]
        return {"budget_line_id": self.line_id, "delivery_address": "Balai Kota Among Tani", "lines": lines}


def build_shop() -> Shop:
    """Create the world in the current app context and hand out an API token per buyer."""
    make = Factory()
    skpd = make.skpd(code="DISPAR", name="Dinas Pariwisata")
    line = make.budget_line(skpd, ceiling=10**12, year=TODAY.year)
    supplier = make.supplier(business_name="CV Tenda Arjuno")
    goods = make.listing(supplier, stock=STOCK, price=10_000, name="Batik Tulis Apel")
    tent = make.listing(supplier, etalase="jasa-penyewaan", capacity_per_day=STOCK, price=500_000,
                        name="Tenda Sarnafil 5x5")
    tokens = [issue_token(make.user("pp", skpd=skpd))[0] for _ in range(BUYERS)]
    db.session.commit()
    return Shop(line_id=line.id, goods_id=goods.id, tent_id=tent.id, tokens=tokens)


@dataclass
class Answer:
    """One order request and what came back: a status and its decoded body, or the transport's error."""

    token: str
    key: str
    body: dict
    sent: float
    received: float = 0.0
    status: int | None = None
    payload: Any = None
    error: str | None = None

    @property
    def clean_unavailable(self) -> bool:
        """A 503 in the error format of API.md."""
        error = self.payload.get("error") if isinstance(self.payload, dict) else None
        return (self.status == 503 and isinstance(error, dict) and error.get("code") == "unavailable"
                and isinstance(error.get("message"), str) and error.get("details") == {})

    def __str__(self) -> str:
        return f"{self.key}: {self.error or self.status} {str(self.payload)[:300]}"


def post_order(url: str, token: str, key: str, body: dict) -> Answer:
    """POST /api/v1/orders with an Idempotency-Key, on a connection of its own."""
    answer = Answer(token=token, key=key, body=body, sent=time.monotonic())
    address = urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("POST", "/api/v1/orders", json.dumps(body), {
            "Authorization": f"Bearer {token}", "Idempotency-Key": key, "Content-Type": "application/json"})
        response = connection.getresponse()
        raw = response.read()
        answer.status = response.status
        is_json = response.getheader("Content-Type", "").startswith("application/json")
        answer.payload = json.loads(raw) if is_json else raw.decode(errors="replace")
    except (OSError, http.client.HTTPException) as exc:
        answer.error = repr(exc)
    finally:
        connection.close()
        answer.received = time.monotonic()
    return answer


def retry(url: str, answer: Answer) -> Answer:
    """The same request again: same buyer, same body, same Idempotency-Key."""
    return post_order(url, answer.token, answer.key, answer.body)


class Load:
    """Every buyer posting orders from a thread of its own, each with a new Idempotency-Key, until the block ends."""

    def __init__(self, url: str, shop: Shop):
        self.url, self.shop = url, shop
        self.answers: list[Answer] = []
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._threads = [threading.Thread(target=self._buyer, args=(i, token), daemon=True)
                         for i, token in enumerate(shop.tokens)]

    def _buyer(self, index: int, token: str) -> None:
        n = index
        while not self._done.is_set():
            answer = post_order(self.url, token, f"beban-{uuid.uuid4()}", self.shop.order_body(n))
            with self._lock:
                self.answers.append(answer)
            n += 1
            self._done.wait(PAUSE)

    def count(self, since: float, accept) -> int:
        """How many requests sent after ``since`` got an answer ``accept`` takes."""
        with self._lock:
            return sum(1 for a in self.answers if a.sent > since and accept(a))

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._done.set()
        for thread in self._threads:
            thread.join(timeout=REQUEST_TIMEOUT + 5)


# ---------------------------------------------------------------- what an operator checks

def assert_books_balance(shop: Shop) -> None:
    """No order without its lines or history, no Idempotency-Key without its order; stock, daily
    capacity and committed budget equal what the orders recompute to; the audit chain unbroken."""
    db.session.expire_all()
    half_written = db.session.scalars(select(Order.number).where(~Order.lines.any() | ~Order.events.any())).all()
    half_written += db.session.scalars(select(IdempotencyKey.key).where(IdempotencyKey.order_ids == "")).all()
    assert half_written == [], f"orders without lines or history, keys without an order: {half_written}"
    lines = db.session.execute(select(OrderLine.listing_id, OrderLine.quantity, OrderLine.start_date,
                                      OrderLine.end_date)).all()
    taken = sum(quantity for listing, quantity, *_ in lines if listing == shop.goods_id)
    assert db.session.get(Listing, shop.goods_id).stock == STOCK - taken
    for day in days_between(*TENT_DAYS):
        booked = sum(q for listing, q, start, end in lines if listing == shop.tent_id and start <= day <= end)
        stored = db.session.scalar(select(DailyCapacityUse.reserved).where(
            DailyCapacityUse.listing_id == shop.tent_id, DailyCapacityUse.day == day)) or 0
        assert stored == booked, (day, stored, booked)
    assert db.session.get(BudgetLine, shop.line_id).committed == recomputed_committed(shop.line_id)
    intact, checked, bad_id = verify_chain()
    assert intact, f"audit chain broken at entry #{bad_id} ({checked} read)"


def stored_keys() -> dict[str, int]:
    """Each stored Idempotency-Key with the order it made."""
    db.session.expire_all()
    return {key: int(order_ids) for key, order_ids in db.session.execute(
        select(IdempotencyKey.key, IdempotencyKey.order_ids))}


def stored_orders() -> set[int]:
    """The ids of every stored order."""
    db.session.expire_all()
    return set(db.session.scalars(select(Order.id)))


def ledger(shop: Shop) -> tuple[set[int], int, int]:
    """The stored orders' ids, the goods' stock and the committed budget, as stored now."""
    return (stored_orders(), db.session.get(Listing, shop.goods_id).stock,
            db.session.get(BudgetLine, shop.line_id).committed)


def assert_one_order_per_key(answers: list[Answer]) -> None:
    """Every key answered 201 made exactly one stored order of its own, and no order was made by anything else."""
    made = {a.key: a.payload["id"] for a in answers if a.status == 201}
    assert len(set(made.values())) == len(made), "two keys answered with the same order"
    assert {key: order_id for key, order_id in stored_keys().items() if key in made} == made
    assert stored_orders() == set(made.values())


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def postgres():
    """A private PostgreSQL cluster with an ``elokal`` database; stopped and removed afterwards."""
    bindirs = sorted(glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not bindirs:
        _unavailable("PostgreSQL's server programs (/usr/lib/postgresql/*/bin/initdb) are not installed")
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            _unavailable("running as root, and there is no postgres user to run initdb as")
    folder = Path(tempfile.mkdtemp(prefix="elokal-faults-"))
    if owner:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    cluster = None
    try:
        cluster = PrivatePostgres(Path(bindirs[-1]).parent, folder)
        cluster.start()
        admin = cluster.url.rsplit("/", 1)[0] + "/postgres"
        engine = create_engine(admin, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text("CREATE DATABASE elokal"))
        engine.dispose()
        yield cluster
    finally:
        if cluster is not None and cluster.running():
            cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def fault_app(postgres, tmp_path_factory):
    """The app on the private cluster, migrated as in production, with the world (ids and tokens in ``SHOP``)."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=postgres.url,
                     UPLOAD_DIR=str(tmp_path_factory.mktemp("fault-uploads")))
    with app.app_context():
        upgrade()
        app.config["SHOP"] = build_shop()
        db.session.remove()
        db.engine.dispose()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def server(fault_app, postgres, tmp_path_factory):
    """gunicorn serving the app from the private cluster; stopped afterwards."""
    if not GUNICORN.exists():
        _unavailable(f"gunicorn is not installed at {GUNICORN}")
    served = Gunicorn(postgres.url, tmp_path_factory.mktemp("gunicorn"))
    try:
        served.wait_ready()
        yield served
    finally:
        served.stop()


@pytest.fixture
def shop(fault_app, postgres, server):
    """The world, in an app context of the private cluster (brought back up if a failed test left it down)."""
    if not postgres.running():
        postgres.start()
    with fault_app.app_context():
        yield fault_app.config["SHOP"]
        db.session.remove()


# ---------------------------------------------------------------- the faults

def test_database_stopped_under_load_answers_503_then_resumes(server, postgres, shop):
    with Load(server.url, shop) as load:
        started = time.monotonic()
        wait_for(lambda: load.count(started, lambda a: a.status == 201) >= 10, "orders before the outage")
        postgres.stop("immediate")
        down = time.monotonic()
        wait_for(lambda: time.monotonic() - down >= OUTAGE and load.count(down, lambda _a: True) >= 20,
                 "answers during the outage")
        restarting = time.monotonic()
        postgres.start()
        up = time.monotonic()
        wait_for(lambda: load.count(up, lambda a: a.status == 201) >= 10, "orders after PostgreSQL is back")
    answers = load.answers

    unclean = [str(a) for a in answers if not (a.status == 201 or a.clean_unavailable)]
    assert unclean == [], "answers other than 201 or a clean 503:\n" + "\n".join(unclean[:10])
    outage = [a for a in answers if a.sent > down and a.received < restarting]
    assert len(outage) >= 20 and all(a.status == 503 for a in outage)
    refused = [a for a in answers if a.status == 503]
    assert_books_balance(shop)
    assert not set(stored_keys()) & {a.key for a in outage}, "a refused request left its key behind"

    with ThreadPoolExecutor(BUYERS) as pool:
        retried = list(pool.map(lambda a: retry(server.url, a), refused))
    assert [str(a) for a in retried if a.status != 201] == []
    assert_one_order_per_key([a for a in answers if a.status == 201] + retried)
    assert_books_balance(shop)


@contextmanager
def budget_line_locked(line_id: int):
    """Hold the budget line's row lock, as a long transaction of another request would."""
    with db.engine.connect() as connection:
        connection.execute(select(BudgetLine.id).where(BudgetLine.id == line_id).with_for_update())
        yield
        connection.rollback()


def checkout_backends() -> list[tuple[int, int]]:
    """(worker pid, backend pid) of app transactions that took stock and now wait for a lock."""
    with db.engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT a.application_name, a.pid FROM pg_stat_activity a "
            "WHERE a.application_name LIKE :name AND a.xact_start IS NOT NULL AND a.wait_event_type = 'Lock' "
            "AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted "
            "AND l.relation = 'listings'::regclass AND l.mode = 'RowExclusiveLock')"),
            {"name": f"{APP_NAME}%"}).all()
    return [(int(name.removeprefix(APP_NAME)), pid) for name, pid in rows]


def backend_alive(pid: int) -> bool:
    """Whether a PostgreSQL backend still runs."""
    with db.engine.connect() as connection:
        return connection.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}) > 0


def test_worker_killed_mid_checkout_leaves_no_partial_order(server, shop):
    token, key, body = shop.tokens[0], f"bunuh-{uuid.uuid4()}", shop.order_body(0)
    orders, stock, committed = ledger(shop)
    with ThreadPoolExecutor(1) as pool, budget_line_locked(shop.line_id):
        pending = pool.submit(post_order, server.url, token, key, body)
        [(worker, backend)] = wait_for(checkout_backends, "a checkout holding stock, waiting for the budget line")
        assert worker in server.workers()
        os.kill(worker, signal.SIGKILL)
        killed = pending.result(timeout=REQUEST_TIMEOUT)
    assert killed.status is None and killed.error, f"the client got an answer: {killed}"

    wait_for(lambda: not backend_alive(backend), "PostgreSQL to end the killed worker's transaction")
    wait_for(lambda: len(server.workers() - {worker}) == WORKERS, "gunicorn to replace the killed worker")
    assert ledger(shop) == (orders, stock, committed)
    assert key not in stored_keys()
    assert_books_balance(shop)

    first, again = retry(server.url, killed), retry(server.url, killed)
    assert (first.status, again.status) == (201, 201), (str(first), str(again))
    assert first.payload["id"] == again.payload["id"] == stored_keys()[key]
    assert ledger(shop) == (orders | {first.payload["id"]}, stock - body["lines"][0]["quantity"],
                            committed + first.payload["total"])
    assert_books_balance(shop)
