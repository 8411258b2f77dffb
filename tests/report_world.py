"""A small market for the document, report and open-data tests, with orders taken through the API.

Two SKPD with their officials, three suppliers (mikro, kecil, menengah; one per
kecamatan, one per storefront), finance and admin. ``market.order(...)``
creates an order as a PP and drives it through the real API actions to the
status asked for (the way ``order_steps.path_to`` finds in the registry); ``market.backdate(...)`` then moves its dates, as time
passing would.
"""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from pypdf import PdfReader

from app.common.timeutil import today_wib, wib_to_utc
from app.extensions import db
from app.procurement.models import Order

from .order_steps import body_for, path_to

TODAY = today_wib()
YEAR = TODAY.year


class Market:
    """The people, listings and helpers of the test market."""

    def __init__(self, client, make, api_auth):
        self.client = client
        self.dispar = make.skpd(code="DISPAR", name="Dinas Pariwisata")
        self.dinkes = make.skpd(code="DINKES", name="Dinas Kesehatan")
        self.lines = {skpd.code: make.budget_line(skpd, ceiling=900_000_000, year=YEAR)
                      for skpd in (self.dispar, self.dinkes)}
        self.apel = make.supplier(business_name="UD Apel Manis", scale="mikro", kecamatan="Batu",
                                  is_pkp=False, has_pp55=True)
        self.tenda = make.supplier(business_name="CV Tenda Arjuno", scale="kecil", kecamatan="Bumiaji",
                                   is_pkp=True, has_pp55=False)
        self.katering = make.supplier(business_name="PT Boga Junrejo", scale="menengah", kecamatan="Junrejo",
                                      is_pkp=True, has_pp55=False)
        self.users = {}
        for skpd in (self.dispar, self.dinkes):
            for role in ("pp", "ppk", "bendahara"):
                user = make.user(role, skpd=skpd, full_name=f"{role.upper()} {skpd.name}")
                user.nip = f"1980010120050{len(self.users):05d}"
                self.users[f"{role}:{skpd.code}"] = user
        db.session.commit()
        for supplier in (self.apel, self.tenda, self.katering):
            self.users[f"supplier:{supplier.id}"] = make.user("supplier", supplier=supplier)
        self.users["finance"] = make.user("finance")
        self.users["admin"] = make.user("admin")
        self.keripik = make.listing(self.apel, price=25_000, stock=10_000, name="Keripik Apel Original 100 g")
        self.tent = make.listing(self.tenda, etalase="jasa-penyewaan", price=500_000, capacity_per_day=50,
                                 name="Tenda Sarnafil 5x5")
        self.meals = make.listing(self.katering, etalase="jasa-penyelenggara", price=45_000, capacity_per_day=5_000,
                                  name="Paket Rapat Fullday", unit="pax")
        self._auth = api_auth
        self._headers = {}

    def headers(self, key: str) -> dict:
        """Bearer headers of a user of the market (logged in once)."""
        if key not in self._headers:
            self._headers[key] = self._auth.headers(self.users[key])
        return self._headers[key]

    def supplier_key(self, listing) -> str:
        """The user key of a listing's supplier."""
        return f"supplier:{listing.supplier_id}"

    def order(self, skpd, listing, quantity: int, status: str, days: int = 1) -> dict:
        """An order of ``quantity`` (for ``days`` days for services), taken through the API to ``status``."""
        line = {"listing_id": listing.id, "quantity": quantity}
        if listing.stock is None:
            line.update(start_date=TODAY.isoformat(), end_date=(TODAY + timedelta(days=days - 1)).isoformat())
        body = {"budget_line_id": self.lines[skpd.code].id, "delivery_address": "Balai Kota Among Tani",
                "lines": [line]}
        response = self.client.post("/api/v1/orders", json=body, headers=self.headers(f"pp:{skpd.code}"))
        assert response.status_code == 201, response.get_json()
        order = response.get_json()
        for action in path_to(status):
            role = action.roles[0]
            key = self.supplier_key(listing) if role == "supplier" else f"{role}:{skpd.code}"
            data = body_for(action, [(line["listing_id"], line["unit_price"]) for line in order["lines"]])
            if action.name == "receive":
                data["bast_number"] = f"BAST/{order['id']:03d}/{YEAR}"
            if action.name == "pay":
                data["sp2d_number"] = f"SP2D-{order['id']:04d}/{YEAR}"
            response = self.client.post(f"/api/v1/orders/{order['id']}/{action.name}", json=data,
                                        headers=self.headers(key))
            assert response.status_code == 200, (action.name, response.get_json())
            order = response.get_json()
        assert order["status"] == status
        return order

    def backdate(self, order_id: int, accepted_at: datetime | None = None, bast: date | None = None,
                 paid: date | None = None, due: date | None = None) -> None:
        """Move an order's dates (``accepted_at`` given in WIB) as if time had passed."""
        order = db.session.get(Order, order_id)
        if accepted_at is not None:
            order.accepted_at = wib_to_utc(accepted_at)
        if bast is not None:
            order.bast_date = bast
        if paid is not None:
            order.payment_date = paid
        if due is not None:
            order.due_date = due
        db.session.commit()


@pytest.fixture
def market(client, make, api_auth):
    """The test market."""
    return Market(client, make, api_auth)


def pdf_text(data: bytes) -> tuple[str, int]:
    """The text of a PDF, as a reader would see it, and its page count."""
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)
