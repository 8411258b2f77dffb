"""Authentication, API tokens, throttling and user administration."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import joinedload

from app.audit.services import record
from app.common.errors import Conflict, Invalid, Throttled, Unauthorized
from app.common.timeutil import utcnow
from app.common.validation import load
from app.extensions import db

from . import roles
from .models import ApiToken, LoginAttempt, User

THROTTLED_MESSAGE = "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit."


def _recent_failures(username: str) -> int:
    window = current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"]
    since = utcnow() - timedelta(seconds=window)
    return db.session.scalar(
        select(func.count(LoginAttempt.id)).where(
            LoginAttempt.username == username, LoginAttempt.at >= since
        )
    )


def authenticate(username: str, password: str, ip: str | None = None) -> User:
    """Return the user for these credentials.

    Raises ``Throttled`` after too many recent failures for the username and
    ``Unauthorized`` for bad credentials; a failure is recorded in the session
    (the caller commits it, so it counts even though the login is refused).
    """
    username = (username or "").strip()
    if "\x00" in username:  # no user has one, and PostgreSQL cannot even compare it
        raise Unauthorized("Nama pengguna atau kata sandi salah.")
    if _recent_failures(username) >= current_app.config["LOGIN_MAX_FAILURES"]:
        minutes = current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"] // 60
        raise Throttled(THROTTLED_MESSAGE.format(minutes=minutes))
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None or not user.active or not user.check_password(password or ""):
        db.session.add(LoginAttempt(username=username[:80], ip=ip))
        raise Unauthorized("Nama pengguna atau kata sandi salah.")
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.username == username))
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User) -> tuple[str, ApiToken]:
    """Create an API token for the user; the plain token is returned once, never stored."""
    plain = secrets.token_urlsafe(32)
    hours = current_app.config["API_TOKEN_HOURS"]
    token = ApiToken(user=user, token_hash=_digest(plain), expires_at=utcnow() + timedelta(hours=hours))
    db.session.add(token)
    return plain, token


_TOKEN_WITH_USER = (select(ApiToken).where(ApiToken.token_hash == bindparam("token_hash"))
                    .options(joinedload(ApiToken.user).joinedload(User.skpd)))


def user_for_token(plain: str) -> tuple[User, ApiToken] | None:
    """The active user and token for a bearer token, or None if unknown, expired or revoked."""
    token = db.session.scalar(_TOKEN_WITH_USER, {"token_hash": _digest(plain)})
    if token is None or token.revoked_at is not None or token.expires_at <= utcnow():
        return None
    if not token.user.active:
        return None
    return token.user, token


def revoke_token(token: ApiToken) -> None:
    """Revoke a token so it no longer authenticates."""
    token.revoked_at = utcnow()


class CredentialsSchema(Schema):
    """A new login: username and password (for users made by an admin and for self-registered suppliers)."""

    username = fields.String(
        required=True,
        validate=[
            validate.Length(min=3, max=80),
            validate.Regexp(r"^[A-Za-z0-9_.-]+$", error="Hanya huruf, angka, titik, garis bawah dan tanda hubung."),
        ],
    )
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=8, max=200))


class UserSchema(CredentialsSchema):
    """Input for creating a user (admin, or the first admin from the CLI)."""
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    role = fields.String(required=True, validate=validate.OneOf(roles.ALL))
    skpd_id = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    supplier_id = fields.Integer(allow_none=True, load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    nip = fields.String(
        allow_none=True, load_default=None,
        validate=validate.Regexp(r"^\d{18}$", error="NIP harus 18 digit angka."),
    )
    email = fields.Email(allow_none=True, load_default=None, validate=validate.Length(max=200))

    @validates_schema
    def _role_scope(self, data, **_kwargs):
        role = data.get("role")
        if role in roles.SKPD_ROLES and not data.get("skpd_id"):
            raise ValidationError("Peran ini wajib terhubung ke SKPD.", "skpd_id")
        if role == roles.SUPPLIER and not data.get("supplier_id"):
            raise ValidationError("Peran penyedia wajib terhubung ke penyedia.", "supplier_id")


def create_user(actor: User | None, data: dict) -> User:
    """Create a user account after checking the fields, the role's scope and the username."""
    from app.procurement.models import Skpd
    from app.suppliers.models import Supplier

    values = load(UserSchema(), data)
    if values["role"] not in roles.SKPD_ROLES:
        values["skpd_id"] = None
    if values["role"] != roles.SUPPLIER:
        values["supplier_id"] = None
    if values["skpd_id"] and db.session.get(Skpd, values["skpd_id"]) is None:
        raise Invalid({"skpd_id": ["SKPD tidak ditemukan."]})
    if values["supplier_id"] and db.session.get(Supplier, values["supplier_id"]) is None:
        raise Invalid({"supplier_id": ["Penyedia tidak ditemukan."]})
    if db.session.scalar(select(User.id).where(User.username == values["username"])):
        raise Conflict("Nama pengguna sudah dipakai.", {"username": ["Nama pengguna sudah dipakai."]})
    password = values.pop("password")
    user = User(**values)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(actor, "user.create", "user", user.id, {"username": user.username, "role": user.role})
    return user


def list_users(role: str | None = None) -> list[User]:
    """User accounts for the admin's list, optionally of one role, by role and username."""
    query = select(User).order_by(User.role, User.username)
    if role:
        query = query.where(User.role == role)
    return list(db.session.scalars(query))
