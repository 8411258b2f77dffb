"""Time: stored as naive UTC, shown and exchanged in WIB (Asia/Jakarta)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

WIB = ZoneInfo("Asia/Jakarta")


def utcnow() -> datetime:
    """Now, as naive UTC (what the database stores)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_wib(value: datetime | None) -> datetime | None:
    """A stored naive-UTC time as an aware WIB time."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc).astimezone(WIB)


def isoformat(value: datetime | None) -> str | None:
    """ISO 8601 with offset, in WIB."""
    aware = to_wib(value)
    return aware.isoformat(timespec="seconds") if aware else None


def today_wib() -> date:
    """Today's date in the region."""
    return datetime.now(WIB).date()


def tanggal(value: date | datetime | None) -> str:
    """A date in Indonesian: ``23 November 2026``."""
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return format_datetime(to_wib(value), "d MMMM y HH:mm", locale="id_ID")
    return format_date(value, "d MMMM y", locale="id_ID")


def wib_to_utc(value: datetime) -> datetime:
    """An aware (or WIB-naive) time as naive UTC for storage."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=WIB)
    return value.astimezone(timezone.utc).replace(tzinfo=None)
