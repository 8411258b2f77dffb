"""Operations commands: ``flask demo seed`` and ``flask users create-admin``."""
import click
from flask import current_app
from flask.cli import AppGroup

from app.common.errors import ServiceError
from app.extensions import db

demo_cli = AppGroup("demo", help="Data demo wilayah.")
users_cli = AppGroup("users", help="Pengelolaan pengguna.")


@demo_cli.command("seed")
def seed_command():
    """Load the Kota Batu demo region (a second run adds nothing); refused in production."""
    if current_app.config["ELOKAL_ENV"] == "production":
        raise click.ClickException(
            "Data demo tidak dimuat: ELOKAL_ENV=production. Data demo (pengguna dengan kata sandi yang "
            "diumumkan, pesanan rekaan) hanya untuk instalasi uji atau pelatihan.")
    from app.demo.seed import seed_demo

    summary = seed_demo()
    db.session.commit()
    click.echo(summary.describe())


@users_cli.command("create-admin")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--full-name", default="Admin Katalog")
def create_admin_command(username, password, full_name):
    """Create the first admin of a fresh installation."""
    from app.auth import roles
    from app.auth.services import create_user

    try:
        user = create_user(None, {"username": username, "password": password,
                                  "full_name": full_name, "role": roles.ADMIN})
    except ServiceError as exc:
        db.session.rollback()
        details = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in exc.details.items())
        raise click.ClickException(f"{exc.message} {details}".strip()) from None
    db.session.commit()
    click.echo(f"Admin '{user.username}' dibuat.")
