"""API: tokens."""
from flask import g, jsonify, request
from marshmallow import Schema, fields

from app.api.core import endpoint, json_body
from app.auth import roles
from app.common.errors import Unauthorized
from app.common.timeutil import isoformat
from app.extensions import db

from . import services


class TokenRequestSchema(Schema):
    """Credentials."""

    username = fields.String(required=True)
    password = fields.String(required=True)


class TokenSchema(Schema):
    """A new token."""

    token = fields.String()
    expires_at = fields.String()


@endpoint("/auth/tokens", "POST", "Masuk: menerbitkan token Bearer", body=TokenRequestSchema,
          response=TokenSchema, status=201, errors=(400, 401, 429))
def create_token(_user):
    """Exchange a username and password for a bearer token."""
    data = json_body()
    username, password = data.get("username"), data.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        raise Unauthorized("Nama pengguna atau kata sandi salah.")
    try:
        user = services.authenticate(username, password, request.remote_addr)
    except Unauthorized:
        db.session.commit()
        raise
    plain, token = services.issue_token(user)
    db.session.commit()
    return jsonify({"token": plain, "expires_at": isoformat(token.expires_at)}), 201


@endpoint("/auth/tokens/current", "DELETE", "Keluar: mencabut token ini", roles=roles.ALL,
          status=204, errors=(401,))
def revoke_token(_user):
    """Revoke the token used for this request."""
    services.revoke_token(g.api_token)
    db.session.commit()
    return "", 204
