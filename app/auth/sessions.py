"""Page logins: a signed session cookie whose idle and absolute lifetimes the server enforces.

The cookie lives as long as the browser (it carries no expiry of its own, so closing the
browser of a shared office computer ends it too); the times written into the signed
session are what count, so a copied cookie stops working as well.
"""
from __future__ import annotations

from flask import current_app, flash, session
from flask_login import login_user, logout_user

from app.common.timeutil import timestamp

STARTED = "_elokal_started"
SEEN = "_elokal_seen"
SEEN_RESOLUTION_SECONDS = 30


def begin(user) -> None:
    """Log ``user`` in for this browser and start the session's clocks."""
    login_user(user)
    now = timestamp()
    session[STARTED] = now
    session[SEEN] = now


def alive() -> bool:
    """Whether the session may go on; an expired one is ended with a message to the user."""
    now = timestamp()
    started, seen = session.get(STARTED), session.get(SEEN)
    config = current_app.config
    if (not isinstance(started, int) or not isinstance(seen, int)
            or now - started > config["SESSION_LIFETIME_SECONDS"]
            or now - seen > config["SESSION_IDLE_SECONDS"]):
        session.clear()
        flash("Sesi Anda telah berakhir. Silakan masuk kembali.", "warning")
        return False
    if now - seen >= SEEN_RESOLUTION_SECONDS:
        session[SEEN] = now
    return True


def end() -> None:
    """Log out and forget the session's clocks."""
    logout_user()
    session.pop(STARTED, None)
    session.pop(SEEN, None)
