"""The OpenAPI 3 document, built from the declared endpoints and their marshmallow schemas."""
from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import jsonify

from .core import ENDPOINTS, api

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "details"],
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "details": {"type": "object"},
            },
        }
    },
}


def _path(rule: str) -> tuple[str, list[dict]]:
    params = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "integer" if conv == "int" else "string"}}
        for conv, name in _PARAM.findall(rule)
    ]
    return "/api/v1" + _PARAM.sub(r"{\2}", rule), params


def _response_schema(doc) -> dict | None:
    if doc.response is None:
        return None
    if isinstance(doc.response, dict):
        return doc.response
    item = doc.response
    if not doc.many:
        return item
    if doc.rule in _LISTS:
        return {"type": "object", "required": ["data", "meta"], "properties": {
            "data": {"type": "array", "items": item},
            "meta": {"type": "object", "properties": {
                "page": {"type": "integer"}, "per_page": {"type": "integer"}, "total": {"type": "integer"}}},
        }}
    return {"type": "array", "items": item}


_LISTS = {"/listings", "/orders"}


def _error_statuses(doc) -> list[int]:
    """The error statuses of an operation: those declared, and 400 wherever a JSON body is read
    (``json_body`` refuses a body that is not a JSON object)."""
    statuses = set(doc.errors)
    if doc.body is not None:
        statuses.add(400)
    return sorted(statuses)


def build_spec() -> dict:
    """Return the OpenAPI 3 document as a dict."""
    spec = APISpec(
        title="E-Lokal API", version="1.0.0", openapi_version="3.0.3", plugins=[MarshmallowPlugin()],
        info={"description": "Katalog elektronik lokal — API untuk sistem lain dan uji penerimaan."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", ERROR_SCHEMA)
    operations: dict[str, dict] = {}
    for doc in ENDPOINTS:
        path, params = _path(doc.rule)
        operation: dict = {"summary": doc.summary, "parameters": params + list(doc.extra_params), "responses": {}}
        if doc.query is not None:
            operation["parameters"].append({"in": "query", "schema": doc.query})
        if doc.roles is not None:
            operation["security"] = [{"bearer": []}]
            operation["description"] = "Peran: " + ", ".join(doc.roles)
        if doc.body is not None:
            operation["requestBody"] = {"required": True, "content": {
                "application/json": {"schema": doc.body}}}
        elif doc.multipart:
            operation["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "required": list(doc.multipart),
                "properties": {k: ({"type": "string", "format": "binary"} if v == "binary" else {"type": v})
                               for k, v in doc.multipart.items()}}}}}
        schema = _response_schema(doc)
        success: dict = {"description": "Berhasil"}
        if schema is not None:
            success["content"] = {doc.content_type: {"schema": schema}}
            success["content"].update({kind: {"schema": other} for kind, other in doc.other_content.items()})
        operation["responses"][str(doc.status)] = success
        for status in _error_statuses(doc):
            operation["responses"][str(status)] = {
                "description": "Galat", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        operations.setdefault(path, {})[doc.method.lower()] = operation
    for path, ops in operations.items():
        spec.path(path=path, operations=ops)
    return spec.to_dict()


@api.route("/openapi.json")
def openapi_document():
    """The OpenAPI 3 document of this API."""
    return jsonify(build_spec())
