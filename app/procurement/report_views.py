"""Pages: transaction report, annual recap and dashboard (finance, admin, bendahara), the public
open-data page, and the PDF documents of an order for its parties."""
from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup, escape

import reports.charts
from app.auth import roles
from app.auth.access import role_required
from app.common.errors import Invalid
from app.common.forms import flatten

from . import documents, exports, reporting

bp = Blueprint("laporan", __name__)
bp.add_app_template_filter(reports.charts.percent, "percent")
report_roles = role_required(*reporting.REPORT_ROLES)
PAGE_SIZE = 50


def _args(*dropped: str) -> dict:
    """The query string without blank values and without ``dropped`` keys."""
    return {k: v for k, v in request.args.items() if v != "" and k not in dropped}


def _download_args() -> dict:
    """The filters of a download, its ``format`` xlsx unless pdf was asked for."""
    params = _args("page", "per_page")
    params["format"] = "pdf" if params.get("format") == "pdf" else "xlsx"
    return params


@bp.route("/laporan/transaksi")
@report_roles
def transactions():
    """The transaction report as a page, with its filters and download links."""
    params = {"per_page": str(PAGE_SIZE), **_args("format")}
    try:
        report = reporting.transaction_report(current_user, params)
    except Invalid as exc:
        return _page("laporan/transaksi.html", errors=exc.details, report=None), 422

    def page_url(number: int) -> str:
        """The same report, another page."""
        return url_for("laporan.transactions", **{**_args("page"), "page": number})

    return _page("laporan/transaksi.html", report=report, page_url=page_url)


@bp.route("/laporan/transaksi/unduh")
@report_roles
def transactions_download():
    """The transaction report as XLSX or PDF; a PDF too long for print sends the user back to take the XLSX."""
    params = _download_args()
    try:
        report = reporting.transaction_report(current_user, params)
    except Invalid as exc:
        for message in flatten(exc.details):
            flash(message, "warning")
        return redirect(url_for("laporan.transactions", **_args("format")))
    return exports.transaction_file(report, params["format"])


@bp.route("/laporan/tahunan")
@report_roles
def annual():
    """The annual recap as a page, with download links."""
    try:
        recap = reporting.annual_recap(current_user, _args("format"))
    except Invalid as exc:
        return _page("laporan/tahunan.html", errors=exc.details, recap=None), 422
    return _page("laporan/tahunan.html", recap=recap, figures=_recap_html(recap, "laporan/_tahunan_angka.html"))


@bp.route("/laporan/tahunan/unduh")
@report_roles
def annual_download():
    """The annual recap as XLSX or PDF."""
    params = _download_args()
    return exports.annual_file(reporting.annual_recap(current_user, params), params["format"])


@bp.route("/laporan/dasbor")
@report_roles
def dashboard():
    """Charts of the year: value by month and storefront, top suppliers and products, UMKM share, payments."""
    try:
        recap = reporting.annual_recap(current_user, _args("format"))
    except Invalid as exc:
        return _page("laporan/dasbor.html", errors=exc.details, recap=None), 422
    return _page("laporan/dasbor.html", recap=recap,
                 figures=_recap_html(recap, "laporan/_dasbor_angka.html", reports.charts.dashboard_charts))


@bp.route("/laporan/dasbor.pdf")
@report_roles
def dashboard_pdf():
    """The dashboard, charts included, as a PDF."""
    return exports.dashboard_file(reporting.annual_recap(current_user, _args("format")))


def _recap_html(recap, template: str, charts=None) -> Markup:
    """``template`` rendered from the recap (and ``charts(recap)``) alone, kept with the recap's figures."""
    return recap.kept(template, lambda: Markup(render_template(
        template, recap=recap, charts=charts(recap) if charts else None)))


@bp.app_template_filter("options")
def options(pairs: tuple, selected: str | None) -> Markup:
    """``<option>`` elements for ``(value, label)`` pairs, the one whose value is ``selected`` selected."""
    html = _option_list(pairs)
    if selected is not None:
        tag = f'<option value="{escape(selected)}">'
        html = html.replace(tag, f'{tag[:-1]} selected>', 1)
    return Markup(html)


@lru_cache(maxsize=16)
def _option_list(pairs: tuple) -> str:
    """The options of a list (thousands of suppliers), rendered once."""
    return "".join(f'<option value="{escape(value)}">{escape(label)}</option>' for value, label in pairs)


def _page(template: str, **context):
    return render_template(template, choices=reporting.filter_choices(current_user),
                           args=_args("format", "page", "per_page"),
                           errors=context.pop("errors", {}), **context)


@bp.route("/data")
def public_data():
    """Open data, no login: the year's aggregate figures and the OCDS release package."""
    recap = reporting.public_recap(reporting.public_summary(_args()))
    return render_template("laporan/data.html", recap=recap, charts=reports.charts.public_charts(recap))


@bp.route("/pesanan/<int:order_id>/dokumen/<kind>.pdf")
@role_required(*roles.ALL)
def order_document(order_id, kind):
    """A Surat Pesanan, BAST or invoice/kuitansi of an order, for its parties and finance."""
    return exports.document_file(documents.order_document(current_user, order_id, kind))
