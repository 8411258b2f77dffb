"""CPU per order in-process: `python bench/order_cpu.py [N]` against the bench database.

Creates N orders through the API with Flask's test client (one thread, no HTTP server),
as scenario 3 of `make bench` does, and prints the statements one order runs and the CPU
time per order of this process and of its PostgreSQL backend. Run `make bench` first (it
creates the bench database); this script raises the stock and pagu of the bench's hot
listings and buyers so that every order is accepted.
"""
from __future__ import annotations

import os
import random
import sys
import time
from datetime import date
from pathlib import Path

DB = os.environ.get("BENCH_DB", "elokal_bench")
os.environ.update(DATABASE_URL=f"postgresql+psycopg://postgres@127.0.0.1:5432/{DB}", SECRET_KEY="bench-only-secret",
                  ELOKAL_ENV="production")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, text  # noqa: E402

from app.extensions import db  # noqa: E402
from wsgi import app  # noqa: E402

PASSWORD = "bench-elokal-2026"


def backend_cpu() -> float:
    """CPU seconds of the PostgreSQL backend serving this process's pooled connection."""
    with app.app_context():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        db.session.rollback()
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    """Warm up, show one order's statements, then time N orders."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    client = app.test_client()
    with app.app_context():
        hot = list(db.session.scalars(text(
            "SELECT id FROM listings WHERE etalase_code = 'produk-unggulan' AND status = 'active' ORDER BY id LIMIT 50")))
        db.session.execute(text("UPDATE listings SET stock = 1000000, min_order = 1 WHERE id = ANY(:ids)"), {"ids": hot})
        db.session.execute(text("UPDATE budget_lines SET ceiling = committed + 10000000000000 WHERE skpd_id IN "
                                "(SELECT skpd_id FROM users WHERE username LIKE 'bench.buyer%')"))
        db.session.commit()
        engine = db.engine
    buyers = []
    for n in range(1, 5):
        token = client.post("/api/v1/auth/tokens", json={"username": f"bench.buyer{n:02d}",
                                                          "password": PASSWORD}).get_json()["token"]
        line = client.get(f"/api/v1/budget-lines?year={date.today().year}",
                          headers={"Authorization": f"Bearer {token}"}).get_json()[0]["id"]
        buyers.append((token, line))
    rng = random.Random(1)

    def order(i: int) -> None:
        token, line = buyers[i % len(buyers)]
        response = client.post("/api/v1/orders", headers={"Authorization": f"Bearer {token}"}, json={
            "budget_line_id": line, "delivery_address": "Kantor uji beban",
            "lines": [{"listing_id": rng.choice(hot), "quantity": 1}]})
        assert response.status_code == 201, response.get_json()

    for i in range(20):
        order(i)
    statements = []

    def note(_connection, _cursor, sql, *_args) -> None:
        statements.append(" ".join(sql.split())[:100])

    event.listen(engine, "before_cursor_execute", note)
    order(0)
    event.remove(engine, "before_cursor_execute", note)
    print(f"{len(statements)} statements per order:", *statements, sep="\n  ")
    backend, started = backend_cpu(), time.process_time()
    for i in range(count):
        order(i)
    app_ms = 1000 * (time.process_time() - started) / count
    print(f"{count} orders: app {app_ms:.1f} ms CPU per order, PostgreSQL backend "
          f"{1000 * (backend_cpu() - backend) / count:.1f} ms")


if __name__ == "__main__":
    main()
