"""Page access by role: a visitor is sent to log in, a user of another role is refused (403)."""
from __future__ import annotations

import functools

from flask import abort, current_app
from flask_login import current_user


def deny_unless(*allowed: str):
    """None when the current user holds one of the roles; else the login redirect, or abort 403."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if current_user.role not in allowed:
        abort(403)
    return None


def role_required(*allowed: str):
    """Decorate a page so that only users holding one of ``allowed`` reach it."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            return deny_unless(*allowed) or view(*args, **kwargs)

        return wrapped

    return decorator
