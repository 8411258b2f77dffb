"""Documents and reports as files: the data comes from ``documents`` and ``reporting``,
the bytes from the renderers of ``reports``; pages and the API both send these."""
from __future__ import annotations

from flask import Response

import reports.pdf
import reports.xlsx
from app.common.downloads import PDF, XLSX, send_bytes

from .documents import OrderDocument
from .reporting import AnnualRecap, TransactionReport

_SLUG = str.maketrans({" ": "-", "–": "", ",": ""})


def document_file(document: OrderDocument) -> Response:
    """A Surat Pesanan, BAST or invoice/kuitansi as a PDF download."""
    return send_bytes(reports.pdf.order_document(document), PDF, document.filename)


def transaction_file(report: TransactionReport, fmt: str) -> Response:
    """The transaction report as an XLSX or PDF download."""
    name = "laporan-transaksi-" + report.filter.period.label.lower().translate(_SLUG).replace("--", "-")
    if fmt == "xlsx":
        return send_bytes(reports.xlsx.transaction_report(report), XLSX, f"{name}.xlsx")
    return send_bytes(reports.pdf.transaction_report(report), PDF, f"{name}.pdf")


def annual_file(recap: AnnualRecap, fmt: str) -> Response:
    """The annual recap as an XLSX or PDF download."""
    if fmt == "xlsx":
        return send_bytes(reports.xlsx.annual_recap(recap), XLSX, f"rekap-tahunan-{recap.year}.xlsx")
    return send_bytes(reports.pdf.annual_recap(recap), PDF, f"rekap-tahunan-{recap.year}.pdf")


def dashboard_file(recap: AnnualRecap) -> Response:
    """The dashboard's charts as a PDF download."""
    return send_bytes(reports.pdf.dashboard(recap), PDF, f"dasbor-{recap.year}.pdf")
