"""Fixtures: a real database (SQLite file, or PostgreSQL from ELOKAL_TEST_DB_URL), app, client, auth, factories.

The schema is built once per run with the Alembic migrations, as production
does; each test then starts from empty tables with the storefronts the
migrations load.

Under pytest-xdist (``-n 2 --dist loadgroup``) each worker has its own SQLite file
and its own PostgreSQL database (``<name>_gw0``, ``<name>_gw1`` …, created when
missing); the tests that use Redis (the ``redis_url`` fixture) all run on one worker.
"""
from __future__ import annotations

import os
from collections import Counter
from datetime import datetime

import pytest
import redis
import time_machine
from flask_migrate import upgrade
from sqlalchemy import create_engine, delete, event, insert, make_url, select, text

from app import create_app
from app import models as _every_model  # noqa: F401  (all mappers known before a statement is built)
from app.auth.models import User
from app.auth.services import issue_token
from app.common import versions
from app.extensions import db

from .factories import PASSWORD, Factory

TEST_DB_URL = os.environ.get("ELOKAL_TEST_DB_URL", "")
TEST_REDIS_URL = os.environ.get("ELOKAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1 … under pytest-xdist
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
SEEDED_TABLES = ("etalase", "categories", "data_versions", "cuti_bersama")

# The instant every test starts at (the clock then runs on). `make test` runs the PostgreSQL pass
# from 23:59 WIB on 31 December, a minute before the fiscal year ends.
TEST_NOW = datetime.fromisoformat(os.environ.get("ELOKAL_TEST_NOW", "2026-06-10T10:00:00+07:00"))
_session_clock = time_machine.travel(TEST_NOW, tick=True)
_session_clock.start()  # before the test modules are imported: their constants (TODAY …) see the test's day


@pytest.fixture(scope="module", autouse=True)
def _module_clock(request):
    """Module-scoped data (a shared world of users and orders) is made at ``TEST_NOW`` too.

    A module marked ``one_clock`` runs on it throughout, so it stands still there: however long
    the module takes on a loaded machine, it never crosses midnight (or the year) from 23:59.
    """
    ticking = request.node.get_closest_marker("one_clock") is None
    with time_machine.travel(TEST_NOW, tick=ticking) as traveller:
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


def _worker_database(url: str) -> str:
    """This worker's own PostgreSQL database, next to the one named (created if missing); the named one alone."""
    if not WORKER:
        return url
    named = make_url(url)
    own = named.set(database=f"{named.database}_{WORKER}")
    server = create_engine(named.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": own.database}):
            conn.execute(text(f'CREATE DATABASE "{own.database}"'))
    server.dispose()
    return own.render_as_string(hide_password=False)


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
        url = _worker_database(TEST_DB_URL)
        _reset_postgres(url)
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        UPLOAD_DIR=str(tmp_path_factory.mktemp("uploads")),
    )
    with app.app_context():
        _no_fsync(db.engine)
        upgrade()
        seeded = {
            table: [dict(row._mapping) for row in db.session.execute(select(db.metadata.tables[table]))]
            for table in SEEDED_TABLES
        }
        db.session.remove()
    app.config["SEEDED_ROWS"] = seeded
    return app


def _no_fsync(engine) -> None:
    """SQLite in tests only: commits are not flushed to the disk (a lost test database is rebuilt anyway)."""
    if engine.dialect.name != "sqlite":
        return
    event.listen(engine, "connect", lambda dbapi_connection, _record: dbapi_connection.execute(
        "PRAGMA synchronous=OFF"))
    engine.dispose()


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
def redis_url():
    """The Redis of the shared-cache tests (``ELOKAL_TEST_REDIS_URL``; they empty its ``elokal:*`` keys).

    Skipped when Redis is not reachable on a workstation; under CI (``CI=true``) that fails instead.
    """
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_timeout=2, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        reason = f"Redis is not reachable at {TEST_REDIS_URL} ({exc})"
        if IN_CI:
            pytest.fail(f"{reason}: CI=true, the Redis tests cannot be skipped", pytrace=False)
        pytest.skip(reason)
    return TEST_REDIS_URL


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items):
    """Tests that share a resource run on one pytest-xdist worker (``--dist loadgroup``).

    Those that use Redis (they empty its keys), and the tests of a module marked ``one_worker``
    (its tests read what the module's earlier tests left in the process). Schemathesis gives all
    its cases one node id: each gets its own (its name, ``…[GET /api/v1/…]``), as xdist needs.
    """
    repeated = Counter(item.nodeid for item in items)
    for item in items:
        if repeated[item.nodeid] > 1:
            item._nodeid = f"{item.nodeid.rpartition('::')[0]}::{item.name}"
    for item in items:
        if "redis_url" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("redis"))
        elif item.get_closest_marker("one_worker"):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


@pytest.fixture
def client(app):
    """A test client of the pages and the API."""
    return app.test_client()


@pytest.fixture
def make(app):
    """Factories for test data (committed, so other connections see them)."""
    return Factory()


class ApiAuth:
    """Bearer tokens for users: issued as a login issues them, the password checked, without a request each time.

    Logging in through ``POST /api/v1/auth/tokens`` is tested by test_api_auth.py and the demo logins.
    """

    def token(self, username: str, password: str = PASSWORD) -> str:
        user = db.session.scalar(select(User).where(User.username == username))
        assert user is not None and user.active and user.check_password(password), f"{username} cannot log in"
        plain, _ = issue_token(user)
        db.session.commit()
        return plain

    def headers(self, user_or_name, password: str = PASSWORD) -> dict:
        name = getattr(user_or_name, "username", user_or_name)
        return {"Authorization": f"Bearer {self.token(name, password)}"}


@pytest.fixture
def api_auth(app):
    """Bearer tokens for users."""
    return ApiAuth()


class WebAuth:
    """Log in and out through the pages."""

    def __init__(self, client):
        self.client = client

    def login(self, user_or_name, password: str = PASSWORD):
        name = getattr(user_or_name, "username", user_or_name)
        return self.client.post("/masuk", data={"username": name, "password": password})

    def logout(self):
        return self.client.post("/keluar")


@pytest.fixture
def auth(client):
    """Web logins."""
    return WebAuth(client)
