"""What the documents of an order say (PRODUCT.md §6): Surat Pesanan, BAST, invoice and kuitansi.

This module gathers the data — both parties with their identifiers, the
lines, the amounts and taxes, the total in words, who signs — for the
parties to the order and finance only (``orders.get_order`` scopes it);
``reports.pdf`` lays it out. The letterhead, the supplier's identifiers and
bank account and the tax rates are those the order kept at its creation
(``OrderTerms``, PRODUCT.md §9), so a document printed a year later says what
it said on the day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.auth import roles
from app.auth.models import User
from app.common.errors import Conflict, NotFound
from app.common.money import terbilang
from app.common.timeutil import tanggal, to_wib
from app.extensions import db
from app.suppliers.models import LEGAL_FORMS

from .models import Order
from .orders import get_order
from .reporting import PPH_LABELS, Letterhead
from .state import OrderState
from .taxes import percent

KINDS = {
    "surat-pesanan": "Surat Pesanan",
    "bast": "Berita Acara Serah Terima",
    "invoice": "Invoice dan Kuitansi",
}
AFTER_RECEIPT = ("diterima", "dibayar")
STAMP_DUTY_FROM = 5_000_000


@dataclass(frozen=True)
class Party:
    """One side of the order, with its identifiers."""

    heading: str
    name: str
    facts: list[tuple[str, str]]


@dataclass(frozen=True)
class Signature:
    """A place to sign: the capacity, the organisation, the person and their identifier."""

    caption: str
    organisation: str
    name: str | None
    id_label: str
    id_value: str | None


@dataclass(frozen=True)
class DocumentLine:
    """A line as printed: what, how many, for which days, at what price."""

    number: int
    name: str
    unit: str
    quantity: int
    days: int | None
    period: str | None
    unit_price: int
    line_total: int


@dataclass(frozen=True)
class OrderDocument:
    """Everything one PDF of an order prints."""

    kind: str
    title: str
    number: str
    order_number: str
    date: date | None
    place: str
    letterhead: Letterhead
    status_label: str
    buyer: Party
    supplier: Party
    lines: list[DocumentLine]
    subtotal: int
    ppn_label: str
    ppn: int
    total: int
    withholding: list[tuple[str, int]]
    net_to_supplier: int
    amount_in_words: str
    delivery_address: str
    notes: str | None
    bast_number: str | None
    bast_date: date | None
    due_date: date | None
    sp2d_number: str | None
    payment_date: date | None
    bank: str
    stamp_duty: bool
    signatures: list[Signature]

    @property
    def filename(self) -> str:
        """The download name, e.g. ``bast-SP-2026-DISPAR-000001.pdf``."""
        return f"{self.kind}-{self.order_number}.pdf"


def order_document(actor, order_id: int, kind: str) -> OrderDocument:
    """The data of one document of an order the actor is party to (or finance/admin).

    Unknown kinds and other people's orders are 404; the BAST and the invoice
    exist only once the order is received (409 before).
    """
    if kind not in KINDS:
        raise NotFound("Dokumen tidak dikenal.")
    order = get_order(actor, order_id)
    if kind != "surat-pesanan" and order.status not in AFTER_RECEIPT:
        raise Conflict("BAST dan invoice baru tersedia setelah barang/jasa diterima dan BAST ditandatangani.")
    terms = order.terms
    ppk = _official(order, roles.PPK, "receive" if kind == "bast" else "approve")
    supplier_sign = Signature("Penyedia", terms.business_name, terms.owner_name, "NIB", terms.nib)
    ppk_sign = Signature("Pejabat Pembuat Komitmen", terms.skpd_name, _name(ppk), "NIP", _nip(ppk))
    if kind == "surat-pesanan":
        number, when = order.number, _approved_on(order)
        signatures = [ppk_sign, supplier_sign]
    elif kind == "bast":
        number, when = order.bast_number, order.bast_date
        signatures = [supplier_sign, ppk_sign]
    else:
        bendahara = _official(order, roles.BENDAHARA, "pay")
        number, when = f"INV/{order.number}", order.bast_date
        signatures = [ppk_sign, Signature("Bendahara Pengeluaran", terms.skpd_name, _name(bendahara), "NIP",
                                          _nip(bendahara)), supplier_sign]
    return OrderDocument(
        kind=kind, title=KINDS[kind], number=number, order_number=order.number, date=when,
        place=terms.region_city,
        letterhead=Letterhead(region=terms.region_name, unit=terms.skpd_name, address=terms.region_address),
        status_label=OrderState.labels[order.status],
        buyer=_buyer(order, ppk), supplier=_supplier(order), lines=_lines(order),
        subtotal=order.subtotal, ppn_label=f"PPN {percent(terms.ppn_rate)}", ppn=order.ppn,
        total=order.total, withholding=_withholding(order), net_to_supplier=order.net_to_supplier,
        amount_in_words=terbilang(order.total).capitalize(), delivery_address=order.delivery_address,
        notes=order.notes, bast_number=order.bast_number, bast_date=order.bast_date, due_date=order.due_date,
        sp2d_number=order.sp2d_number, payment_date=order.payment_date,
        bank=terms.bank, stamp_duty=order.total > STAMP_DUTY_FROM, signatures=signatures,
    )


def _official(order: Order, role: str, action: str) -> User | None:
    """Who acted for the SKPD in ``action``; else the SKPD's first active official of that role."""
    for event in reversed(order.events):
        if event.action == action and event.by_id is not None:
            user = db.session.get(User, event.by_id)
            if user is not None and user.role == role:
                return user
    return db.session.scalar(select(User).where(User.role == role, User.skpd_id == order.skpd_id,
                                                User.active.is_(True)).order_by(User.id))


def _name(user: User | None) -> str | None:
    return user.full_name if user else None


def _nip(user: User | None) -> str | None:
    return user.nip if user else None


def _approved_on(order: Order) -> date:
    """The day the PPK approved the order (its creation day while it waits)."""
    for event in order.events:
        if event.action == "approve":
            return to_wib(event.at).date()
    return to_wib(order.created_at).date()


def _buyer(order: Order, ppk: User | None) -> Party:
    line = order.budget_line
    return Party("Pemesan", order.terms.skpd_name, [
        ("Kode SKPD", order.skpd.code),
        ("Pejabat Pembuat Komitmen", f"{_name(ppk) or '-'} (NIP {_nip(ppk) or '-'})"),
        ("Mata anggaran", f"{line.code} — {line.name} (TA {line.year})"),
        ("Alamat pengiriman", order.delivery_address),
    ])


def _supplier(order: Order) -> Party:
    terms = order.terms
    return Party("Penyedia", terms.business_name, [
        ("Bentuk usaha", LEGAL_FORMS.get(terms.legal_form, terms.legal_form)),
        ("NIB", terms.nib),
        ("NPWP", terms.npwp),
        ("Pemilik / penanggung jawab", terms.owner_name),
        ("Alamat", f"{terms.address}, Kel. {terms.kelurahan}, Kec. {terms.kecamatan}"),
        ("Telepon", terms.phone),
        ("Status pajak", "PKP" if terms.is_pkp else "Non-PKP"),
    ])


def _lines(order: Order) -> list[DocumentLine]:
    printed = []
    for number, line in enumerate(order.lines, 1):
        period = None
        if line.start_date:
            period = (tanggal(line.start_date) if line.start_date == line.end_date
                      else f"{tanggal(line.start_date)} – {tanggal(line.end_date)}")
        printed.append(DocumentLine(number, line.name, line.unit, line.quantity, line.days, period,
                                    line.unit_price, line.line_total))
    return printed


def _withholding(order: Order) -> list[tuple[str, int]]:
    """The taxes the bendahara withholds at payment, each with the rate the order kept."""
    terms = order.terms
    withheld = []
    if order.withholding_ppn:
        withheld.append((f"PPN dipungut ({percent(terms.ppn_rate)})", order.withholding_ppn))
    if order.pph_kind:
        withheld.append((f"{PPH_LABELS[order.pph_kind]} ({percent(terms.pph_rate)})", order.withholding_pph))
    return withheld
