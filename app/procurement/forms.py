"""Web forms of buying: a cart line, the checkout and the order actions (derived from the actions' schemas).

The rules are the services' (``OrderInputSchema``, ``orders.perform``); these
forms render, carry CSRF, hand the values over and put the messages of a
refusal next to the fields, or next to the order line, they concern.
"""
from __future__ import annotations

import functools
import secrets

from marshmallow import Schema, fields, validate
from wtforms import FieldList, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired

from app.common.errors import ServiceError
from app.common.forms import CSRF_MESSAGE, ServiceForm, flatten, whole_number
from app.common.money import rupiah
from app.common.timeutil import today_wib


def split_line_errors(details: dict) -> tuple[dict[int, list[str]], dict]:
    """A refusal's messages about order lines, by line index, and the other messages.

    Lines are named ``lines.0`` by the order rules and ``{"lines": {0: …}}`` by the schema.
    """
    by_line: dict[int, list[str]] = {}
    rest = {}
    for key, messages in details.items():
        if key.startswith("lines.") and key[len("lines."):].isdigit():
            by_line.setdefault(int(key[len("lines."):]), []).extend(flatten(messages))
        elif key == "lines" and isinstance(messages, dict) and all(str(k).isdigit() for k in messages):
            for index, line_messages in messages.items():
                by_line.setdefault(int(index), []).extend(flatten(line_messages))
        else:
            rest[key] = messages
    return by_line, rest


class LinesForm(ServiceForm):
    """A form about order lines: a message about line N is shown by :meth:`show_line_error`."""

    def show_line_error(self, index: int, messages: list[str]) -> None:
        """Show messages next to the form's line ``index``."""
        raise NotImplementedError

    def show_error(self, exc: ServiceError) -> None:
        """Messages about lines next to the lines; the rest as a plain form shows them."""
        by_line, rest = split_line_errors(exc.details)
        for index, messages in by_line.items():
            self.show_line_error(index, messages)
        super().show_error(ServiceError(exc.message, rest))


class CartLineForm(ServiceForm):
    """A listing into the cart: the quantity and, for rentals and services, the dates."""

    integer_fields = ("quantity",)
    optional_fields = ("start_date", "end_date")

    quantity = StringField("Jumlah")
    start_date = StringField("Tanggal mulai")
    end_date = StringField("Tanggal selesai")

    def query_args(self) -> dict:
        """The filled fields as query parameters of the listing page (to show free units per day)."""
        return {name: value for name, value in self.service_data().items() if value not in (None, "")}


class CheckoutForm(LinesForm):
    """Checkout of the whole cart: one budget line, delivery address and notes for every order.

    ``token`` is a one-time token put in the page when it is rendered: with the
    group's index it is the idempotency key of each order, so a double submit
    creates each order once.
    """

    integer_fields = ("budget_line_id",)
    optional_fields = ("notes",)

    budget_line_id = SelectField("Mata anggaran (DPA)", validate_choice=False)
    delivery_address = TextAreaField("Alamat pengiriman / lokasi kegiatan")
    notes = TextAreaField("Catatan untuk penyedia (opsional)")
    token = HiddenField(validators=[DataRequired(CSRF_MESSAGE)])

    def __init__(self, budget_lines=(), **kwargs):
        super().__init__(**kwargs)
        self.budget_line_id.choices = [("", "— pilih mata anggaran —")] + [
            (str(line.id), f"{line.code} · {line.name} — sisa pagu {rupiah(line.available)}")
            for line in budget_lines
        ]
        self.current_group = None
        self.line_errors: dict[str, list[str]] = {}

    def renew_token(self) -> None:
        """A fresh one-time token for the page about to be rendered."""
        self.token.data = secrets.token_urlsafe(18)

    def idempotency_key(self, index: int) -> str:
        """The key of the order made from group ``index`` of this submission."""
        return f"web-{self.token.data}-{index}"

    def order_data(self, group) -> dict:
        """The body of ``create_order`` for one group of the cart."""
        data = self.service_data()
        data.pop("token", None)
        return {**data, "lines": [item.order_line() for item in group.items]}

    def show_line_error(self, index: int, messages: list[str]) -> None:
        """Keep the messages by cart line, for the cart table."""
        self.line_errors[self.current_group.items[index].id] = messages

    def show_error(self, exc: ServiceError) -> None:
        """Say which order was refused (nothing was created), then its messages."""
        self.form_errors.append(
            f"Pesanan untuk {self.current_group.label} tidak dapat dibuat; tidak ada pesanan yang disimpan.")
        super().show_error(exc)


class OrderActionForm(ServiceForm):
    """The form of an order action: its CSRF token and, in subclasses, the action's fields.

    ``for_order`` builds it for the order at hand. By itself it is the form of
    the actions that ask nothing (approve, accept, ship, …); :func:`schema_form`
    derives the others from their input schema.
    """

    @classmethod
    def for_order(cls, order, **kwargs) -> OrderActionForm:
        """The form for ``order``."""
        return cls(**kwargs)


def _today() -> str:
    return today_wib().isoformat()


def _long(field) -> bool:
    return any(isinstance(rule, validate.Length) and (rule.max or 0) > 200 for rule in field.validators)


@functools.cache
def schema_form(schema: type[Schema] | None) -> type[OrderActionForm]:
    """The web form of an action's input schema: one field per schema field, labelled by its ``metadata``.

    A field with ``choices`` in its metadata is a select, a date a date input
    (today by default), a long text a text area; blank optional fields are not
    sent, typed numbers are read as whole numbers.
    """
    if schema is None:
        return OrderActionForm
    attributes: dict = {"integer_fields": (), "optional_fields": ()}
    for name, field in schema().fields.items():
        label = field.metadata.get("label", name)
        if "choices" in field.metadata:
            attributes[name] = SelectField(label, choices=field.metadata["choices"], validate_choice=False)
        elif isinstance(field, fields.Date):
            attributes[name] = StringField(label, default=_today, render_kw={"type": "date"})
        elif _long(field):
            attributes[name] = TextAreaField(label, render_kw={"rows": 2})
        else:
            attributes[name] = StringField(label)
        if isinstance(field, fields.Integer):
            attributes["integer_fields"] += (name,)
        if field.load_default is None:
            attributes["optional_fields"] += (name,)
    form_class = type(OrderActionForm)  # WTForms' form metaclass collects the fields
    return form_class(schema.__name__.removesuffix("Schema") + "Form", (OrderActionForm,), attributes)


class CounterForm(LinesForm, OrderActionForm):
    """A counter-offer: a new unit price for each line of the order, labelled with the line."""

    prices = FieldList(StringField("Harga satuan baru (Rp)", render_kw={"inputmode": "numeric"}))

    @classmethod
    def for_order(cls, order, **kwargs) -> CounterForm:
        """The form for an order, filled with the current unit prices."""
        form = cls(data={"prices": [str(line.unit_price) for line in order.lines]}, **kwargs)
        form.order = order
        for line, entry in zip(order.lines, form.prices.entries):
            entry.label.text = f"{line.name} — harga sekarang {rupiah(line.unit_price)}"
        return form

    def service_data(self) -> dict:
        """``{"lines": [{"listing_id", "unit_price"}]}`` as the counter-offer reads it."""
        return {"lines": [{"listing_id": line.listing_id, "unit_price": whole_number(entry.data)}
                          for line, entry in zip(self.order.lines, self.prices.entries)]}

    def show_line_error(self, index: int, messages: list[str]) -> None:
        """Put the messages on the price of line ``index``."""
        entry = self.prices.entries[index]
        entry.errors = list(entry.errors) + messages
