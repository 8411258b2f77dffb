"""API: the supplier's XLSX listing import and its template."""
from flask import jsonify, request

import reports.xlsx
from app.api.core import endpoint
from app.auth import roles
from app.common.downloads import XLSX, send_bytes
from app.extensions import db

from . import imports
from .schemas import ListingSchema

_RESULT = {"type": "object", "properties": {
    "created": {"type": "integer"}, "updated": {"type": "integer"},
    "listings": {"type": "array", "items": ListingSchema}}}


@endpoint("/listings/import-template.xlsx", "GET", "Template XLSX impor produk (berisi produk Anda)",
          roles=(roles.SUPPLIER,), response={"type": "string", "format": "binary"}, content_type=XLSX,
          errors=(401, 403))
def import_template(user):
    """The template workbook, with the supplier's current listings and the categories."""
    return send_bytes(reports.xlsx.listing_template(imports.import_template(user)), XLSX,
                      "template-impor-produk.xlsx")


@endpoint("/listings/import", "POST", "Impor produk dari XLSX: semua baris atau tidak sama sekali",
          roles=(roles.SUPPLIER,), multipart={"file": "binary"}, response=_RESULT, status=201,
          errors=(401, 403, 413, 422))
def import_listings(user):
    """Create (and update) listings from every row, or answer 422 naming every bad row."""
    result = imports.import_listings(user, request.files.get("file"))
    db.session.commit()
    return jsonify({"created": len(result.created), "updated": len(result.updated),
                    "listings": ListingSchema(many=True).dump(result.created + result.updated)}), 201
