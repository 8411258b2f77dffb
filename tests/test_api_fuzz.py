"""Schemathesis against ``/api/v1/openapi.json``, in-process through WSGI.

Every operation of the OpenAPI document gets generated requests — valid ones and, in
the coverage phase, boundary and invalid ones — with a bounded number of examples and a
fixed seed. Each request is sent with the bearer token of a role the operation allows
(rotating between them; public operations alternate between a visitor and a user), and
path ids point half the time at real objects of the world (an order in the status the
action needs), so that requests get past the 404 and reach the rules.

Every answer must: not be a 5xx, have a documented status code, the documented content
type, and a body matching the documented schema.
"""
from __future__ import annotations

import itertools
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.core import ENDPOINTS
from app.common import versions
from app.extensions import db
from app.procurement.actions import MANUAL

from .conftest import _empty_tables
from .trust_world import ANON, World

# the module's tests share one world and its logins; the last one reads what the others saw
pytestmark = [pytest.mark.one_clock, pytest.mark.one_worker]

MAX_EXAMPLES = 25
SEED = 20260105
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
PUBLIC_CALLERS = (ANON, "admin", "supplier")
ACTION_STATUS = {name: action.sources[0] for name, action in MANUAL.items()}  # an order each action can take
_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


def _roles_by_operation() -> dict[tuple[str, str], tuple[str, ...]]:
    """(OpenAPI path, method) → the callers to rotate through."""
    found = {}
    for doc in ENDPOINTS:
        path = "/api/v1" + _PARAM.sub(r"{\1}", doc.rule)
        found[(path, doc.method.upper())] = tuple(doc.roles) if doc.roles else PUBLIC_CALLERS
    return found


@pytest.fixture(scope="module")
def fuzz_world(_app):
    with _app.app_context():
        _empty_tables(_app.config["SEEDED_ROWS"])
        versions.clear()
        world = World(_app)
        world.quick = True
        for status in ("menunggu_penyedia", "diproses", "diterima"):
            world.order(status, fresh=False)
        world.listing("submitted", fresh=False)
        db.session.commit()
        db.session.remove()
    world.counters = {}
    return world


def _document() -> dict:
    """The OpenAPI document as the app serves it (it depends on the code only, not on the database)."""
    from app import create_app

    return create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite://").test_client().get("/api/v1/openapi.json").get_json()


SPEC = _document()
schema = schemathesis.openapi.from_dict(SPEC, config=SchemathesisConfig.from_dict({
    "seed": SEED,
    "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
    "phases": {"stateful": {"enabled": False}},
}))
SEEN: dict[tuple[str, str], list[int]] = {}
ROLES = _roles_by_operation()  # after the app above has declared every endpoint


def _anchor(body: dict, world: World) -> None:
    """Point the ids a generated body names at real objects, so the rest of the body reaches the rules."""
    anchors = {"budget_line_id": world.line_id, "listing_id": world.goods_id, "skpd_id": world.skpd_id,
               "category_id": world.goods_category_id}
    for name, value in anchors.items():
        if name in body:
            body[name] = value
    lines = body.get("lines")
    if isinstance(lines, list):
        for line in lines:
            if isinstance(line, dict) and "listing_id" in line:
                line["listing_id"] = world.goods_id


def _real_id(world: World, name: str, path: str) -> int | None:
    """A real object for a path id, in the state the operation needs."""
    if name == "order_id":
        action = path.rsplit("/", 1)[-1]
        if action in ACTION_STATUS:
            return world.order(ACTION_STATUS[action], fresh=True)
        return world.order("diproses", fresh=False)
    if name == "listing_id":
        if path.endswith("/approve") or path.endswith("/return"):
            return world.listing("submitted", fresh=True)
        if path.endswith("/submit"):
            return world.listing("draft", fresh=True)
        return world.goods_id
    if name == "supplier_id":
        if path.endswith("/verify") or path.endswith("/reject"):
            return world.supplier_row("pending", fresh=True)
        if path.endswith("/suspend"):
            return world.supplier_row("verified", fresh=True)
        if path.endswith("/reinstate"):
            return world.supplier_row("suspended", fresh=True)
        return world.supplier_id
    return None


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, fuzz_world):
    key = (case.path, case.method.upper())
    index = next(fuzz_world.counters.setdefault(key, itertools.count()))
    callers = ROLES.get(key) or next(roles for (path, _m), roles in ROLES.items() if path == case.path)
    caller = callers[index % len(callers)]
    if case.path_parameters and index % 2 == 0:
        with fuzz_world.app.app_context():
            fuzz_world.repair()
            for name in list(case.path_parameters):
                real = _real_id(fuzz_world, name, case.path)
                if real is not None:
                    case.path_parameters[name] = real
            if "kind" in case.path_parameters:
                case.path_parameters["kind"] = "surat-pesanan"
            db.session.commit()
            db.session.remove()
    if index % 2 == 0 and isinstance(case.body, dict):
        _anchor(case.body, fuzz_world)
    revoking = key == ("/api/v1/auth/tokens/current", "DELETE")  # would revoke the token the others use
    headers = {} if caller == ANON else {"Authorization": f"Bearer {fuzz_world.token(caller, fresh=revoking)}"}
    response = case.call_and_validate(headers=headers, checks=CHECKS, app=fuzz_world.app)
    SEEN.setdefault(key, []).append(response.status_code)



def test_the_fuzzing_got_past_the_guards():
    """The run above is worth something only if its requests reached the rules, not just 401 and 404."""
    if not SEEN:
        pytest.skip("the fuzzing test did not run in this session")
    documented = set(ROLES)
    counts = {key: codes for key, codes in SEEN.items() if key in documented}
    assert set(counts) == documented, sorted(documented - set(counts))
    def has_inputs(path, method):
        operation = SPEC["paths"][path][method.lower()]
        return bool(operation.get("parameters") or operation.get("requestBody"))

    thin = sorted(key for key, codes in counts.items() if len(codes) < MAX_EXAMPLES // 2 and has_inputs(*key))
    assert not thin, f"operations tried fewer than {MAX_EXAMPLES // 2} times: {thin}"
    succeeded = {key for key, codes in counts.items() if any(200 <= code < 300 for code in codes)}
    assert len(succeeded) >= 0.8 * len(documented), sorted(documented - succeeded)
