"""Working-day expiry (`flask orders expire`), in-app notifications and e-mail after commit."""
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from app.common.timeutil import today_wib, utcnow
from app.etalase.models import Listing
from app.extensions import db
from app.notifications.models import Notification
from app.procurement.models import BudgetLine, Order

TODAY = today_wib()


@pytest.fixture
def placed(client, make, api_auth):
    """An order created by a PPK: waiting for the supplier."""
    skpd = make.skpd(code="BAPPEDA")
    line = make.budget_line(skpd, year=TODAY.year)
    supplier = make.supplier()
    listing = make.listing(supplier, stock=7, price=40_000)
    ppk = make.user("ppk", skpd=skpd)
    r = client.post("/api/v1/orders", headers=api_auth.headers(ppk), json={
        "budget_line_id": line.id, "delivery_address": "Kantor Bappeda", "lines": [{"listing_id": listing.id, "quantity": 3}]})
    assert r.status_code == 201
    return {"order_id": r.get_json()["id"], "listing": listing, "line": line, "supplier": supplier}


def test_unanswered_orders_expire_and_give_back_capacity_and_budget(app, placed):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["orders", "expire"])
    assert result.exit_code == 0 and "0 pesanan" in result.output
    order = db.session.get(Order, placed["order_id"])
    order.respond_by = utcnow() - timedelta(minutes=1)
    db.session.commit()
    result = runner.invoke(args=["orders", "expire"])
    assert result.exit_code == 0 and order.number in result.output
    db.session.expire_all()
    order = db.session.get(Order, placed["order_id"])
    assert order.status == "batal_otomatis"
    assert order.events[-1].reason and order.events[-1].by_name == "sistem"
    assert db.session.get(Listing, placed["listing"].id).stock == 7
    assert db.session.get(BudgetLine, placed["line"].id).committed == 0
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0


class Inbox:
    """Collects messages received by the loopback SMTP server."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox
    app.config.update(MAIL_SERVER="")
    controller.stop()


def test_each_step_notifies_the_party_in_app_and_by_mail_after_commit(client, make, api_auth, smtp):
    skpd = make.skpd(code="DISPORA")
    line = make.budget_line(skpd, year=TODAY.year, ceiling=1_000_000)
    pp = make.user("pp", skpd=skpd)
    ppk = make.user("ppk", skpd=skpd)
    ppk.email = "ppk.dispora@batukota.go.id"
    db.session.commit()
    listing = make.listing(make.supplier(), stock=50, price=100_000)
    pp_headers = api_auth.headers(pp)

    too_big = client.post("/api/v1/orders", headers=pp_headers, json={
        "budget_line_id": line.id, "delivery_address": "GOR Gajah Mada", "lines": [{"listing_id": listing.id, "quantity": 20}]})
    assert too_big.status_code == 409
    assert smtp.messages == []
    assert db.session.scalar(select(func.count(Notification.id))) == 0

    r = client.post("/api/v1/orders", headers=pp_headers, json={
        "budget_line_id": line.id, "delivery_address": "GOR Gajah Mada", "lines": [{"listing_id": listing.id, "quantity": 2}]})
    assert r.status_code == 201
    number = r.get_json()["number"]
    assert [rcpt for rcpt, _ in smtp.messages] == [["ppk.dispora@batukota.go.id"]]
    assert number in smtp.messages[0][1]
    notes = db.session.scalars(select(Notification).where(Notification.user_id == ppk.id)).all()
    assert len(notes) == 1 and number in notes[0].message
