"""The transaction report of PRODUCT.md §6: one stream of accepted orders with their lines.

Transaction value is the sum of the totals (PPN included) of the orders in
``ACCEPTED_STATUSES``, dated by ``accepted_at`` read in WIB; refused, cancelled
and expired orders never count. The stream is read in batches (``yield_per``)
so that a year of hundreds of thousands of lines never sits in memory at once.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from itertools import groupby
from operator import itemgetter
from typing import Iterable, Iterator

from flask import current_app
from sqlalchemy import func, select

from app.common.errors import Invalid
from app.common.money import number_id
from app.common.pagination import Page
from app.common.timeutil import to_wib, utcnow
from app.common.validation import load
from app.etalase.models import Listing
from app.extensions import db
from app.suppliers.models import Supplier

from ..models import Order, OrderLine, Skpd
from ..state import OrderState
from .filters import Letterhead, ReportFilter, TransactionQuerySchema, check_role, letterhead, period_of, resolve

PPH_LABELS = {"pph22": "PPh Pasal 22", "pph23": "PPh Pasal 23", "final_pp55": "PPh Final PP 55/2022"}


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
ORDERING = (Order.accepted_at, Order.id)


def _stream(report_filter: ReportFilter, order_ids=None, batch: int = 2000) -> Iterator[TransactionRow]:
    """Accepted orders of the filter with their lines, oldest acceptance first, read in batches."""
    conditions = report_filter.conditions()
    if order_ids is not None:
        conditions.append(Order.id.in_(order_ids))
    query = (select(*_ORDER_COLUMNS, *_LINE_COLUMNS)
             .join(Skpd, Skpd.id == Order.skpd_id).join(Supplier, Supplier.id == Order.supplier_id)
             .join(OrderLine, OrderLine.order_id == Order.id).join(Listing, Listing.id == OrderLine.listing_id)
             .where(*conditions).order_by(*ORDERING, OrderLine.id)
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
    check_role(actor)
    values = load(TransactionQuerySchema(), params)
    covered = resolve(actor, values, period_of(values))
    totals = _totals(covered)
    report = TransactionReport(covered, totals, (), letterhead(covered.unit), to_wib(utcnow()))
    if values["format"] == "xlsx":
        report.rows = _stream(covered)
    elif values["format"] == "pdf":
        limit = current_app.config["REPORT_PDF_MAX_ROWS"]
        if totals.lines > limit:
            raise Invalid({"format": [
                f"Laporan ini berisi {number_id(totals.lines)} baris pesanan, melebihi batas PDF "
                f"{number_id(limit)} baris. Unduh format XLSX, atau persempit filter."]},
                "Terlalu banyak baris untuk PDF; unduh XLSX.")
        report.rows = list(_stream(covered))
    else:
        per_page = values["per_page"]
        ids = (select(Order.id).where(*covered.conditions()).order_by(*ORDERING)
               .limit(per_page).offset((values["page"] - 1) * per_page))
        report.rows = list(_stream(covered, ids.scalar_subquery()))
        report.page = Page(items=report.rows, page=values["page"], per_page=per_page, total=totals.orders)
    return report
