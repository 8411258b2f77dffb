"""PDFs with WeasyPrint from the templates under ``templates/reports/``.

Each function takes the data its module prepared (an order document, a
transaction report, an annual recap) and returns the PDF's bytes. The
templates carry the regional letterhead, page numbers (CSS ``@page``
counters) and totals.
"""
from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import HTML

from app.common.money import number_id, rupiah
from app.common.timeutil import tanggal

from . import charts

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_env.filters.update(rupiah=rupiah, angka=number_id, tanggal=tanggal, percent=charts.percent)


def render(template: str, **context) -> bytes:
    """Lay out ``templates/reports/<template>`` with ``context`` as a PDF."""
    html = _env.get_template(f"reports/{template}").render(**context)
    return HTML(string=html, base_url=str(TEMPLATES)).write_pdf()


def order_document(document) -> bytes:
    """A Surat Pesanan, BAST or invoice/kuitansi (an ``OrderDocument``)."""
    return render(f"{document.kind}.html", doc=document, head=document.letterhead)


def transaction_report(report) -> bytes:
    """The transaction report: every order with its lines, totals, taxes and status."""
    return render("transactions.html", report=report, head=report.letterhead)


def annual_recap(recap) -> bytes:
    """The annual recap: value by month × storefront, SKPD, supplier, kecamatan; UMKM share; payments."""
    return render("annual.html", recap=recap, head=recap.letterhead)


def dashboard(recap) -> bytes:
    """The dashboard's charts and figures of one year, for printing."""
    return render("dashboard.html", recap=recap, head=recap.letterhead, charts=charts.dashboard_charts(recap))
