"""The figures of PRODUCT.md §6: transaction report, annual recap, dashboard and public summary.

Transaction value is the sum of the totals (PPN included) of the orders in
``ACCEPTED_STATUSES``, dated by ``accepted_at`` read in WIB; refused, cancelled
and expired orders never count. The transaction report is one stream of
accepted orders with their lines, read in batches (``yield_per``) so that a
year of hundreds of thousands of lines never sits in memory at once. The
annual recap, the dashboard and the public summary are summed by the database
(a line's value being its share of its order's total) and cached until an
order, a line, an SKPD, a supplier or a storefront changes (data version
``transactions``).

Finance and admins see every SKPD; a ``bendahara`` only its own.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date, datetime, time, timedelta
from itertools import groupby
from operator import itemgetter
from typing import Iterable, Iterator

from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import BigInteger, Integer, and_, case, cast, distinct, func, null, select, text, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.auth import roles
from app.common import versions
from app.common.errors import Forbidden, Invalid, NotFound
from app.common.money import number_id
from app.common.pagination import Page
from app.common.timeutil import tanggal, to_wib, today_wib, utcnow, wib_to_utc
from app.common.validation import load
from app.etalase.models import Etalase, Listing
from app.extensions import db
from app.suppliers.models import Supplier

from .models import Order, OrderLine, Skpd
from .state import ACCEPTED_STATUSES, OrderState

REPORT_ROLES = (roles.ADMIN, roles.FINANCE, roles.BENDAHARA)
TRANSACTIONS = "transactions"
versions.watch(TRANSACTIONS, (Order, OrderLine, Skpd, Supplier, Etalase))
FORMATS = ("json", "xlsx", "pdf")
UMKM_SCALES = ("mikro", "kecil")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")
PPH_LABELS = {"pph22": "PPh Pasal 22", "pph23": "PPh Pasal 23", "final_pp55": "PPh Final PP 55/2022"}
TOP = 10

_id = validate.Range(min=1, max=2**31 - 1, error="Nomor tidak sah.")
_year = validate.Range(min=2000, max=2100, error="Tahun 2000–2100.")


# ---------------------------------------------------------------- filters

class _FilterSchema(Schema):
    skpd = fields.Integer(load_default=None, validate=_id)
    supplier = fields.Integer(load_default=None, validate=_id)
    etalase = fields.String(load_default=None, validate=validate.Length(max=40))
    status = fields.String(load_default=None, validate=validate.Length(max=100))
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS, error="Format: json, xlsx atau pdf."))


class TransactionQuerySchema(_FilterSchema):
    """Filters of the transaction report: a year, a month of a year, or a date range."""

    year = fields.Integer(load_default=None, validate=_year)
    month = fields.Integer(load_default=None, validate=validate.Range(min=1, max=12, error="Bulan 1–12."))
    from_ = fields.Date(data_key="from", load_default=None)
    to = fields.Date(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))

    @validates_schema
    def _period(self, data, **_kwargs):
        start, end = data.get("from_"), data.get("to")
        if (start or end) and (data.get("year") or data.get("month")):
            raise ValidationError("Pilih tahun/bulan atau rentang tanggal, bukan keduanya.", "from")
        if (start is None) != (end is None):
            raise ValidationError("Isi tanggal mulai dan tanggal selesai.", "to" if start else "from")
        if start and end and end < start:
            raise ValidationError("Tanggal selesai sebelum tanggal mulai.", "to")


class AnnualQuerySchema(_FilterSchema):
    """Filters of the annual recap and the dashboard: one year."""

    year = fields.Integer(load_default=None, validate=_year)


class PublicQuerySchema(Schema):
    """``year`` of the public summary and the OCDS package."""

    year = fields.Integer(load_default=None, validate=_year)


@dataclass(frozen=True)
class Period:
    """Inclusive dates in WIB."""

    start: date
    end: date
    label: str

    @classmethod
    def year(cls, year: int) -> Period:
        """A whole calendar year."""
        return cls(date(year, 1, 1), date(year, 12, 31), f"Tahun {year}")

    def utc_bounds(self) -> tuple[datetime, datetime]:
        """``accepted_at`` (naive UTC) bounds: from the first midnight in WIB, up to the one after the end."""
        return (wib_to_utc(datetime.combine(self.start, time())),
                wib_to_utc(datetime.combine(self.end + timedelta(days=1), time())))


@dataclass(frozen=True)
class ReportFilter:
    """What a report covers, checked and scoped to the person asking: ids to query, names to print."""

    period: Period
    skpd_id: int | None = None
    skpd_code: str | None = None
    skpd_name: str | None = None
    supplier_id: int | None = None
    supplier_name: str | None = None
    etalase: str | None = None
    etalase_name: str | None = None
    statuses: tuple[str, ...] = ACCEPTED_STATUSES

    def describe(self) -> list[tuple[str, str]]:
        """The filter as label/value pairs, printed on every PDF and workbook."""
        return [
            ("Periode", self.period.label),
            ("SKPD", f"{self.skpd_code} — {self.skpd_name}" if self.skpd_id else "Semua SKPD"),
            ("Penyedia", self.supplier_name if self.supplier_id else "Semua penyedia"),
            ("Etalase", self.etalase_name if self.etalase else "Semua etalase"),
            ("Status", ", ".join(OrderState.labels[s] for s in self.statuses)),
        ]

    def conditions(self) -> list:
        """SQL conditions on ``Order`` selecting the orders this filter covers."""
        start, end = self.period.utc_bounds()
        found = [Order.status.in_(self.statuses), Order.accepted_at >= start, Order.accepted_at < end]
        if self.skpd_id:
            found.append(Order.skpd_id == self.skpd_id)
        if self.supplier_id:
            found.append(Order.supplier_id == self.supplier_id)
        if self.etalase:
            found.append(Order.id.in_(select(OrderLine.order_id).join(Listing, Listing.id == OrderLine.listing_id)
                                      .where(Listing.etalase_code == self.etalase)))
        return found


def _check_role(actor) -> None:
    if actor is None or actor.role not in REPORT_ROLES:
        raise Forbidden("Laporan hanya untuk BPKAD, admin dan bendahara SKPD.")


def _period(values: dict) -> Period:
    if values.get("from_"):
        start, end = values["from_"], values["to"]
        return Period(start, end, f"{tanggal(start)} – {tanggal(end)}")
    year = values.get("year") or today_wib().year
    month = values.get("month")
    if month:
        last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1))
        return Period(date(year, month, 1), last, f"{MONTHS[month - 1]} {year}")
    return Period.year(year)


def _filter(actor, values: dict, period: Period) -> ReportFilter:
    """Resolve the ids and codes of a loaded query, scoped to the actor; 404/422 for unknown ones."""
    skpd_id = values["skpd"]
    if actor is not None and actor.role == roles.BENDAHARA:
        if skpd_id not in (None, actor.skpd_id):
            raise NotFound("SKPD tidak ditemukan.")
        skpd_id = actor.skpd_id
    errors = {}
    skpd = db.session.get(Skpd, skpd_id) if skpd_id else None
    if skpd_id and skpd is None:
        errors["skpd"] = ["SKPD tidak dikenal."]
    supplier = db.session.get(Supplier, values["supplier"]) if values["supplier"] else None
    if values["supplier"] and supplier is None:
        errors["supplier"] = ["Penyedia tidak dikenal."]
    etalase = db.session.get(Etalase, values["etalase"]) if values["etalase"] else None
    if values["etalase"] and etalase is None:
        errors["etalase"] = ["Etalase tidak dikenal."]
    statuses = ACCEPTED_STATUSES
    if values["status"]:
        statuses = tuple(s for s in ACCEPTED_STATUSES if s in values["status"].split(","))
        if set(values["status"].split(",")) - set(ACCEPTED_STATUSES):
            errors["status"] = ["Status transaksi: " + ", ".join(ACCEPTED_STATUSES) + " (pisahkan dengan koma)."]
    if errors:
        raise Invalid(errors)
    return ReportFilter(
        period=period, statuses=statuses,
        **({"skpd_id": skpd.id, "skpd_code": skpd.code, "skpd_name": skpd.name} if skpd else {}),
        **({"supplier_id": supplier.id, "supplier_name": supplier.business_name} if supplier else {}),
        **({"etalase": etalase.code, "etalase_name": etalase.name} if etalase else {}))


def filter_choices(actor) -> dict:
    """What the report pages offer in their filter fields, within the actor's scope; SKPD and suppliers as
    ``(value, label)`` pairs. Kept in this process until a transaction, an SKPD, a supplier or a storefront
    changes."""
    _check_role(actor)
    own = actor.role == roles.BENDAHARA

    def build() -> dict:
        """The SKPD, supplier and storefront choices, from the database."""
        skpd = select(Skpd.id, Skpd.code, Skpd.name).order_by(Skpd.code)
        if own:
            skpd = skpd.where(Skpd.id == actor.skpd_id)
        suppliers = select(Supplier.id, Supplier.business_name).order_by(Supplier.business_name)
        return {"skpd": tuple((str(id_), f"{code} — {name}") for id_, code, name in db.session.execute(skpd)),
                "suppliers": tuple((str(id_), name) for id_, name in db.session.execute(suppliers)),
                "etalase": db.session.execute(select(Etalase.code, Etalase.name).order_by(Etalase.position)).all()}

    return {
        **versions.kept(TRANSACTIONS, ("choices", actor.skpd_id if own else "all"), versions.current(TRANSACTIONS),
                        build),
        "statuses": [(s, OrderState.labels[s]) for s in ACCEPTED_STATUSES],
        "months": list(enumerate(MONTHS, 1)),
    }


def _storefronts() -> list[Etalase]:
    return list(db.session.scalars(select(Etalase).order_by(Etalase.position)))


# ---------------------------------------------------------------- letterhead

@dataclass(frozen=True)
class Letterhead:
    """The regional letterhead of every PDF: the region, the issuing unit, the address."""

    region: str
    unit: str
    address: str


def letterhead(unit: str = "E-Lokal · Katalog Elektronik Lokal") -> Letterhead:
    """The letterhead from configuration, under ``unit`` (an SKPD, or the catalog itself)."""
    config = current_app.config
    return Letterhead(region=config["REGION_NAME"], unit=unit, address=config["REGION_ADDRESS"])


# ---------------------------------------------------------------- the stream of accepted orders

@dataclass
class TransactionLine:
    """A line of an accepted order."""

    listing_id: int
    name: str
    unit: str
    etalase: str
    unit_price: int
    quantity: int
    days: int | None
    line_total: int

    def as_json(self) -> dict:
        """The line as the API shows it."""
        return {"listing_id": self.listing_id, "name": self.name, "unit": self.unit, "etalase": self.etalase,
                "unit_price": self.unit_price, "quantity": self.quantity, "days": self.days,
                "line_total": self.line_total}


@dataclass
class TransactionRow:
    """An accepted order with its amounts, taxes, status, BAST, payment and lines."""

    id: int
    number: str
    accepted_at: datetime
    status: str
    skpd_id: int
    skpd_code: str
    skpd_name: str
    supplier_id: int
    supplier_name: str
    kecamatan: str
    scale: str
    subtotal: int
    ppn: int
    total: int
    withholding_ppn: int
    withholding_pph: int
    pph_kind: str | None
    net_to_supplier: int
    bast_number: str | None
    bast_date: date | None
    due_date: date | None
    sp2d_number: str | None
    payment_date: date | None
    lines: list[TransactionLine] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        """The status in words."""
        return OrderState.labels[self.status]

    @property
    def pph_label(self) -> str:
        """The kind of income tax withheld, in words."""
        return PPH_LABELS.get(self.pph_kind, "-")

    @property
    def etalase(self) -> str:
        """The storefront codes of its lines."""
        return ", ".join(dict.fromkeys(line.etalase for line in self.lines))

    @property
    def days_to_pay(self) -> int | None:
        """Days from the BAST to the SP2D, once paid."""
        return (self.payment_date - self.bast_date).days if self.payment_date and self.bast_date else None

    def as_json(self) -> dict:
        """The row as the API shows it."""
        return {
            "id": self.id, "number": self.number, "accepted_at": self.accepted_at.isoformat(timespec="seconds"),
            "status": self.status, "skpd": {"id": self.skpd_id, "code": self.skpd_code, "name": self.skpd_name},
            "supplier": {"id": self.supplier_id, "name": self.supplier_name, "kecamatan": self.kecamatan,
                         "scale": self.scale},
            "lines": [line.as_json() for line in self.lines],
            "subtotal": self.subtotal, "ppn": self.ppn, "total": self.total,
            "withholding": {"ppn": self.withholding_ppn, "pph": self.withholding_pph, "pph_kind": self.pph_kind},
            "net_to_supplier": self.net_to_supplier,
            "bast": {"number": self.bast_number, "date": self.bast_date.isoformat()} if self.bast_number else None,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "payment": {"sp2d_number": self.sp2d_number, "date": self.payment_date.isoformat(),
                        "days_to_pay": self.days_to_pay} if self.payment_date else None,
        }


_ORDER_COLUMNS = (Order.id, Order.number, Order.accepted_at, Order.status, Order.skpd_id, Skpd.code, Skpd.name,
                  Order.supplier_id, Supplier.business_name, Supplier.kecamatan, Supplier.scale, Order.subtotal,
                  Order.ppn, Order.total, Order.withholding_ppn, Order.withholding_pph, Order.pph_kind,
                  Order.net_to_supplier, Order.bast_number, Order.bast_date, Order.due_date, Order.sp2d_number,
                  Order.payment_date)
_LINE_COLUMNS = (OrderLine.listing_id, OrderLine.name, OrderLine.unit, Listing.etalase_code, OrderLine.unit_price,
                 OrderLine.quantity, OrderLine.days, OrderLine.line_total)
_ORDERING = (Order.accepted_at, Order.id)


def _stream(report_filter: ReportFilter, order_ids=None, batch: int = 2000) -> Iterator[TransactionRow]:
    """Accepted orders of the filter with their lines, oldest acceptance first, read in batches."""
    conditions = report_filter.conditions()
    if order_ids is not None:
        conditions.append(Order.id.in_(order_ids))
    query = (select(*_ORDER_COLUMNS, *_LINE_COLUMNS)
             .join(Skpd, Skpd.id == Order.skpd_id).join(Supplier, Supplier.id == Order.supplier_id)
             .join(OrderLine, OrderLine.order_id == Order.id).join(Listing, Listing.id == OrderLine.listing_id)
             .where(*conditions).order_by(*_ORDERING, OrderLine.id)
             .execution_options(yield_per=batch))
    width = len(_ORDER_COLUMNS)
    for _order_id, group in groupby(db.session.execute(query), key=itemgetter(0)):
        records = list(group)
        head = records[0]
        row = TransactionRow(*head[:2], to_wib(head[2]).replace(microsecond=0), *head[3:width])
        row.lines = [TransactionLine(*record[width:]) for record in records]
        yield row


@dataclass(frozen=True)
class Totals:
    """Sums over every order a report covers."""

    orders: int = 0
    lines: int = 0
    subtotal: int = 0
    ppn: int = 0
    total: int = 0
    withholding_ppn: int = 0
    withholding_pph: int = 0
    net_to_supplier: int = 0

    def as_json(self) -> dict:
        """The totals as the API shows them."""
        return asdict(self)


def _totals(report_filter: ReportFilter) -> Totals:
    conditions = report_filter.conditions()
    money = (Order.subtotal, Order.ppn, Order.total, Order.withholding_ppn, Order.withholding_pph,
             Order.net_to_supplier)
    sums = db.session.execute(select(func.count(Order.id), *(func.coalesce(func.sum(c), 0) for c in money))
                              .where(*conditions)).one()
    lines = db.session.scalar(select(func.count(OrderLine.id)).join(Order, Order.id == OrderLine.order_id)
                              .where(*conditions))
    orders, *amounts = (int(value) for value in sums)
    return Totals(orders, int(lines), *amounts)


# ---------------------------------------------------------------- transaction report

@dataclass
class TransactionReport:
    """The transaction report: its filter, totals and rows (a page, a list, or a stream)."""

    filter: ReportFilter
    totals: Totals
    rows: Iterable[TransactionRow]
    letterhead: Letterhead
    generated_at: datetime
    page: Page | None = None

    def as_json(self) -> dict:
        """A page of the report in the list format of API.md, with the totals of the whole filter."""
        return {"data": [row.as_json() for row in self.rows], "meta": self.page.meta(),
                "totals": self.totals.as_json(), "filters": dict(self.filter.describe())}


def transaction_report(actor, params: dict) -> TransactionReport:
    """The transaction report of §6 in the shape ``format`` asks for.

    ``json`` gives one page of rows; ``xlsx`` a stream of every row; ``pdf``
    every row as a list, refused (422) beyond ``REPORT_PDF_MAX_ROWS`` order
    lines with a message to take the workbook instead.
    """
    _check_role(actor)
    values = load(TransactionQuerySchema(), params)
    report_filter = _filter(actor, values, _period(values))
    totals = _totals(report_filter)
    report = TransactionReport(report_filter, totals, (), letterhead(_unit(report_filter)), to_wib(utcnow()))
    if values["format"] == "xlsx":
        report.rows = _stream(report_filter)
    elif values["format"] == "pdf":
        limit = current_app.config["REPORT_PDF_MAX_ROWS"]
        if totals.lines > limit:
            raise Invalid({"format": [
                f"Laporan ini berisi {number_id(totals.lines)} baris pesanan, melebihi batas PDF "
                f"{number_id(limit)} baris. Unduh format XLSX, atau persempit filter."]},
                "Terlalu banyak baris untuk PDF; unduh XLSX.")
        report.rows = list(_stream(report_filter))
    else:
        per_page = values["per_page"]
        ids = (select(Order.id).where(*report_filter.conditions()).order_by(*_ORDERING)
               .limit(per_page).offset((values["page"] - 1) * per_page))
        report.rows = list(_stream(report_filter, ids.scalar_subquery()))
        report.page = Page(items=report.rows, page=values["page"], per_page=per_page, total=totals.orders)
    return report


def _unit(report_filter: ReportFilter) -> str:
    return report_filter.skpd_name or "E-Lokal · Katalog Elektronik Lokal"


# ---------------------------------------------------------------- annual recap

@dataclass
class MonthValue:
    """Transaction value of one month in one storefront."""

    month: int
    etalase: str
    value: int = 0


@dataclass
class EtalaseFigures:
    """Value of one storefront and the orders with a line in it."""

    code: str
    name: str
    value: int = 0
    orders: int = 0


@dataclass
class SkpdFigures:
    """Value, orders and payment record of one SKPD."""

    skpd_id: int
    code: str
    name: str
    value: int = 0
    orders: int = 0
    paid_orders: int = 0
    days_to_pay_sum: int = 0
    overdue: int = 0

    @property
    def avg_days_to_pay(self) -> float | None:
        """Average days from BAST to payment of its paid orders."""
        return round(self.days_to_pay_sum / self.paid_orders, 1) if self.paid_orders else None


@dataclass
class SupplierFigures:
    """Value and orders of one supplier."""

    supplier_id: int
    name: str
    kecamatan: str
    scale: str
    value: int = 0
    orders: int = 0


@dataclass
class AreaFigures:
    """Value, orders and suppliers served in one kecamatan."""

    kecamatan: str
    value: int = 0
    orders: int = 0
    suppliers: int = 0


@dataclass
class ProductFigures:
    """Quantity and value (share of order totals) of one listing."""

    listing_id: int
    name: str
    etalase: str
    unit: str
    quantity: int = 0
    value: int = 0


@dataclass
class OverdueOrder:
    """An order received (BAST signed) whose payment is past its due date."""

    id: int
    number: str
    skpd_code: str
    supplier_name: str
    total: int
    bast_date: date
    due_date: date
    days_overdue: int

    def as_json(self) -> dict:
        """The order as the API shows it."""
        return {"id": self.id, "number": self.number, "skpd": self.skpd_code, "supplier": self.supplier_name,
                "total": self.total, "bast_date": self.bast_date.isoformat(),
                "due_date": self.due_date.isoformat(), "days_overdue": self.days_overdue}


@dataclass
class AnnualRecap:
    """The annual recap for finance: value by month × storefront, SKPD, supplier, kecamatan; UMKM; payments."""

    year: int
    filter: ReportFilter
    letterhead: Letterhead
    generated_at: datetime
    total_value: int = 0
    orders: int = 0
    umkm_value: int = 0
    suppliers_served: int = 0
    paid_orders: int = 0
    days_to_pay_sum: int = 0
    by_month: list[MonthValue] = field(default_factory=list)
    by_etalase: list[EtalaseFigures] = field(default_factory=list)
    by_skpd: list[SkpdFigures] = field(default_factory=list)
    by_supplier: list[SupplierFigures] = field(default_factory=list)
    by_kecamatan: list[AreaFigures] = field(default_factory=list)
    top_products: list[ProductFigures] = field(default_factory=list)
    overdue: list[OverdueOrder] = field(default_factory=list)
    derived: dict = field(default_factory=dict, repr=False, compare=False)

    def kept(self, name: str, build):
        """``build()``'s value, made from these figures and filter alone (the JSON text, a page's charts and
        tables), kept with the figures in this process for as long as they are current."""
        if name not in self.derived:
            self.derived[name] = build()
        return self.derived[name]

    @property
    def umkm_share(self) -> float | None:
        """Share of the value bought from micro and small suppliers (0–1)."""
        return round(self.umkm_value / self.total_value, 4) if self.total_value else None

    @property
    def avg_days_to_pay(self) -> float | None:
        """Average days from BAST to payment over the paid orders."""
        return round(self.days_to_pay_sum / self.paid_orders, 1) if self.paid_orders else None

    @property
    def overdue_total(self) -> int:
        """What the orders overdue for payment are worth."""
        return sum(order.total for order in self.overdue)

    def month_rows(self) -> list[tuple[str, list[int], int]]:
        """The month × storefront table: month name, value per storefront (in ``by_etalase`` order), total."""
        values = {(m.month, m.etalase): m.value for m in self.by_month}
        rows = []
        for number, name in enumerate(MONTHS, 1):
            cells = [values.get((number, e.code), 0) for e in self.by_etalase]
            rows.append((name, cells, sum(cells)))
        return rows

    def as_json(self) -> dict:
        """The recap as API.md describes it (plus storefront, product and count details)."""
        return {
            "year": self.year, "total_value": self.total_value, "orders": self.orders,
            "by_month": [{"month": m.month, "etalase": m.etalase, "value": m.value} for m in self.by_month],
            "by_etalase": [{"etalase": e.code, "name": e.name, "value": e.value, "orders": e.orders}
                           for e in self.by_etalase],
            "by_skpd": [{"skpd_id": s.skpd_id, "code": s.code, "name": s.name, "value": s.value, "orders": s.orders,
                         "avg_days_to_pay": s.avg_days_to_pay, "overdue": s.overdue} for s in self.by_skpd],
            "by_supplier": [{"supplier_id": s.supplier_id, "name": s.name, "kecamatan": s.kecamatan,
                             "scale": s.scale, "value": s.value, "orders": s.orders} for s in self.by_supplier],
            "by_kecamatan": [{"kecamatan": k.kecamatan, "value": k.value, "orders": k.orders,
                              "suppliers": k.suppliers} for k in self.by_kecamatan],
            "top_products": [{"listing_id": p.listing_id, "name": p.name, "etalase": p.etalase, "unit": p.unit,
                              "quantity": p.quantity, "value": p.value} for p in self.top_products],
            "umkm_value": self.umkm_value, "umkm_share": self.umkm_share,
            "suppliers_served": self.suppliers_served,
            "paid_orders": self.paid_orders, "avg_days_to_pay": self.avg_days_to_pay,
            "overdue": [o.as_json() for o in self.overdue],
            "filters": dict(self.filter.describe()),
        }


def annual_recap(actor, params: dict) -> AnnualRecap:
    """The annual recap (and dashboard figures) of one year within the actor's scope."""
    _check_role(actor)
    values = load(AnnualQuerySchema(), params)
    year = values["year"] or today_wib().year
    report_filter = _filter(actor, values, Period.year(year))
    return _recap(year, report_filter, letterhead(_unit(report_filter)), today_wib(),
                  versions.current(TRANSACTIONS))


def _recap(year: int, report_filter: ReportFilter, head: Letterhead, today: date, version: int) -> AnnualRecap:
    """The recap of ``report_filter`` on ``today`` at ``version`` of the transactions: its figures summed by
    the database once (and shared through the cache), then restored once in each process."""
    key = ("annual-recap", year, report_filter.skpd_id, report_filter.supplier_id, report_filter.etalase,
           report_filter.statuses, today.isoformat())

    def restore() -> dict:
        """The figures from the shared cache, or summed now (and shared)."""
        found = versions.lookup(TRANSACTIONS, key, version)
        if found is not None:
            return {**_load(found), "derived": {}}
        figures = _figures(report_filter, today)
        versions.store(TRANSACTIONS, key, version, _dump(figures))
        return {**figures, "derived": {}}

    figures = versions.kept(TRANSACTIONS, key, version, restore)
    return AnnualRecap(year=year, filter=report_filter, letterhead=head, generated_at=to_wib(utcnow()), **figures)


_BREAKDOWNS = {"by_month": MonthValue, "by_etalase": EtalaseFigures, "by_skpd": SkpdFigures,
               "by_supplier": SupplierFigures, "by_kecamatan": AreaFigures, "top_products": ProductFigures,
               "overdue": OverdueOrder}


def _dump(figures: dict) -> dict:
    """The figures as JSON values: every breakdown a list of field-value lists, dates in ISO 8601."""
    return {name: [[field.isoformat() if isinstance(field, date) else field for field in vars(item).values()]
                   for item in value] if name in _BREAKDOWNS else value
            for name, value in figures.items()}


def _load(figures: dict) -> dict:
    """The figures ``_dump`` wrote, as the recap's fields."""
    def build(kind, values):
        return kind(*(date.fromisoformat(value) if spec.type == "date" else value
                      for spec, value in zip(dataclass_fields(kind), values)))

    return {name: [build(_BREAKDOWNS[name], values) for values in value] if name in _BREAKDOWNS else value
            for name, value in figures.items()}


def _figures(report_filter: ReportFilter, today: date) -> dict:
    """Every figure of the recap, summed by the database: one grouped query per breakdown."""
    _without_jit()
    conditions = report_filter.conditions()
    paid = and_(Order.payment_date.is_not(None), Order.bast_date.is_not(None))
    by_skpd = [SkpdFigures(*row) for row in db.session.execute(
        select(Order.skpd_id, Skpd.code, Skpd.name, _sum(Order.total), func.count(Order.id),
               func.count(case((paid, 1))), _sum(case((paid, _Days(Order.payment_date, Order.bast_date)))))
        .join(Skpd, Skpd.id == Order.skpd_id).where(*conditions).group_by(Order.skpd_id, Skpd.code, Skpd.name))]
    by_supplier = [SupplierFigures(*row) for row in db.session.execute(
        select(Order.supplier_id, Supplier.business_name, Supplier.kecamatan, Supplier.scale, _sum(Order.total),
               func.count(Order.id))
        .join(Supplier, Supplier.id == Order.supplier_id).where(*conditions)
        .group_by(Order.supplier_id, Supplier.business_name, Supplier.kecamatan, Supplier.scale))]
    overdue = [OverdueOrder(*row, (today - row.due_date).days) for row in db.session.execute(
        select(Order.id, Order.number, Skpd.code, Supplier.business_name, Order.total, Order.bast_date,
               Order.due_date)
        .join(Skpd, Skpd.id == Order.skpd_id).join(Supplier, Supplier.id == Order.supplier_id)
        .where(*conditions, Order.status == "diterima", Order.due_date < today)
        .order_by(Order.due_date, Order.number))]
    late = Counter(order.skpd_code for order in overdue)
    areas: dict[str, AreaFigures] = {}
    for seller in by_supplier:
        area = areas.setdefault(seller.kecamatan, AreaFigures(seller.kecamatan))
        area.value += seller.value
        area.orders += seller.orders
        area.suppliers += 1
    for unit in by_skpd:
        unit.overdue = late[unit.code]
    by_month, by_etalase, top_products = _line_figures(report_filter)
    return {
        "total_value": sum(unit.value for unit in by_skpd), "orders": sum(unit.orders for unit in by_skpd),
        "umkm_value": sum(seller.value for seller in by_supplier if seller.scale in UMKM_SCALES),
        "suppliers_served": len(by_supplier), "paid_orders": sum(unit.paid_orders for unit in by_skpd),
        "days_to_pay_sum": sum(unit.days_to_pay_sum for unit in by_skpd),
        "by_month": by_month, "by_etalase": by_etalase, "by_skpd": _by_value(by_skpd),
        "by_supplier": _by_value(by_supplier), "top_products": top_products, "overdue": overdue,
        "by_kecamatan": sorted(areas.values(), key=lambda area: (-area.value, area.kecamatan)),
    }


def _without_jit() -> None:
    """Plan the rest of the transaction without PostgreSQL's JIT: compiling the recap's queries costs more
    (about 0.3 s of a 2.7 s recap, measured on the large region) than it saves."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


def _by_value(items: list) -> list:
    """Largest value first, then by name."""
    return sorted(items, key=lambda item: (-item.value, item.name))


def _line_figures(report_filter: ReportFilter) -> tuple[list[MonthValue], list[EtalaseFigures], list[ProductFigures]]:
    """Value by month × storefront, value and orders with a line in each storefront, and the ``TOP``
    listings by value (named as on their first line of the period), in one statement over the valued lines:
    a row per month × storefront (no listing; ``number`` counts orders) and per top listing (no month;
    ``number`` counts units)."""
    lines = _valued_lines(report_filter)
    by_cell = (select(lines.c.month, lines.c.etalase, null().label("listing_id"), _sum(lines.c.value).label("value"),
                      func.count(distinct(lines.c.order_id)).label("number"))
               .group_by(lines.c.month, lines.c.etalase))
    listings = (select(lines.c.listing_id, lines.c.etalase, _sum(lines.c.value).label("value"),
                       _sum(lines.c.units).label("quantity"),
                       func.rank().over(order_by=func.sum(lines.c.value).desc()).label("rank"))
                .group_by(lines.c.listing_id, lines.c.etalase).subquery())
    top = select(null(), listings.c.etalase, listings.c.listing_id, listings.c.value, listings.c.quantity).where(
        listings.c.rank <= TOP)
    found = db.session.execute(union_all(by_cell, top)).all()
    cells = [row for row in found if row.listing_id is None]
    values = {(row.month, row.etalase): row.value for row in cells}
    storefronts = _storefronts()
    by_month = [MonthValue(month, storefront.code, values.get((month, storefront.code), 0))
                for month in range(1, 13) for storefront in storefronts]
    by_etalase = [EtalaseFigures(storefront.code, storefront.name,
                                 sum(row.value for row in cells if row.etalase == storefront.code),
                                 sum(row.number for row in cells if row.etalase == storefront.code))
                  for storefront in storefronts]
    products = [row for row in found if row.listing_id is not None]
    names = _first_names(report_filter, [row.listing_id for row in products])
    top_products = [ProductFigures(row.listing_id, names[row.listing_id][0], row.etalase, names[row.listing_id][1],
                                   row.number, row.value) for row in products]
    return by_month, by_etalase, _by_value(top_products)[:TOP]


def _first_names(report_filter: ReportFilter, listing_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Name and unit of each listing on its first line among the filter's orders."""
    order = func.row_number().over(partition_by=OrderLine.listing_id, order_by=(*_ORDERING, OrderLine.id))
    first = (select(OrderLine.listing_id, OrderLine.name, OrderLine.unit, order.label("n"))
             .join(Order, Order.id == OrderLine.order_id)
             .where(*report_filter.conditions(), OrderLine.listing_id.in_(listing_ids)).subquery())
    return {row.listing_id: (row.name, row.unit) for row in db.session.execute(
        select(first.c.listing_id, first.c.name, first.c.unit).where(first.c.n == 1))}


def _valued_lines(report_filter: ReportFilter):
    """Each line of the filter's orders with its month of acceptance (WIB), units (quantity × days) and
    value: its share of the order total in proportion to its line total (the order's subtotal is the sum
    of its line totals), rounded half up, the last line (by id) taking what is left so that an order's
    lines sum exactly to its total."""
    share = func.coalesce(_Share(Order.total, OrderLine.line_total, func.nullif(Order.subtotal, 0)), 0)
    bounds = [wib_to_utc(datetime(report_filter.period.start.year, month, 1)) for month in range(2, 13)]
    month = case(*((Order.accepted_at < bound, number) for number, bound in enumerate(bounds, 1)), else_=12)
    lines = (select(OrderLine.id, OrderLine.order_id, OrderLine.listing_id, Listing.etalase_code.label("etalase"),
                    month.label("month"), (OrderLine.quantity * func.coalesce(OrderLine.days, 1)).label("units"),
                    Order.total, share.label("share"))
             .join(Order, Order.id == OrderLine.order_id).join(Listing, Listing.id == OrderLine.listing_id)
             .where(*report_filter.conditions()).subquery())
    last = lines.c.id == func.max(lines.c.id).over(partition_by=lines.c.order_id)
    others = func.sum(lines.c.share).over(partition_by=lines.c.order_id) - lines.c.share
    return select(lines.c.order_id, lines.c.listing_id, lines.c.etalase, lines.c.month, lines.c.units,
                  case((last, lines.c.total - others), else_=lines.c.share).label("value")).cte("valued")


def _sum(column):
    """SUM as a whole number, 0 over no rows."""
    return cast(func.coalesce(func.sum(column), 0), BigInteger)


# Below this, 2 × total × part (+ whole) stays within bigint.
_EXACT_IN_BIGINT = 2_000_000_000


class _Written(FunctionElement):
    """An SQL expression of two arguments written per dialect: ``templates[dialect]`` (else ``"default"``),
    ``{0}`` and ``{1}`` standing for the arguments."""

    inherit_cache = True
    templates: dict[str, str] = {}


@compiles(_Written)
def _write(element, compiler, **kw):
    template = element.templates.get(compiler.dialect.name, element.templates["default"])
    return template.format(*(compiler.process(clause, **kw) for clause in element.clauses))


class _Share(_Written):
    """``total × part / whole`` rounded half up (``money.share_half_up``), exact at any size: on PostgreSQL
    in bigint while the product fits (below ``_EXACT_IN_BIGINT``, and much faster than numeric), else in
    numeric; on SQLite by the app's own function on Python's integers (see ``configure_sqlite``)."""

    type = BigInteger()
    inherit_cache = True
    templates = {
        "default": "elokal_share({0}, {1}, {2})",
        "postgresql": "CASE WHEN {0} < %(limit)d AND {1} < %(limit)d THEN (2 * {0} * {1} + {2}) / (2 * {2}) "  # noqa: UP031 (keeps the str.format braces)
                      "ELSE CAST(div(2 * CAST({0} AS NUMERIC) * {1} + {2}, 2 * CAST({2} AS NUMERIC)) AS BIGINT) END"
                      % {"limit": _EXACT_IN_BIGINT},
    }


class _Days(_Written):
    """Whole days from the second date to the first."""

    type = Integer()
    inherit_cache = True
    templates = {"default": "CAST(julianday({0}) - julianday({1}) AS INTEGER)", "postgresql": "({0} - {1})"}


# ---------------------------------------------------------------- public summary

PUBLIC_KEYS = ("year", "total_value", "orders", "suppliers_served", "umkm_value", "umkm_share", "by_month",
               "by_etalase", "by_kecamatan")


def public_summary(params: dict) -> dict:
    """The year's aggregate figures for everyone (no login, no single order, no SKPD payment record).

    Cached, like the recap it is taken from, until an order, a line, an SKPD
    or a supplier changes (data version ``transactions``).
    """
    values = load(PublicQuerySchema(), params)
    year = values["year"] or today_wib().year

    version = versions.current(TRANSACTIONS)

    def compute() -> dict:
        """Aggregate the year over every SKPD, supplier and storefront."""
        full = _recap(year, ReportFilter(period=Period.year(year)), letterhead(), today_wib(), version).as_json()
        return {key: full[key] for key in PUBLIC_KEYS}

    return versions.cached(TRANSACTIONS, ("public-summary", year), compute, version)


def public_recap(summary: dict) -> AnnualRecap:
    """The public figures as a recap, for the public page, its tables and its charts."""
    year = summary["year"]
    return AnnualRecap(
        year=year, filter=ReportFilter(period=Period.year(year)), letterhead=letterhead(),
        generated_at=to_wib(utcnow()), total_value=summary["total_value"], orders=summary["orders"],
        umkm_value=summary["umkm_value"], suppliers_served=summary["suppliers_served"],
        by_month=[MonthValue(m["month"], m["etalase"], m["value"]) for m in summary["by_month"]],
        by_etalase=[EtalaseFigures(e["etalase"], e["name"], e["value"], e["orders"]) for e in summary["by_etalase"]],
        by_kecamatan=[AreaFigures(k["kecamatan"], k["value"], k["orders"], k["suppliers"])
                      for k in summary["by_kecamatan"]],
    )
