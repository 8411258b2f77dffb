"""``flask backup create`` and ``flask backup restore``."""
import subprocess
import tarfile
from pathlib import Path

import click
from flask.cli import AppGroup

from app.common.timeutil import utcnow

from .services import create_backup, restore_backup

backup_cli = AppGroup("backup", help="Cadangan basis data dan berkas unggahan.")


@backup_cli.command("create")
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
def create_command(path):
    """Write a backup archive (default: instance/backups/elokal-<time>.tar.gz)."""
    from flask import current_app

    path = path or Path(current_app.instance_path) / "backups" / f"elokal-{utcnow():%Y%m%d-%H%M%S}.tar.gz"
    try:
        create_backup(path)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise click.ClickException(f"Cadangan gagal: {exc}") from None
    click.echo(f"Cadangan ditulis ke {path}")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Jangan minta konfirmasi.")
def restore_command(path, yes):
    """Replace the database and uploads with those of an archive."""
    if not yes:
        click.confirm("Seluruh data saat ini akan diganti. Lanjutkan?", abort=True)
    try:
        manifest = restore_backup(path)
    except (OSError, ValueError, KeyError, tarfile.TarError, subprocess.CalledProcessError) as exc:
        raise click.ClickException(f"Pemulihan gagal: {exc}") from None
    click.echo(f"Dipulihkan dari cadangan {manifest['created_at']} ({manifest['dialect']}).")
