"""The registry of order actions: every action reaches the API, its OpenAPI entry, the order page and the
worklist from its one declaration; each order names its next step, who takes it and by when (PRODUCT.md §9)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.auth.roles import LABELS, SKPD_ROLES, SUPPLIER
from app.common.errors import Conflict
from app.common.money import rupiah
from app.common.timeutil import WIB, now_wib, tanggal, to_wib, today_wib
from app.common.workdays import add_working_days
from app.etalase.models import Listing
from app.extensions import db
from app.notifications.models import Notification
from app.procurement import orders, signals
from app.procurement.actions import FORWARD, MANUAL, REGISTRY
from app.procurement.models import Order

from .order_steps import body_for, path_to

TODAY = today_wib()


@pytest.fixture
def shop(make):
    """One SKPD with its officials (two PPs), a PKP goods supplier with two products and a rental."""
    skpd = make.skpd(code="DISPAR", name="Dinas Pariwisata")
    supplier = make.supplier(is_pkp=True, has_pp55=False, business_name="CV Tenda Arjuno")
    people = {role: make.user(role, skpd=skpd) for role in SKPD_ROLES}
    people["other_pp"] = make.user("pp", skpd=skpd)
    people[SUPPLIER] = make.user(SUPPLIER, supplier=supplier)
    return {
        "line": make.budget_line(skpd, ceiling=10**11, year=TODAY.year), "people": people,
        "goods": make.listing(supplier, price=1_500_000, stock=1_000, lead_time_days=2, name="Batik Tulis Apel"),
        "slow_goods": make.listing(supplier, price=20_000, stock=1_000, lead_time_days=5, name="Kopi Arabika"),
        "tent": make.listing(supplier, etalase="jasa-penyewaan", price=500_000, capacity_per_day=50,
                             lead_time_days=1, name="Tenda Sarnafil 5x5"),
    }


def make_order(shop, status: str, lines=None, creator: str = "pp") -> Order:
    """An order of the shop (goods unless ``lines`` say otherwise) taken through the registry to ``status``."""
    people = shop["people"]
    body = {"budget_line_id": shop["line"].id, "delivery_address": "Balai Kota Among Tani",
            "lines": lines or [{"listing_id": shop["goods"].id, "quantity": 2}]}
    order = orders.create_order(people[creator], body)
    for action in path_to(status):
        data = body_for(action, [(line.listing_id, line.unit_price) for line in order.lines])
        orders.perform(people[action.roles[0]], order.id, action.name, data)
    db.session.commit()
    return order


def rental(shop, start, days: int = 2) -> list[dict]:
    return [{"listing_id": shop["tent"].id, "quantity": 1, "start_date": start.isoformat(),
             "end_date": (start + timedelta(days=days - 1)).isoformat()}]


def page(client, auth, user, url: str) -> str:
    auth.login(user)
    try:
        response = client.get(url)
        assert response.status_code == 200
        return response.get_data(as_text=True)
    finally:
        auth.logout()


# ---------------------------------------------------------------- API and OpenAPI

def test_every_manual_action_is_an_api_operation_documented_from_its_declaration(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    for name, action in MANUAL.items():
        operation = spec["paths"][f"/api/v1/orders/{{order_id}}/{name}"]["post"]
        assert operation["summary"] == action.summary
        assert operation["description"] == "Peran: " + ", ".join(action.roles)
        assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Order")
        if action.schema is None:
            assert "requestBody" not in operation
        else:
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/" + action.schema.__name__.removesuffix("Schema")
    system = [name for name, action in REGISTRY.items() if not action.manual]
    assert system == ["expire"]
    assert not [path for path in spec["paths"] if path.endswith("/expire")]
    order = spec["components"]["schemas"]["Order"]["properties"]
    assert order["terms"]["$ref"].endswith("/OrderTerms") and order["next"]["nullable"] is True
    assert spec["components"]["schemas"]["OrderTerms"]["properties"]["ppn_rate"]["type"] == "string"


def test_an_unknown_or_system_action_is_not_found(client, shop, api_auth):
    order = make_order(shop, "menunggu_penyedia")
    headers = api_auth.headers(shop["people"]["ppk"])
    for name in ("expire", "terbang"):
        assert client.post(f"/api/v1/orders/{order.id}/{name}", json={}, headers=headers).status_code == 404
    with pytest.raises(Exception, match="Tindakan tidak dikenal"):
        orders.perform(shop["people"]["ppk"], order.id, "expire", {})


# ---------------------------------------------------------------- the order page

@pytest.mark.parametrize("name", list(MANUAL))
def test_every_manual_action_is_on_the_order_page_for_its_roles_only(client, auth, shop, name):
    action = MANUAL[name]
    order = make_order(shop, action.sources[0])
    target = f'action="/pesanan/{order.id}/{name}"'
    for role in (*SKPD_ROLES, SUPPLIER):
        html = page(client, auth, shop["people"][role], f"/pesanan/{order.id}")
        if role in action.roles:
            assert target in html and action.button in html, (name, role)
        else:
            assert target not in html, (name, role)


def test_every_manual_action_goes_through_its_page_form(client, auth, shop):
    for name, action in MANUAL.items():
        order = make_order(shop, action.sources[0])
        auth.login(shop["people"][action.roles[0]])
        data = body_for(action, [(line.listing_id, line.unit_price) for line in order.lines], form=True)
        response = client.post(f"/pesanan/{order.id}/{name}", data=data)
        assert response.status_code == 302, (name, response.get_data(as_text=True)[:2000])
        assert action.done in client.get(response.headers["Location"]).get_data(as_text=True)
        auth.logout()
        db.session.expire_all()
        event = db.session.get(Order, order.id).events[-1]
        assert (event.action, event.status) == (name, action.target or action.sources[0])


def test_guards_live_with_their_action_on_the_page_and_in_the_service(client, auth, shop):
    order = make_order(shop, "menunggu_ppk")
    cancel = f'action="/pesanan/{order.id}/cancel"'
    assert cancel in page(client, auth, shop["people"]["pp"], f"/pesanan/{order.id}")
    assert cancel not in page(client, auth, shop["people"]["other_pp"], f"/pesanan/{order.id}")
    auth.login(shop["people"]["other_pp"])
    refused = client.post(f"/pesanan/{order.id}/cancel", data={"reason": "Bukan pesanan saya"})
    assert refused.status_code == 403 and "hanya dapat membatalkan pesanan yang dibuatnya" in refused.get_data(
        as_text=True)
    auth.logout()
    paid = make_order(shop, "dibayar")
    rate = f'action="/pesanan/{paid.id}/rate"'
    assert rate in page(client, auth, shop["people"]["ppk"], f"/pesanan/{paid.id}")
    orders.perform(shop["people"]["ppk"], paid.id, "rate", {"score": 4})
    db.session.commit()
    assert rate not in page(client, auth, shop["people"]["ppk"], f"/pesanan/{paid.id}")
    with pytest.raises(Conflict, match="sudah dinilai"):
        orders.perform(shop["people"]["ppk"], paid.id, "rate", {"score": 5})


# ---------------------------------------------------------------- worklists

def test_every_forward_action_puts_the_order_in_its_roles_worklist_with_its_label(client, auth, shop):
    waiting = {action.name: make_order(shop, action.sources[-1]) for action in FORWARD}
    for action in FORWARD:
        order = waiting[action.name]
        html = page(client, auth, shop["people"][action.roles[0]], "/pesanan/tindakan")
        row = re.search(rf"<tr>\s*<td><a href=\"/pesanan/{order.id}\">.*?</tr>", html, re.S)
        assert row and action.label in row.group(0), action.name
    # the PP takes no step of the flow: nothing waits for it
    assert "Tidak ada pesanan yang menunggu tindakan Anda" in page(client, auth, shop["people"]["pp"],
                                                                    "/pesanan/tindakan")
    rated = waiting["rate"]
    orders.perform(shop["people"]["ppk"], rated.id, "rate", {"score": 5})
    db.session.commit()
    assert f'/pesanan/{rated.id}"' not in page(client, auth, shop["people"]["ppk"], "/pesanan/tindakan")


def test_a_worklist_row_names_the_step_waiting_for_the_reader(client, auth, shop):
    received = make_order(shop, "diterima")
    for role, label in (("bendahara", "Catat pembayaran"), ("ppk", "Beri nilai")):
        html = page(client, auth, shop["people"][role], "/pesanan/tindakan")
        row = re.search(rf"<tr>\s*<td><a href=\"/pesanan/{received.id}\">.*?</tr>", html, re.S).group(0)
        assert label in row
    assert f"paling lambat {tanggal(received.due_date)}" in page(client, auth, shop["people"]["bendahara"],
                                                                "/pesanan/tindakan")


# ---------------------------------------------------------------- the next step

def next_of(client, api_auth, shop, order) -> dict | None:
    headers = api_auth.headers(shop["people"]["ppk"])
    return client.get(f"/api/v1/orders/{order.id}", headers=headers).get_json()["next"]


def test_next_step_of_each_status_with_who_and_by_when(client, api_auth, shop):
    expected = {
        "menunggu_ppk": ("approve", "ppk"), "menunggu_penyedia": ("accept", "supplier"),
        "negosiasi": ("accept-counter", "ppk"), "diproses": ("ship", "supplier"), "dikirim": ("receive", "ppk"),
        "diterima": ("pay", "bendahara"), "dibayar": ("rate", "ppk"),
        "ditolak": None, "dibatalkan": None,
    }
    for status, step in expected.items():
        order = make_order(shop, status)
        got = next_of(client, api_auth, shop, order)
        if step is None:
            assert got is None, status
            continue
        assert (got["action"], got["role"]) == step, status
        if status == "menunggu_penyedia":
            due = to_wib(order.respond_by)
            assert got["due"] == due.isoformat(timespec="seconds")
            assert due.date() == add_working_days(now_wib(), 3).date()
        elif status == "diproses":  # goods: accepted today, lead time 2 days
            assert got["due"] == (TODAY + timedelta(days=2)).isoformat()
        elif status == "diterima":
            assert got["due"] == (TODAY + timedelta(days=30)).isoformat() == order.due_date.isoformat()
        else:
            assert got["due"] is None, status
    paid = make_order(shop, "dibayar")
    orders.perform(shop["people"]["ppk"], paid.id, "rate", {"score": 5})
    db.session.commit()
    assert next_of(client, api_auth, shop, paid) is None


def test_an_expired_order_waits_for_nothing(client, api_auth, shop, clock):
    order = make_order(shop, "menunggu_penyedia")
    clock.move_to(to_wib(order.respond_by) + timedelta(minutes=1))
    assert orders.expire_overdue() == [order.number]
    db.session.commit()
    assert next_of(client, api_auth, shop, order) is None


def test_goods_ship_by_the_largest_lead_time_kept_at_creation(client, api_auth, shop, clock):
    lines = [{"listing_id": shop["goods"].id, "quantity": 1}, {"listing_id": shop["slow_goods"].id, "quantity": 1}]
    order = make_order(shop, "menunggu_penyedia", lines)
    clock.move_to(now_wib() + timedelta(days=1))  # accepted a day later
    orders.perform(shop["people"][SUPPLIER], order.id, "accept", {})
    db.session.get(Listing, shop["slow_goods"].id).lead_time_days = 30  # the listing changes afterwards
    db.session.commit()
    assert next_of(client, api_auth, shop, order)["due"] == (TODAY + timedelta(days=1 + 5)).isoformat()


def test_rentals_ship_by_their_first_day_of_use(client, api_auth, shop, clock):
    clock.move_to(datetime(TODAY.year, 6, 10, 10, tzinfo=WIB))  # rentals of several days inside the fiscal year
    start = today_wib() + timedelta(days=9)
    lines = rental(shop, start, days=3) + [{"listing_id": shop["tent"].id, "quantity": 1,
                                            "start_date": (start - timedelta(days=2)).isoformat(),
                                            "end_date": start.isoformat()}]
    order = make_order(shop, "diproses", lines)
    assert next_of(client, api_auth, shop, order) == {"action": "ship", "role": "supplier",
                                                      "due": (start - timedelta(days=2)).isoformat()}


def test_the_order_page_shows_its_steps_and_the_next_with_who_and_by_when(client, auth, shop):
    order = make_order(shop, "diterima")
    html = page(client, auth, shop["people"]["pp"], f"/pesanan/{order.id}")
    timeline = re.search(r'<ol class="timeline">(.*?)</ol>', html, re.S).group(1)
    done = re.findall(r'<li class="done">(.*?)</li>', timeline, re.S)
    assert [REGISTRY[e.action].past if e.action in REGISTRY else "Pesanan dibuat" for e in order.events] == [
        re.search(r"<strong>(.*?)</strong>", item).group(1) for item in done]
    assert all(e.by_name in item and tanggal(e.at) in item for e, item in zip(order.events, done))
    upcoming = re.search(r'<li class="next">(.*?)</li>', timeline, re.S).group(1)
    assert "Berikutnya: Catat pembayaran" in upcoming and LABELS["bendahara"] in upcoming
    assert f"paling lambat {tanggal(order.due_date)}" in upcoming


# ---------------------------------------------------------------- notices and signals

def test_notices_name_dates_and_amounts_the_indonesian_way(shop):
    order = make_order(shop, "diterima")

    def told(user) -> list[str]:
        return [n.message for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id))]

    people = shop["people"]
    assert (f"Pesanan baru {order.number} menunggu jawaban Anda sebelum {tanggal(order.respond_by)} WIB."
            in told(people[SUPPLIER]))
    assert (f"BAST {order.number} ditandatangani; tagihan {rupiah(order.total)} jatuh tempo "
            f"{tanggal(order.due_date)}." in told(people["bendahara"]))
    assert re.search(r"jatuh tempo \d{1,2} [A-Z][a-z]+ \d{4}\.$", told(people["bendahara"])[-1])


def test_signals_are_sent_inside_the_transaction_and_a_refusing_receiver_changes_nothing(client, shop, api_auth):
    created, done = [], []

    def on_created(order, actor):
        created.append((order.id, order.terms.order_id, actor.username))

    def on_pay(name, order, actor, values):
        done.append((name, order.status, values["sp2d_number"]))
        raise Conflict("Pembayaran ditahan oleh modul lain.")

    signals.order_created.connect(on_created)
    signals.order_action_done.connect(on_pay, sender="pay")
    try:
        order = make_order(shop, "diterima")
        assert created == [(order.id, order.id, shop["people"]["pp"].username)]
        answer = client.post(f"/api/v1/orders/{order.id}/pay", json={"sp2d_number": "SP2D/77", "date": TODAY.isoformat()},
                             headers=api_auth.headers(shop["people"]["bendahara"]))
    finally:
        signals.order_created.disconnect(on_created)
        signals.order_action_done.disconnect(on_pay, sender="pay")
    assert answer.status_code == 409 and done == [("pay", "dibayar", "SP2D/77")]
    db.session.expire_all()
    kept = db.session.get(Order, order.id)
    assert (kept.status, kept.sp2d_number, kept.events[-1].action) == ("diterima", None, "receive")


def test_a_worklist_follows_the_flow_each_step_oldest_first(client, auth, shop):
    rated_later = make_order(shop, "dibayar")
    counter = make_order(shop, "negosiasi")
    first, second = make_order(shop, "menunggu_ppk"), make_order(shop, "menunggu_ppk")
    html = page(client, auth, shop["people"]["ppk"], "/pesanan/tindakan")
    rows = re.findall(r'<td><a href="/pesanan/(\d+)">', html)
    assert rows == [str(o.id) for o in (first, second, counter, rated_later)]
