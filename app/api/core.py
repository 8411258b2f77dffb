"""The API blueprint, its authentication, error format and endpoint declaration.

Every endpoint is declared with :func:`endpoint`, which registers the route,
checks the bearer token and role, and records what the OpenAPI document says
of it. Views stay thin: they parse, call a service, and dump the result.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field

from flask import Blueprint, g, jsonify, request
from marshmallow import Schema
from werkzeug.exceptions import HTTPException

from app.auth.services import user_for_token
from app.common.errors import BadRequest, Forbidden, ServiceError, Unauthorized
from app.extensions import csrf, db

api = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(api)

HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported",
              422: "invalid", 429: "throttled", 503: "unavailable"}
HTTP_MESSAGES = {
    400: "Permintaan tidak dapat dibaca.",
    404: "Alamat tidak ditemukan.",
    405: "Metode tidak diizinkan untuk alamat ini.",
    413: "Berkas atau permintaan terlalu besar.",
    415: "Jenis isi permintaan tidak didukung.",
}


@dataclass
class EndpointDoc:
    """What the OpenAPI document says of one operation."""

    rule: str
    method: str
    summary: str
    roles: tuple[str, ...] | None
    body: type[Schema] | None = None
    multipart: dict | None = None
    query: type[Schema] | None = None
    response: type[Schema] | dict | None = None
    many: bool = False
    status: int = 200
    errors: tuple[int, ...] = ()
    content_type: str = "application/json"
    extra_params: list = field(default_factory=list)
    # further content types of the success answer (a report asked for as a file), each with its schema
    other_content: dict = field(default_factory=dict)


ENDPOINTS: list[EndpointDoc] = []


def error_response(status: int, code: str, message: str, details: dict | None = None):
    """An error in the format of API.md."""
    response = jsonify({"error": {"code": code, "message": message, "details": details or {}}})
    response.status_code = status
    return response


@api.before_request
def _forget_previous_caller():
    """The caller is found per request: ``g`` outlives a request when an app context is shared."""
    g.pop("api_user", None)
    g.pop("api_token", None)


@api.errorhandler(ServiceError)
def _service_error(exc: ServiceError):
    # a refused request changes nothing: drop whatever the service had pending
    db.session.rollback()
    return error_response(exc.status, exc.code, exc.message, exc.details)


def http_error_as_json(exc: HTTPException):
    """Answer an HTTP error on an API path in the API's error format."""
    status = exc.code or 500
    return error_response(
        status, HTTP_CODES.get(status, "error"), HTTP_MESSAGES.get(status, exc.description or "")
    )


def current_api_user():
    """The user behind the request's bearer token, or None."""
    if "api_user" not in g:
        g.api_user, g.api_token = None, None
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            found = user_for_token(header[7:].strip())
            if found is None:
                raise Unauthorized("Token tidak sah atau kedaluwarsa.")
            g.api_user, g.api_token = found
        elif header:
            raise Unauthorized("Gunakan header Authorization: Bearer <token>.")
    return g.api_user


def json_body() -> dict:
    """The request's JSON object, or BadRequest."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # nested deeper than the parser goes
        data = None
    if not isinstance(data, dict):
        raise BadRequest("Badan permintaan harus berupa objek JSON.")
    return data


def endpoint(rule: str, method: str, summary: str, roles: tuple[str, ...] | None = None, **doc):
    """Declare an API operation; ``roles=None`` makes it public.

    The wrapped view receives the current user (or None) as its first argument.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            user = current_api_user()
            if roles is not None:
                if user is None:
                    raise Unauthorized("Masuk terlebih dahulu: kirim token Bearer.")
                if user.role not in roles:
                    raise Forbidden("Peran Anda tidak boleh melakukan ini.")
            return view(user, *args, **kwargs)

        endpoint_name = f"{view.__module__.split('.')[-2]}_{view.__name__}"
        api.add_url_rule(rule, endpoint_name, wrapper, methods=[method])
        ENDPOINTS.append(EndpointDoc(rule=rule, method=method, summary=summary, roles=roles, **doc))
        return wrapper

    return decorate


def list_response(items: list, meta: dict):
    """The list format of API.md."""
    return jsonify({"data": items, "meta": meta})
