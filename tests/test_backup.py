"""`flask backup create` / `restore`: a restored database verifies its audit chain and has the same figures."""
from datetime import timedelta

from sqlalchemy import select

from app.common.timeutil import today_wib
from app.extensions import db
from app.procurement.models import BudgetLine, Order

from .factories import MINIMAL_PDF


def snapshot():
    db.session.expire_all()
    orders = db.session.execute(select(Order.number, Order.status, Order.total).order_by(Order.id)).all()
    budget = db.session.execute(select(BudgetLine.id, BudgetLine.committed, BudgetLine.realized)).all()
    return orders, budget


def test_backup_and_restore_round_trip(app, client, make, api_auth, tmp_path):
    skpd = make.skpd(code="SETDA")
    line = make.budget_line(skpd, year=today_wib().year)
    supplier = make.supplier()
    listing = make.listing(supplier, stock=20, price=75_000)
    tent = make.listing(supplier, etalase="jasa-penyewaan", price=300_000)
    ppk = api_auth.headers(make.user("ppk", skpd=skpd))
    for item in ({"listing_id": listing.id, "quantity": 4},
                 {"listing_id": tent.id, "quantity": 1, "start_date": (today_wib() + timedelta(days=4)).isoformat(),
                  "end_date": (today_wib() + timedelta(days=5)).isoformat()}):
        r = client.post("/api/v1/orders", headers=ppk, json={"budget_line_id": line.id, "delivery_address": "Balai Kota",
                                                             "lines": [item]})
        assert r.status_code == 201
    owner = make.user("supplier", supplier=supplier)
    r = client.post(f"/api/v1/suppliers/{supplier.id}/documents", headers=api_auth.headers(owner),
                    data={"kind": "nib", "file": (__import__("io").BytesIO(MINIMAL_PDF), "nib.pdf")})
    assert r.status_code == 201
    before = snapshot()
    runner = app.test_cli_runner()
    archive = tmp_path / "cadangan.tar.gz"
    result = runner.invoke(args=["backup", "create", str(archive)])
    assert result.exit_code == 0, result.output
    assert archive.stat().st_size > 0

    # Life goes on after the backup: another order, and a document file lost.
    r = client.post("/api/v1/orders", headers=ppk, json={"budget_line_id": line.id, "delivery_address": "Balai Kota",
                                                         "lines": [{"listing_id": listing.id, "quantity": 1}]})
    assert r.status_code == 201
    stored = list((__import__("pathlib").Path(app.config["UPLOAD_DIR"])).rglob("*.pdf"))
    assert stored
    for path in stored:
        path.unlink()
    assert snapshot() != before

    result = runner.invoke(args=["backup", "restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert snapshot() == before
    assert all(p.exists() for p in stored)
    verify = runner.invoke(args=["audit", "verify"])
    assert verify.exit_code == 0 and "utuh" in verify.output


def test_restore_refuses_a_file_that_is_not_an_archive(app, tmp_path):
    bogus = tmp_path / "bukan.tar.gz"
    bogus.write_bytes(b"not an archive")
    result = app.test_cli_runner().invoke(args=["backup", "restore", str(bogus), "--yes"])
    assert result.exit_code != 0 and "gagal" in result.output.lower()
