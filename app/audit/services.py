"""Writing and verifying the audit chain."""
from __future__ import annotations

import hashlib
import json

from sqlalchemy import select, text

from app.common.timeutil import utcnow
from app.extensions import db

from .models import AuditEntry

GENESIS = "0" * 64
_PG_LOCK_KEY = 7_110_001


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


def record(actor, action: str, obj_type: str, obj_id, data: dict | None = None) -> AuditEntry:
    """Append an entry for ``actor`` (a User or None for the system) in the current transaction.

    The chain is serialised: on PostgreSQL by a transaction-scoped advisory
    lock, on SQLite by the write lock every transaction takes at its start.
    """
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
    last = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor=getattr(actor, "username", None) or "sistem",
        action=action,
        object_type=obj_type,
        object_id=str(obj_id),
        data=json.dumps(data or {}, ensure_ascii=False, sort_keys=True, default=str),
        prev_hash=last or GENESIS,
    )
    entry.hash = _digest(entry)
    session.add(entry)
    session.flush()
    return entry


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
