"""Web forms of the calendar: a new cuti bersama day, and the confirmation of a removal.

The rules are the service's (``CutiBersamaSchema``); these forms render, carry CSRF
and hand the values over.
"""
from wtforms import StringField

from app.common.forms import ServiceForm


class CutiBersamaForm(ServiceForm):
    """A new cuti bersama day."""

    date = StringField("Tanggal")
    description = StringField("Keterangan (mis. Cuti bersama Idul Fitri 1447 H)")


class RemoveForm(ServiceForm):
    """The confirmation of a removal: its CSRF token only."""
