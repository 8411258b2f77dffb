"""PDFs with WeasyPrint from the templates under ``templates/reports/``.

Each function takes the data its module prepared (an order document, a
transaction report, an annual recap) and returns the PDF's bytes. The
templates carry the regional letterhead, page numbers (CSS ``@page``
counters) and totals.
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from app.common.money import number_id, rupiah
from app.common.timeutil import tanggal

from . import charts

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STATIC = Path(__file__).resolve().parent.parent / "static"

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                   undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_env.filters.update(rupiah=rupiah, angka=number_id, tanggal=tanggal, percent=charts.percent)


class OwnStaticFiles(URLFetcher):
    """WeasyPrint's fetcher, limited to the app's own static files and inline ``data:`` addresses.

    Whatever address ends up in a document (an image or stylesheet in text a user
    typed), the PDF never reaches the network or another file of the machine.
    """

    def fetch(self, url, headers=None):
        """Fetch ``url`` if it is inline data or a file under ``static/``; refuse anything else."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data" or (scheme == "file" and not parts.netloc
                                and Path(unquote(parts.path)).resolve().is_relative_to(STATIC)):
            return super().fetch(url, headers)
        raise ValueError(f"E-Lokal documents fetch only the app's static files, not {url}")


def html_to_pdf(html: str) -> bytes:
    """Lay out ``html`` as a PDF; relative addresses point into ``static/``, nothing else is fetched."""
    return HTML(string=html, base_url=str(STATIC) + "/", url_fetcher=OwnStaticFiles()).write_pdf()


def render(template: str, **context) -> bytes:
    """Lay out ``templates/reports/<template>`` with ``context`` as a PDF."""
    return html_to_pdf(_env.get_template(f"reports/{template}").render(**context))


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
