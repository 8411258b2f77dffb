"""Order operations: creation with reservations, the transitions of §4, expiry, reading.

Pages and the API call these functions; each raises a ``ServiceError`` before
the caller commits, so a refused request changes nothing.
"""
from __future__ import annotations

import functools
import hashlib
import json
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from app.audit.services import record
from app.auth import roles
from app.auth.models import User
from app.common.errors import BadRequest, Conflict, Forbidden, Invalid, NotFound
from app.common.money import rupiah
from app.common.pagination import Page
from app.common.timeutil import today_wib, to_wib, utcnow, wib_to_utc
from app.common.upsert import insert_for, upsert
from app.common.validation import load
from app.common.workdays import add_working_days
from app.etalase import capacity
from app.etalase.models import Listing
from app.extensions import db
from app.notifications.services import notify
from app.suppliers.models import Supplier

from . import budget, taxes
from .models import BudgetLine, IdempotencyKey, Order, OrderCounter, OrderEvent, OrderLine
from .schemas import (
    CounterInputSchema,
    OrderInputSchema,
    OrderQuerySchema,
    PayInputSchema,
    RateInputSchema,
    ReasonInputSchema,
    ReceiveInputSchema,
)
from .state import SYSTEM, OrderState


# ---------------------------------------------------------------- reading

def _scope(query, actor: User):
    if actor.role in (roles.ADMIN, roles.FINANCE):
        return query
    if actor.role == roles.SUPPLIER:
        return query.where(Order.supplier_id == actor.supplier_id)
    if actor.role in roles.SKPD_ROLES:
        return query.where(Order.skpd_id == actor.skpd_id)
    return query.where(False)


def get_order(actor: User, order_id: int, for_update: bool = False) -> Order:
    """An order the actor may see (404 otherwise); locked for update when asked."""
    query = _scope(select(Order).where(Order.id == order_id), actor)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    order = db.session.scalar(query)
    if order is None:
        raise NotFound("Pesanan tidak ditemukan.")
    return order


def list_orders(actor: User, params: dict) -> Page:
    """Orders visible to the actor, newest first, with the filters of API.md."""
    values = load(OrderQuerySchema(), params)
    query = _scope(select(Order), actor)
    if values["status"]:
        query = query.where(Order.status.in_(values["status"].split(",")))
    if values["year"]:
        query = query.where(Order.year == values["year"])
    if values["skpd"]:
        query = query.where(Order.skpd_id == values["skpd"])
    if values["supplier"]:
        query = query.where(Order.supplier_id == values["supplier"])
    if values["etalase"]:
        query = query.where(Order.id.in_(
            select(OrderLine.order_id).join(Listing).where(Listing.etalase_code == values["etalase"])))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    per_page = values["per_page"]
    items = db.session.scalars(
        query.options(selectinload(Order.lines), selectinload(Order.events), selectinload(Order.skpd),
                      selectinload(Order.supplier))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(per_page).offset((values["page"] - 1) * per_page)
    ).all()
    return Page(items=items, page=values["page"], per_page=per_page, total=total)


def worklist(actor: User) -> list[Order]:
    """What waits for the actor now, oldest first."""
    waiting = {
        roles.PPK: ("menunggu_ppk", "negosiasi", "dikirim", "diterima"),
        roles.PP: ("menunggu_ppk", "menunggu_penyedia", "negosiasi"),
        roles.SUPPLIER: ("menunggu_penyedia", "diproses"),
        roles.BENDAHARA: ("diterima",),
    }.get(actor.role, ())
    if not waiting:
        return []
    query = _scope(select(Order).where(Order.status.in_(waiting)), actor)
    if actor.role == roles.PPK:
        query = query.where(~((Order.status == "diterima") & Order.rating_score.is_not(None)))
    return list(db.session.scalars(
        query.options(selectinload(Order.supplier), selectinload(Order.skpd))
        .order_by(Order.respond_by.asc().nulls_last(), Order.bast_date.asc().nulls_last(),
                  Order.created_at.asc())))


# ---------------------------------------------------------------- creation

def _request_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def create_order_once(actor: User, data: dict, key: str | None) -> tuple[Order, bool]:
    """Create an order, or return the one this idempotency key already made.

    Returns ``(order, created)``. The same key with a different body is refused.
    """
    if key is None:
        return create_order(actor, data), True
    if not 1 <= len(key) <= 255:
        raise BadRequest("Idempotency-Key harus 1–255 karakter.")
    digest = _request_hash(data)
    claimed = db.session.scalar(
        upsert(IdempotencyKey).values(user_id=actor.id, key=key, request_hash=digest, order_ids="",
                                       created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["user_id", "key"]).returning(IdempotencyKey.id))
    if claimed is not None:
        order = create_order(actor, data)
        db.session.execute(update(IdempotencyKey).where(IdempotencyKey.id == claimed)
                           .values(order_ids=str(order.id)))
        return order, True
    existing = _key_row(actor, key)
    if existing.request_hash != digest:
        raise Invalid({"Idempotency-Key": ["Kunci ini sudah dipakai untuk permintaan lain."]},
                      "Idempotency-Key sudah dipakai untuk isi permintaan yang berbeda.")
    return get_order(actor, int(existing.order_ids)), False


def _key_row(actor: User, key: str) -> IdempotencyKey | None:
    return db.session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == actor.id, IdempotencyKey.key == key)
        .execution_options(populate_existing=True))


_ORDER_INPUT = OrderInputSchema()


def create_order(actor: User, data: dict) -> Order:
    """Create a Surat Pesanan, reserving capacity and budget, or raise and change nothing."""
    if actor.role not in roles.BUYERS:
        raise Forbidden("Hanya PP atau PPK yang dapat membuat pesanan.")
    values = load(_ORDER_INPUT, data)
    line = db.session.get(BudgetLine, values["budget_line_id"])
    if line is None or line.skpd_id != actor.skpd_id:
        raise Invalid({"budget_line_id": ["Mata anggaran tidak ditemukan di SKPD Anda."]})
    if line.year != today_wib().year:
        raise Invalid({"budget_line_id": [f"Mata anggaran tahun {line.year} tidak berlaku tahun ini."]})
    listings, supplier, kind = _check_lines(values["lines"])
    order_lines = [_priced_line(listings[item["listing_id"]], item) for item in values["lines"]]
    amounts = taxes.compute(sum(l.line_total for l in order_lines), kind, supplier.is_pkp, supplier.has_pp55)
    if actor.role == roles.PP and amounts.total > current_app.config["PP_LIMIT"]:
        raise Forbidden(
            f"Total {rupiah(amounts.total)} melebihi batas PP {rupiah(current_app.config['PP_LIMIT'])}; "
            "pesanan ini harus dibuat oleh PPK."
        )
    for item, order_line in sorted(zip(values["lines"], order_lines), key=lambda p: p[1].listing_id):
        listing = listings[item["listing_id"]]
        if listing.stock is not None:
            capacity.reserve_stock(listing, order_line.quantity)
        else:
            capacity.reserve_days(listing, order_line.quantity, order_line.start_date, order_line.end_date)
    budget.reserve(line, amounts.total)
    now = utcnow()
    order = Order(
        number=_next_number(actor.skpd, to_wib(now).year), year=to_wib(now).year, skpd_id=actor.skpd_id,
        supplier=supplier, budget_line_id=line.id, created_by_id=actor.id, kind=kind,
        status="menunggu_ppk", delivery_address=values["delivery_address"], notes=values["notes"],
        reserved_amount=amounts.total, created_at=now, lines=order_lines, events=[], **_amount_columns(amounts),
    )
    db.session.add(order)
    _event(order, actor, "create", None)
    if actor.role == roles.PPK:
        _move(order, actor, "approve", None)
    else:
        _notify_role(order, roles.PPK, f"Pesanan {order.number} menunggu persetujuan Anda.")
    db.session.flush()
    record(actor, "order.create", "order", order.id, {"number": order.number, "total": order.total,
                                                      "status": order.status})
    return order


_ORDERED_LISTINGS = (select(Listing).where(Listing.id.in_(bindparam("ids", expanding=True)))
                     .options(joinedload(Listing.supplier), joinedload(Listing.etalase)))


def _check_lines(items: list[dict]) -> tuple[dict[int, Listing], Supplier, str]:
    ids = sorted({item["listing_id"] for item in items})
    listings = {l.id: l for l in db.session.scalars(_ORDERED_LISTINGS, {"ids": ids})}
    errors: dict[str, list[str]] = {}
    today = today_wib()
    for index, item in enumerate(items):
        listing = listings.get(item["listing_id"])
        problems = []
        if listing is None or listing.status != "active" or listing.supplier.status != "verified":
            problems.append("Produk tidak ditemukan atau tidak tayang.")
        else:
            if item["quantity"] < listing.min_order:
                problems.append(f"Minimal pesan {listing.min_order} {listing.unit}.")
            if listing.stock is not None and (item["start_date"] or item["end_date"]):
                problems.append("Produk barang tidak memakai tanggal.")
            if listing.stock is None:
                if not (item["start_date"] and item["end_date"]):
                    problems.append("Isi tanggal mulai dan selesai.")
                elif item["start_date"] < today + timedelta(days=listing.lead_time_days):
                    earliest = today + timedelta(days=listing.lead_time_days)
                    problems.append(f"Tanggal mulai paling cepat {earliest.isoformat()} "
                                    f"(waktu persiapan {listing.lead_time_days} hari).")
        if problems:
            errors[f"lines.{index}"] = problems
    if errors:
        raise Invalid(errors)
    found = [listings[i] for i in ids]
    if len({l.supplier_id for l in found}) != 1:
        raise Invalid({"lines": ["Semua baris satu pesanan harus dari penyedia yang sama."]})
    kinds = {taxes.GOODS if l.stock is not None else taxes.SERVICES for l in found}
    if len(kinds) != 1:
        raise Invalid({"lines": ["Barang dan jasa dipesan dalam Surat Pesanan terpisah."]})
    return listings, found[0].supplier, kinds.pop()


def _priced_line(listing: Listing, item: dict) -> OrderLine:
    days = (item["end_date"] - item["start_date"]).days + 1 if item["start_date"] else None
    multiplier = days if listing.pricing == "per_day" else 1
    return OrderLine(
        listing_id=listing.id, name=listing.name, unit=listing.unit, listed_price=listing.price,
        unit_price=listing.price, quantity=item["quantity"], start_date=item["start_date"],
        end_date=item["end_date"], days=days, line_total=listing.price * item["quantity"] * multiplier,
    )


def _amount_columns(amounts: taxes.Amounts) -> dict:
    return {"subtotal": amounts.subtotal, "ppn": amounts.ppn, "total": amounts.total,
            "withholding_ppn": amounts.withholding_ppn, "withholding_pph": amounts.withholding_pph,
            "pph_kind": amounts.pph_kind, "net_to_supplier": amounts.net_to_supplier}


@functools.cache
def _counter_upsert(dialect: str):
    counters = OrderCounter.__table__
    return (
        insert_for(dialect)(counters).values(skpd_id=bindparam("counter_skpd"), year=bindparam("counter_year"), last=1)
        .on_conflict_do_update(index_elements=["skpd_id", "year"], set_={"last": counters.c.last + 1})
        .returning(counters.c.last)
    )


def order_number(year: int, skpd_code: str, sequence: int) -> str:
    """The number of an SKPD's ``sequence``-th order of ``year``: ``SP-2026-DISPAR-000123``."""
    return f"SP-{year}-{skpd_code}-{sequence:06d}"


def _next_number(skpd, year: int) -> str:
    """The next order number of the SKPD and year: a per-SKPD, per-year counter raised in one upsert (row-locked)."""
    connection = db.session.connection()
    last = connection.scalar(_counter_upsert(connection.dialect.name),
                             {"counter_skpd": skpd.id, "counter_year": year})
    return order_number(year, skpd.code, last)


# ---------------------------------------------------------------- transitions

def perform(actor: User, order_id: int, action: str, data: dict | None = None) -> Order:
    """Carry out ``action`` on an order for the actor, after the state table allows it."""
    handler = ACTIONS.get(action)
    if handler is None:
        raise NotFound("Tindakan tidak dikenal.")
    order = get_order(actor, order_id, for_update=True)
    OrderState.check(order, action, actor.role)
    handler(actor, order, data or {})
    db.session.flush()
    record(actor, f"order.{action}", "order", order.id, {"status": order.status, "number": order.number})
    return order


def _approve(actor, order, _data):
    _move(order, actor, "approve", None)


def _reason(data) -> str:
    return load(ReasonInputSchema(), data)["reason"]


def _refuse(action: str, message: str):
    def handler(actor, order, data):
        if action == "cancel" and actor.role == roles.PP and order.created_by_id != actor.id:
            raise Forbidden("PP hanya dapat membatalkan pesanan yang dibuatnya sendiri.")
        reason = _reason(data)
        _move(order, actor, action, reason)
        release(order)
        _notify_parties(order, message.format(number=order.number, reason=reason))
    return handler


def _accept(actor, order, _data):
    _move(order, actor, "accept", None)
    order.accepted_at = utcnow()
    _notify_buyers(order, f"Pesanan {order.number} diterima penyedia dan sedang diproses.")


def _counter(actor, order, data):
    values = load(CounterInputSchema(), data)
    by_listing = {line.listing_id: line for line in order.lines}
    errors = {}
    lowered = False
    for index, offer in enumerate(values["lines"]):
        line = by_listing.get(offer["listing_id"])
        if line is None:
            errors[f"lines.{index}"] = ["Produk ini tidak ada dalam pesanan."]
        elif offer["unit_price"] > line.unit_price:
            errors[f"lines.{index}"] = [f"Harga tawaran tidak boleh melebihi {rupiah(line.unit_price)}."]
        else:
            lowered = lowered or offer["unit_price"] < line.unit_price
    if errors:
        raise Invalid(errors)
    if not lowered:
        raise Invalid({"lines": ["Tawaran harus menurunkan paling sedikit satu harga satuan."]})
    for offer in values["lines"]:
        by_listing[offer["listing_id"]].counter_price = offer["unit_price"]
    _move(order, actor, "counter", None)
    _notify_role(order, roles.PPK, f"Penyedia mengajukan harga baru untuk {order.number}.")


def _accept_counter(actor, order, _data):
    for line in order.lines:
        if line.counter_price is not None:
            line.unit_price = line.counter_price
            line.line_total = line.unit_price * line.quantity * (line.days if _per_day(line) else 1)
            line.counter_price = None
    supplier = order.supplier
    amounts = taxes.compute(sum(l.line_total for l in order.lines), order.kind, supplier.is_pkp, supplier.has_pp55)
    budget.release(order.budget_line_id, order.reserved_amount - amounts.total)
    order.reserved_amount = amounts.total
    for key, value in _amount_columns(amounts).items():
        setattr(order, key, value)
    _move(order, actor, "accept-counter", None)
    order.accepted_at = utcnow()
    _notify_parties(order, f"Harga baru {order.number} disetujui; total {rupiah(order.total)}.")


def _per_day(line: OrderLine) -> bool:
    return line.listing.pricing == "per_day"


def _ship(actor, order, _data):
    _move(order, actor, "ship", None)
    _notify_buyers(order, f"Pesanan {order.number} telah dikirim / dikerjakan. Periksa dan tanda tangani BAST.")


def _receive(actor, order, data):
    values = load(ReceiveInputSchema(), data)
    if values["date"] > today_wib():
        raise Invalid({"date": ["Tanggal BAST tidak boleh di masa depan."]})
    if values["date"] < to_wib(order.created_at).date():
        raise Invalid({"date": ["Tanggal BAST tidak boleh sebelum tanggal pesanan."]})
    order.bast_number = values["bast_number"]
    order.bast_date = values["date"]
    order.due_date = values["date"] + timedelta(days=current_app.config["PAYMENT_TERM_DAYS"])
    _move(order, actor, "receive", None)
    _notify_role(order, roles.BENDAHARA, f"BAST {order.number} ditandatangani; tagihan jatuh tempo "
                                         f"{order.due_date.isoformat()}.")
    _notify_supplier(order, f"BAST {order.number} ditandatangani. Tagihan diterbitkan.")


def _pay(actor, order, data):
    values = load(PayInputSchema(), data)
    if values["date"] > today_wib():
        raise Invalid({"date": ["Tanggal SP2D tidak boleh di masa depan."]})
    if values["date"] < order.bast_date:
        raise Invalid({"date": ["Tanggal SP2D tidak boleh sebelum tanggal BAST."]})
    order.sp2d_number = values["sp2d_number"]
    order.payment_date = values["date"]
    budget.realize(order.budget_line_id, order.total)
    _move(order, actor, "pay", None)
    _notify_supplier(order, f"Pesanan {order.number} dibayar (SP2D {order.sp2d_number}); "
                            f"diterima bersih {rupiah(order.net_to_supplier)}.")


ACTIONS = {
    "approve": _approve,
    "reject": _refuse("reject", "Pesanan {number} ditolak PPK: {reason}"),
    "cancel": _refuse("cancel", "Pesanan {number} dibatalkan: {reason}"),
    "accept": _accept,
    "decline": _refuse("decline", "Pesanan {number} ditolak penyedia: {reason}"),
    "counter": _counter,
    "accept-counter": _accept_counter,
    "reject-counter": _refuse("reject-counter", "Tawaran harga {number} ditolak PPK: {reason}"),
    "ship": _ship,
    "receive": _receive,
    "pay": _pay,
}


def rate(actor: User, order_id: int, data: dict) -> Order:
    """The PPK rates the supplier 1–5 once, after receipt."""
    if actor.role != roles.PPK:
        raise Forbidden("Hanya PPK yang dapat memberi penilaian.")
    order = get_order(actor, order_id, for_update=True)
    values = load(RateInputSchema(), data)
    if order.status not in ("diterima", "dibayar"):
        raise Conflict("Penilaian hanya dapat diberikan setelah barang/jasa diterima.")
    if order.rating_score is not None:
        raise Conflict("Pesanan ini sudah dinilai.")
    order.rating_score, order.rating_comment = values["score"], values["comment"] or None
    db.session.flush()
    average, count = db.session.execute(
        select(func.avg(Order.rating_score), func.count(Order.rating_score))
        .where(Order.supplier_id == order.supplier_id, Order.rating_score.is_not(None))).one()
    supplier = order.supplier
    supplier.rating, supplier.rating_count = round(average, 2), count
    record(actor, "order.rate", "order", order.id, {"score": values["score"]})
    return order


def expire_overdue(now: datetime | None = None) -> list[str]:
    """Cancel (``batal_otomatis``) orders whose supplier did not answer by ``respond_by``."""
    now = now or utcnow()
    expired = []
    ids = db.session.scalars(select(Order.id).where(
        Order.status == "menunggu_penyedia", Order.respond_by < now).order_by(Order.id)).all()
    for order_id in ids:
        order = db.session.scalar(select(Order).where(Order.id == order_id).with_for_update()
                                  .execution_options(populate_existing=True))
        if order.status != "menunggu_penyedia":
            continue
        _move(order, None, "expire", "Penyedia tidak menjawab dalam batas waktu.")
        release(order)
        _notify_parties(order, f"Pesanan {order.number} batal otomatis: penyedia tidak menjawab tepat waktu.")
        record(None, "order.expire", "order", order.id, {"number": order.number})
        expired.append(order.number)
    return expired


def release(order: Order) -> None:
    """Give back the order's stock or daily capacity and its reserved budget."""
    for line in sorted(order.lines, key=lambda l: l.listing_id):
        if line.start_date is None:
            capacity.release_stock(line.listing_id, line.quantity)
        else:
            capacity.release_days(line.listing_id, line.quantity, line.start_date, line.end_date)
    budget.release(order.budget_line_id, order.reserved_amount)
    order.reserved_amount = 0


def _move(order: Order, actor: User | None, action: str, reason: str | None) -> None:
    role = actor.role if actor is not None else SYSTEM
    OrderState.status_up(order, action, role)
    if order.status == "menunggu_penyedia":
        days = current_app.config["RESPOND_WORKING_DAYS"]
        order.respond_by = wib_to_utc(add_working_days(to_wib(utcnow()), days))
        _notify_supplier(order, f"Pesanan baru {order.number} menunggu jawaban Anda sebelum "
                                f"{to_wib(order.respond_by):%d-%m-%Y %H:%M} WIB.")
    _event(order, actor, action, reason)


def _event(order: Order, actor: User | None, action: str, reason: str | None) -> None:
    order.events.append(OrderEvent(
        action=action, status=order.status, at=utcnow(), by_id=getattr(actor, "id", None),
        by_name=getattr(actor, "username", SYSTEM), reason=reason))


# ---------------------------------------------------------------- notifications

_ACTIVE_USERS = {
    scope: select(User).where(User.active.is_(True), User.role == bindparam("role"),
                              getattr(User, scope) == bindparam("scope"))
    for scope in ("skpd_id", "supplier_id")
}


def _users(role: str, **scope) -> list[User]:
    ((column, value),) = scope.items()
    with db.session.no_autoflush:  # the order's pending rows go out in one flush, later
        return list(db.session.scalars(_ACTIVE_USERS[column], {"role": role, "scope": value}))


def _notify_role(order: Order, role: str, message: str) -> None:
    notify(_users(role=role, skpd_id=order.skpd_id), message, order)


def _notify_supplier(order: Order, message: str) -> None:
    notify(_users(role=roles.SUPPLIER, supplier_id=order.supplier_id), message, order)


def _notify_buyers(order: Order, message: str) -> None:
    notify(_users(role=roles.PPK, skpd_id=order.skpd_id) + [order.created_by], message, order)


def _notify_parties(order: Order, message: str) -> None:
    notify(_users(role=roles.PPK, skpd_id=order.skpd_id) + [order.created_by]
           + _users(role=roles.SUPPLIER, supplier_id=order.supplier_id), message, order)
