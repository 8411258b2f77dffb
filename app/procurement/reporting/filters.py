"""What a report covers: the query schemas, the period, the filter scoped to the person asking, the
filter fields' choices, and the letterhead.

Finance and admins see every SKPD; a ``bendahara`` only its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from app.auth import roles
from app.common import versions
from app.common.errors import Forbidden, Invalid, NotFound
from app.common.timeutil import tanggal, today_wib, wib_to_utc
from app.etalase.models import Etalase, Listing
from app.extensions import db
from app.suppliers.models import Supplier

from ..models import Order, OrderLine, Skpd
from ..state import ACCEPTED_STATUSES, OrderState

REPORT_ROLES = (roles.ADMIN, roles.FINANCE, roles.BENDAHARA)
TRANSACTIONS = "transactions"
versions.watch(TRANSACTIONS, Order, OrderLine, Skpd, Supplier.business_name, Supplier.kecamatan, Supplier.scale,
               Etalase, Listing.etalase_code)
FORMATS = ("json", "xlsx", "pdf")
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
          "Oktober", "November", "Desember")
CATALOG_UNIT = "E-Lokal · Katalog Elektronik Lokal"

_id = validate.Range(min=1, max=2**31 - 1, error="Nomor tidak sah.")
_year = validate.Range(min=2000, max=2100, error="Tahun 2000–2100.")


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

    @property
    def unit(self) -> str:
        """The unit a report of this filter is issued under: its SKPD, or the catalog itself."""
        return self.skpd_name or CATALOG_UNIT

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


def check_role(actor) -> None:
    """Forbidden unless the actor may see reports."""
    if actor is None or actor.role not in REPORT_ROLES:
        raise Forbidden("Laporan hanya untuk BPKAD, admin dan bendahara SKPD.")


def period_of(values: dict) -> Period:
    """The period of a loaded transaction query: a date range, a month of a year, or a year (this one)."""
    if values.get("from_"):
        start, end = values["from_"], values["to"]
        return Period(start, end, f"{tanggal(start)} – {tanggal(end)}")
    year = values.get("year") or today_wib().year
    month = values.get("month")
    if month:
        last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1))
        return Period(date(year, month, 1), last, f"{MONTHS[month - 1]} {year}")
    return Period.year(year)


def resolve(actor, values: dict, period: Period) -> ReportFilter:
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
    check_role(actor)
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
        **versions.kept(TRANSACTIONS, ("choices", actor.skpd_id if own else "all"), build),
        "statuses": [(s, OrderState.labels[s]) for s in ACCEPTED_STATUSES],
        "months": list(enumerate(MONTHS, 1)),
    }


@dataclass(frozen=True)
class Letterhead:
    """The regional letterhead of every PDF: the region, the issuing unit, the address."""

    region: str
    unit: str
    address: str


def letterhead(unit: str = CATALOG_UNIT) -> Letterhead:
    """The letterhead from configuration, under ``unit`` (an SKPD, or the catalog itself)."""
    config = current_app.config
    return Letterhead(region=config["REGION_NAME"], unit=unit, address=config["REGION_ADDRESS"])
