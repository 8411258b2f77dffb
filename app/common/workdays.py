"""Working days: Monday to Friday, Indonesian public holidays excluded."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=32)
def _holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.Indonesia(years=year))


def is_working_day(day: date) -> bool:
    """Whether offices are open on ``day``."""
    return day.weekday() < 5 and day not in _holidays(day.year)


def add_working_days(moment: datetime, count: int) -> datetime:
    """The same clock time ``count`` working days after ``moment``."""
    result = moment
    remaining = count
    while remaining > 0:
        result += timedelta(days=1)
        if is_working_day(result.date()):
            remaining -= 1
    return result
