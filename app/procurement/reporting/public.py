"""The public summary of PRODUCT.md §6: the year's aggregate figures for everyone.

No login, no single order, no SKPD payment record: the recap of every SKPD,
supplier and storefront, cut to ``PUBLIC_KEYS``. Cached, like the recap it is
taken from, until an order, a line, an SKPD, a supplier or a storefront changes
(data version ``transactions``).
"""
from __future__ import annotations

from app.common import versions
from app.common.timeutil import to_wib, today_wib, utcnow
from app.common.validation import load

from .filters import TRANSACTIONS, Period, PublicQuerySchema, ReportFilter, letterhead
from .recap import AnnualRecap, RecapSchema, recap_of

PUBLIC_KEYS = ("year", "total_value", "orders", "suppliers_served", "umkm_value", "umkm_share", "by_month",
               "by_etalase", "by_kecamatan")


class PublicSummarySchema(RecapSchema):
    """The recap's schema cut to the public figures."""

    def __init__(self, **kwargs):
        super().__init__(only=PUBLIC_KEYS, **kwargs)


def public_summary(params: dict) -> dict:
    """The year's aggregate figures as ``PublicSummarySchema`` dumps them."""
    year = load(PublicQuerySchema(), params)["year"] or today_wib().year
    version = versions.current(TRANSACTIONS)

    def compute() -> dict:
        """Aggregate the year over every SKPD, supplier and storefront."""
        return PublicSummarySchema().dump(recap_of(year, ReportFilter(period=Period.year(year)), letterhead(),
                                                   version))

    return versions.cached(TRANSACTIONS, ("public-summary", year), compute, version)


def public_recap(summary: dict) -> AnnualRecap:
    """The public figures as a recap, for the public page, its tables and its charts."""
    figures = PublicSummarySchema().load(summary)
    return AnnualRecap(filter=ReportFilter(period=Period.year(figures["year"])), letterhead=letterhead(),
                       generated_at=to_wib(utcnow()), **figures)
