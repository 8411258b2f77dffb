"""Page logins: a signed session cookie whose idle and absolute lifetimes the server enforces.

The cookie's own expiry is only a hint to the browser; the times written into the
signed session are what count, so a copied cookie stops working as well.
"""
from __future__ import annotations

import time

from flask import current_app, flash, session
from flask_login import login_user, logout_user

STARTED = "_elokal_started"
SEEN = "_elokal_seen"
SEEN_RESOLUTION_SECONDS = 30


def begin(user) -> None:
    """Log ``user`` in for this browser and start the session's clocks."""
    login_user(user)
    session.permanent = True
    now = int(time.time())
    session[STARTED] = now
    session[SEEN] = now


def alive() -> bool:
    """Whether the session may go on; an expired one is ended with a message to the user."""
    now = int(time.time())
    started, seen = session.get(STARTED), session.get(SEEN)
    config = current_app.config
    if (not isinstance(started, int) or not isinstance(seen, int)
            or now - started > config["PERMANENT_SESSION_LIFETIME_SECONDS"]
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
