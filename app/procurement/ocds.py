"""Open contracting data: every accepted order as an OCDS 1.1 release, one release package per year.

An order the supplier has accepted is a direct purchase from the catalog: the
SKPD is the buyer (and procuring entity, and payer), the supplier is awarded
and signs the contract at acceptance, and the contract's status follows the
order (``dibayar`` closes it). The BAST and the SP2D appear under the
contract's implementation.
"""
from __future__ import annotations

import json
from datetime import datetime, time
from itertools import groupby
from operator import attrgetter
from typing import Callable, Iterator

from flask import current_app
from sqlalchemy import func, select

from app.common.errors import NotFound
from app.common.timeutil import to_wib, today_wib, wib_to_utc
from app.common.validation import load
from app.etalase.models import Category, Etalase, Listing
from app.extensions import db
from app.suppliers.models import Supplier

from . import taxes
from .models import Order, OrderEvent, OrderLine, Skpd
from .reporting import Period, PublicQuerySchema
from .state import ACCEPTED_STATUSES, OrderState

OCDS_VERSION = "1.1"
CURRENCY = "IDR"
CONTRACT_STATUS = {"diproses": "active", "dikirim": "active", "diterima": "active", "dibayar": "terminated"}
PARTY_SCALE = {"mikro": "micro", "kecil": "sme", "menengah": "sme"}
CATEGORY = {taxes.GOODS: "goods", taxes.SERVICES: "services"}
# the steps that change what a release says (a rating, which keeps the status, does not)
CHANGES = OrderEvent.action.in_(("create", *OrderState.transitions))


def release_package(params: dict, uri_for: Callable[[int], str]) -> Iterator[str]:
    """The release package of the orders accepted in ``year``, as JSON text in pieces.

    The year is checked and a year without accepted orders refused (404)
    before the first piece; the releases then follow as the orders stream from
    the database, so a year of many thousands of orders never sits in memory
    at once. ``uri_for(year)`` gives the package's own address.
    """
    year = load(PublicQuerySchema(), params)["year"] or today_wib().year
    start, end = Period.year(year).utc_bounds()
    conditions = (Order.status.in_(ACCEPTED_STATUSES), Order.accepted_at >= start, Order.accepted_at < end)
    last_change = db.session.scalar(select(func.max(OrderEvent.at)).join(Order, Order.id == OrderEvent.order_id)
                                    .where(CHANGES, *conditions))
    if last_change is None:
        raise NotFound(f"Belum ada pesanan yang diterima penyedia pada tahun {year}.")
    config = current_app.config
    head = {
        "uri": uri_for(year),
        "version": OCDS_VERSION,
        "publishedDate": _iso(last_change),
        "publisher": {"name": config["OCDS_PUBLISHER"]},
        "license": config["OCDS_LICENSE"],
    }
    return _pieces(head, conditions, config)


def _pieces(head: dict, conditions, config, batch: int = 500) -> Iterator[str]:
    yield json.dumps(head, ensure_ascii=False)[:-1] + ', "releases": ['
    separator, releases = "", []
    for order, lines in _orders(conditions):
        releases.append(json.dumps(_release(order, lines, config), ensure_ascii=False))
        if len(releases) == batch:
            yield separator + ",".join(releases)
            separator, releases = ",", []
    if releases:
        yield separator + ",".join(releases)
    yield "]}"


def _orders(conditions, batch: int = 2000):
    """``(order, lines)`` of the accepted orders, read in batches: the order's columns on each line row."""
    last_event = (select(OrderEvent.order_id, func.max(OrderEvent.at).label("last_change"))
                  .where(CHANGES, OrderEvent.order_id.in_(select(Order.id).where(*conditions)))
                  .group_by(OrderEvent.order_id).subquery())
    query = (
        select(Order.id, Order.number, Order.status, Order.kind, Order.total, Order.accepted_at, Order.bast_number,
               Order.bast_date, Order.sp2d_number, Order.payment_date, Skpd.code.label("skpd_code"),
               Skpd.name.label("skpd_name"), Supplier.nib, Supplier.business_name, Supplier.address,
               Supplier.kelurahan, Supplier.kecamatan, Supplier.scale, last_event.c.last_change,
               OrderLine.id.label("line_id"), OrderLine.name.label("line_name"), OrderLine.unit,
               OrderLine.unit_price, OrderLine.quantity, OrderLine.days, OrderLine.start_date, OrderLine.end_date,
               Listing.category_id, Category.name.label("category"), Etalase.name.label("etalase"),
               Etalase.pricing)
        .join(Skpd, Skpd.id == Order.skpd_id).join(Supplier, Supplier.id == Order.supplier_id)
        .join(last_event, last_event.c.order_id == Order.id)
        .join(OrderLine, OrderLine.order_id == Order.id).join(Listing, Listing.id == OrderLine.listing_id)
        .join(Category, Category.id == Listing.category_id).join(Etalase, Etalase.code == Listing.etalase_code)
        .where(*conditions).order_by(Order.accepted_at, Order.id, OrderLine.id)
        .execution_options(yield_per=batch))
    for _order_id, group in groupby(db.session.execute(query), key=attrgetter("id")):
        lines = list(group)
        yield lines[0], lines


def _iso(value: datetime) -> str:
    return to_wib(value).isoformat(timespec="seconds")


def _iso_day(day) -> str:
    """A date as the start of that day in WIB."""
    return _iso(wib_to_utc(datetime.combine(day, time())))


def _release(order, lines, config) -> dict:
    buyer = {"id": f"ID-SKPD-{order.skpd_code}", "name": order.skpd_name}
    seller = {"id": f"ID-NIB-{order.nib}", "name": order.business_name}
    value = {"amount": order.total, "currency": CURRENCY}
    award_id = f"{order.number}-award"
    title = f"Surat Pesanan {order.number}"
    contract = {
        "id": order.number, "awardID": award_id, "title": title, "status": CONTRACT_STATUS[order.status],
        "dateSigned": _iso(order.accepted_at), "value": value, "items": [_item(line) for line in lines],
    }
    period = _period(lines)
    if period:
        contract["period"] = period
    implementation = _implementation(order, buyer, seller)
    if implementation:
        contract["implementation"] = implementation
    return {
        "ocid": f"{config['OCDS_OCID_PREFIX']}-{order.number}",
        "id": f"{order.number}-{order.status}",
        "date": _iso(order.last_change),
        "tag": ["tender", "award", "contract"] + (["implementation"] if implementation else []),
        "initiationType": "tender",
        "language": "id",
        "parties": [
            {**buyer, "identifier": {"scheme": "ID-SKPD", "id": order.skpd_code, "legalName": order.skpd_name},
             "address": {"locality": config["REGION_CITY"], "region": config["REGION_NAME"],
                         "countryName": "Indonesia"},
             "roles": ["buyer", "procuringEntity", "payer"]},
            {**seller, "identifier": {"scheme": "ID-NIB", "id": order.nib, "legalName": order.business_name},
             "address": {"streetAddress": order.address,
                         "locality": f"Kel. {order.kelurahan}, Kec. {order.kecamatan}",
                         "region": config["REGION_NAME"], "countryName": "Indonesia"},
             "roles": ["supplier", "payee"], "details": {"scale": PARTY_SCALE.get(order.scale)}},
        ],
        "buyer": buyer,
        "tender": {
            "id": f"{order.number}-tender", "title": title, "status": "complete", "procuringEntity": buyer,
            "value": value, "procurementMethod": "direct",
            "procurementMethodDetails": "E-purchasing melalui katalog elektronik lokal (E-Lokal)",
            "mainProcurementCategory": CATEGORY[order.kind],
        },
        "awards": [{"id": award_id, "title": title, "status": "active", "date": _iso(order.accepted_at),
                    "value": value, "suppliers": [seller]}],
        "contracts": [contract],
    }


def _item(line) -> dict:
    """A line as an item whose unit value × quantity is the line total (per-day prices count unit-days)."""
    per_day = line.pricing == "per_day"
    return {
        "id": str(line.line_id),
        "description": line.line_name,
        "classification": {"scheme": "X-E-LOKAL", "id": str(line.category_id),
                           "description": f"{line.etalase} / {line.category}"},
        "quantity": line.quantity * (line.days if per_day else 1),
        "unit": {"name": f"{line.unit}-hari" if per_day else line.unit,
                 "value": {"amount": line.unit_price, "currency": CURRENCY}},
    }


def _period(lines) -> dict | None:
    """For rentals and services, the span of their dates."""
    starts = [line.start_date for line in lines if line.start_date]
    if not starts:
        return None
    end = max(line.end_date for line in lines if line.end_date)
    return {"startDate": _iso_day(min(starts)), "endDate": _iso_day(end)}


def _implementation(order, buyer: dict, seller: dict) -> dict | None:
    """The BAST as a met delivery milestone and the SP2D as a payment transaction."""
    if not order.bast_number:
        return None
    implementation = {"milestones": [{
        "id": order.bast_number, "title": "Serah terima (BAST)", "type": "delivery", "status": "met",
        "dateMet": _iso_day(order.bast_date),
    }]}
    if order.sp2d_number:
        implementation["transactions"] = [{
            "id": order.sp2d_number, "date": _iso_day(order.payment_date),
            "value": {"amount": order.total, "currency": CURRENCY}, "payer": buyer, "payee": seller,
        }]
    return implementation
