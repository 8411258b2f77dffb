"""A world of people and objects for the trust tests (authorization matrix, API fuzzing).

One SKPD with its ``pp``, ``ppk`` and ``bendahara``, another SKPD with its ``ppk`` and
``bendahara``, the catalog ``admin``, ``finance``, a supplier with a user, listings, a
stored photo and document, and another supplier with a user. Only ids are kept, so the
world can be used from any application context; fresh objects are made on demand.
"""
from __future__ import annotations

import io
import itertools

from openpyxl import Workbook
from werkzeug.datastructures import FileStorage

from app.common.timeutil import today_wib
from app.etalase import services as catalog
from app.etalase.imports import COLUMNS
from app.extensions import db
from app.procurement import orders
from app.suppliers import services as suppliers

from .factories import MINIMAL_PDF, PASSWORD, Factory, png_bytes
from .order_steps import body_for, path_to
from .web_helpers import profile_form

TODAY = today_wib()
ANON = "anon"
USERS = ("admin", "pp", "ppk", "bendahara", "finance", "supplier", "other_ppk", "other_bendahara", "other_supplier")
_seq = itertools.count(1)
GOODS_PRICE = 10_000


class World:
    """The people, their objects, logged-in clients and tokens; fresh objects on demand."""

    def __init__(self, app):
        self.app = app
        self.make = make = Factory()
        self.fresh = False
        self.quick = False  # True: fresh orders are put in their status directly, not through the transitions
        self._orders: dict[str, int] = {}
        self._listings: dict[str, int] = {}
        self._suppliers: dict[str, int] = {}
        self._clients: dict[str, object] = {}
        self._tokens: dict[str, str] = {}
        skpd, other_skpd = make.skpd(code="DISPAR", name="Dinas Pariwisata"), make.skpd(code="DINKES")
        self.skpd_id, self.other_skpd_id = skpd.id, other_skpd.id
        self.line_id = make.budget_line(skpd, ceiling=10**12, year=TODAY.year).id
        self.other_line_id = make.budget_line(other_skpd, ceiling=10**12, year=TODAY.year).id
        supplier = make.supplier(business_name="CV Tenda Arjuno", is_pkp=True, has_pp55=False)
        other_supplier = make.supplier(business_name="UD Penyedia Lain")
        self.supplier_id, self.other_supplier_id = supplier.id, other_supplier.id
        users = {
            "admin": make.user("admin"), "finance": make.user("finance"),
            "pp": make.user("pp", skpd=skpd), "ppk": make.user("ppk", skpd=skpd),
            "bendahara": make.user("bendahara", skpd=skpd),
            "supplier": make.user("supplier", supplier=supplier),
            "other_ppk": make.user("ppk", skpd=other_skpd), "other_bendahara": make.user("bendahara", skpd=other_skpd),
            "other_supplier": make.user("supplier", supplier=other_supplier),
        }
        self.usernames = {name: user.username for name, user in users.items()}
        self.user_ids = {name: user.id for name, user in users.items()}
        self.goods_id = make.listing(supplier, stock=1_000_000, price=GOODS_PRICE, name="Batik Tulis Apel").id
        make.listing(other_supplier, stock=100, name="Keripik Lain")
        category = make.category("produk-unggulan")
        self.goods_category_id, self.goods_category_name = category.id, category.name
        self.draft_id = self.listing("draft", fresh=True)
        owner = self.user("supplier")
        photo = catalog.add_photo(owner, self.obj_listing(self.goods_id),
                                  FileStorage(io.BytesIO(png_bytes()), "foto.png"))
        self.photo_id = photo.id
        document = suppliers.upload_document(owner, db.session.get(_supplier_model(), supplier.id), "nib",
                                             FileStorage(io.BytesIO(MINIMAL_PDF), "nib.pdf"))
        self.document_id = document.id
        db.session.commit()
        self.pending_supplier_id = self.supplier_row("pending", fresh=True)
        db.session.commit()

    # objects -------------------------------------------------------------------------------------

    def user(self, name: str):
        from app.auth.models import User

        return db.session.get(User, self.user_ids[name])

    @staticmethod
    def obj_listing(listing_id: int):
        from app.etalase.models import Listing

        return db.session.get(Listing, listing_id)

    def order(self, status: str, fresh: bool | None = None) -> int:
        """An order of the world's SKPD (made by its ``pp``) at ``status``; shared unless fresh."""
        fresh = self.fresh if fresh is None else fresh
        if not fresh and status in self._orders:
            return self._orders[status]
        body = {"budget_line_id": self.line_id, "delivery_address": "Balai Kota Among Tani",
                "lines": [{"listing_id": self.goods_id, "quantity": 1}]}
        order = orders.create_order(self.user("pp"), body)
        if self.quick:
            return self._keep_order(status, self._set_status(order, status), fresh)
        for action in path_to(status):
            orders.perform(self.user(action.roles[0]), order.id, action.name, self.action_body(action)["json"])
        return self._keep_order(status, order.id, fresh)

    def _keep_order(self, status: str, order_id: int, fresh: bool) -> int:
        db.session.commit()
        if not fresh:
            self._orders[status] = order_id
        return order_id

    @staticmethod
    def _set_status(order, status: str) -> int:
        """Quick mode: put a new order in ``status`` directly, with the fields that status implies
        (the transitions themselves are exercised elsewhere)."""
        from datetime import timedelta

        from app.common.timeutil import utcnow

        now = utcnow()
        order.status = status
        if status != "menunggu_ppk":
            order.respond_by = now + timedelta(days=3)
        if status == "negosiasi":
            order.lines[0].counter_price = order.lines[0].unit_price - 1_000
        if status in ("diproses", "dikirim", "diterima"):
            order.accepted_at = now
        if status == "diterima":
            order.bast_number, order.bast_date = f"BAST/{next(_seq)}", TODAY
            order.due_date = TODAY + timedelta(days=30)
        return order.id

    def listing(self, status: str, fresh: bool | None = None) -> int:
        """A goods listing of the world's supplier at ``status`` (draft, submitted, active)."""
        fresh = self.fresh if fresh is None else fresh
        if not fresh and status in self._listings:
            return self._listings[status]
        supplier = db.session.get(_supplier_model(), self.supplier_id)
        listing_id = self.make.listing(supplier, status=status, stock=50, name=f"Produk {status} {next(_seq)}").id
        db.session.commit()
        if not fresh:
            self._listings[status] = listing_id
        return listing_id

    def supplier_row(self, status: str, fresh: bool | None = None) -> int:
        """A supplier (with both documents) at ``status`` (pending, verified, suspended)."""
        fresh = self.fresh if fresh is None else fresh
        if not fresh and status in self._suppliers:
            return self._suppliers[status]
        supplier_id = self.make.supplier(status=status).id
        db.session.commit()
        if not fresh:
            self._suppliers[status] = supplier_id
        return supplier_id

    def repair(self) -> None:
        """Put back what fuzzing may have changed and fresh orders rely on: the goods listing and its supplier."""
        from app.etalase.models import Listing

        listing = db.session.get(Listing, self.goods_id)
        listing.status, listing.price, listing.min_order, listing.lead_time_days = "active", GOODS_PRICE, 1, 0
        listing.stock = 1_000_000
        db.session.get(_supplier_model(), self.supplier_id).status = "verified"
        db.session.commit()

    # bodies --------------------------------------------------------------------------------------

    def action_body(self, action, form: bool = False) -> dict:
        """A valid input of an order action for the world's orders (one line of the goods listing)."""
        data = body_for(action, [(self.goods_id, GOODS_PRICE)], form)
        return {"data": data} if form else {"json": data}

    def order_body(self, actor: str) -> dict:
        line = self.other_line_id if actor.startswith("other_") else self.line_id
        return {"json": {"budget_line_id": line, "delivery_address": "Kantor Dinas",
                         "lines": [{"listing_id": self.goods_id, "quantity": 1}]}}

    def listing_form(self) -> dict:
        return {"data": {"category_id": str(self.goods_category_id), "name": f"Sari Apel {next(_seq)}",
                         "description": "Sari apel manalagi.", "unit": "pcs", "price": "10000", "min_order": "1",
                         "lead_time_days": "0", "stock": "10"}}

    def profile_body(self, actor: str) -> dict:
        """The profile form of the actor's own business, its NIB and NPWP unchanged (fixed after verification)."""
        own = self.other_supplier_id if actor == "other_supplier" else self.supplier_id
        supplier = db.session.get(_supplier_model(), own)
        return {"data": profile_form(nib=supplier.nib, npwp=supplier.npwp)}

    def import_file(self) -> dict:
        book = Workbook()
        sheet = book.active
        sheet.title = "Produk"
        sheet.append([column.header for column in COLUMNS])
        sheet.append(["", "produk-unggulan", self.goods_category_name, f"Dodol Apel {next(_seq)}", "Dodol",
                      "pcs", 12_000, 1, 0, 10, ""])
        buffer = io.BytesIO()
        book.save(buffer)
        return {"data": {"file": (io.BytesIO(buffer.getvalue()), "produk.xlsx")}, "content_type": "multipart/form-data"}

    # callers -------------------------------------------------------------------------------------

    def client_for(self, actor: str, fresh: bool = False):
        """A test client logged in through the login page (the visitor's is not logged in)."""
        if not fresh and actor in self._clients:
            return self._clients[actor]
        client = self.app.test_client()
        if actor != ANON:
            response = client.post("/masuk", data={"username": self.usernames[actor], "password": PASSWORD})
            assert response.status_code == 302, f"login of {actor} failed"
        if not fresh:
            self._clients[actor] = client
        return client

    def token(self, actor: str, fresh: bool = False) -> str:
        if not fresh and actor in self._tokens:
            return self._tokens[actor]
        response = self.app.test_client().post(
            "/api/v1/auth/tokens", json={"username": self.usernames[actor], "password": PASSWORD})
        assert response.status_code == 201, response.get_json()
        token = response.get_json()["token"]
        if not fresh:
            self._tokens[actor] = token
        return token


def _supplier_model():
    from app.suppliers.models import Supplier

    return Supplier
