"""What a database error means for the answer.

Two kinds are expected and get their own answer: a constraint the rules rely on
under races (a unique, check or foreign-key violation: 409, nothing was saved), and
the database out of reach (the connection refused, lost or terminated, or SQLite's
write lock not free within the busy timeout: 503, try again). Anything else (a
missing table or column, a NOT NULL violation, a syntax error) is a bug: a 500,
logged with its traceback.

PostgreSQL names its errors by SQLSTATE (``psycopg``'s ``sqlstate``); SQLite by its
extended result code (``sqlite3``'s ``sqlite_errorname``).
"""
from __future__ import annotations

import psycopg
from sqlalchemy.exc import DBAPIError

RACE_SQLSTATES = frozenset({"23505", "23514", "23503"})  # unique, check, foreign key
RACE_SQLITE = frozenset({"SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY",
                         "SQLITE_CONSTRAINT_CHECK", "SQLITE_CONSTRAINT_FOREIGNKEY"})
# connection exceptions (class 08), the server shutting down, crashed, starting or full
UNAVAILABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300"})
UNAVAILABLE_SQLITE = ("SQLITE_BUSY", "SQLITE_CANTOPEN", "SQLITE_FULL", "SQLITE_IOERR")  # and their extended codes


def _sqlstate(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlstate", None)


def _sqlite_name(exc: DBAPIError) -> str | None:
    return getattr(exc.orig, "sqlite_errorname", None)


def is_race(exc: DBAPIError) -> bool:
    """Whether ``exc`` is a unique, check or foreign-key violation: another request got there first."""
    return _sqlstate(exc) in RACE_SQLSTATES or _sqlite_name(exc) in RACE_SQLITE


def is_unavailable(exc: DBAPIError) -> bool:
    """Whether ``exc`` says the database is out of reach for now (not that the request or the code is wrong).

    A connection SQLAlchemy found broken, a psycopg error raised by the client library
    itself (no SQLSTATE: refused, closed, timed out), a connection exception or shutdown
    reported by the server, or SQLite busy, unopenable or out of space.
    """
    if exc.connection_invalidated:
        return True
    sqlstate = _sqlstate(exc)
    if sqlstate is not None:
        return sqlstate.startswith("08") or sqlstate in UNAVAILABLE_SQLSTATES
    name = _sqlite_name(exc)
    if name is not None:
        return name.startswith(UNAVAILABLE_SQLITE)
    return isinstance(exc.orig, psycopg.OperationalError)
