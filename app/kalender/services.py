"""Cuti bersama: the days of a year, adding and removing one (audited), for the admin's pages and API.

Every change gives the ``kalender`` data version a new value (``versions.watch``), so
the working-day calendar each process keeps (:mod:`app.common.workdays`) is read
again at once by every process.
"""
from __future__ import annotations

from datetime import date

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates
from sqlalchemy import select

from app.audit.services import record
from app.common import versions
from app.common.errors import Conflict, NotFound
from app.common.validation import load
from app.extensions import db

from .models import CutiBersama

KIND = "kalender"
FIRST_YEAR, LAST_YEAR = 2000, 2100
versions.watch(KIND, CutiBersama)


class CutiBersamaSchema(Schema):
    """A new cuti bersama day: a weekday, with what it is for."""

    date = fields.Date(required=True)
    description = fields.String(required=True, validate=validate.Length(min=3, max=200))

    @validates("date")
    def _weekday(self, value: date, **_kwargs) -> None:
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValidationError(f"Tahun harus {FIRST_YEAR}–{LAST_YEAR}.")
        if value.weekday() >= 5:
            raise ValidationError("Cuti bersama jatuh pada hari kerja (Senin–Jumat); tanggal ini hari Sabtu atau Minggu.")


class CutiBersamaOutSchema(Schema):
    """A cuti bersama day as the API shows it."""

    id = fields.Integer()
    date = fields.Date(attribute="day")
    description = fields.String()


class YearQuerySchema(Schema):
    """``?year=``: the days of one year (every year's when not given); unknown parameters are ignored."""

    class Meta:
        unknown = EXCLUDE

    year = fields.Integer(load_default=None, validate=validate.Range(min=FIRST_YEAR, max=LAST_YEAR))


def _of_year(year: int):
    return CutiBersama.day.between(date(year, 1, 1), date(year, 12, 31))


def list_days(year: int | None = None) -> list[CutiBersama]:
    """The cuti bersama days of ``year`` (of every year when None), in date order."""
    query = select(CutiBersama).order_by(CutiBersama.day)
    if year is not None:
        query = query.where(_of_year(year))
    return list(db.session.scalars(query))


def list_days_query(args: dict) -> list[CutiBersama]:
    """The days a ``GET ?year=`` asks for."""
    return list_days(load(YearQuerySchema(), args)["year"])


def dates_of(year: int) -> frozenset[date]:
    """The dates of ``year``'s cuti bersama, as this transaction sees them."""
    with db.session.no_autoflush:
        return frozenset(db.session.scalars(select(CutiBersama.day).where(_of_year(year))))


def get_day(day_id: int) -> CutiBersama:
    """One cuti bersama day, or NotFound."""
    found = db.session.get(CutiBersama, day_id)
    if found is None:
        raise NotFound("Cuti bersama tidak ditemukan.")
    return found


def add_day(actor, data: dict) -> CutiBersama:
    """Add a cuti bersama day; a date already listed is a conflict."""
    values = load(CutiBersamaSchema(), data)
    if db.session.scalar(select(CutiBersama.id).where(CutiBersama.day == values["date"])):
        message = "Tanggal ini sudah tercatat sebagai cuti bersama."
        raise Conflict(message, {"date": [message]})
    day = CutiBersama(day=values["date"], description=values["description"])
    db.session.add(day)
    db.session.flush()
    record(actor, "cuti_bersama.create", "cuti_bersama", day.id, values)
    return day


def remove_day(actor, day_id: int) -> CutiBersama:
    """Remove a cuti bersama day: it is a working day again (unless a weekend or public holiday)."""
    day = get_day(day_id)
    db.session.delete(day)
    db.session.flush()
    record(actor, "cuti_bersama.delete", "cuti_bersama", day.id,
           {"date": day.day, "description": day.description})
    return day
