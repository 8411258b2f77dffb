"""`flask backup create` / `restore`: a restored database verifies its audit chain and has the same figures."""
import io
from pathlib import Path

from sqlalchemy import select

from app.extensions import db
from app.procurement.models import BudgetLine, Order

from .factories import MINIMAL_PDF
from .report_world import YEAR, market  # noqa: F401 (fixture)


def snapshot(client, finance: dict) -> tuple:
    """What a restore must bring back: the orders, the budget lines and the annual recap finance sees."""
    db.session.expire_all()
    orders = db.session.execute(select(Order.number, Order.status, Order.total).order_by(Order.id)).all()
    budget = db.session.execute(select(BudgetLine.id, BudgetLine.committed, BudgetLine.realized)).all()
    recap = client.get("/api/v1/reports/annual", query_string={"year": YEAR}, headers=finance)
    assert recap.status_code == 200
    return orders, budget, recap.get_json()


def test_backup_and_restore_round_trip(app, client, market, tmp_path):
    market.order(market.dispar, market.keripik, 40, "dibayar")
    market.order(market.dinkes, market.meals, 120, "diterima")
    market.order(market.dispar, market.tent, 2, "menunggu_ppk", days=2)
    owner = market.headers(market.supplier_key(market.keripik))
    r = client.post(f"/api/v1/suppliers/{market.apel.id}/documents", headers=owner,
                    data={"kind": "nib", "file": (io.BytesIO(MINIMAL_PDF), "nib.pdf")})
    assert r.status_code == 201
    finance = market.headers("finance")
    before = snapshot(client, finance)
    assert before[2]["total_value"] > 0
    runner = app.test_cli_runner()
    archive = tmp_path / "cadangan.tar.gz"
    result = runner.invoke(args=["backup", "create", str(archive)])
    assert result.exit_code == 0, result.output
    assert archive.stat().st_size > 0

    # Life goes on after the backup: another paid order, and a document file lost.
    market.order(market.dinkes, market.keripik, 10, "dibayar")
    stored = list(Path(app.config["UPLOAD_DIR"]).rglob("*.pdf"))
    assert stored
    for path in stored:
        path.unlink()
    assert snapshot(client, finance) != before

    result = runner.invoke(args=["backup", "restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert snapshot(client, finance) == before
    assert all(p.exists() for p in stored)
    verify = runner.invoke(args=["audit", "verify"])
    assert verify.exit_code == 0 and "utuh" in verify.output


def test_restore_refuses_a_file_that_is_not_an_archive(app, tmp_path):
    bogus = tmp_path / "bukan.tar.gz"
    bogus.write_bytes(b"not an archive")
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(bogus), "--yes"])
    assert result.exit_code != 0 and "gagal" in result.output.lower()
