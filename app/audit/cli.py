"""``flask audit verify``."""
import click
from flask.cli import AppGroup

from .services import verify_chain

audit_cli = AppGroup("audit", help="Log audit berantai hash.")


@audit_cli.command("verify")
def verify_command():
    """Check the audit chain; exit status 1 when it is broken."""
    ok, count, bad_id = verify_chain()
    if ok:
        click.echo(f"Rantai audit utuh: {count} entri diperiksa.")
        return
    click.echo(f"Rantai audit RUSAK pada entri #{bad_id} ({count} entri dibaca).", err=True)
    raise SystemExit(1)
