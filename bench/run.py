"""`make bench`: E-Lokal at regional scale, each scenario measured against a floor in the same run.

Generates (or reuses) the large region on PostgreSQL, serves the app with
gunicorn as in production, drives it over loopback with wrk (32 connections,
fixed duration), and writes the figures to bench/RESULTS.md. The figure that
counts is scenario throughput / floor throughput; the floor is /status, which
reads one row by primary key and renders a tiny template.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
OUT = ROOT / "bench" / "out"
LUA = ROOT / "bench" / "lua" / "report.lua"
PASSWORD = "bench-elokal-2026"
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
    """Create and fill the bench database unless it already holds the large region."""
    exists = psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{args.db}'") == "1"
    filled = exists and psql(args.db, "SELECT to_regclass('public.listings') IS NOT NULL") == "t" and \
        int(psql(args.db, "SELECT count(*) FROM listings")) >= 100_000
    info = {"generated": False}
    if args.regenerate or not filled:
        psql("postgres", f"DROP DATABASE IF EXISTS {args.db} WITH (FORCE)")
        psql("postgres", f"CREATE DATABASE {args.db}")
        sh(f"{BIN}/flask --app wsgi db upgrade", env)
        started = time.perf_counter()
        result = sh(f"{BIN}/flask --app wsgi demo seed --scale large", env)
        info = {"generated": True, "seconds": round(time.perf_counter() - started, 1), "output": result.stdout}
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


def api(url: str, path: str, body: dict | None = None, token: str | None = None):
    """A JSON request to the running app."""
    request = urllib.request.Request(url + path, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


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


def get(path: str) -> str:
    """A plain GET request line."""
    return f"GET\t{path}\t"


def run_scenarios(server: Server, args, db: str) -> list[dict]:
    """Every HTTP scenario, each beside a floor run."""
    rng = random.Random(7)
    floor_lines = [get("/status")]
    results = []

    def measure(name, lines, target, extra_env=None):
        if args.warmup:
            wrk(server.url, lines, args, extra_env, duration=args.warmup)
        floor = wrk(server.url, floor_lines, args)
        scenario = wrk(server.url, lines, args, extra_env)
        scenario["ratio"] = scenario["rps"] / floor["rps"]
        results.append({"name": name, "floor": floor, "scenario": scenario, "target": target})
        print(f"{name}: {scenario['rps']:.0f} req/s vs floor {floor['rps']:.0f} "
              f"(ratio {scenario['ratio']:.2f}), p99 {scenario['p99_ms']:.0f} ms", flush=True)
        return scenario

    etalase = ["produk-unggulan", "jasa-penyewaan", "jasa-penyelenggara"]
    search = [get(f"/katalog/{rng.choice(etalase)}?q={w}&sort={s}") for w in WORDS for s in SORTS]
    measure("1. Catalog search page", search, "throughput ≥ 50 % of floor, p99 ≤ 250 ms")
    ids = psql(db, "SELECT string_agg(id::text, ',') FROM (SELECT id FROM listings WHERE status = 'active' "
                   "ORDER BY random() LIMIT 2000) t").split(",")
    measure("2. Listing detail page", [get(f"/produk/{i}") for i in ids], "throughput ≥ 70 % of floor")
    results.append(order_scenario(server, args, db, rng))
    return results


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
        token = api(server.url, "/api/v1/auth/tokens", {"username": f"bench.buyer{n:02d}", "password": PASSWORD})["token"]
        budget = api(server.url, f"/api/v1/budget-lines?year={year}", token=token)[0]["id"]
        for _ in range(40):
            body = {"budget_line_id": budget, "delivery_address": "Kantor uji beban",
                    "lines": [{"listing_id": int(rng.choice(hot)), "quantity": rng.randint(1, 3)}]}
            lines.append(f"POST\t/api/v1/orders\t{token}\t{json.dumps(body)}")
    rng.shuffle(lines)
    floor = wrk(server.url, [get("/status")], args)
    scenario = wrk(server.url, lines, args)
    scenario["ratio"] = scenario["rps"] / floor["rps"]
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
            "target": "≥ 100 orders/s accepted or cleanly refused, zero oversold, zero budget overrun"}


def machine() -> str:
    """The machine's facts for the results."""
    cpu = next((l.split(":", 1)[1].strip() for l in Path("/proc/cpuinfo").read_text().splitlines()
                if l.startswith("model name")), platform.processor())
    mem = next(l.split()[1] for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal"))
    pg = psql("postgres", "SHOW server_version")
    return f"{os.cpu_count()} cores ({cpu}), {int(mem) // 1024 // 1024} GiB, Python {platform.python_version()}, PostgreSQL {pg}"


def write_results(results: list[dict], info: dict, args, command: str) -> None:
    """bench/RESULTS.md: machine, date, command, one row per scenario."""
    rows = []
    for r in results:
        s, f = r["scenario"], r["floor"]
        rows.append(f"| {r['name']} | {s['rps']:.0f} | {f['rps']:.0f} | {s['ratio']:.2f} | {s['p50_ms']:.1f} | "
                    f"{s['p95_ms']:.1f} | {s['p99_ms']:.1f} | {r['target']} | {verdict(r)} |")
    extra = [f"- {r['name']}: {r['detail']}" for r in results if r.get("detail")]
    orders = next((r["scenario"] for r in results if r["name"].startswith("3.")), None)
    if orders:
        extra.append(f"- Order creation: {orders['orders_per_s']:.0f} answered/s (201 or 409), statuses "
                     f"{orders['statuses']}, {orders['created']} orders created, oversold units {orders['oversold']}, "
                     f"negative stock rows {orders['negative_stock']}, budget lines over ceiling {orders['budget_overrun']}, "
                     f"budget lines whose committed ≠ Σ reserved {orders['budget_drift']}.")
    if info.get("generated"):
        extra.append(f"- Large region generated in {info['seconds']} s:\n```\n{info['output'].strip()}\n```")
    text = "\n".join([
        "# E-Lokal benchmark results", "",
        f"- Date: {datetime.now(timezone.utc).isoformat(timespec='seconds')}",
        f"- Machine: {machine()}",
        f"- Command: `{command}`",
        f"- Server: gunicorn {args.workers} sync workers on 127.0.0.1; load: wrk -t2 -c{args.connections} "
        f"-d{args.duration}s after {args.warmup}s of unmeasured warm-up per read scenario; shared cache "
        f"{args.cache_url or 'none (per process)'}; floor: GET /status (one row by primary key, tiny template), "
        "run right before each scenario.",
        "", "| scenario | req/s | floor req/s | ratio | p50 ms | p95 ms | p99 ms | target | met |",
        "|---|---|---|---|---|---|---|---|---|", *rows, "", *extra, ""])
    (ROOT / "bench" / "RESULTS.md").write_text(text)
    print(text)


def verdict(r: dict) -> str:
    """Whether the scenario met its target."""
    s = r["scenario"]
    checks = {
        "1.": lambda: s["ratio"] >= 0.5 and s["p99_ms"] <= 250,
        "2.": lambda: s["ratio"] >= 0.7,
        "3.": lambda: s["orders_per_s"] >= 100 and s["oversold"] == 0 and s["budget_overrun"] == 0 and s["budget_drift"] == 0,
        "4.": lambda: s["p95_ms"] <= 300,
    }
    check = checks.get(r["name"][:2])
    return ("yes" if check() else "**no**") if check else r.get("met", "")


def main() -> None:
    """Parse options, run, write results."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default=os.environ.get("BENCH_DB", "elokal_bench"))
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 15)))
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2 * (os.cpu_count() or 2))))
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--regenerate", action="store_true")
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
    server = Server(env, args.workers, args.port)
    try:
        results = run_scenarios(server, args, args.db)
    finally:
        server.stop()
    write_results(results, info, args, "make bench  # " + shlex.join(sys.argv))


if __name__ == "__main__":
    main()
