"""``INSERT … ON CONFLICT``, which PostgreSQL and SQLite write alike but SQLAlchemy builds per dialect."""
from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db


def insert_for(dialect: str):
    """The ``insert()`` of ``dialect`` (``"postgresql"`` or ``"sqlite"``), the one with ``on_conflict_do_…``."""
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def upsert(table):
    """An ``insert()`` of ``table`` (a model or a Table) with ``on_conflict_do_…``, for the session's database."""
    return insert_for(db.session.get_bind().dialect.name)(table)
