"""Rupiah: formatting with Babel, words with num2words, half-up rounding."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import format_decimal, parse_pattern
from num2words import num2words

_LOCALE = Locale.parse("id_ID")
_RUPIAH = parse_pattern("¤#,##0")


def rupiah(amount: int | Decimal | None) -> str:
    """Format whole rupiah the Indonesian way: ``Rp1.250.000`` (Babel, pattern parsed once)."""
    if amount is None:
        return "-"
    return _RUPIAH.apply(int(amount), _LOCALE, currency="IDR", currency_digits=False)


def number_id(value: int | Decimal) -> str:
    """Format a plain number with Indonesian grouping: ``1.250``."""
    return format_decimal(value, locale=_LOCALE)


def terbilang(amount: int) -> str:
    """Spell an amount in Indonesian words, e.g. ``satu juta … rupiah``."""
    return f"{num2words(int(amount), lang='id')} rupiah"


def share_half_up(total: int | None, part: int | None, whole: int | None) -> int | None:
    """``total × part / whole`` rounded half up, exactly at any size (None if an amount is missing or
    ``whole`` is 0); SQLite's reports call it, its own integers being only 64 bits wide."""
    if total is None or part is None or not whole:
        return None
    return (2 * int(total) * int(part) + int(whole)) // (2 * int(whole))


def round_half_up(value: Decimal) -> int:
    """Round a Decimal to whole rupiah, half up."""
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))
