"""Time: stored as naive UTC, shown and exchanged in WIB (Asia/Jakarta).

:func:`now` is the app's one clock: every "now" and "today" (stored times, the
WIB date of a rule, session ages) derives from it. Tests move it with
time-machine, which stands in for the system clock it reads. The demo seed and
tools that replay a past (``app.demo``) set it for a block of work with :func:`at`;
the app itself never does.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

WIB = ZoneInfo("Asia/Jakarta")
_SET: ContextVar[datetime | None] = ContextVar("elokal_now", default=None)


def now() -> datetime:
    """The one clock: the current moment, as an aware UTC time (the moment :func:`at` set, if any)."""
    return _SET.get() or datetime.now(UTC)


@contextmanager
def at(moment: datetime):
    """Hold the clock at ``moment`` (aware, or naive WIB) for the block: for the demo seed and tools only.

    Every "now" of the app then reads ``moment``, so what the block does is dated as if
    done then. Blocks nest; tests move the clock with time-machine instead.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=WIB)
    token = _SET.set(moment.astimezone(UTC))
    try:
        yield moment
    finally:
        _SET.reset(token)


def utcnow() -> datetime:
    """Now, as naive UTC (what the database stores)."""
    return now().replace(tzinfo=None)


def now_wib() -> datetime:
    """Now, as an aware WIB time."""
    return now().astimezone(WIB)


def timestamp() -> int:
    """Now, as whole seconds since the epoch (the session's clocks)."""
    return int(now().timestamp())


def to_wib(value: datetime | None) -> datetime | None:
    """A stored naive-UTC time as an aware WIB time."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC).astimezone(WIB)


def isoformat(value: datetime | None) -> str | None:
    """ISO 8601 with offset, in WIB."""
    aware = to_wib(value)
    return aware.isoformat(timespec="seconds") if aware else None


def today_wib() -> date:
    """Today's date in the region."""
    return now_wib().date()


def tanggal(value: date | datetime | None) -> str:
    """A date in Indonesian: ``23 November 2026``."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return format_datetime(to_wib(value), "d MMMM y HH:mm", locale="id_ID")
    return format_date(value, "d MMMM y", locale="id_ID")


def hari(value: date) -> str:
    """The day of the week in Indonesian: ``Jumat``."""
    return format_date(value, "EEEE", locale="id_ID")


def wib_to_utc(value: datetime) -> datetime:
    """An aware (or WIB-naive) time as naive UTC for storage."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=WIB)
    return value.astimezone(UTC).replace(tzinfo=None)
