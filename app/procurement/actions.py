"""The actions on an order (PRODUCT.md §4 and §9): one declaration each, everything else derives from it.

An :class:`OrderAction` says who may take it (``roles``), from which
statuses (``sources``) and to which (``target``; ``None`` keeps the status,
as ``rate`` does), with which extra condition (``guard``); what it asks
(``schema``) and does beyond the status change (``handler``, ``releases``);
who is told what afterwards (``notices``); what the pages call it
(``label``, ``button``, ``done``, ``past``, ``form``, ``heading``, ``intro``,
``danger``) and what the API says of it (``summary``). The one action that
moves an order on from its sources (``forward``) is the order's next step
there: who must take it and by when (``due``).

Derived from :data:`REGISTRY`: the state table (``state.OrderState``), the
service (``orders.perform``), ``POST /api/v1/orders/{id}/{action}`` and its
OpenAPI entry, the order page's forms and action route, the worklists and
the order's ``next``. Adding an action is one entry here, and its tests.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Callable

from flask import current_app
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select, true

from app.auth.roles import BENDAHARA, PP, PPK, SUPPLIER
from app.common.errors import Conflict, Forbidden, Invalid, ServiceError
from app.common.money import rupiah
from app.common.state import Transition
from app.common.timeutil import isoformat, tanggal, to_wib, today_wib, utcnow, wib_to_utc
from app.common.workdays import add_working_days
from app.extensions import db
from app.suppliers.models import Supplier

from . import budget, taxes
from .forms import CounterForm, OrderActionForm, schema_form
from .models import Order, OrderLine

SYSTEM = "sistem"
CREATOR = "pembuat"  # a notice's audience: the user who made the order
BUYERS = (PPK, CREATOR)
PARTIES = (PPK, CREATOR, SUPPLIER)


# ---------------------------------------------------------------- what the actions ask

class ReasonInputSchema(Schema):
    """A reason for a refusal or cancellation."""

    reason = fields.String(required=True, validate=validate.Length(min=3, max=1000), metadata={"label": "Alasan"})


class CounterLineSchema(Schema):
    """A lower unit price offered for one line."""

    listing_id = fields.Integer(required=True, strict=True)
    unit_price = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))


class CounterInputSchema(Schema):
    """A supplier's counter-offer."""

    lines = fields.List(fields.Nested(CounterLineSchema), required=True, validate=validate.Length(min=1, max=50))


class ReceiveInputSchema(Schema):
    """The BAST: number and date."""

    bast_number = fields.String(required=True, validate=validate.Length(min=3, max=80),
                                metadata={"label": "Nomor BAST"})
    date = fields.Date(required=True, metadata={"label": "Tanggal BAST"})


class PayInputSchema(Schema):
    """The payment: SP2D number and date."""

    sp2d_number = fields.String(required=True, validate=validate.Length(min=3, max=80),
                                metadata={"label": "Nomor SP2D"})
    date = fields.Date(required=True, metadata={"label": "Tanggal SP2D"})


class RateInputSchema(Schema):
    """A rating of the supplier."""

    score = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=5), metadata={
        "label": "Nilai", "choices": [("5", "5 – Sangat baik"), ("4", "4 – Baik"), ("3", "3 – Cukup"),
                                      ("2", "2 – Kurang"), ("1", "1 – Buruk")]})
    comment = fields.String(load_default="", validate=validate.Length(max=1000),
                            metadata={"label": "Komentar (opsional)"})


# ---------------------------------------------------------------- the declaration

@dataclass(frozen=True)
class Guard:
    """A condition beyond role and status, kept with its action; refused with ``error(message)``.

    ``allows(order, actor)`` decides it (``actor`` None: whether it holds for
    the order as such, for its next step); ``clause(actor)`` is the same
    condition in SQL, for worklists.
    """

    allows: Callable
    clause: Callable
    error: type[ServiceError]
    message: str

    def check(self, order: Order, actor) -> None:
        """Raise unless the guard lets ``actor`` act on ``order``."""
        if not self.allows(order, actor):
            raise self.error(self.message)


@dataclass(frozen=True)
class Notice:
    """Who is told what once an action is done.

    ``to`` names roles of the order's SKPD (``ppk``, ``bendahara``), its
    supplier's users (``supplier``) and its maker (:data:`CREATOR`);
    ``text`` is formatted with :func:`facts`.
    """

    to: tuple[str, ...]
    text: str


def _no_due(_order: Order) -> None:
    return None


@dataclass(frozen=True)
class OrderAction:
    """One action on an order; see the module's docstring for what each field drives."""

    name: str
    roles: tuple[str, ...]
    sources: tuple[str, ...]
    target: str | None
    label: str
    past: str
    button: str = ""
    done: str = ""
    summary: str = ""
    schema: type[Schema] | None = None
    form: type[OrderActionForm] | None = None  # a form of its own; else the one derived from ``schema``
    heading: str | None = None
    intro: str | None = None
    danger: bool = False
    handler: Callable | None = None
    guard: Guard | None = None
    releases: bool = False
    notices: tuple[Notice, ...] = ()
    forward: bool = False
    due: Callable = _no_due
    manual: bool = True
    reason: str | None = None  # what a system action records as its reason

    @property
    def transition(self) -> Transition:
        """The action as a row of the state table."""
        return Transition(self.sources, self.target, self.roles, self.manual)

    def form_for(self, order: Order, **kwargs) -> OrderActionForm:
        """The web form of the action on ``order``."""
        return (self.form or schema_form(self.schema)).for_order(order, **kwargs)

    def open_to(self, order: Order, actor) -> bool:
        """Whether ``actor`` may take this action on ``order`` now."""
        return (self.manual and actor.role in self.roles and order.status in self.sources
                and (self.guard is None or self.guard.allows(order, actor)))


@dataclass(frozen=True)
class NextStep:
    """What an order waits for: the action, the role that must take it, and by when (a date, a moment, or None)."""

    action: OrderAction
    role: str
    due: date | datetime | None

    def as_json(self) -> dict:
        """``{"action", "role", "due"}`` of API.md; ``due`` a date, or a moment with its offset."""
        due = isoformat(self.due) if isinstance(self.due, datetime) else self.due and self.due.isoformat()
        return {"action": self.action.name, "role": self.role, "due": due}


# ---------------------------------------------------------------- what the actions do

def _open_for_supplier(_actor, order: Order, _values: dict) -> None:
    """The supplier has ``RESPOND_WORKING_DAYS`` working days to answer."""
    days = current_app.config["RESPOND_WORKING_DAYS"]
    order.respond_by = wib_to_utc(add_working_days(to_wib(utcnow()), days))


def _accepted(_actor, order: Order, _values: dict) -> None:
    order.accepted_at = utcnow()


def _counter(_actor, order: Order, values: dict) -> None:
    """Lower unit prices, never above the current ones, at least one lower."""
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


def _take_counter_offer(actor, order: Order, values: dict) -> None:
    """The offered prices become the order's; amounts recomputed with the order's kept rates."""
    for line in order.lines:
        if line.counter_price is not None:
            line.unit_price = line.counter_price
            line.line_total = line.unit_price * line.quantity * (line.days if _per_day(line) else 1)
            line.counter_price = None
    amounts = taxes.compute(sum(line.line_total for line in order.lines), order.terms.rule)
    budget.release(order.budget_line_id, order.reserved_amount - amounts.total)
    order.reserved_amount = amounts.total
    for key, value in asdict(amounts).items():
        setattr(order, key, value)
    _accepted(actor, order, values)


def _per_day(line: OrderLine) -> bool:
    return line.listing.pricing == "per_day"


def _receive(_actor, order: Order, values: dict) -> None:
    if values["date"] > today_wib():
        raise Invalid({"date": ["Tanggal BAST tidak boleh di masa depan."]})
    if values["date"] < to_wib(order.created_at).date():
        raise Invalid({"date": ["Tanggal BAST tidak boleh sebelum tanggal pesanan."]})
    order.bast_number = values["bast_number"]
    order.bast_date = values["date"]
    order.due_date = values["date"] + timedelta(days=current_app.config["PAYMENT_TERM_DAYS"])


def _pay(_actor, order: Order, values: dict) -> None:
    if values["date"] > today_wib():
        raise Invalid({"date": ["Tanggal SP2D tidak boleh di masa depan."]})
    if values["date"] < order.bast_date:
        raise Invalid({"date": ["Tanggal SP2D tidak boleh sebelum tanggal BAST."]})
    order.sp2d_number = values["sp2d_number"]
    order.payment_date = values["date"]
    budget.realize(order.budget_line_id, order.total)


def _rate(_actor, order: Order, values: dict) -> None:
    """The score is kept on the order and the supplier's mean rating follows.

    The supplier's row is locked first, so ratings of its orders given at the
    same moment are averaged one after the other and none is lost.
    """
    supplier = db.session.scalar(select(Supplier).where(Supplier.id == order.supplier_id).with_for_update()
                                 .execution_options(populate_existing=True))
    order.rating_score, order.rating_comment = values["score"], values["comment"] or None
    db.session.flush()
    average, count = db.session.execute(
        select(func.avg(Order.rating_score), func.count(Order.rating_score))
        .where(Order.supplier_id == supplier.id, Order.rating_score.is_not(None))).one()
    supplier.rating, supplier.rating_count = round(average, 2), count


def _ship_by(order: Order) -> date | None:
    """Rentals and services: the first day of use; goods: the acceptance date plus the largest lead time."""
    starts = [line.start_date for line in order.lines if line.start_date is not None]
    if starts:
        return min(starts)
    if order.accepted_at is None:
        return None
    return to_wib(order.accepted_at).date() + timedelta(days=order.terms.lead_time_days)


OWN_ORDER = Guard(
    allows=lambda order, actor: actor is None or actor.role != PP or order.created_by_id == actor.id,
    clause=lambda actor: Order.created_by_id == actor.id if actor.role == PP else true(),
    error=Forbidden, message="PP hanya dapat membatalkan pesanan yang dibuatnya sendiri.")
UNRATED = Guard(
    allows=lambda order, _actor: order.rating_score is None,
    clause=lambda _actor: Order.rating_score.is_(None),
    error=Conflict, message="Pesanan ini sudah dinilai.")


# ---------------------------------------------------------------- the registry

def _registry(*actions: OrderAction) -> dict[str, OrderAction]:
    return {action.name: action for action in actions}


def _refusal(name: str, roles: tuple[str, ...], sources: tuple[str, ...], target: str, notice: str,
             **declared) -> OrderAction:
    """An action that ends the order with a reason, gives back its capacity and budget, and tells the parties."""
    return OrderAction(name, roles, sources, target, schema=ReasonInputSchema, danger=True,
                       releases=True, notices=(Notice(PARTIES, notice),), **declared)


REGISTRY: dict[str, OrderAction] = _registry(
    OrderAction(
        "approve", (PPK,), ("menunggu_ppk",), "menunggu_penyedia", label="Setujui", past="Disetujui PPK",
        button="Setujui pesanan", done="Pesanan disetujui dan diteruskan ke penyedia.",
        summary="Setujui pesanan (PPK)", handler=_open_for_supplier, forward=True,
        notices=(Notice((SUPPLIER,), "Pesanan baru {number} menunggu jawaban Anda sebelum {respond_by} WIB."),)),
    _refusal(
        "reject", (PPK,), ("menunggu_ppk",), "ditolak", "Pesanan {number} ditolak PPK: {reason}",
        label="Tolak pesanan", past="Ditolak PPK", button="Tolak pesanan", done="Pesanan ditolak.",
        summary="Tolak pesanan (PPK)"),
    _refusal(
        "cancel", (PP, PPK), ("menunggu_ppk", "menunggu_penyedia", "negosiasi"), "dibatalkan",
        "Pesanan {number} dibatalkan: {reason}", guard=OWN_ORDER,
        label="Batalkan pesanan", past="Dibatalkan", button="Batalkan pesanan", done="Pesanan dibatalkan.",
        summary="Batalkan pesanan sebelum diterima penyedia (PP pembuatnya, PPK)"),
    OrderAction(
        "accept", (SUPPLIER,), ("menunggu_penyedia",), "diproses", label="Jawab pesanan",
        past="Diterima penyedia", button="Terima pesanan", done="Pesanan diterima; silakan diproses.",
        summary="Terima pesanan (penyedia)", handler=_accepted, forward=True,
        due=lambda order: order.respond_by,
        notices=(Notice(BUYERS, "Pesanan {number} diterima penyedia dan sedang diproses."),)),
    _refusal(
        "decline", (SUPPLIER,), ("menunggu_penyedia",), "ditolak", "Pesanan {number} ditolak penyedia: {reason}",
        label="Tolak pesanan", past="Ditolak penyedia", button="Tolak pesanan", done="Pesanan ditolak.",
        summary="Tolak pesanan (penyedia)"),
    OrderAction(
        "counter", (SUPPLIER,), ("menunggu_penyedia",), "negosiasi", label="Tawar harga",
        past="Harga baru ditawarkan", button="Ajukan harga baru", done="Tawaran harga dikirim ke PPK.",
        summary="Ajukan harga satuan lebih rendah (penyedia)", schema=CounterInputSchema, form=CounterForm,
        heading="Tawarkan harga lebih rendah",
        intro="Harga hanya dapat diturunkan. PPK menyetujui atau menolak tawaran ini.", handler=_counter,
        notices=(Notice((PPK,), "Penyedia mengajukan harga baru untuk {number}."),)),
    OrderAction(
        "accept-counter", (PPK,), ("negosiasi",), "diproses", label="Tanggapi tawaran",
        past="Harga baru disetujui", button="Setujui harga baru",
        done="Harga baru disetujui; pesanan diproses penyedia.", summary="Setujui tawaran harga (PPK)",
        handler=_take_counter_offer, forward=True,
        notices=(Notice(PARTIES, "Harga baru {number} disetujui; total {total}."),)),
    _refusal(
        "reject-counter", (PPK,), ("negosiasi",), "ditolak", "Tawaran harga {number} ditolak PPK: {reason}",
        label="Tolak tawaran", past="Tawaran harga ditolak", button="Tolak harga baru",
        done="Tawaran harga ditolak.", summary="Tolak tawaran harga (PPK)"),
    OrderAction(
        "ship", (SUPPLIER,), ("diproses",), "dikirim", label="Kirim / mulai kerjakan",
        past="Dikirim / mulai dikerjakan", button="Tandai dikirim / mulai dikerjakan",
        done="Pesanan ditandai dikirim / dikerjakan.", summary="Kirim / mulai kerjakan (penyedia)",
        forward=True, due=_ship_by,
        notices=(Notice(BUYERS, "Pesanan {number} telah dikirim / dikerjakan. Periksa dan tanda tangani BAST."),)),
    OrderAction(
        "receive", (PPK,), ("dikirim",), "diterima", label="Tanda tangani BAST", past="BAST ditandatangani",
        button="Tanda tangani BAST", done="BAST ditandatangani; tagihan diterbitkan.",
        summary="Periksa dan tanda tangani BAST (PPK)", schema=ReceiveInputSchema,
        heading="Berita Acara Serah Terima", handler=_receive, forward=True,
        notices=(Notice((BENDAHARA,), "BAST {number} ditandatangani; tagihan {total} jatuh tempo {due_date}."),
                 Notice((SUPPLIER,), "BAST {number} ditandatangani. Tagihan diterbitkan."))),
    OrderAction(
        "pay", (BENDAHARA,), ("diterima",), "dibayar", label="Catat pembayaran", past="Dibayar",
        button="Catat pembayaran", done="Pembayaran dicatat.", summary="Catat pembayaran SP2D (bendahara)",
        schema=PayInputSchema, heading="Pembayaran (SP2D)",
        intro="Tagihan {total}; dipotong PPN {withholding_ppn} dan {pph} {withholding_pph}; dibayarkan ke "
              "penyedia {net} ke rekening {bank}.",
        handler=_pay, forward=True, due=lambda order: order.due_date,
        notices=(Notice((SUPPLIER,), "Pesanan {number} dibayar (SP2D {sp2d_number}); diterima bersih {net}."),)),
    OrderAction(
        "rate", (PPK,), ("diterima", "dibayar"), None, label="Beri nilai", past="Penyedia dinilai",
        button="Kirim penilaian", done="Terima kasih, penilaian tersimpan.",
        summary="Nilai penyedia 1–5 (PPK, sekali, setelah diterima)", schema=RateInputSchema,
        heading="Nilai penyedia", handler=_rate, guard=UNRATED, forward=True),
    OrderAction(
        "expire", (SYSTEM,), ("menunggu_penyedia",), "batal_otomatis", label="Batal otomatis",
        past="Batal otomatis", manual=False, releases=True, reason="Penyedia tidak menjawab dalam batas waktu.",
        notices=(Notice(PARTIES, "Pesanan {number} batal otomatis: penyedia tidak menjawab tepat waktu."),)),
)
MANUAL: dict[str, OrderAction] = {name: action for name, action in REGISTRY.items() if action.manual}
FORWARD: tuple[OrderAction, ...] = tuple(action for action in REGISTRY.values() if action.forward)


# ---------------------------------------------------------------- reading the registry

def open_to(order: Order, actor) -> list[OrderAction]:
    """The actions ``actor`` may take on ``order`` now, in the registry's order."""
    return [action for action in MANUAL.values() if action.open_to(order, actor)]


def next_step(order: Order) -> NextStep | None:
    """The step the order waits for (PRODUCT.md §9 "What to do next"), or None once nothing is left to do."""
    for action in FORWARD:
        if order.status in action.sources and (action.guard is None or action.guard.allows(order, None)):
            return NextStep(action, action.roles[0], action.due(order))
    return None


def waiting_for(order: Order, actor) -> OrderAction | None:
    """The step of the order that waits for ``actor`` (a worklist row's action)."""
    return next((action for action in FORWARD if action.open_to(order, actor)), None)


def facts(order: Order, values: dict | None = None) -> dict[str, str]:
    """The words a notice or a form's intro may use: ``{number}``, ``{reason}``, ``{total}``, dates …"""
    return {
        "number": order.number, "reason": (values or {}).get("reason") or "",
        "total": rupiah(order.total), "net": rupiah(order.net_to_supplier),
        "withholding_ppn": rupiah(order.withholding_ppn), "withholding_pph": rupiah(order.withholding_pph),
        "pph": taxes.PPH_LABELS.get(order.pph_kind, "PPh"), "bank": order.terms.bank,
        "respond_by": tanggal(order.respond_by), "due_date": tanggal(order.due_date),
        "sp2d_number": order.sp2d_number or "-",
    }
