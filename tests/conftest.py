"""Fixtures: a real database (SQLite file, or PostgreSQL from ELOKAL_TEST_DB_URL), app, client, auth, factories.

The schema is built once per run with the Alembic migrations, as production
does; each test then starts from empty tables with the storefronts the
migrations load.
"""
from __future__ import annotations

import os
from datetime import datetime

import pytest
import time_machine
from flask_migrate import upgrade
from sqlalchemy import create_engine, delete, insert, select, text

from app import create_app
from app.common import versions
from app.extensions import db

from .factories import Factory

TEST_DB_URL = os.environ.get("ELOKAL_TEST_DB_URL", "")
SEEDED_TABLES = ("etalase", "categories", "data_versions", "cuti_bersama")

# The instant every test starts at (the clock then runs on). `make test` runs the PostgreSQL pass
# from 23:59 WIB on 31 December, a minute before the fiscal year ends.
TEST_NOW = datetime.fromisoformat(os.environ.get("ELOKAL_TEST_NOW", "2026-06-10T10:00:00+07:00"))
_session_clock = time_machine.travel(TEST_NOW, tick=True)
_session_clock.start()  # before the test modules are imported: their constants (TODAY …) see the test's day


@pytest.fixture(scope="module", autouse=True)
def _module_clock():
    """Module-scoped data (a shared world of users and orders) is made at ``TEST_NOW`` too."""
    with time_machine.travel(TEST_NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def clock(request, _module_clock):
    """The app's clock, set back to ``TEST_NOW`` for every test; ``clock.move_to(…)`` moves it.

    Tests of a module marked ``one_clock`` share logins made by earlier tests (signed with the
    time they were made): they keep the module's clock, which never runs backwards.
    """
    if request.node.get_closest_marker("one_clock"):
        yield _module_clock
        return
    with time_machine.travel(TEST_NOW, tick=True) as traveller:
        yield traveller


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """PostgreSQL when ELOKAL_TEST_DB_URL is set (must be reachable), else a SQLite file."""
    if TEST_DB_URL:
        _reset_postgres(TEST_DB_URL)
        return TEST_DB_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        UPLOAD_DIR=str(tmp_path_factory.mktemp("uploads")),
    )
    with app.app_context():
        upgrade()
        seeded = {
            table: [dict(row._mapping) for row in db.session.execute(select(db.metadata.tables[table]))]
            for table in SEEDED_TABLES
        }
        db.session.remove()
    app.config["SEEDED_ROWS"] = seeded
    return app


@pytest.fixture
def app(_app):
    """The app, with empty tables but for the storefronts and default categories."""
    with _app.app_context():
        _empty_tables(_app.config["SEEDED_ROWS"])
        versions.clear()
        yield _app
        db.session.remove()


def _empty_tables(seeded: dict) -> None:
    tables = [t for t in db.metadata.sorted_tables if t.name != "alembic_version"]
    for table in reversed(tables):
        db.session.execute(delete(table))
    for name in SEEDED_TABLES:
        db.session.execute(insert(db.metadata.tables[name]), seeded[name])
    if db.engine.dialect.name == "postgresql":
        restarts = ", ".join(
            f"setval(pg_get_serial_sequence('{t.name}', 'id'), coalesce((SELECT max(id) FROM {t.name}), 0) + 1, false)"
            for t in tables if "id" in t.c and t.c.id.autoincrement in (True, "auto") and t.name != "etalase")
        db.session.execute(text(f"SELECT {restarts}"))
    db.session.commit()


@pytest.fixture
def client(app):
    """A test client of the pages and the API."""
    return app.test_client()


@pytest.fixture
def make(app):
    """Factories for test data (committed, so other connections see them)."""
    return Factory()


class ApiAuth:
    """Log in through the API and build headers."""

    def __init__(self, client):
        self.client = client

    def token(self, username: str, password: str = "rahasia123") -> str:
        response = self.client.post("/api/v1/auth/tokens", json={"username": username, "password": password})
        assert response.status_code == 201, response.get_json()
        return response.get_json()["token"]

    def headers(self, user_or_name, password: str = "rahasia123") -> dict:
        name = getattr(user_or_name, "username", user_or_name)
        return {"Authorization": f"Bearer {self.token(name, password)}"}


@pytest.fixture
def api_auth(client):
    """Bearer tokens for users."""
    return ApiAuth(client)


class WebAuth:
    """Log in and out through the pages."""

    def __init__(self, client):
        self.client = client

    def login(self, user_or_name, password: str = "rahasia123"):
        name = getattr(user_or_name, "username", user_or_name)
        return self.client.post("/masuk", data={"username": name, "password": password})

    def logout(self):
        return self.client.post("/keluar")


@pytest.fixture
def auth(client):
    """Web logins."""
    return WebAuth(client)
