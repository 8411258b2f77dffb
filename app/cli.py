"""Operations commands: ``flask demo seed`` and ``flask users create-admin``."""
import click
from flask.cli import AppGroup

from app.common.errors import ServiceError
from app.extensions import db

demo_cli = AppGroup("demo", help="Data demo wilayah.")
users_cli = AppGroup("users", help="Pengelolaan pengguna.")


@demo_cli.command("seed")
@click.option("--scale", type=click.Choice(["demo", "large"]), default="demo",
              help="demo: the Kota Batu demo region; large: benchmark scale on PostgreSQL.")
def seed_command(scale):
    """Load the demo region (a second run adds nothing), or the large benchmark region."""
    if scale == "large":
        from app.demo.large import seed_large

        try:
            summary = seed_large()
        except RuntimeError as exc:
            raise click.ClickException(str(exc)) from None
    else:
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
