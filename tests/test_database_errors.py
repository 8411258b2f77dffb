"""Database errors: a race the rules expect is 409, a database out of reach 503, anything else a logged 500.

A schema that does not match the code (a migration not run) is a bug of the
deployment, not an outage: it must not be reported as "database unavailable",
and its traceback must reach the log.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from app.common import dberrors
from app.extensions import db

from .api_helpers import assert_error


def _alter(statement: str) -> None:
    """Run DDL on a connection of its own; pooled connections that read the old schema are closed."""
    db.session.remove()
    db.engine.dispose()
    with db.engine.begin() as connection:
        connection.execute(text(statement))
    db.engine.dispose()


@contextmanager
def column_renamed(table: str, column: str, to: str):
    """The deployed code reads ``table.column``, but the database has it under another name."""
    _alter(f"ALTER TABLE {table} RENAME COLUMN {column} TO {to}")
    try:
        yield
    finally:
        _alter(f"ALTER TABLE {table} RENAME COLUMN {to} TO {column}")


@pytest.fixture
def admin(make, api_auth):
    make.skpd(code="DISPAR")
    return make.user("admin")


def _logged_traceback(caplog, words: str) -> bool:
    return any(r.levelno >= logging.ERROR and r.exc_info and words in caplog.text for r in caplog.records) \
        and "Traceback (most recent call last)" in caplog.text


def test_missing_column_is_a_logged_500_not_database_unavailable(client, admin, api_auth, caplog):
    headers = api_auth.headers(admin)
    with column_renamed("skpd", "name", "nama_lama"), caplog.at_level(logging.ERROR):
        answer = client.get("/api/v1/admin/skpd", headers=headers)
    error = assert_error(answer, 500, "internal")
    assert "dicatat" in error["message"] and "tidak dapat dihubungi" not in error["message"]
    assert _logged_traceback(caplog, "GET /api/v1/admin/skpd")
    assert "name" in caplog.text  # the driver's own words name the column
    assert client.get("/api/v1/admin/skpd", headers=headers).status_code == 200  # schema back: all well


def test_missing_column_on_a_page_is_the_indonesian_error_page(client, admin, auth, caplog):
    auth.login(admin)
    with column_renamed("skpd", "name", "nama_lama"), caplog.at_level(logging.ERROR):
        page = client.get("/admin/skpd")
    body = page.get_data(as_text=True)
    assert page.status_code == 500 and "Terjadi kesalahan" in body and "sudah dicatat" in body
    assert "tidak dapat dihubungi" not in body
    assert _logged_traceback(caplog, "GET /admin/skpd")


def test_driver_errors_are_told_apart(app):
    """Real errors of both drivers: a unique violation is a race, a refused connection an outage, a schema error neither."""
    with db.engine.connect() as connection:
        connection.execute(text("CREATE TEMPORARY TABLE probe (code VARCHAR(5) UNIQUE NOT NULL)"))
        connection.execute(text("INSERT INTO probe VALUES ('A')"))
        for statement, race in (("INSERT INTO probe VALUES ('A')", True),
                                ("INSERT INTO probe VALUES (NULL)", False),
                                ("SELECT missing FROM probe", False)):
            with pytest.raises(DBAPIError) as raised:
                with connection.begin_nested():
                    connection.execute(text(statement))
            assert (dberrors.is_race(raised.value), dberrors.is_unavailable(raised.value)) == (race, False), statement
        connection.rollback()

    refused = create_engine("postgresql+psycopg://postgres@127.0.0.1:1/elokal?connect_timeout=2")
    with pytest.raises(DBAPIError) as raised:
        refused.connect()
    refused.dispose()
    assert dberrors.is_unavailable(raised.value) and not dberrors.is_race(raised.value)
