"""The OpenAPI 3 document: valid, and it documents every route of the API."""
from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

PREFIX = "/api/v1"
_PARAM = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@pytest.fixture
def spec(client):
    response = client.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    assert response.is_json
    return response.get_json()


def api_operations(app) -> set[tuple[str, str]]:
    """(OpenAPI path, method) of every rule under /api/v1, but the document itself."""
    found = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/") or rule.rule == f"{PREFIX}/openapi.json":
            continue
        path = _PARAM.sub(r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            found.add((path, method.lower()))
    return found


def test_the_document_is_valid_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    validate(spec)


def documented(spec) -> set[tuple[str, str]]:
    return {(path, method) for path, ops in spec["paths"].items() for method in ops
            if method in ("get", "post", "put", "patch", "delete")}


def test_every_api_route_is_documented_with_its_method(app, spec):
    routes = api_operations(app)
    assert len(routes) > 20  # the check is worth something only if it sees the API
    missing = routes - documented(spec)
    assert not missing, f"undocumented: {sorted(missing)}"
    phantom = documented(spec) - routes
    assert not phantom, f"documented but not routed: {sorted(phantom)}"


def test_a_route_added_without_documenting_it_is_caught(app):
    """The same comparison on an app with one extra, undeclared API route finds exactly that route."""
    from app import create_app

    other = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                       UPLOAD_DIR=app.config["UPLOAD_DIR"])
    other.add_url_rule(f"{PREFIX}/listings/<int:listing_id>/clone", "undeclared", lambda listing_id: "",
                       methods=["POST"])
    spec = other.test_client().get(f"{PREFIX}/openapi.json").get_json()
    assert api_operations(other) - documented(spec) == {(f"{PREFIX}/listings/{{listing_id}}/clone", "post")}


def test_api_md_paths_are_in_the_document(spec):
    expected = {
        ("/auth/tokens", "post"), ("/auth/tokens/current", "delete"), ("/etalase", "get"),
        ("/listings", "get"), ("/listings", "post"), ("/listings/{listing_id}", "get"),
        ("/listings/{listing_id}", "patch"), ("/listings/{listing_id}/availability", "get"),
        ("/listings/{listing_id}/submit", "post"), ("/listings/{listing_id}/approve", "post"),
        ("/listings/{listing_id}/freeze", "post"), ("/suppliers", "post"),
        ("/suppliers/{supplier_id}", "get"), ("/suppliers/{supplier_id}/documents", "post"),
        ("/suppliers/{supplier_id}/verify", "post"), ("/suppliers/{supplier_id}/reject", "post"),
        ("/suppliers/{supplier_id}/suspend", "post"), ("/admin/skpd", "post"), ("/admin/skpd", "get"),
        ("/admin/users", "post"), ("/admin/budget-lines", "post"), ("/admin/categories", "post"),
        ("/budget-lines", "get"),
    }
    documented = {(path[len(PREFIX):], method) for path, ops in spec["paths"].items() for method in ops}
    assert expected <= documented, sorted(expected - documented)


def test_protected_operations_declare_bearer_security_and_public_ones_do_not(spec):
    assert spec["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    ops = spec["paths"]
    assert ops[f"{PREFIX}/admin/skpd"]["post"]["security"] == [{"bearer": []}]
    assert ops[f"{PREFIX}/budget-lines"]["get"]["security"] == [{"bearer": []}]
    assert "security" not in ops[f"{PREFIX}/etalase"]["get"]
    assert "security" not in ops[f"{PREFIX}/suppliers"]["post"]
    assert "security" not in ops[f"{PREFIX}/auth/tokens"]["post"]


def test_operations_document_their_success_status_and_errors(spec):
    ops = spec["paths"]
    assert "201" in ops[f"{PREFIX}/auth/tokens"]["post"]["responses"]
    assert "429" in ops[f"{PREFIX}/auth/tokens"]["post"]["responses"]
    assert "204" in ops[f"{PREFIX}/auth/tokens/current"]["delete"]["responses"]
    assert "201" in ops[f"{PREFIX}/suppliers"]["post"]["responses"]
    assert "409" in ops[f"{PREFIX}/suppliers/{{supplier_id}}/verify"]["post"]["responses"]
    error = ops[f"{PREFIX}/suppliers"]["post"]["responses"]["422"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}
    assert spec["components"]["schemas"]["Error"]["properties"]["error"]["required"] == ["code", "message", "details"]
    upload = ops[f"{PREFIX}/suppliers/{{supplier_id}}/documents"]["post"]["requestBody"]["content"]
    assert set(upload["multipart/form-data"]["schema"]["properties"]) == {"kind", "file"}


def test_path_parameters_are_declared(spec):
    for path, ops in spec["paths"].items():
        names = set(re.findall(r"{(\w+)}", path))
        for method, op in ops.items():
            if method == "parameters":
                continue
            declared = {p["name"] for p in op.get("parameters", []) if p.get("in") == "path"}
            assert declared == names, (path, method, declared)


def test_search_query_parameters_are_documented(spec):
    params = {p["name"] for p in spec["paths"][f"{PREFIX}/listings"]["get"]["parameters"] if p["in"] == "query"}
    assert {"q", "etalase", "category", "kecamatan", "supplier", "min_price", "max_price", "scale",
            "available_from", "available_to", "sort", "page", "per_page"} <= params
