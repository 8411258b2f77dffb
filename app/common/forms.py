"""Web forms whose rules live in the services' schemas.

A form renders its fields, carries the CSRF token, hands its values to a
service in the shape the service's schema reads, and shows the messages of a
refused request next to the fields they concern. It checks nothing itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, TypeVar

from flask_wtf import FlaskForm
from wtforms import FileField, TextAreaField

from app.extensions import db

from .errors import ServiceError

T = TypeVar("T")
CSRF_MESSAGE = "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman, lalu kirim lagi."

_DIGITS = re.compile(r"\d+", re.ASCII)
_GROUPED = re.compile(r"\d{1,3}(\.\d{3})+", re.ASCII)


def whole_number(value):
    """A typed whole number as an int (``1.250.000`` or ``1250000``), blank as None.

    Anything else is returned unchanged, so the service's schema refuses it
    with its own message.
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    if _GROUPED.fullmatch(text):
        text = text.replace(".", "")
    return int(text) if _DIGITS.fullmatch(text) else text


def flatten(messages) -> list[str]:
    """Marshmallow's nested messages as a flat list (list items numbered as rows)."""
    if isinstance(messages, dict):
        return [f"Baris {int(k) + 1}: {m}" if str(k).isdigit() else m
                for k, v in messages.items() for m in flatten(v)]
    if isinstance(messages, (list, tuple)):
        return [m for item in messages for m in flatten(item)]
    return [str(messages)]


class ServiceForm(FlaskForm):
    """Base of the web forms: values for a service, messages from it.

    ``integer_fields`` are typed numbers (blank becomes None); blank
    ``optional_fields`` become None, which their schema reads as "not given".
    """

    integer_fields: tuple[str, ...] = ()
    optional_fields: tuple[str, ...] = ()
    status = 200

    def submit_to(self, operation: Callable[[], T]) -> T | None:
        """On a valid POST call the service, commit once and return its result; else None.

        A refused request is rolled back and its messages are put on the
        form; ``status`` then holds the status to re-render the page with.
        """
        if not self.validate_on_submit():
            if self.is_submitted():
                self.status = 422
            return None
        try:
            result = operation()
        except ServiceError as exc:
            db.session.rollback()
            self.show_error(exc)
            self.status = exc.status
            return None
        db.session.commit()
        return result

    def service_data(self) -> dict:
        """The form's values as the service reads them; files, the CSRF token and fields not sent are left out."""
        data = {}
        for name, field in self._fields.items():
            if name == "csrf_token" or isinstance(field, FileField):
                continue
            value = field.data
            if value is None:  # not sent at all: the schema's default (or its "required") applies
                continue
            if name in self.integer_fields:
                value = whole_number(value)
            elif name in self.optional_fields and isinstance(value, str) and not value.strip():
                value = None
            data[name] = value
        return data

    def show_error(self, exc: ServiceError) -> None:
        """Put the service's messages next to their fields; the rest (or the bare message) above the form."""
        if not exc.details:
            self.form_errors.append(exc.message)
            return
        for name, messages in exc.details.items():
            field = self._fields.get(name)
            messages = flatten(messages)
            if field is not None:
                field.errors = list(field.errors) + messages
            else:
                self.form_errors.extend(messages)


@dataclass(frozen=True)
class Action:
    """A status-change button: its label, the message once done, whether it asks a reason."""

    label: str
    done: str
    reason: bool = False
    danger: bool = False


class ReasonForm(ServiceForm):
    """A status change, with a reason where the action asks for one."""

    reason = TextAreaField("Alasan")


def action_forms(actions, posted: tuple[str, ServiceForm] | None = None) -> dict[str, ServiceForm]:
    """A blank ``ReasonForm`` per action; the one just posted keeps its input and messages."""
    forms: dict[str, ServiceForm] = {action: ReasonForm(formdata=None) for action in actions}
    if posted is not None:
        forms[posted[0]] = posted[1]
    return forms
