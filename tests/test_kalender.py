"""Cuti bersama: not working days for the 3-day answer deadline; kept per year by the admin (pages and API).

Dates are derived from the test clock: each test works in a "quiet" week after today
(no public holiday, no seeded cuti bersama), so it holds on any day of any year. The
seeded decrees are checked by their own dates.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import holidays
import pytest

from app.audit.models import AuditEntry
from app.common.timeutil import WIB, to_wib, today_wib
from app.common.workdays import add_working_days, is_working_day
from app.extensions import db
from app.kalender import services as kalender
from app.kalender.models import CutiBersama
from app.procurement.models import Order

from .api_helpers import assert_error, count
from .conftest import TEST_NOW
from .web_helpers import alerts, field_errors

API = "/api/v1/admin/cuti-bersama"
ROOT = Path(__file__).resolve().parent.parent
TODAY = today_wib()


def quiet_friday(after: date) -> date:
    """The first Friday after ``after`` whose next seven days hold no public holiday and no cuti bersama."""
    day = after + timedelta(days=(4 - after.weekday()) % 7 or 7)
    while True:
        week = [day + timedelta(days=n) for n in range(1, 8)]
        off = set(holidays.Indonesia(years={d.year for d in week})) | {c.day for c in kalender.list_days()}
        if not off & set(week):
            return day
        day += timedelta(days=7)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour))


@pytest.fixture
def admin(make, api_auth):
    return api_auth.headers(make.user("admin"))


# --- the rule ------------------------------------------------------------------------------------

def test_working_days_skip_weekends_public_holidays_and_cuti_bersama(app):
    year = TODAY.year
    assert not is_working_day(date(year, 8, 17)) and not is_working_day(date(year, 12, 25))
    friday = quiet_friday(TODAY)
    monday, tuesday, wednesday, thursday = (friday + timedelta(days=n) for n in (3, 4, 5, 6))
    assert is_working_day(monday) and not is_working_day(friday + timedelta(days=1))
    assert add_working_days(at(friday), 3) == at(wednesday)

    for day in (monday, tuesday):
        kalender.add_day(None, {"date": day.isoformat(), "description": "Cuti bersama uji"})
    db.session.commit()
    assert not is_working_day(monday) and not is_working_day(tuesday)
    assert add_working_days(at(friday), 3) == at(friday + timedelta(days=7))  # Wednesday, Thursday, Friday
    assert add_working_days(at(thursday - timedelta(days=7)), 1) == at(friday)


def test_the_seeded_decrees_make_lebaran_deadlines_skip_cuti_bersama(app):
    """SKB 3 Menteri 2026: Idul Fitri 21–22 March (a weekend), cuti bersama 20, 23 and 24 March."""
    assert [d.day.isoformat() for d in kalender.list_days(2026)] == [
        "2026-02-16", "2026-03-18", "2026-03-20", "2026-03-23", "2026-03-24", "2026-05-15", "2026-05-28",
        "2026-12-24"]
    assert add_working_days(datetime(2026, 3, 19, 14, 0), 3) == datetime(2026, 3, 27, 14, 0)
    assert add_working_days(datetime(2026, 12, 23, 9, 30), 3) == datetime(2026, 12, 30, 9, 30)  # 24th, 25th off
    # 2025, with the amendment that made 18 August (the 80th Independence Day's Monday) a cuti bersama
    assert [d.day.isoformat() for d in kalender.list_days(2025)] == [
        "2025-01-28", "2025-03-28", "2025-04-02", "2025-04-03", "2025-04-04", "2025-04-07", "2025-05-13",
        "2025-05-30", "2025-06-09", "2025-08-18", "2025-12-26"]
    assert add_working_days(datetime(2025, 8, 15, 8, 0), 1) == datetime(2025, 8, 19, 8, 0)
    provisional = kalender.list_days(2027)
    assert provisional and all("SEMENTARA" in d.description for d in provisional)


def order_respond_by(client, api_auth, ppk, line, listing) -> tuple[int, datetime]:
    """Place an order as the PPK: its id and its answer deadline (WIB)."""
    response = client.post("/api/v1/orders", headers=api_auth.headers(ppk), json={
        "budget_line_id": line.id, "delivery_address": "Kantor Bappeda",
        "lines": [{"listing_id": listing.id, "quantity": 1}]})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "menunggu_penyedia"
    order_id = response.get_json()["id"]
    return order_id, to_wib(db.session.get(Order, order_id).respond_by)


def test_the_admin_adds_a_cuti_bersama_and_the_next_order_answers_a_day_later(client, make, api_auth, clock):
    monday = quiet_friday(TODAY) + timedelta(days=3)
    clock.move_to(datetime.combine(monday, time(9), WIB))
    skpd = make.skpd(code="BAPPEDA")
    line, listing, ppk = make.budget_line(skpd, year=monday.year), make.listing(), make.user("ppk", skpd=skpd)
    admin = api_auth.headers(make.user("admin"))

    first_id, first = order_respond_by(client, api_auth, ppk, line, listing)
    assert (first.date(), first.hour) == (monday + timedelta(days=3), 9)  # Thursday

    added = client.post(API, headers=admin, json={"date": (monday + timedelta(days=2)).isoformat(),
                                                   "description": "Cuti bersama tambahan"})
    assert added.status_code == 201
    _, second = order_respond_by(client, api_auth, ppk, line, listing)
    assert (second.date(), second.hour) == (monday + timedelta(days=4), 9)  # Friday: Wednesday is off now
    db.session.expire_all()
    assert to_wib(db.session.get(Order, first_id).respond_by) == first  # an order placed before keeps its deadline

    assert client.delete(f"{API}/{added.get_json()['id']}", headers=admin).status_code == 204
    _, third = order_respond_by(client, api_auth, ppk, line, listing)
    assert third.date() == monday + timedelta(days=3)


def test_another_process_adding_a_day_is_seen_here_at_once(app, database_url):
    """Each process keeps the calendar it read; a change committed by another process is read again."""
    friday = quiet_friday(TODAY)
    tuesday = friday + timedelta(days=4)
    assert is_working_day(tuesday) and add_working_days(at(friday), 2) == at(tuesday)  # kept by this process now
    db.session.rollback()  # this request is over
    script = (
        "import sys, json, time_machine; time_machine.travel(sys.argv[3]).start(); "
        "from app import create_app; from app.extensions import db; "
        "from app.kalender import services; "
        "app = create_app('testing', SQLALCHEMY_DATABASE_URI=sys.argv[1]); ctx = app.app_context(); ctx.push(); "
        "services.add_day(None, json.loads(sys.argv[2])); db.session.commit()"
    )
    day = {"date": tuesday.isoformat(), "description": "Cuti bersama dari proses lain"}
    subprocess.run([sys.executable, "-c", script, database_url, json.dumps(day), TEST_NOW.isoformat()], cwd=ROOT,
                   check=True, timeout=60)
    assert not is_working_day(tuesday)
    assert add_working_days(at(friday), 2) == at(tuesday + timedelta(days=1))


# --- API -----------------------------------------------------------------------------------------

def test_admin_lists_adds_and_removes_days_audited(client, admin):
    year = TODAY.year + 1
    day = quiet_friday(date(year, 1, 1))
    listed = client.get(API, headers=admin, query_string={"year": year})
    assert listed.status_code == 200
    before = listed.get_json()
    assert all(d["date"].startswith(f"{year}-") for d in before)

    response = client.post(API, headers=admin, json={"date": day.isoformat(), "description": "Cuti bersama uji"})
    assert response.status_code == 201
    body = response.get_json()
    assert body == {"id": body["id"], "date": day.isoformat(), "description": "Cuti bersama uji"}
    after = client.get(API, headers=admin, query_string={"year": year}).get_json()
    assert body in after and len(after) == len(before) + 1
    assert after == sorted(after, key=lambda d: d["date"])
    assert body in client.get(API, headers=admin).get_json()  # every year's without ?year=

    assert client.delete(f"{API}/{body['id']}", headers=admin).status_code == 204
    assert client.get(API, headers=admin, query_string={"year": year}).get_json() == before
    assert_error(client.delete(f"{API}/{body['id']}", headers=admin), 404, "not_found")
    actions = [(e.action, json.loads(e.data)) for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions[-2:] == [("cuti_bersama.create", {"date": day.isoformat(), "description": "Cuti bersama uji"}),
                            ("cuti_bersama.delete", {"date": day.isoformat(), "description": "Cuti bersama uji"})]
    assert app_audit_intact(client)


def app_audit_intact(client) -> bool:
    return client.application.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0


def test_a_date_already_listed_is_409(client, admin):
    seeded = kalender.list_days()[0]
    assert_error(client.post(API, headers=admin, json={"date": seeded.day.isoformat(), "description": "Lagi"}),
                 409, "conflict", fields=("date",))
    assert count(CutiBersama) == len(kalender.list_days())


def _saturday() -> str:
    return (TODAY + timedelta(days=(5 - TODAY.weekday()) % 7)).isoformat()


@pytest.mark.parametrize("body,field", [
    ({"date": "kemarin", "description": "Cuti bersama"}, "date"),
    ({"date": "2026-02-30", "description": "Cuti bersama"}, "date"),
    ({"date": "20-03-2026", "description": "Cuti bersama"}, "date"),
    ({"date": "1999-03-19", "description": "Cuti bersama"}, "date"),
    ({"date": "2101-03-18", "description": "Cuti bersama"}, "date"),
    ({"date": 20260320, "description": "Cuti bersama"}, "date"),
    ({"date": None, "description": "Cuti bersama"}, "date"),
    ({"description": "Cuti bersama"}, "date"),
    ({"date": "saturday", "description": "Cuti bersama"}, "date"),
    ({"date": "weekday", "description": "Cu"}, "description"),
    ({"date": "weekday", "description": "C" * 201}, "description"),
    ({"date": "weekday"}, "description"),
])
def test_bad_dates_and_descriptions_are_422_and_change_nothing(client, admin, body, field):
    body = dict(body)
    if body.get("date") == "saturday":
        body["date"] = _saturday()
    elif body.get("date") == "weekday":
        body["date"] = (quiet_friday(TODAY) + timedelta(days=3)).isoformat()
    before = count(CutiBersama)
    assert_error(client.post(API, headers=admin, json=body), 422, "invalid", fields=(field,))
    assert count(CutiBersama) == before


@pytest.mark.parametrize("year", ["abc", "1999", "2101", "2026.0", "²⁰²⁶"])
def test_a_bad_year_filter_is_422(client, admin, year):
    assert_error(client.get(API, headers=admin, query_string={"year": year}), 422, "invalid", fields=("year",))


@pytest.mark.parametrize("role", ["pp", "ppk", "bendahara", "finance", "supplier"])
def test_other_roles_get_403_and_change_nothing(client, make, api_auth, role):
    user = make.supplier_user() if role == "supplier" else make.user(role, skpd=make.skpd())
    headers = api_auth.headers(user)
    seeded = kalender.list_days()[0]
    weekday = (quiet_friday(TODAY) + timedelta(days=3)).isoformat()
    assert_error(client.get(API, headers=headers), 403, "forbidden")
    assert_error(client.post(API, headers=headers, json={"date": weekday, "description": "Cuti"}), 403)
    assert_error(client.delete(f"{API}/{seeded.id}", headers=headers), 403)
    assert_error(client.get(API), 401)
    assert count(CutiBersama) == len(kalender.list_days()) and db.session.get(CutiBersama, seeded.id)


# --- pages ---------------------------------------------------------------------------------------

@pytest.fixture
def admin_page(auth, make):
    user = make.user("admin")
    auth.login(user)
    return user


def test_the_admin_page_lists_the_year_and_adds_a_day(client, admin_page):
    year = TODAY.year
    page = client.get(f"/admin/cuti-bersama?tahun={year}").get_data(as_text=True)
    assert f"Cuti bersama tahun {year}" in page
    for day in kalender.list_days(year):
        assert day.description in page
    day = quiet_friday(TODAY) + timedelta(days=3)
    done = client.post(f"/admin/cuti-bersama?tahun={year}",
                       data={"date": day.isoformat(), "description": "Cuti bersama HUT Kota Batu"})
    assert done.status_code == 302 and f"tahun={day.year}" in done.headers["Location"]
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Cuti bersama HUT Kota Batu" in page and "Senin" in page
    assert any("ditambahkan" in a for a in alerts(page))
    assert not is_working_day(day)


def test_a_weekend_on_the_page_is_refused_next_to_the_field(client, admin_page):
    before = count(CutiBersama)
    page = client.post("/admin/cuti-bersama", data={"date": _saturday(), "description": "Cuti bersama"})
    assert page.status_code == 422
    assert any("Senin–Jumat" in m for m in field_errors(page.get_data(as_text=True), "date"))
    assert count(CutiBersama) == before


def test_removing_asks_for_confirmation_first(client, admin_page):
    day = kalender.add_day(None, {"date": (quiet_friday(TODAY) + timedelta(days=3)).isoformat(),
                                  "description": "Cuti bersama yang salah"})
    db.session.commit()
    day_id = day.id
    listing = client.get(f"/admin/cuti-bersama?tahun={day.day.year}").get_data(as_text=True)
    assert f"/admin/cuti-bersama/{day_id}/hapus" in listing
    confirm = client.get(f"/admin/cuti-bersama/{day_id}/hapus")
    assert confirm.status_code == 200 and "Ya, hapus" in confirm.get_data(as_text=True)
    assert db.session.get(CutiBersama, day_id) is not None  # asking removes nothing
    done = client.post(f"/admin/cuti-bersama/{day_id}/hapus")
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(CutiBersama, day_id) is None
    assert client.get(f"/admin/cuti-bersama/{day_id}/hapus").status_code == 404


def test_the_page_forms_need_their_csrf_token(app, client, admin_page, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    seeded = kalender.list_days()[0]
    day = (quiet_friday(TODAY) + timedelta(days=3)).isoformat()
    before = count(CutiBersama)
    assert client.post("/admin/cuti-bersama", data={"date": day, "description": "Tanpa token"}).status_code == 400
    assert client.post(f"/admin/cuti-bersama/{seeded.id}/hapus").status_code == 400
    assert count(CutiBersama) == before
    page = client.get(f"/admin/cuti-bersama/{seeded.id}/hapus").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"/admin/cuti-bersama/{seeded.id}/hapus", data={"csrf_token": token}).status_code == 302
    assert count(CutiBersama) == before - 1


@pytest.mark.parametrize("role", ["pp", "finance", "supplier"])
def test_other_roles_cannot_open_the_pages(client, make, auth, role):
    user = make.supplier_user() if role == "supplier" else make.user(role, skpd=make.skpd())
    seeded = kalender.list_days()[0]
    auth.login(user)
    assert client.get("/admin/cuti-bersama").status_code == 403
    assert client.post(f"/admin/cuti-bersama/{seeded.id}/hapus").status_code == 403
    auth.logout()
    assert "/masuk" in client.get("/admin/cuti-bersama").headers["Location"]
    assert db.session.get(CutiBersama, seeded.id) is not None
