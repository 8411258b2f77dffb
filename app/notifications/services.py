"""Notify users in the app and, when SMTP is configured, by e-mail after commit."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from sqlalchemy import event, func, select, update

from app.common.timeutil import utcnow
from app.extensions import db

from .models import Notification

log = logging.getLogger(__name__)
OUTBOX = "elokal_outbox"


def notify(users, message: str, order=None) -> None:
    """Add a notification for each user about ``order``; queue an e-mail to those with an address."""
    outbox = db.session.info.setdefault(OUTBOX, [])
    for user in {u.id: u for u in users if u is not None}.values():
        db.session.add(Notification(user_id=user.id, order=order, message=message[:500]))
        if user.email:
            outbox.append((user.email, message))


def forget_mail() -> None:
    """Drop the e-mail queued in this transaction: its notifications stay in the app, none is sent."""
    db.session.info.pop(OUTBOX, None)


def unread_for(user, limit: int = 50) -> list[Notification]:
    """The user's newest notifications."""
    return list(db.session.scalars(
        select(Notification).where(Notification.user_id == user.id)
        .order_by(Notification.id.desc()).limit(limit)))


def unread_count(user) -> int:
    """How many notifications the user has not read."""
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))


def mark_all_read(user) -> None:
    """Mark the user's notifications as read."""
    db.session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)).values(read_at=utcnow()))


def send_mail(app, recipients: list[tuple[str, str]]) -> None:
    """Send queued messages over SMTP; failures are logged, never raised into the request."""
    server = app.config.get("MAIL_SERVER")
    if not server or not recipients:
        return
    try:
        with smtplib.SMTP(server, app.config["MAIL_PORT"], timeout=10) as smtp:
            for address, text in recipients:
                mail = EmailMessage()
                mail["From"] = app.config["MAIL_SENDER"]
                mail["To"] = address
                mail["Subject"] = f"[E-Lokal] {text[:70]}"
                mail.set_content(f"{text}\n\n-- E-Lokal {app.config['REGION_NAME']}")
                smtp.send_message(mail)
    except (OSError, smtplib.SMTPException):
        log.exception("Pengiriman e-mail gagal")


@event.listens_for(db.session, "after_commit")
def _send_after_commit(session):
    queued = session.info.pop(OUTBOX, [])
    if queued:
        send_mail(current_app._get_current_object(), queued)


@event.listens_for(db.session, "after_soft_rollback")
def _drop_after_rollback(session, _previous_transaction):
    session.info.pop(OUTBOX, None)
