"""Helpers shared by the JSON API tests: error checks, row counts, headers."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db


def assert_error(response, status: int, code: str | None = None, fields: tuple[str, ...] = ()) -> dict:
    """Check an answer is an error of API.md with this status; return its ``error`` object."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:500])
    assert response.is_json, response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], dict)
    if code is not None:
        assert error["code"] == code, error
    for name in fields:
        assert name in error["details"], (name, error["details"])
        messages = error["details"][name]
        assert messages, (name, error["details"])
    return error


def count(model) -> int:
    """Rows of a model, read fresh from the database."""
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def bearer(token: str) -> dict:
    """Authorization header of a bearer token."""
    return {"Authorization": f"Bearer {token}"}
