"""API: administration of SKPD, users and budget lines."""
from flask import jsonify
from marshmallow import Schema, fields

from app.api.core import endpoint, json_body
from app.auth import roles
from app.auth.services import UserSchema, create_user
from app.extensions import db
from app.procurement import budget
from app.procurement.budget import BudgetLineSchema, SkpdSchema
from app.procurement.schemas import BudgetLineOutSchema, SkpdOutSchema


class UserOutSchema(Schema):
    """A user, without secrets."""

    id = fields.Integer()
    username = fields.String()
    full_name = fields.String()
    role = fields.String()
    skpd_id = fields.Integer(allow_none=True)
    supplier_id = fields.Integer(allow_none=True)
    nip = fields.String(allow_none=True)


@endpoint("/admin/skpd", "POST", "Tambah SKPD", roles=(roles.ADMIN,), body=SkpdSchema,
          response=SkpdOutSchema, status=201, errors=(401, 403, 409, 422))
def create_skpd(user):
    """Admin adds an SKPD."""
    skpd = budget.create_skpd(user, json_body())
    db.session.commit()
    return jsonify(SkpdOutSchema().dump(skpd)), 201


@endpoint("/admin/skpd", "GET", "Daftar SKPD", roles=(roles.ADMIN,), response=SkpdOutSchema, many=True,
          errors=(401, 403))
def list_skpd(_user):
    """Every SKPD."""
    return jsonify(SkpdOutSchema(many=True).dump(budget.list_skpd()))


@endpoint("/admin/users", "POST", "Tambah pengguna", roles=(roles.ADMIN,), body=UserSchema,
          response=UserOutSchema, status=201, errors=(401, 403, 409, 422))
def create_user_view(user):
    """Admin adds a user with a role."""
    created = create_user(user, json_body())
    db.session.commit()
    return jsonify(UserOutSchema().dump(created)), 201


@endpoint("/admin/budget-lines", "POST", "Tambah mata anggaran (DPA)", roles=(roles.ADMIN,),
          body=BudgetLineSchema, response=BudgetLineOutSchema, status=201, errors=(401, 403, 409, 422))
def create_budget_line(user):
    """Admin adds a budget line."""
    line = budget.create_budget_line(user, json_body())
    db.session.commit()
    return jsonify(BudgetLineOutSchema().dump(line)), 201
