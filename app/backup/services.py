"""Create and restore backups of the database (SQLite or PostgreSQL) and the upload folder.

An archive is a ``.tar.gz`` holding ``database.sqlite`` (SQLite online backup)
or ``database.pgdump`` (``pg_dump -Fc``), the ``uploads/`` folder and a
``manifest.json``.
"""
from __future__ import annotations

import io
import json
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import make_url

from app.common.timeutil import utcnow
from app.extensions import db

SQLITE_NAME = "database.sqlite"
PG_NAME = "database.pgdump"


def _pg_args(url) -> list[str]:
    args = ["-h", url.host or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres"]
    return args + ["-d", url.database]


def _pg_env(url) -> dict:
    import os

    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return env


def create_backup(target: Path) -> dict:
    """Write a backup archive to ``target``; return its manifest."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    uploads = Path(current_app.config["UPLOAD_DIR"])
    manifest = {"created_at": utcnow().isoformat(timespec="seconds"), "dialect": url.get_backend_name()}
    with tempfile.TemporaryDirectory() as tmp:
        if url.get_backend_name() == "sqlite":
            dump = Path(tmp) / SQLITE_NAME
            source = sqlite3.connect(url.database)
            with sqlite3.connect(dump) as copy:
                source.backup(copy)
            source.close()
        else:
            dump = Path(tmp) / PG_NAME
            subprocess.run(["pg_dump", "-Fc", "-f", str(dump), *_pg_args(url)], env=_pg_env(url),
                           check=True, capture_output=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(target, "w:gz") as archive:
            archive.add(dump, arcname=dump.name)
            if uploads.exists():
                archive.add(uploads, arcname="uploads")
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return manifest


def restore_backup(source: Path) -> dict:
    """Replace the database and the upload folder with those of an archive; return its manifest."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    uploads = Path(current_app.config["UPLOAD_DIR"])
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(source, "r:gz") as archive:
        archive.extractall(tmp, filter="data")
        manifest = json.loads((Path(tmp) / "manifest.json").read_text())
        if manifest["dialect"] != url.get_backend_name():
            raise ValueError(f"Arsip berisi basis data {manifest['dialect']}, bukan {url.get_backend_name()}.")
        db.session.remove()
        db.engine.dispose()
        if manifest["dialect"] == "sqlite":
            with sqlite3.connect(Path(tmp) / SQLITE_NAME) as backup, sqlite3.connect(url.database) as live:
                backup.backup(live)
        else:
            subprocess.run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                            *_pg_args(url), str(Path(tmp) / PG_NAME)], env=_pg_env(url), check=True,
                           capture_output=True)
        if (Path(tmp) / "uploads").exists():
            shutil.rmtree(uploads, ignore_errors=True)
            shutil.copytree(Path(tmp) / "uploads", uploads)
    return manifest
