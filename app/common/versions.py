"""Data versions and the caches validated by them.

A version is a random number a kind of data ("catalog", "transactions") takes
anew with every transaction that writes a table (or a column) it watches. Writes
are seen where every statement passes, on the connection: the ORM's flushes and
Core ``INSERT``/``UPDATE``/``DELETE`` statements alike (stock, capacity and budget
are written with guarded Core updates). The transaction sees its new versions at
once and writes them to ``data_versions`` as its last statements, in the
connection's commit. A cached value is used only while the version it was
computed at is still current, so every app process answers exactly what the
database would. Versions are never reused: a database restored from a backup
names again exactly the state it was taken at.

The caches are dogpile.cache regions. Each process keeps its recent values in
a bounded dictionary (least recently used first out); with ``CACHE_URL`` (a
Redis URL) they are also shared by all app processes, for 24 hours. One request
at a time computes a missing value: the others wait for it, in this process on
a lock per key, across processes on a lock in Redis. Keys also name the release
(a digest of the code and templates), so an upgraded app never reads what an
older one rendered. A value computed while its version moved may mix two states:
it answers the requests that were waiting for it and is kept by nobody. Without
Redis, or while it is unreachable, each process computes and keeps its own.

A cached figure may read only tables its version watches, or whose state its key
names: every computation notes the tables its statements read, and one reading
another table is not kept (under test, it fails).
"""
from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path

import redis
from dogpile.cache import make_region
from dogpile.cache.api import NO_VALUE, CacheMutex, CachedValue
from dogpile.cache.backends.redis import RedisBackend
from dogpile.cache.proxy import ProxyBackend
from dogpile.util import NameRegistry
from flask import current_app
from sqlalchemy import BigInteger, String, Table, bindparam, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.dml import Update, UpdateBase

from app.extensions import db

from .upsert import insert_for

MAX_ENTRIES = 2048
MAX_BUILT = 16
SHARED_TTL_SECONDS = 24 * 3600
LOCK_SECONDS = 30
_watched: dict[str, dict[str, frozenset[str] | None]] = {}
_revised: dict[type, Callable[[object], object]] = {}
_versioned: weakref.WeakSet = weakref.WeakSet()
_log = logging.getLogger(__name__)


class UnwatchedRead(RuntimeError):
    """A cached figure read a table its version does not watch (raised under test)."""


class DataVersion(db.Model):
    """The current version of one kind of data."""

    __tablename__ = "data_versions"

    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


_PENDING = "elokal_versions_pending"
_versions = DataVersion.__table__
_COMMITTED = select(_versions.c.version).where(_versions.c.name == bindparam("kind"))


def _writing(dialect: str):
    write = insert_for(dialect)(_versions)
    return write.on_conflict_do_update(index_elements=["name"], set_={"version": write.excluded.version})


_WRITE = {dialect: _writing(dialect) for dialect in ("postgresql", "sqlite")}


# ---------------------------------------------------------------- versions and what they watch

def watch(name: str, *reads) -> None:
    """Give ``name`` a new version with every transaction that writes what it reads.

    ``reads`` are models or tables (every column counts) and columns (only these
    count among their table's; an ``INSERT`` or ``DELETE`` of the table always does).
    """
    tables = _watched.setdefault(name, {})
    for target in reads:
        table = getattr(target, "__table__", target)
        if isinstance(table, Table):
            tables[table.name] = None
        else:
            column = getattr(target, "expression", target)
            columns = tables.get(column.table.name, frozenset())
            if columns is not None:
                tables[column.table.name] = columns | {column.name}


def columns_but(model, *names: str) -> tuple:
    """The columns of ``model`` except ``names``: for a version that reads all of them but these."""
    return tuple(column for column in model.__table__.columns if column.name not in names)


def watched(name: str) -> dict[str, frozenset[str] | None]:
    """The tables ``name`` watches, each with its columns that count (None: all of them)."""
    return dict(_watched.get(name, {}))


def current(name: str) -> int:
    """The version of ``name`` this transaction sees (0 before its first change)."""
    committed = db.session.connection().scalar(_COMMITTED, {"kind": name}) or 0
    return seen(name, committed)


def seen(name: str, committed: int) -> int:
    """The version this transaction sees, given the ``committed`` one read from the database.

    A transaction that changed ``name`` sees the version it will commit, so what it
    computes is never cached under the version other processes still see.
    """
    return db.session.connection().info.get(_PENDING, {}).get(name, committed)


def bump(session, name: str) -> None:
    """Give ``name`` a new version when the session's transaction commits: for writes no statement shows
    (``COPY``, SQL text)."""
    _note(session.connection(), [name])


def _note(connection, names) -> None:
    pending = connection.info.setdefault(_PENDING, {})
    for name in names:
        if name not in pending:
            pending[name] = secrets.randbits(62)


def _set_columns(statement: Update, multiparams, params) -> set[str] | None:
    """The names of the columns an ``UPDATE`` sets; None when one of them is not a column of its table."""
    columns = statement.table.columns
    keys = [key if isinstance(key, str) else key.key for key in (statement._values or {})]
    if any(key not in columns for key in keys):
        return None
    given = set(params or ()).union(*(multiparams or ()))
    return {columns[key].name for key in (*keys, *given) if key in columns}


def _moved_by(statement, multiparams, params) -> list[str]:
    """The versions a statement's write moves."""
    table = getattr(statement.table, "name", None)
    found = [(name, tables[table]) for name, tables in _watched.items() if table in tables]
    if not found or not isinstance(statement, Update):
        return [name for name, _columns in found]
    written = _set_columns(statement, multiparams, params)
    return [name for name, columns in found if columns is None or written is None or columns & written]


@event.listens_for(Engine, "begin")
def _begin(connection) -> None:
    connection.info[_PENDING] = {}


@event.listens_for(Engine, "after_execute")
def _executed(connection, statement, multiparams, params, _options, _result) -> None:
    if isinstance(statement, UpdateBase):
        moved = _moved_by(statement, multiparams, params)
        if moved:
            _note(connection, moved)


@event.listens_for(Engine, "commit")
def _write_versions(connection) -> None:
    """Write the new versions as the transaction's last statements.

    A version row is one row for every writer: written right before the commit,
    its lock is held, and writers wait for each other, only for the commit itself.
    """
    pending = connection.info.pop(_PENDING, None)
    if not pending or not _has_versions(connection):
        return
    for name, version in sorted(pending.items()):
        connection.execute(_WRITE[connection.dialect.name], {"name": name, "version": version})


def _has_versions(connection) -> bool:
    """Whether the database has its ``data_versions`` table (migrations write before they create it)."""
    if connection.engine not in _versioned:
        if not connection.dialect.has_table(connection, _versions.name):
            return False
        _versioned.add(connection.engine)
    return True


@event.listens_for(Engine, "rollback")
def _forget_versions(connection) -> None:
    if not connection.invalidated:  # a lost connection's record forgets its info itself
        connection.info.pop(_PENDING, None)


def revise(cls: type, owner: Callable[[object], object] = lambda obj: obj) -> None:
    """Give ``owner(obj)`` a new random ``revision`` whenever a flush adds, changes or removes an ``obj`` of ``cls``.

    A revision names one object's state, as a version names a kind of data's: a value
    cached under it serves until that object changes, whatever happens to the others.
    """
    _revised[cls] = owner


@event.listens_for(db.session, "before_flush")
def _new_revisions(session, _context, _instances):
    for obj in [obj for group in (session.new, session.dirty, session.deleted) for obj in group
                if obj not in session.dirty or session.is_modified(obj)]:
        owner = _revised.get(type(obj))
        revised = owner(obj) if owner else None
        if revised is not None and revised not in session.deleted:
            revised.revision = secrets.randbits(62)


# ---------------------------------------------------------------- what a computation reads

_reading: ContextVar[set | None] = ContextVar("elokal_reading", default=None)
_FROM = re.compile(r'(?:\bFROM|\bJOIN|,)\s+"?([a-z_][a-z0-9_]*)"?(?=[\s,)]|$)')


@event.listens_for(Engine, "before_cursor_execute")
def _note_reads(_connection, _cursor, statement, *_args) -> None:
    reads = _reading.get()
    if reads is not None:
        reads.update(_FROM.findall(statement))


def _unwatched(name: str, reads: set, keyed: tuple) -> set:
    """Tables of ``reads`` neither watched by ``name`` nor named by a key (``keyed`` models)."""
    known = set(db.metadata.tables)
    allowed = set(_watched.get(name, {})) | {model.__table__.name for model in keyed} | {_versions.name}
    return (reads & known) - allowed


# ---------------------------------------------------------------- the caches

class _Recent:
    """A bounded, thread-safe mapping of this process that forgets its least recently used entries."""

    def __init__(self, size: int):
        self._items: OrderedDict = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key, default=None):
        """The value of ``key``, or ``default``."""
        with self._lock:
            found = self._items.get(key, default)
            if key in self._items:
                self._items.move_to_end(key)
            return found

    def __setitem__(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def pop(self, key, default=None):
        """Forget ``key``; its value, or ``default``."""
        with self._lock:
            return self._items.pop(key, default)

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()


class _Asking:
    """The requests asking for one key at the same time: their lock, and a value one of them computed but
    did not keep (handed to the others instead of computing it again). Gone when they all are."""

    __slots__ = ("lock", "handed", "__weakref__")

    def __init__(self, _key):
        self.lock = threading.Lock()
        self.handed = NO_VALUE


class _Mutex(CacheMutex):
    """One computation of a key at a time: this process's lock for it, then (with Redis) the shared one.

    When Redis does not answer, or another process holds its lock beyond ``LOCK_SECONDS``, this
    process's lock alone serves."""

    def __init__(self, asking: _Asking, shared):
        self.asking = asking
        self.shared = shared
        self.holds_shared = False

    def acquire(self, wait: bool = True) -> bool:
        if not self.asking.lock.acquire(wait):
            return False
        if self.shared is not None:
            try:
                self.holds_shared = bool(self.shared.acquire(wait))
            except redis.RedisError:
                self.holds_shared = False
            if not wait and not self.holds_shared:
                self.asking.lock.release()
                return False
        return True

    def release(self) -> None:
        if self.holds_shared:
            self.holds_shared = False
            try:
                self.shared.release()
            except redis.RedisError:
                pass
        self.asking.lock.release()

    def locked(self) -> bool:
        return self.asking.lock.locked()


class _Layers(ProxyBackend):
    """The process-local layer (dogpile's memory backend over a bounded dictionary) in front of the shared
    Redis, if any: values found there are kept here too, each key naming one state of the data."""

    def __init__(self, shared: RedisBackend | None = None):
        super().__init__()
        self.shared = shared
        self.asking = NameRegistry(_Asking)

    def get(self, key):
        found = self.proxied.get(key)
        if found is NO_VALUE and self.shared is not None:
            try:
                raw = self.shared.get_serialized(key)
            except redis.RedisError:
                return NO_VALUE
            if raw is not NO_VALUE:
                found = CachedValue(*json.loads(raw))
                self.proxied.set(key, found)
        return found

    def set(self, key, value) -> None:
        self.proxied.set(key, value)
        if self.shared is not None:
            try:
                self.shared.set_serialized(key, json.dumps(value).encode())
            except redis.RedisError:
                pass

    def delete(self, key) -> None:
        self.proxied.delete(key)
        if self.shared is not None:
            try:
                self.shared.delete(key)
            except redis.RedisError:
                pass

    def get_mutex(self, key) -> _Mutex:
        return _Mutex(self.asking.get(key), self.shared.get_mutex(key) if self.shared is not None else None)


class _Redis(RedisBackend):
    """dogpile.cache's Redis backend, its values written with ``SET … EX`` (redis-py deprecates ``SETEX``)."""

    def set_serialized(self, key, value) -> None:
        self.writer_client.set(key, value, ex=self.redis_expiration_time)


class Cache:
    """A dogpile.cache region: a bounded local layer of ``size`` values, in front of Redis at ``url`` (if
    any); one computation of a key at a time."""

    def __init__(self, url: str = "", size: int = MAX_ENTRIES):
        self.local = _Recent(size)
        shared = _Redis({
            "url": url, "redis_expiration_time": SHARED_TTL_SECONDS, "distributed_lock": True,
            "thread_local_lock": False, "lock_timeout": LOCK_SECONDS, "lock_blocking_timeout": LOCK_SECONDS,
            "lock_sleep": 0.02, "socket_timeout": 0.5, "socket_connect_timeout": 0.5,
        }) if url else None
        self.layers = _Layers(shared)
        self.region = make_region().configure("dogpile.cache.memory", arguments={"cache_dict": self.local},
                                              wrap=[self.layers])

    @property
    def shared(self) -> redis.Redis | None:
        """The Redis client of the shared layer, if any."""
        return self.layers.shared.writer_client if self.layers.shared is not None else None

    def get_or_create(self, key: str, create: Callable, keep: Callable[[object], bool] = lambda _value: True):
        """The value for ``key``: kept here, else in Redis, else ``create()``'s, kept if ``keep(value)``.

        The requests asking for a missing key at the same time wait for the one
        computing it; a value not kept is handed to them all the same.
        """
        asking = self.layers.asking.get(key)
        handed = []

        def creator():
            if asking.handed is not NO_VALUE:
                handed.append(True)
                return asking.handed
            return create()

        def should_keep(value) -> bool:
            if handed:
                return False
            if keep(value):
                return True
            asking.handed = value
            return False

        return self.region.get_or_create(key, creator, should_cache_fn=should_keep)

    def peek(self, key: str):
        """The value kept for ``key``, or None (computing nothing)."""
        found = self.region.get(key)
        return None if found is NO_VALUE else found

    def forget_here(self) -> None:
        """Forget this process's values, as a newly started process has none; Redis keeps its own."""
        self.local.clear()

    def clear(self) -> None:
        """Forget every value, here and in Redis (when it answers)."""
        self.forget_here()
        if self.shared is not None:
            try:
                for key in self.shared.scan_iter("elokal:*"):
                    self.shared.delete(key)
            except redis.RedisError:
                pass


_caches: dict[str, Cache] = {}
_built = Cache(size=MAX_BUILT)


def _cache() -> Cache:
    """This process's cache for the configured ``CACHE_URL``."""
    url = current_app.config.get("CACHE_URL") or ""
    if url not in _caches:
        _caches.setdefault(url, Cache(url))
    return _caches[url]


def shared_client() -> redis.Redis | None:
    """The Redis client of the configured shared cache, if any."""
    return _cache().shared


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


def _get_or_create(cache: Cache, name: str, key, version: int | None, create, keep_if, keyed: tuple):
    version = current(name) if version is None else version
    reads: set = set()

    def compute():
        token = _reading.set(reads)
        try:
            return create()
        finally:
            _reading.reset(token)

    def keep(value) -> bool:
        unwatched = _unwatched(name, reads, keyed)
        if unwatched:
            message = f"{key!r} under {name!r} read tables {name!r} does not watch: {sorted(unwatched)}"
            if current_app.testing:
                raise UnwatchedRead(message)
            _log.warning("not kept: %s", message)
            return False
        return current(name) == version and (keep_if is None or keep_if(value))

    return cache.get_or_create(_key(name, key, version), compute, keep)


def cached(name: str, key, create: Callable, version: int | None = None, keep_if: Callable | None = None,
           keyed: tuple = ()):
    """``create()``'s value (JSON-serialisable) for ``key`` at ``version`` of ``name`` (the current one by
    default), from this process's values or the shared cache while the version has not moved.

    A value is kept only while ``version`` is still the current one (a value computed
    by several statements while another transaction committed a change may mix both
    states), and if ``keep_if(value)``. ``create`` reads only tables ``name`` watches
    and those of the ``keyed`` models, whose state ``key`` names.
    """
    return _get_or_create(_cache(), name, key, version, create, keep_if, keyed)


def kept(name: str, key, build: Callable, version: int | None = None):
    """``build()``'s value for ``key`` at ``version`` of ``name``, kept as built by this process (the last
    ``MAX_BUILT`` only): for values too large to rebuild from the cache on every request. The value is
    shared, never to be changed; one built while the version moved is not kept."""
    return _get_or_create(_built, name, key, version, build, None, ())


def lookup(name: str, key, version: int):
    """The value cached for ``key`` at ``version`` of ``name`` here or in the shared cache, or None."""
    return _cache().peek(_key(name, key, version))


def forget_here() -> None:
    """Forget this process's cached values, as a newly started process has none; the shared cache keeps its own."""
    for cache in (*_caches.values(), _built):
        cache.forget_here()


def clear() -> None:
    """Forget every cached value of this process (and of the shared cache, if any)."""
    forget_here()
    _cache().clear()
