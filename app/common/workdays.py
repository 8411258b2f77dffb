"""Working days of government offices: Monday to Friday, except public holidays and cuti bersama.

Public holidays come from ``holidays``; the cuti bersama days the government sets each
year are kept in the database by the admin (:mod:`app.kalender`). Each process keeps a
year's days off under the ``kalender`` data version they were read at, so an admin's
change is seen at once by every process.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from app.common import versions
from app.kalender import services as kalender

_days_off: dict[int, tuple[int, frozenset[date]]] = {}


@lru_cache(maxsize=32)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Indonesia(years=year))


def _off(year: int, version: int) -> frozenset[date]:
    """Public holidays and cuti bersama of ``year``, at ``version`` of the calendar."""
    kept = _days_off.get(year)
    if kept is not None and kept[0] == version:
        return kept[1]
    days = _holidays(year) | kalender.dates_of(year)
    if versions.current(kalender.KIND) == version:  # not read across another process's change
        _days_off[year] = (version, days)
    return days


def _open(day: date, version: int) -> bool:
    return day.weekday() < 5 and day not in _off(day.year, version)


def is_working_day(day: date) -> bool:
    """Whether government offices are open on ``day``."""
    return _open(day, versions.current(kalender.KIND))


def add_working_days(moment: datetime, count: int) -> datetime:
    """The same clock time ``count`` working days after ``moment``."""
    version = versions.current(kalender.KIND)
    result = moment
    remaining = count
    while remaining > 0:
        result += timedelta(days=1)
        if _open(result.date(), version):
            remaining -= 1
    return result
