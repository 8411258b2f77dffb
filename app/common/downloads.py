"""Generated files (PDF, XLSX) sent as downloads."""
from __future__ import annotations

from flask import Response

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def send_bytes(data: bytes, mimetype: str, filename: str) -> Response:
    """An attachment that private caches may not keep (documents and reports are scoped to the asker)."""
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
