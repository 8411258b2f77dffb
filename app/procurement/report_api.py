"""API: order documents (PDF), reports (JSON, XLSX, PDF), the public summary and the OCDS package."""
from flask import Response, current_app, jsonify, request, stream_with_context, url_for

from app.api.core import endpoint
from app.auth import roles
from app.common.downloads import PDF, XLSX

from . import documents, exports, ocds, reporting
from .reporting import (AnnualQuerySchema, PublicQuerySchema, PublicSummarySchema, RecapSchema,
                        TransactionQuerySchema)

_BINARY = {"type": "string", "format": "binary"}
_OBJECT = {"type": "object"}
_FILES = {XLSX: _BINARY, PDF: _BINARY}  # format=xlsx, format=pdf


@endpoint("/orders/<int:order_id>/documents/<kind>.pdf", "GET",
          "Dokumen pesanan (PDF): surat-pesanan, bast, invoice (BAST dan invoice setelah diterima)",
          roles=roles.ALL, response=_BINARY, content_type=PDF, errors=(401, 404, 409))
def order_document(user, order_id, kind):
    """A document of an order the user is party to (or finance/admin)."""
    return exports.document_file(documents.order_document(user, order_id, kind))


@endpoint("/reports/transactions", "GET",
          "Laporan transaksi: tiap pesanan dengan baris, total, pajak dan status (format json, xlsx, pdf)",
          roles=reporting.REPORT_ROLES, query=TransactionQuerySchema, response=_OBJECT, other_content=_FILES,
          errors=(401, 403, 404, 422))
def transaction_report(user):
    """One page of the report as JSON, or every row as a workbook or (within the row limit) a PDF."""
    params = request.args.to_dict()
    report = reporting.transaction_report(user, params)
    fmt = params.get("format", "json")
    if fmt == "json":
        return jsonify(report.as_json())
    return exports.transaction_file(report, fmt)


@endpoint("/reports/annual", "GET",
          "Rekap tahunan: nilai per bulan × etalase, SKPD, penyedia, kecamatan; porsi UMKM; pembayaran",
          roles=reporting.REPORT_ROLES, query=AnnualQuerySchema, response=RecapSchema, other_content=_FILES,
          errors=(401, 403, 404, 422))
def annual_report(user):
    """The annual recap as JSON (its text kept with the cached figures), XLSX or PDF."""
    params = request.args.to_dict()
    recap = reporting.annual_recap(user, params)
    fmt = params.get("format", "json")
    if fmt == "json":
        text = recap.kept("json", lambda: current_app.json.dumps(recap.as_json(), separators=(",", ":")))
        return current_app.response_class(text, mimetype="application/json")
    return exports.annual_file(recap, fmt)


@endpoint("/public/summary", "GET", "Ringkasan publik setahun: nilai, pesanan, penyedia, UMKM, etalase, kecamatan",
          query=PublicQuerySchema, response=PublicSummarySchema, errors=(422,))
def public_summary(_user):
    """The year's aggregate figures, for everyone."""
    return jsonify(reporting.public_summary(request.args.to_dict()))


@endpoint("/ocds/releases", "GET", "Paket rilis OCDS 1.1 pesanan yang diterima penyedia pada tahun itu",
          query=PublicQuerySchema, response=_OBJECT, errors=(404, 422))
def ocds_releases(_user):
    """The OCDS 1.1 release package of a year."""
    pieces = ocds.release_package(
        request.args.to_dict(), lambda year: url_for("api.procurement_ocds_releases", year=year, _external=True))
    return Response(stream_with_context(pieces), mimetype="application/json")
