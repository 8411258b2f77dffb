"""``flask orders expire`` (for cron)."""
import click
from flask.cli import AppGroup

from app.extensions import db

from .orders import expire_overdue

orders_cli = AppGroup("orders", help="Pesanan.")


@orders_cli.command("expire")
def expire_command():
    """Cancel orders whose supplier did not answer within the working-day limit."""
    numbers = expire_overdue()
    db.session.commit()
    click.echo(f"{len(numbers)} pesanan batal otomatis." + ("" if not numbers else " " + ", ".join(numbers)))
