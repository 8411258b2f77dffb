"""Data versions and the caches validated by them.

A version is a random number a kind of data ("catalog", "transactions") takes
anew with every flush that changes it: the transaction sees it at once and
writes it to ``data_versions`` as its last statement before committing. A cached
value is used only while the version it was computed at is still current, so
every app process answers exactly what the database would. Versions are never
reused: a database restored from a backup names again exactly the state it
was taken at.

Each process keeps its recent values in a bounded dictionary; with ``CACHE_URL``
(a Redis URL) they are also shared by all app processes. Either way the cache holds
nothing the database does not. Keys also name the release (a digest of the code
and templates), so an upgraded app never reads what an older one rendered.
"""
from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import redis
from flask import current_app
from sqlalchemy import BigInteger, String, bindparam, event, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

MAX_ENTRIES = 2048
MAX_BUILT = 16
REDIS_TTL_SECONDS = 24 * 3600
_watched: dict[str, tuple[type, ...]] = {}
_revised: dict[type, Callable[[object], object]] = {}
_clients: dict[str, redis.Redis] = {}


class _Recent:
    """A bounded, thread-safe mapping of this process that forgets its least recently used entries."""

    def __init__(self, size: int):
        self._items: OrderedDict = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key):
        """The value of ``key``, or None."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key, value) -> None:
        """Keep ``value`` for ``key``, forgetting the oldest entries beyond the size."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()


_entries = _Recent(MAX_ENTRIES)
_built = _Recent(MAX_BUILT)


class DataVersion(db.Model):
    """The current version of one kind of data."""

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


_PENDING = "elokal_versions_pending"
_COMMITTED = select(DataVersion.__table__.c.version).where(DataVersion.__table__.c.name == bindparam("kind"))
_BUMP = (update(DataVersion.__table__).where(DataVersion.__table__.c.name == bindparam("kind"))
         .values(version=bindparam("new_version")))


def current(name: str) -> int:
    """The version of ``name`` this transaction sees (0 before its first change)."""
    committed = db.session.connection().scalar(_COMMITTED, {"kind": name}) or 0
    return seen(name, committed)


def seen(name: str, committed: int) -> int:
    """The version this transaction sees, given the ``committed`` one read from the database.

    A transaction that changed ``name`` sees the version it will commit, so what it
    computes is never cached under the version other processes still see.
    """
    return db.session.info.get(_PENDING, {}).get(name, committed)


def bump(session, name: str, version: int | None = None) -> None:
    """Set ``name`` to ``version`` (a new random one by default) in the session's transaction."""
    version = secrets.randbits(62) if version is None else version
    result = session.connection().execute(_BUMP, {"kind": name, "new_version": version})
    if result.rowcount == 0:
        session.add(DataVersion(name=name, version=version))


def watch(name: str, classes: tuple[type, ...]) -> None:
    """Give ``name`` a new version whenever a flush adds, changes or removes an object of ``classes``."""
    _watched[name] = classes


def revise(cls: type, owner: Callable[[object], object] = lambda obj: obj) -> None:
    """Give ``owner(obj)`` a new random ``revision`` whenever a flush adds, changes or removes an ``obj`` of ``cls``.

    A revision names one object's state, as a version names a kind of data's: a value
    cached under it serves until that object changes, whatever happens to the others.
    """
    _revised[cls] = owner


@event.listens_for(db.session, "before_flush")
def _new_versions(session, _context, _instances):
    changed = [obj for group in (session.new, session.dirty, session.deleted) for obj in group
               if not isinstance(obj, DataVersion) and (obj not in session.dirty or session.is_modified(obj))]
    for name, classes in _watched.items():
        if any(isinstance(obj, classes) for obj in changed):
            session.info.setdefault(_PENDING, {})[name] = secrets.randbits(62)
    for obj in changed:
        owner = _revised.get(type(obj))
        revised = owner(obj) if owner else None
        if revised is not None and revised not in session.deleted:
            revised.revision = secrets.randbits(62)


@event.listens_for(db.session, "before_commit")
def _write_versions(session):
    """Write the new versions as the transaction's last statements.

    A version row is one row for every writer: written right before the commit,
    its lock is held, and writers wait for each other, only for the commit itself.
    """
    if session.in_nested_transaction():
        return
    session.flush()
    for name, version in sorted(session.info.pop(_PENDING, {}).items()):
        bump(session, name, version)


@event.listens_for(db.session, "after_transaction_end")
def _forget_versions(session, transaction):
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _shared() -> redis.Redis | None:
    url = current_app.config.get("CACHE_URL")
    if not url:
        return None
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return _clients[url]


def release_of(*folders: Path) -> str:
    """A digest of the code and templates under ``folders``: cached values are kept per release, so the shared
    cache never gives an upgraded app a page or figures an older release rendered."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".html") and path.is_file():
                digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _key(name: str, key, version: int) -> str:
    release = current_app.config["CACHE_RELEASE"]
    return f"elokal:{release}:{name}:{version}:{json.dumps(key, sort_keys=True, default=str)}"


def lookup(name: str, key, version: int):
    """The value cached for ``key`` at ``version`` of ``name``, or None.

    This process's recent values are asked first, then the shared cache (whose
    answer is kept here too): a key names one state of the data, so a value
    found under it is never stale, wherever it was kept.
    """
    full = _key(name, key, version)
    found = _entries.get(full)
    shared = _shared()
    if found is None and shared is not None:
        try:
            raw = shared.get(full)
        except redis.RedisError:
            return None
        if raw is not None:
            found = json.loads(raw)
            _entries.put(full, found)
    return found


def store(name: str, key, version: int, value) -> None:
    """Remember ``value`` (JSON-serialisable) for ``key`` at ``version`` of ``name``, here and in the shared cache.

    Only while ``version`` is still the current one: a value computed by several
    statements while another transaction committed a change may mix both states,
    and is not kept.
    """
    if not _still_current(name, version):
        return
    full = _key(name, key, version)
    _entries.put(full, value)
    shared = _shared()
    if shared is not None:
        try:
            shared.set(full, json.dumps(value), ex=REDIS_TTL_SECONDS)
        except redis.RedisError:
            pass


def _still_current(name: str, version: int) -> bool:
    return current(name) == version


def cached(name: str, key, compute, version: int | None = None):
    """``compute()``'s value for ``key``, from the cache while ``name``'s version has not moved."""
    version = current(name) if version is None else version
    value = lookup(name, key, version)
    if value is None:
        value = compute()
        store(name, key, version, value)
    return value


def kept(name: str, key, version: int, build):
    """``build()``'s value for ``key`` at ``version`` of ``name``, kept as built by this process (the last
    ``MAX_BUILT`` only): for values too large to rebuild from the cache on every request. The value is
    shared, never to be changed; one built while the version moved is not kept."""
    full = (name, version, key)
    found = _built.get(full)
    if found is None:
        found = build()
        if _still_current(name, version):
            _built.put(full, found)
    return found


def forget_here() -> None:
    """Forget this process's cached values, as a newly started process has none; the shared cache keeps its own."""
    _entries.clear()
    _built.clear()


def clear() -> None:
    """Forget every cached value of this process (and of the shared cache, if any)."""
    forget_here()
    shared = _shared()
    if shared is not None:
        for full in shared.scan_iter("elokal:*"):
            shared.delete(full)
