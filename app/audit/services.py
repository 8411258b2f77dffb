"""Writing and verifying the audit chain."""
from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager

from sqlalchemy import event, insert, select, text

from app.common.timeutil import utcnow
from app.extensions import db

from .models import AuditEntry

GENESIS = "0" * 64
_PG_LOCK_KEY = 7_110_001
_NOTED = "elokal_audit_noted"
_CHAIN_LOCK = text("SELECT pg_advisory_xact_lock(:k)")
_LAST_HASH = select(AuditEntry.__table__.c.hash).order_by(AuditEntry.__table__.c.id.desc()).limit(1)
_COLUMNS = tuple(column.key for column in AuditEntry.__table__.columns if not column.primary_key)


def _digest(entry: AuditEntry) -> str:
    payload = json.dumps(
        [
            entry.prev_hash,
            entry.at.isoformat(timespec="microseconds"),
            entry.actor_id,
            entry.actor,
            entry.action,
            entry.object_type,
            entry.object_id,
            entry.data,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def record(actor, action: str, obj_type: str, obj_id, data: dict | None = None) -> None:
    """Note an entry for ``actor`` (a User or None for the system); it is written with the transaction.

    The entries of a transaction join the chain as its last statements, right
    before it commits (see ``_chain_noted``), so the chain's lock is held only for
    the commit itself; a transaction that rolls back leaves no entry.
    """
    db.session.info.setdefault(_NOTED, []).append(AuditEntry(
        at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor=getattr(actor, "username", None) or "sistem",
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        data=json.dumps(data or {}, ensure_ascii=False, sort_keys=True, default=str),
    ))


@contextmanager
def savepoint():
    """A nested transaction for work that may be refused: when the block raises, what it did is
    undone, the audit entries it noted included, and the exception goes on."""
    noted = db.session.info.setdefault(_NOTED, [])
    kept = len(noted)
    try:
        with db.session.begin_nested():
            yield
    except BaseException:
        del noted[kept:]
        raise


@event.listens_for(db.session, "before_commit")
def _chain_noted(session) -> None:
    """Chain the transaction's noted entries after the last one written.

    The chain is serialised: on PostgreSQL by a transaction-scoped advisory
    lock, on SQLite by the write lock every transaction takes at its start.
    """
    if session.in_nested_transaction() or not session.info.get(_NOTED):
        return
    entries = session.info.pop(_NOTED)
    session.flush()
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(_CHAIN_LOCK, {"k": _PG_LOCK_KEY})
    previous = connection.scalar(_LAST_HASH) or GENESIS
    rows = []
    for entry in entries:
        entry.prev_hash = previous
        entry.hash = previous = _digest(entry)
        rows.append({column: getattr(entry, column) for column in _COLUMNS})
    connection.execute(insert(AuditEntry.__table__), rows)


@event.listens_for(db.session, "after_transaction_end")
def _forget_noted(session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_NOTED, None)


def verify_chain() -> tuple[bool, int, int | None]:
    """Walk the chain; return (intact, rows checked, id of the first bad row)."""
    expected_prev = GENESIS
    count = 0
    rows = db.session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
    for entry in rows.yield_per(1000):
        count += 1
        if entry.prev_hash != expected_prev or _digest(entry) != entry.hash:
            return False, count, entry.id
        expected_prev = entry.hash
    return True, count, None
