"""`make bench`: E-Lokal at regional scale, each scenario measured against a floor in the same run.

Generates (or reuses) the large region on PostgreSQL, serves the app with
gunicorn as in production, drives it over loopback with wrk (32 connections,
fixed duration), and writes the figures to bench/RESULTS.md. The figure that
counts is scenario throughput / floor throughput; the floor is /status, which
reads one row by primary key and renders a tiny template.

Scenarios 1-4 and 6 go through the running app (reads first, then the order
creation that writes); 5 runs bench/exports.py in its own processes once the
server is stopped. Every scenario's verdict is computed here, never in a test.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import io
import json
import os
import platform
import random
import re
import shlex
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, date, datetime
from pathlib import Path

from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "bench" / "out"
LUA = ROOT / "bench" / "lua" / "report.lua"
PASSWORD = "bench-elokal-2026"
FINANCE = "bench.finance"
WORDS = ["apel", "keripik", "batik", "kopi", "bunga", "tenda", "sound", "kursi", "katering", "rapat",
         "dokumentasi", "mawar", "sari", "jenang", "dekorasi", "hiace", "gedung", "nasi", "paket", "arabika"]
SORTS = ["relevance", "price", "-price", "newest"]


def sh(cmd: str, env: dict, check: bool = True) -> subprocess.CompletedProcess:
    """Run a command of the project's virtualenv."""
    return subprocess.run(cmd, shell=True, env=env, cwd=ROOT, check=check, text=True, capture_output=True)


def psql(db: str, sql: str) -> str:
    """One value from the bench database."""
    result = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-Atqc", sql],
                            check=True, text=True, capture_output=True)
    return result.stdout.strip()


def prepare_database(args, env) -> dict:
    """Create and fill the bench database unless it already holds the large region; migrate it either way."""
    exists = psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{args.db}'") == "1"
    filled = exists and psql(args.db, "SELECT to_regclass('public.listings') IS NOT NULL") == "t" and \
        int(psql(args.db, "SELECT count(*) FROM listings")) >= 100_000
    info = {"generated": False}
    if args.regenerate or not filled:
        psql("postgres", f"DROP DATABASE IF EXISTS {args.db} WITH (FORCE)")
        psql("postgres", f"CREATE DATABASE {args.db}")
        sh(f"{BIN}/flask --app wsgi db upgrade", env)
        started = time.perf_counter()
        result = sh(f"{BIN}/python bench/seed_large.py", env)
        info = {"generated": True, "seconds": round(time.perf_counter() - started, 1), "output": result.stdout}
    else:
        sh(f"{BIN}/flask --app wsgi db upgrade", env)
    return info


class Server:
    """gunicorn serving wsgi:app on loopback."""

    def __init__(self, env, workers: int, port: int):
        self.url = f"http://127.0.0.1:{port}"
        OUT.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
             "--error-logfile", str(OUT / "gunicorn.log"), "wsgi:app"],
            cwd=ROOT, env=env, start_new_session=True)
        for _ in range(100):
            try:
                urllib.request.urlopen(self.url + "/status", timeout=2)
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def stop(self):
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def api(url: str, path: str, body: dict | None = None, token: str | None = None, method: str | None = None):
    """A JSON request to the running app."""
    request = urllib.request.Request(url + path, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"}, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def token_for(url: str, username: str) -> str:
    """A bearer token of a bench user."""
    return api(url, "/api/v1/auth/tokens", {"username": username, "password": PASSWORD})["token"]


def wrk(url: str, lines: list[str], args, extra_env: dict | None = None, duration: int | None = None) -> dict:
    """Run wrk over the given request lines; return its figures."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(lines) + "\n")
    env = {**os.environ, "PATHS_FILE": handle.name, **(extra_env or {})}
    result = subprocess.run(["wrk", "-t2", f"-c{args.connections}", f"-d{duration or args.duration}s", "--timeout", "10s",
                             "-s", str(LUA), url], env=env, text=True, capture_output=True, check=True)
    os.unlink(handle.name)
    line = next(l for l in result.stdout.splitlines() if l.startswith("WRKJSON "))
    data = json.loads(line[len("WRKJSON "):])
    seconds = data["duration_us"] / 1e6
    return {"rps": data["requests"] / seconds, "p50_ms": data["p50_us"] / 1000, "p95_ms": data["p95_us"] / 1000,
            "p99_ms": data["p99_us"] / 1000, "requests": data["requests"], "statuses": data["statuses"],
            "socket_errors": data["socket_errors"]}


def side_by_side(server: Server, lines: list[str], args, extra_env: dict | None = None) -> tuple[dict, dict]:
    """The floor and the scenario, each for ``args.duration`` seconds, taken in alternating rounds so that
    a change in the machine's speed meets both alike; percentiles are the worst round's."""
    rounds = {"floor": [], "scenario": []}
    for _ in range(ROUNDS):
        rounds["floor"].append(wrk(server.url, FLOOR, args, duration=args.duration // ROUNDS))
        rounds["scenario"].append(wrk(server.url, lines, args, extra_env, duration=args.duration // ROUNDS))
    floor, scenario = (combined(rounds[side]) for side in ("floor", "scenario"))
    scenario["ratio"] = scenario["rps"] / floor["rps"]
    return floor, scenario


def combined(runs: list[dict]) -> dict:
    """Several wrk runs as one: requests over their total time, statuses summed, the worst percentiles."""
    requests = sum(r["requests"] for r in runs)
    statuses: dict = {}
    for r in runs:
        for status, count in r["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    return {"rps": requests / sum(r["requests"] / r["rps"] for r in runs), "requests": requests,
            "statuses": statuses, "socket_errors": sum(r["socket_errors"] for r in runs),
            **{p: max(r[p] for r in runs) for p in ("p50_ms", "p95_ms", "p99_ms")}}


def get(path: str) -> str:
    """A plain GET request line."""
    return f"GET\t{path}\t"


FLOOR = [get("/status")]
ROUNDS = 3


def run_scenarios(server: Server, args, db: str) -> list[dict]:
    """Every HTTP scenario, each beside a floor run; reads first, then the PDF, then order creation."""
    rng = random.Random(7)
    results = []

    def measure(name, lines, target, check, extra_env=None) -> dict:
        """One read scenario after its warm-up, beside a floor run."""
        if args.warmup:
            wrk(server.url, lines, args, extra_env, duration=args.warmup)
        floor, scenario = side_by_side(server, lines, args, extra_env)
        result = {"name": name, "floor": floor, "scenario": scenario, "target": target,
                  "met": check(scenario) and not errors(scenario)}
        print(f"{name}: {scenario['rps']:.0f} req/s vs floor {floor['rps']:.0f} (ratio {scenario['ratio']:.2f}), "
              f"p95 {scenario['p95_ms']:.0f} ms, p99 {scenario['p99_ms']:.0f} ms, statuses {scenario['statuses']}",
              flush=True)
        return result

    etalase = ["produk-unggulan", "jasa-penyewaan", "jasa-penyelenggara"]
    search = [get(f"/katalog/{rng.choice(etalase)}?q={w}&sort={s}") for w in WORDS for s in SORTS]
    if "1" in args.only:
        results.append(measure("1. Catalog search page", search, "throughput ≥ 50 % of floor, p99 ≤ 250 ms",
                               lambda s: s["ratio"] >= 0.5 and s["p99_ms"] <= 250))
    if "2" in args.only:
        ids = psql(db, "SELECT string_agg(id::text, ',') FROM (SELECT id FROM listings WHERE status = 'active' "
                       "ORDER BY random() LIMIT 2000) t").split(",")
        pages = [get(f"/produk/{i}") for i in ids]
        first = first_visits(server, args, pages)
        results.append(measure("2. Listing detail page (2,000 pages, each visited once before)", pages,
                               "throughput ≥ 70 % of floor", lambda s: s["ratio"] >= 0.7))
        floor = results[-1]["floor"]["rps"]
        edited = supplier_edits(server, db, ids)
        again = first_visits(server, args, pages, duration=2)
        results[-1]["result"] = (f"{summary(results[-1])}; after {edited} supplier edits, pages visited once more: "
                                 f"ratio {again['rps'] / floor:.2f}")
        results[-1]["detail"] = (f"first visits (no page cached yet; {first['requests']:,} distinct pages): "
                                 f"{first['rps']:.0f} req/s, ratio {first['rps'] / floor:.2f} to the floor, "
                                 f"p95 {first['p95_ms']:.0f} ms. After {edited} of these listings were edited by "
                                 f"their suppliers (through the API), {again['requests']:,} pages visited once "
                                 f"more: {again['rps']:.0f} req/s, ratio {again['rps'] / floor:.2f}, p95 "
                                 f"{again['p95_ms']:.0f} ms. A page is kept per revision of its listing and "
                                 "supplier, its stock and the storefronts' version, so a page is slow once, then "
                                 "served from the cache until one of these changes; other suppliers' edits leave it "
                                 "cached")
    if "4" in args.only or "6" in args.only:
        results += recap_scenarios(server, args, db, measure)
    if "3" in args.only:
        results.append(order_scenario(server, args, db, rng))
    return results


def first_visits(server: Server, args, pages: list[str], duration: int = 5) -> dict:
    """Pages not asked since they last changed, measured (each wrk thread walks its own half, so none is asked
    twice), then every page of the list visited once, unmeasured, as a visitor would have before the steady-state
    run."""
    settle(server.url)
    found = wrk(server.url, pages, args, duration=duration)
    if found["requests"] > len(pages):
        raise RuntimeError("the first-visit run asked for some page twice; use more pages or a shorter run")
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda line: urllib.request.urlopen(server.url + line.split("\t")[1], timeout=30).read(),
                      pages))
    return found


EDITS = 20


def supplier_edits(server: Server, db: str, ids: list[str]) -> int:
    """The suppliers (those with a bench login) of up to ``EDITS`` of the listings ``ids`` edit their
    descriptions through the API, as on any working day; returns how many were edited."""
    pairs = psql(db, "SELECT string_agg(id::text || ':' || username, ',') FROM (SELECT l.id, u.username "
                     "FROM listings l JOIN users u ON u.supplier_id = l.supplier_id "
                     f"WHERE l.id IN ({','.join(ids)}) ORDER BY l.id LIMIT {EDITS}) t").split(",")
    for pair in pairs:
        listing_id, username = pair.split(":")
        token = token_for(server.url, username)
        api(server.url, f"/api/v1/listings/{listing_id}", {"description": f"Diperbarui {time.time():.0f}."}, token,
            method="PATCH")
    return len(pairs)


def recap_scenarios(server: Server, args, db: str, measure) -> list[dict]:
    """4: the dashboard page and the annual recap JSON of the busiest year under load; 6: its PDF, cold."""
    found = []
    year, lines = busiest_year(db)
    cookie = session_cookie(server.url, FINANCE)
    token = token_for(server.url, FINANCE)
    recap = f"year {year}, {lines:,} order lines"
    if "4" in args.only:
        for name, path, header, extra in (
                (f"4a. Dashboard page (finance, session cookie; {recap})", f"/laporan/dasbor?year={year}",
                 {"Cookie": cookie}, {"COOKIE_HEADER": cookie}),
                (f"4b. Annual recap JSON (bearer token; {recap})", f"/api/v1/reports/annual?year={year}",
                 {"Authorization": f"Bearer {token}"}, {"AUTH_HEADER": f"Bearer {token}"})):
            cold = cold_get(server.url, db, path, header)
            found.append(measure(name, [get(path)], "p95 ≤ 300 ms", lambda s: s["p95_ms"] <= 300, extra))
            found[-1]["detail"] = (f"first request right after a transaction changed (figures summed by the "
                                   f"database, nothing cached): {cold:.2f} s")
    if "6" in args.only:
        found.append(pdf_scenario(server, db, year, lines, token))
    return found


def errors(scenario: dict) -> int:
    """Socket errors and answers other than 2xx/3xx (409 refusals are counted by scenario 3 itself)."""
    bad = sum(count for status, count in scenario["statuses"].items() if not status.startswith(("2", "3", "409")))
    return bad + scenario["socket_errors"]


def busiest_year(db: str) -> tuple[int, int]:
    """The year (WIB) with the most order lines of accepted orders, and that count."""
    year, lines = psql(db, "SELECT extract(year FROM o.accepted_at + interval '7 hours')::int, count(*) "
                           "FROM order_lines l JOIN orders o ON o.id = l.order_id "
                           "WHERE o.status IN ('diproses', 'dikirim', 'diterima', 'dibayar') "
                           "GROUP BY 1 ORDER BY 2 DESC LIMIT 1").split("|")
    return int(year), int(lines)


def session_cookie(url: str, username: str) -> str:
    """Log in through the page, as a browser does (CSRF token included): the session cookie to send."""
    with urllib.request.urlopen(url + "/masuk", timeout=30) as response:
        cookie = response.headers["Set-Cookie"].split(";")[0]
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.read().decode()).group(1)
    form = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": token}).encode()
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(urllib.request.Request(url + "/masuk", data=form, headers={"Cookie": cookie}), timeout=30)
    except urllib.error.HTTPError as redirect:
        if redirect.code == 302:
            return redirect.headers["Set-Cookie"].split(";")[0]
        raise
    raise RuntimeError(f"login as {username} did not redirect")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def new_transactions_version(db: str) -> None:
    """What any order change does to the cache: give the transactions a new data version."""
    psql(db, "UPDATE data_versions SET version = (random() * 4e18)::bigint WHERE name = 'transactions'")


def timed_get(url: str, path: str, headers: dict) -> tuple[float, bytes]:
    """Seconds for one GET, and the body it answered."""
    started = time.perf_counter()
    with urllib.request.urlopen(urllib.request.Request(url + path, headers=headers), timeout=120) as response:
        body = response.read()
    return time.perf_counter() - started, body


def cold_get(url: str, db: str, path: str, headers: dict) -> float:
    """Seconds for one GET right after a new transactions version (no cached figures anywhere), once the
    requests a load run left queued are answered."""
    settle(url)
    new_transactions_version(db)
    return timed_get(url, path, headers)[0]


def settle(url: str, limit: float = 60) -> None:
    """Wait until the server answers the floor at once: wrk stops sending, not the workers answering what
    it had already sent, and a timed request must not queue behind them."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and timed_get(url, "/status", {})[0] > 0.05:
        time.sleep(0.5)


def pdf_scenario(server: Server, db: str, year: int, lines: int, token: str) -> dict:
    """The annual recap PDF through the API, each time right after a new transactions version."""
    path = f"/api/v1/reports/annual?year={year}&format=pdf"
    auth = {"Authorization": f"Bearer {token}"}
    runs = [cold_get(server.url, db, path, auth) for _ in range(3)]
    cached, pdf = timed_get(server.url, path, auth)
    median = statistics.median(runs)
    print(f"6. Annual recap PDF: median {median:.2f} s cold ({', '.join(f'{r:.2f}' for r in runs)}), "
          f"{cached:.2f} s with the figures cached", flush=True)
    return {"name": f"6. Annual recap PDF (year {year}, {lines:,} order lines)", "target": "≤ 5 s",
            "result": f"{median:.2f} s (median of 3 cold runs: {', '.join(f'{r:.2f}' for r in runs)} s)",
            "met": median <= 5,
            "detail": f"GET {path} right after a new transactions version; {len(pdf):,} bytes, "
                      f"{len(PdfReader(io.BytesIO(pdf)).pages)} pages; the same PDF with the figures already "
                      f"cached (layout alone): {cached:.2f} s"}


def export_scenario(env: dict, db: str) -> dict:
    """The XLSX of every accepted order line against Python's csv module on the same rows, own processes."""
    first, last = map(int, psql(db, "SELECT min(y), max(y) FROM (SELECT extract(year FROM accepted_at + "
                                    "interval '7 hours')::int y FROM orders WHERE accepted_at IS NOT NULL) t")
                      .split("|"))
    OUT.mkdir(parents=True, exist_ok=True)
    runs = {}
    for mode in ("csv", "xlsx"):
        result = sh(f"{BIN}/python bench/exports.py {mode} {first} {last} {OUT}/transactions.{mode}", env)
        runs[mode] = json.loads(result.stdout.strip().splitlines()[-1])
        print(f"5. {mode}: {runs[mode]}", flush=True)
    ratio = runs["xlsx"]["seconds"] / runs["csv"]["seconds"]
    xlsx, plain = runs["xlsx"], runs["csv"]
    return {"name": f"5. Transactions XLSX {first}–{last} ({xlsx['lines']:,} order lines)",
            "target": "time ≤ 4 × csv, peak memory ≤ 300 MB",
            "result": f"{xlsx['seconds']:.1f} s vs csv {plain['seconds']:.1f} s = {ratio:.2f} ×, "
                      f"peak {xlsx['peak_mb']:.0f} MB",
            "met": ratio <= 4 and xlsx["peak_mb"] <= 300,
            "detail": f"xlsx {xlsx['bytes']:,} bytes, peak {xlsx['peak_mb']} MB; csv {plain['bytes']:,} bytes, "
                      f"peak {plain['peak_mb']} MB (peak = the whole process, app included)",
            "seconds": xlsx["seconds"], "csv_seconds": plain["seconds"], "ratio": ratio}


def order_scenario(server: Server, args, db: str, rng) -> dict:
    """32 buyers on 50 hot listings and their budget lines: accepted or cleanly refused, never oversold."""
    year = date.today().year
    hot = psql(db, "SELECT string_agg(id::text, ',') FROM (SELECT l.id FROM listings l JOIN suppliers s "
                   "ON s.id = l.supplier_id WHERE l.etalase_code = 'produk-unggulan' AND l.status = 'active' "
                   "ORDER BY l.id LIMIT 50) t").split(",")
    psql(db, f"UPDATE listings SET stock = 60, min_order = 1, price = LEAST(price, 200000) WHERE id IN ({','.join(hot)})")
    psql(db, f"UPDATE budget_lines SET ceiling = committed + 150000000 WHERE year = {year} "
             f"AND skpd_id IN (SELECT skpd_id FROM users WHERE username LIKE 'bench.buyer%')")
    before = {"stock": int(psql(db, f"SELECT sum(stock) FROM listings WHERE id IN ({','.join(hot)})")),
              "max_order": int(psql(db, "SELECT max(id) FROM orders"))}
    lines = []
    for n in range(1, 33):
        token = token_for(server.url, f"bench.buyer{n:02d}")
        budget = api(server.url, f"/api/v1/budget-lines?year={year}", token=token)[0]["id"]
        for _ in range(40):
            body = {"budget_line_id": budget, "delivery_address": "Kantor uji beban",
                    "lines": [{"listing_id": int(rng.choice(hot)), "quantity": rng.randint(1, 3)}]}
            lines.append(f"POST\t/api/v1/orders\t{token}\t{json.dumps(body)}")
    rng.shuffle(lines)
    floor, scenario = side_by_side(server, lines, args)
    hot_sql = ",".join(hot)
    time.sleep(2)
    taken, stock_now, negative, overrun, drift, created = map(int, psql(db, f"""
        SELECT (SELECT coalesce(sum(ol.quantity), 0) FROM order_lines ol JOIN orders o ON o.id = ol.order_id
                 WHERE o.id > {before['max_order']} AND ol.listing_id IN ({hot_sql})),
               (SELECT sum(stock) FROM listings WHERE id IN ({hot_sql})),
               (SELECT count(*) FROM listings WHERE stock < 0),
               (SELECT count(*) FROM budget_lines WHERE committed > ceiling),
               (SELECT count(*) FROM budget_lines b WHERE committed <> (SELECT coalesce(sum(reserved_amount), 0)
                 FROM orders o WHERE o.budget_line_id = b.id)),
               (SELECT count(*) FROM orders WHERE id > {before['max_order']})""").split("|"))
    statuses = scenario["statuses"]
    answered = statuses.get("201", 0) + statuses.get("409", 0)
    scenario.update(orders_per_s=answered / (scenario["requests"] / scenario["rps"]), created=created,
                    oversold=before["stock"] - taken - stock_now, negative_stock=negative,
                    budget_overrun=overrun, budget_drift=drift)
    print(f"3. Order creation: {scenario['orders_per_s']:.0f} answered/s, {created} created, "
          f"oversold {scenario['oversold']}, budget overrun {overrun}, drift {drift}", flush=True)
    return {"name": "3. Order creation (API, 32 buyers, 50 hot listings)", "floor": floor, "scenario": scenario,
            "target": "≥ 100 orders/s accepted or cleanly refused, zero oversold, zero budget overrun",
            "result": f"{scenario['orders_per_s']:.0f} answered/s",
            "met": scenario["orders_per_s"] >= 100 and scenario["oversold"] == 0 and overrun == 0 and drift == 0}


def machine() -> str:
    """The machine's facts for the results."""
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    mem = next(l.split()[1] for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal"))
    pg = psql("postgres", "SHOW server_version")
    return f"{os.cpu_count()} cores ({cpu}), {int(mem) // 1024 // 1024} GiB, Python {platform.python_version()}, PostgreSQL {pg}"


# Before this round of issue 4's work: the first `make bench` of the round (2026-11-23T16:57Z, commit 123895d, this
# machine); for scenario 2 after edits, this bench/run.py (`--only 2`) run on commit 123895d's app.
UNTOUCHED = "no change to this path (differences are the machine's noise)"
BEFORE = {
    "1.": ("ratio 0.80, p95 62 ms, p99 66 ms",
           "each process keeps the cached values it read or stored (2,048, least recently used first) and asks Redis "
           "only for the others: most requests no longer wait for Redis nor decode its JSON"),
    "2.": ("ratio 0.75; after 20 supplier edits, the pages visited once more: ratio 0.36 (every edit gave the "
           "whole catalog a new version, so every page was a first visit again)",
           "a listing's page is cached under the revisions of its listing and supplier (new columns, given a new "
           "random value by every flush that changes them, their photos or their price history), its stock and the "
           "storefronts' version, instead of the whole catalog's version; a page read while an order commits is kept "
           "only if it still shows its key's stock; each process keeps the pages it read or stored (see 1)"),
    "3.": ("159 answered/s", UNTOUCHED),
    "4a": ("ratio 0.38, p95 142 ms, p99 162 ms", UNTOUCHED),
    "4b": ("ratio 0.37, p95 169 ms, p99 256 ms", UNTOUCHED),
    "5.": ("28.4 s vs csv 15.4 s = 1.84 ×, peak 201 MB", UNTOUCHED),
    "6.": ("3.05 s (median of 3 cold runs: 2.91, 3.05, 3.15 s)", UNTOUCHED),
}


def summary(r: dict) -> str:
    """A scenario's result in a few words."""
    if "result" in r:
        return r["result"]
    s = r["scenario"]
    return f"ratio {s['ratio']:.2f}, p95 {s['p95_ms']:.0f} ms, p99 {s['p99_ms']:.0f} ms"


def write_results(results: list[dict], info: dict, args, command: str, load: dict) -> None:
    """bench/RESULTS.md: machine, date, command, one row per scenario, then what changed since before."""
    rows = []
    for r in sorted(results, key=lambda r: r["name"]):
        s, f = r.get("scenario"), r.get("floor")
        wrk_cells = (f"{s['rps']:.0f} | {f['rps']:.0f} | {s['ratio']:.2f} | {s['p50_ms']:.1f} | {s['p95_ms']:.1f} | "
                     f"{s['p99_ms']:.1f}") if s else "– | – | – | – | – | –"
        rows.append(f"| {r['name']} | {wrk_cells} | {summary(r)} | {r['target']} | "
                    f"{'yes' if r['met'] else '**no**'} |")
    extra = [f"- {r['name']}: {r['detail']}" for r in sorted(results, key=lambda r: r["name"]) if r.get("detail")]
    orders = next((r["scenario"] for r in results if r["name"].startswith("3.")), None)
    if orders:
        extra.append(f"- Order creation: {orders['orders_per_s']:.0f} answered/s (201 or 409), statuses "
                     f"{orders['statuses']}, {orders['created']} orders created, oversold units {orders['oversold']}, "
                     f"negative stock rows {orders['negative_stock']}, budget lines over ceiling {orders['budget_overrun']}, "
                     f"budget lines whose committed ≠ Σ reserved {orders['budget_drift']}.")
    if info.get("generated"):
        extra.append(f"- Large region generated in {info['seconds']} s:\n```\n{info['output'].strip()}\n```")
    changes = ["| scenario | before | after (this run) | what changed |", "|---|---|---|---|"]
    for r in sorted(results, key=lambda r: r["name"]):
        before, change = BEFORE.get(r["name"][:2], ("–", "–"))
        changes.append(f"| {r['name'].split(' (')[0]} | {before} | {summary(r)} | {change} |")
    noise = ("**yes** — other test runs were using the CPU, figures are noisy" if load["busy"]
             else "none seen (no pytest process at start or end)")
    text = "\n".join([
        "# E-Lokal benchmark results", "",
        f"- Date: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"- Machine: {machine()}",
        f"- Command: `{command}`",
        f"- Server: gunicorn {args.workers} sync workers on 127.0.0.1; load: wrk -t2 -c{args.connections} "
        f"-d{args.duration}s (in {ROUNDS} rounds alternating with the floor's) after {args.warmup}s of unmeasured "
        "warm-up per read scenario; shared cache "
        f"{args.cache_url or 'none (per process)'}; floor: GET /status (one row by primary key, tiny template), "
        "measured in the same rounds as each scenario.",
        f"- Load average at start / end: {load['start']} / {load['end']}; concurrent test runs: {noise}.",
        "", "| scenario | req/s | floor req/s | ratio | p50 ms | p95 ms | p99 ms | result | target | met |",
        "|---|---|---|---|---|---|---|---|---|---|", *rows, "", *extra, "",
        "## Before → after", "", *changes, ""])
    (ROOT / "bench" / "RESULTS.md").write_text(text)
    print(text)


def busy() -> bool:
    """Whether a test run (pytest) is running on the machine besides the benchmark."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if b"pytest" in cmdline.read_bytes():
                return True
        except OSError:
            continue
    return False


def main() -> None:
    """Parse options, run, write results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=os.environ.get("BENCH_DB", "elokal_bench"))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 15)))
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2 * (os.cpu_count() or 2))))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--only", default="1,2,3,4,5,6", type=lambda v: set(v.split(",")),
                        help="comma-separated scenario numbers to run (all by default)")
    parser.add_argument("--warmup", type=int, default=int(os.environ.get("BENCH_WARMUP", 5)),
                        help="seconds of unmeasured load before each read scenario (fills the caches)")
    parser.add_argument("--cache-url", default=os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/1"))
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:5432/{args.db}",
           "SECRET_KEY": "bench-only-secret", "ELOKAL_ENV": "production", "FLASK_APP": "wsgi",
           "CACHE_URL": args.cache_url}
    info = prepare_database(args, env)
    if args.cache_url:
        subprocess.run(["redis-cli", "-u", args.cache_url, "FLUSHDB"], check=True, capture_output=True)
    load = {"start": " ".join(f"{x:.2f}" for x in os.getloadavg()), "busy": busy()}
    server = Server(env, args.workers, args.port)
    try:
        results = run_scenarios(server, args, args.db)
    finally:
        server.stop()
    if "5" in args.only:
        results.append(export_scenario(env, args.db))
    load.update(end=" ".join(f"{x:.2f}" for x in os.getloadavg()), busy=load["busy"] or busy())
    write_results(results, info, args, "make bench  # " + shlex.join(sys.argv), load)


if __name__ == "__main__":
    main()
