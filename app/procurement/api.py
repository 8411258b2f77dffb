"""API: budget lines and orders."""
from flask import jsonify, request

from app.api.core import endpoint, json_body, list_response
from app.auth import roles
from app.common.errors import Invalid
from app.extensions import db

from . import budget, orders
from .actions import MANUAL, OrderAction
from .schemas import BudgetLineOutSchema, OrderInputSchema, OrderQuerySchema, OrderSchema

order_schema = OrderSchema()


@endpoint("/budget-lines", "GET", "Mata anggaran (SKPD sendiri; semua untuk admin dan BPKAD)",
          roles=roles.ALL, response=BudgetLineOutSchema, many=True, errors=(401, 422),
          extra_params=[{"name": "year", "in": "query", "schema": {"type": "integer"}}])
def list_budget_lines(user):
    """Budget lines with committed, realised and available amounts."""
    year = request.args.get("year")
    if year is not None and not (year.isascii() and year.isdigit() and 2000 <= int(year) <= 2100):
        raise Invalid({"year": ["Tahun tidak sah."]})
    lines = budget.budget_lines_for(user, int(year) if year else None)
    return jsonify(BudgetLineOutSchema(many=True).dump(lines))


@endpoint("/orders", "POST", "Buat Surat Pesanan (satu penyedia); mendukung Idempotency-Key",
          roles=roles.BUYERS, body=OrderInputSchema, response=OrderSchema, status=201,
          errors=(400, 401, 403, 409, 422),
          extra_params=[{"name": "Idempotency-Key", "in": "header", "required": False,
                         "schema": {"type": "string", "minLength": 1, "maxLength": 255}}])
def create_order(user):
    """Create an order; a retry with the same Idempotency-Key returns the same order."""
    order, _created = orders.create_order_once(user, json_body(), request.headers.get("Idempotency-Key"))
    answer = order_schema.dump(order)
    db.session.commit()
    return jsonify(answer), 201


@endpoint("/orders", "GET", "Daftar pesanan (sesuai lingkup pengguna)", roles=roles.ALL,
          query=OrderQuerySchema, response=OrderSchema, many=True, errors=(401, 422))
def list_orders(user):
    """Orders the user may see."""
    page = orders.list_orders(user, request.args.to_dict())
    return list_response(order_schema.dump(page.items, many=True), page.meta())


@endpoint("/orders/<int:order_id>", "GET", "Rincian pesanan", roles=roles.ALL, response=OrderSchema,
          errors=(401, 404))
def get_order(user, order_id):
    """One order with its lines, amounts and history."""
    return jsonify(order_schema.dump(orders.get_order(user, order_id)))


def _order_action(action: OrderAction):
    """Declare ``POST /orders/{id}/{action}`` for one manual action of the registry."""

    def view(user, order_id):
        data = json_body() if action.schema is not None else {}
        answer = order_schema.dump(orders.perform(user, order_id, action.name, data))
        db.session.commit()
        return jsonify(answer)

    view.__name__ = f"order_{action.name.replace('-', '_')}"
    view.__doc__ = action.summary
    return endpoint(f"/orders/<int:order_id>/{action.name}", "POST", action.summary, roles=action.roles,
                    body=action.schema, response=OrderSchema, errors=(400, 401, 403, 404, 409, 422))(view)


for _action in MANUAL.values():
    _order_action(_action)
