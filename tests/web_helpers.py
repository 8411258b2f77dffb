"""Helpers shared by the page tests: form bodies, messages shown on a page, page URLs of a blueprint."""
from __future__ import annotations

import html
import io
import re

from flask import url_for
from werkzeug.routing.converters import AnyConverter

from app.extensions import db

from .factories import MINIMAL_PDF, png_bytes, supplier_payload

_FIELD = re.compile(r'<div class="field[^"]*">(.*?)</div>', re.S)
_ERROR = re.compile(r'<p class="error"[^>]*>(.*?)</p>', re.S)
_ALERT = re.compile(r'<(div|p) class="flash[^"]*"[^>]*>(.*?)</\1>', re.S)


def field_errors(page: str, name: str) -> list[str]:
    """The messages shown next to the form field whose name or id is ``name``."""
    found = []
    for block in _FIELD.findall(page):
        if re.search(rf'\b(name|id)="{re.escape(name)}"', block):
            found += [html.unescape(m).strip() for m in _ERROR.findall(block)]
    return found


def alerts(page: str) -> list[str]:
    """Flashed messages and messages shown above forms."""
    return [html.unescape(re.sub(r"<[^>]+>", "", m[1])).strip() for m in _ALERT.findall(page)]


def _business_fields(payload: dict) -> dict:
    data = {k: v for k, v in payload.items()
            if not isinstance(v, (bool, list)) and k not in ("username", "password")}
    data["kbli"] = ", ".join(payload["kbli"])
    data.update({flag: "y" for flag in ("is_pkp", "has_pp55") if payload[flag]})
    return data


def profile_form(**overrides) -> dict:
    """The business fields of the registration and profile forms, valid unless overridden."""
    return _business_fields(supplier_payload(**overrides))


def registration_form(**overrides) -> dict:
    """A valid registration (business, account, a real PDF and a real PNG scan) unless overridden."""
    files = {
        "nib_document": (io.BytesIO(MINIMAL_PDF), "nib.pdf"),
        "npwp_document": (io.BytesIO(png_bytes()), "npwp.png"),
    }
    files.update({k: overrides.pop(k) for k in list(overrides) if k in files})
    payload = supplier_payload(**overrides)
    return {**_business_fields(payload), "username": payload["username"], "password": payload["password"], **files}


def reload(obj):
    """The object as the database holds it now (pages commit in their own sessions)."""
    db.session.expire_all()
    return db.session.get(type(obj), obj.id)


def blueprint_pages(app, blueprint: str, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(method, url) of every route of a blueprint, filled with id 1 and the first choice of each ``any()``."""
    pages = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith(f"{blueprint}.") or rule.endpoint in skip:
                continue
            values = {}
            for arg in rule.arguments:
                converter = rule._converters[arg]
                if isinstance(converter, AnyConverter):
                    values[arg] = sorted(converter.items)[0]
                else:
                    values[arg] = "produk-unggulan" if arg == "etalase_code" else 1
            url = url_for(rule.endpoint, **values)
            pages += [(method, url) for method in ("GET", "POST") if method in rule.methods]
    return pages
