"""The annual recap and the dashboard of PRODUCT.md §6: the year's figures, summed by the database.

A line's value is its share of its order's total. The figures are summed once
per state of the transactions (data version ``transactions``) and day (overdue
days follow the date), shared through the cache as their schema dumps them, and
restored once in each process. Each figure has one schema, for the API's JSON
and for the cache alike.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date, datetime

from marshmallow import EXCLUDE, Schema, fields, post_load
from sqlalchemy import and_, case, distinct, func, null, select, text, union_all

from app.common import versions
from app.common.timeutil import to_wib, today_wib, utcnow, wib_to_utc
from app.common.validation import load
from app.etalase.models import Etalase, Listing
from app.extensions import db
from app.suppliers.models import Supplier

from ..models import Order, OrderLine, Skpd
from .filters import (MONTHS, TRANSACTIONS, AnnualQuerySchema, Letterhead, Period, ReportFilter, check_role,
                      letterhead, resolve)
from .sql import Days, Share, whole_sum
from .transactions import ORDERING

UMKM_SCALES = ("mikro", "kecil")
TOP = 10


class _FigureSchema(Schema):
    """A figure's schema: dumps it for the API and the cache, loads it back (dropping what is derived)."""

    class Meta:
        unknown = EXCLUDE

    figure: type

    @post_load
    def _restore(self, data: dict, **_kwargs):
        return self.figure(**data)


_FIELDS = {"int": fields.Integer, "str": fields.String, "date": fields.Date}


def figure_schema(figure: type, derived: tuple[str, ...] = (), **data_keys: str) -> type[Schema]:
    """The schema of a figure (a dataclass): a field per field of it, by its type (named as ``data_keys``
    says in JSON), and its ``derived`` properties, dumped only; it loads the figure back."""
    declared = {spec.name: _FIELDS[spec.type](data_key=data_keys.get(spec.name))
                for spec in dataclass_fields(figure)}
    declared |= {name: fields.Raw(dump_only=True) for name in derived}
    return type(f"{figure.__name__}Schema", (_FigureSchema,), {"figure": figure, **declared})


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


MonthValueSchema = figure_schema(MonthValue)
EtalaseFiguresSchema = figure_schema(EtalaseFigures, code="etalase")
SkpdFiguresSchema = figure_schema(SkpdFigures, derived=("avg_days_to_pay",))
SupplierFiguresSchema = figure_schema(SupplierFigures)
AreaFiguresSchema = figure_schema(AreaFigures)
ProductFiguresSchema = figure_schema(ProductFigures)
OverdueOrderSchema = figure_schema(OverdueOrder, skpd_code="skpd", supplier_name="supplier")


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
        return RecapSchema().dump(self)


class RecapSchema(Schema):
    """The recap's figures, with what derives from them (shares, averages) and its filter as printed; loads
    back the figures alone, as ``AnnualRecap`` fields."""

    class Meta:
        unknown = EXCLUDE

    year = fields.Integer()
    total_value = fields.Integer()
    orders = fields.Integer()
    by_month = fields.List(fields.Nested(MonthValueSchema))
    by_etalase = fields.List(fields.Nested(EtalaseFiguresSchema))
    by_skpd = fields.List(fields.Nested(SkpdFiguresSchema))
    by_supplier = fields.List(fields.Nested(SupplierFiguresSchema))
    by_kecamatan = fields.List(fields.Nested(AreaFiguresSchema))
    top_products = fields.List(fields.Nested(ProductFiguresSchema))
    umkm_value = fields.Integer()
    umkm_share = fields.Float(dump_only=True, allow_none=True)
    suppliers_served = fields.Integer()
    paid_orders = fields.Integer()
    days_to_pay_sum = fields.Integer()
    avg_days_to_pay = fields.Float(dump_only=True, allow_none=True)
    overdue = fields.List(fields.Nested(OverdueOrderSchema))
    filters = fields.Function(lambda recap: dict(recap.filter.describe()), dump_only=True)


def annual_recap(actor, params: dict) -> AnnualRecap:
    """The annual recap (and dashboard figures) of one year within the actor's scope."""
    check_role(actor)
    values = load(AnnualQuerySchema(), params)
    year = values["year"] or today_wib().year
    covered = resolve(actor, values, Period.year(year))
    return recap_of(year, covered, letterhead(covered.unit), versions.current(TRANSACTIONS))


def recap_of(year: int, covered: ReportFilter, head: Letterhead, version: int) -> AnnualRecap:
    """The recap of ``covered`` today at ``version`` of the transactions: its figures summed by the database
    once (and shared through the cache as ``RecapSchema`` dumps them), then restored once in each process."""
    today = today_wib()
    key = ("annual-recap", year, covered.skpd_id, covered.supplier_id, covered.etalase, covered.statuses,
           today.isoformat())

    def summed() -> dict:
        """The figures summed now, as the cache keeps them."""
        return RecapSchema().dump(AnnualRecap(year, covered, head, to_wib(utcnow()), **_figures(covered, today)))

    def restore() -> dict:
        """The figures from the cache (or summed now), as the recap's fields."""
        return {**RecapSchema().load(versions.cached(TRANSACTIONS, key, summed, version)), "derived": {}}

    figures = versions.kept(TRANSACTIONS, key, restore, version)
    return AnnualRecap(filter=covered, letterhead=head, generated_at=to_wib(utcnow()), **figures)


def _figures(report_filter: ReportFilter, today: date) -> dict:
    """Every figure of the recap, summed by the database: one grouped query per breakdown."""
    _without_jit()
    conditions = report_filter.conditions()
    paid = and_(Order.payment_date.is_not(None), Order.bast_date.is_not(None))
    by_skpd = [SkpdFigures(*row) for row in db.session.execute(
        select(Order.skpd_id, Skpd.code, Skpd.name, whole_sum(Order.total), func.count(Order.id),
               func.count(case((paid, 1))), whole_sum(case((paid, Days(Order.payment_date, Order.bast_date)))))
        .join(Skpd, Skpd.id == Order.skpd_id).where(*conditions).group_by(Order.skpd_id, Skpd.code, Skpd.name))]
    by_supplier = [SupplierFigures(*row) for row in db.session.execute(
        select(Order.supplier_id, Supplier.business_name, Supplier.kecamatan, Supplier.scale, whole_sum(Order.total),
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
    by_cell = (select(lines.c.month, lines.c.etalase, null().label("listing_id"),
                      whole_sum(lines.c.value).label("value"),
                      func.count(distinct(lines.c.order_id)).label("number"))
               .group_by(lines.c.month, lines.c.etalase))
    listings = (select(lines.c.listing_id, lines.c.etalase, whole_sum(lines.c.value).label("value"),
                       whole_sum(lines.c.units).label("quantity"),
                       func.rank().over(order_by=func.sum(lines.c.value).desc()).label("rank"))
                .group_by(lines.c.listing_id, lines.c.etalase).subquery())
    top = select(null(), listings.c.etalase, listings.c.listing_id, listings.c.value, listings.c.quantity).where(
        listings.c.rank <= TOP)
    found = db.session.execute(union_all(by_cell, top)).all()
    cells = [row for row in found if row.listing_id is None]
    values = {(row.month, row.etalase): row.value for row in cells}
    storefronts = list(db.session.scalars(select(Etalase).order_by(Etalase.position)))
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
    order = func.row_number().over(partition_by=OrderLine.listing_id, order_by=(*ORDERING, OrderLine.id))
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
    share = func.coalesce(Share(Order.total, OrderLine.line_total, func.nullif(Order.subtotal, 0)), 0)
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
