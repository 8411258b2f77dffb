"""Order operations: creation with reservations and frozen terms, the actions of the registry, expiry, reading.

Pages and the API call these functions; each raises a ``ServiceError`` before
the caller commits, so a refused request changes nothing. What each action
does is declared in ``actions.py``; :func:`perform` carries it out.
"""
from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, bindparam, case, func, or_, select, true, update
from sqlalchemy.orm import joinedload, selectinload

from app.audit.services import record
from app.auth import roles
from app.auth.models import User
from app.common.errors import BadRequest, Forbidden, Invalid, NotFound
from app.common.money import rupiah
from app.common.pagination import Page
from app.common.timeutil import today_wib, to_wib, utcnow
from app.common.upsert import insert_for, upsert
from app.common.validation import load
from app.etalase import capacity
from app.etalase.models import Listing
from app.extensions import db
from app.notifications.services import notify
from app.suppliers.models import Supplier

from . import budget, signals, taxes
from .actions import CREATOR, FORWARD, MANUAL, REGISTRY, SYSTEM, OrderAction, facts
from .models import BudgetLine, IdempotencyKey, Order, OrderCounter, OrderEvent, OrderLine, OrderTerms
from .schemas import OrderInputSchema, OrderQuerySchema
from .state import OrderState


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
                      selectinload(Order.supplier), selectinload(Order.terms))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(per_page).offset((values["page"] - 1) * per_page)
    ).all()
    return Page(items=items, page=values["page"], per_page=per_page, total=total)


def worklist(actor: User) -> list[Order]:
    """The orders a step of which waits for the actor (a forward action open to their role).

    The steps come in the order of the flow (a PPK's approvals before its
    ratings), each oldest first: the supplier's deadline, the BAST date, the
    order's creation.
    """
    steps = [action for action in FORWARD if actor.role in action.roles]
    if not steps:
        return []
    waits = [and_(Order.status.in_(action.sources), action.guard.clause(actor) if action.guard else true())
             for action in steps]
    query = _scope(select(Order).where(or_(*waits)), actor)
    return list(db.session.scalars(
        query.options(selectinload(Order.supplier), selectinload(Order.skpd), selectinload(Order.lines),
                      selectinload(Order.terms))
        .order_by(case(*((wait, rank) for rank, wait in enumerate(waits))), Order.respond_by.asc().nulls_last(),
                  Order.bast_date.asc().nulls_last(), Order.created_at.asc())))


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
    config = current_app.config
    rule = taxes.TaxRule.in_force(kind, supplier.is_pkp, supplier.has_pp55, config)
    amounts = taxes.compute(sum(l.line_total for l in order_lines), rule)
    if actor.role == roles.PP and amounts.total > config["PP_LIMIT"]:
        raise Forbidden(
            f"Total {rupiah(amounts.total)} melebihi batas PP {rupiah(config['PP_LIMIT'])}; "
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
        reserved_amount=amounts.total, created_at=now, lines=order_lines, events=[], **asdict(amounts),
        terms=OrderTerms.kept(rule, supplier, actor.skpd, max(l.lead_time_days for l in listings.values()), config),
    )
    db.session.add(order)
    _event(order, actor, "create", None)
    if actor.role == roles.PPK:
        _carry_out(REGISTRY["approve"], order, actor, {})
    else:
        notify(_audience(order, roles.PPK), f"Pesanan {order.number} menunggu persetujuan Anda.", order)
    db.session.flush()
    record(actor, "order.create", "order", order.id, {"number": order.number, "total": order.total,
                                                      "status": order.status})
    signals.order_created.send(order, actor=actor)
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


# ---------------------------------------------------------------- actions

def perform(actor: User, order_id: int, action: str, data: dict | None = None) -> Order:
    """Take one manual action of the registry (``actions.py``) on an order for the actor.

    The role, the status and the action's guard are checked before anything
    changes; ``signals.order_action_done`` is sent once the change is flushed.
    """
    declared = MANUAL.get(action)
    if declared is None:
        raise NotFound("Tindakan tidak dikenal.")
    order = get_order(actor, order_id, for_update=True)
    _check(declared, order, actor)
    values = _carry_out(declared, order, actor, data or {})
    db.session.flush()
    record(actor, f"order.{action}", "order", order.id, {"status": order.status, "number": order.number})
    signals.order_action_done.send(action, order=order, actor=actor, values=values)
    return order


def _check(action: OrderAction, order: Order, actor: User | None) -> None:
    """Refuse (and change nothing) unless the role, the status and the guard allow the action."""
    role = actor.role if actor is not None else SYSTEM
    OrderState.check_against(order, action.name, action.transition, role)
    if action.guard is not None:
        action.guard.check(order, actor)


def _carry_out(action: OrderAction, order: Order, actor: User | None, data: dict) -> dict:
    """Read the action's input, do what it does, move the status, record the step and tell who it tells."""
    values = load(action.schema(), data) if action.schema is not None else {}
    if action.reason is not None:
        values["reason"] = action.reason
    if action.handler is not None:
        action.handler(actor, order, values)
    if action.target is not None:
        OrderState.status_up(order, action.name, actor.role if actor is not None else SYSTEM)
    if action.releases:
        release(order)
    _event(order, actor, action.name, values.get("reason"))
    words = facts(order, values)
    for notice in action.notices:
        notify([user for audience in notice.to for user in _audience(order, audience)],
               notice.text.format(**words), order)
    return values


def expire_overdue(now: datetime | None = None) -> list[str]:
    """Cancel (``batal_otomatis``) orders whose supplier did not answer by ``respond_by``."""
    now = now or utcnow()
    expire = REGISTRY["expire"]
    expired = []
    ids = db.session.scalars(select(Order.id).where(
        Order.status.in_(expire.sources), Order.respond_by < now).order_by(Order.id)).all()
    for order_id in ids:
        order = db.session.scalar(select(Order).where(Order.id == order_id).with_for_update()
                                  .execution_options(populate_existing=True))
        if order.status not in expire.sources:
            continue
        values = _carry_out(expire, order, None, {})
        db.session.flush()
        record(None, "order.expire", "order", order.id, {"number": order.number})
        signals.order_action_done.send("expire", order=order, actor=None, values=values)
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


def _audience(order: Order, audience: str) -> list[User]:
    """The users a notice's audience names: the order's maker, its supplier's users, or a role of its SKPD."""
    if audience == CREATOR:
        return [order.created_by]
    column, value = ("supplier_id", order.supplier_id) if audience == roles.SUPPLIER else ("skpd_id", order.skpd_id)
    with db.session.no_autoflush:  # the order's pending rows go out in one flush, later
        return list(db.session.scalars(_ACTIVE_USERS[column], {"role": audience, "scope": value}))
