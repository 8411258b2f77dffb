"""Time: stored as naive UTC, shown and exchanged in WIB (Asia/Jakarta).

:func:`now` is the app's one clock: every "now" and "today" (stored times, the
WIB date of a rule, session ages) derives from it. Tests move it with
time-machine, which stands in for the system clock it reads.
"""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

WIB = ZoneInfo("Asia/Jakarta")


def now() -> datetime:
    """The one clock: the current moment, as an aware UTC time."""
    return datetime.now(UTC)


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
