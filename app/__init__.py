"""E-Lokal application factory."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import CONFIGS, INSTANCE_DIR

from .common import validation  # noqa: F401  (Indonesian messages before any schema is built)
from .common import versions
from .extensions import configure_sqlite, csrf, db, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


class IdConverter(IntegerConverter):
    """``<int:…>`` in URLs: an id that does not fit a database integer names no object.

    It is read as 0, an id no row has, so the view answers 404 as for any missing
    object instead of overflowing the database driver. (Refusing the value in the
    converter would make werkzeug answer 405 whenever another method shares the path.)
    """

    def __init__(self, url_map, fixed_digits=0, min=None, max=None, signed=False):  # noqa: A002
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        return number if number <= 2**31 - 1 else 0


def create_app(config_name: str | None = None, **overrides) -> Flask:
    """Build the app for ``config_name`` (``ELOKAL_ENV`` by default), with optional overrides."""
    config_name = config_name or os.environ.get("ELOKAL_ENV", "development")
    config_class = CONFIGS[config_name]
    if hasattr(config_class, "check"):
        config_class.check()
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(config_class)
    app.config["ELOKAL_ENV"] = config_name
    app.config.update(overrides)
    app.url_map.converters["int"] = IdConverter
    hops = app.config["PROXY_FIX_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    register_extensions(app)
    register_cache(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_security_headers(app)
    register_cli(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the database, migrations, logins and CSRF protection."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Silakan masuk terlebih dahulu."
    login_manager.login_message_category = "warning"
    csrf.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)

    from .auth import sessions
    from .auth.models import User

    @login_manager.user_loader
    def _load_user(user_id: str):
        if not user_id.isdigit() or not sessions.alive():
            return None
        return db.session.get(User, int(user_id))


def register_cache(app: Flask) -> None:
    """Name this release (its code and templates) for the cache's keys, unless the configuration names it."""
    app.config.setdefault("CACHE_RELEASE", versions.release_of(ROOT / "app", ROOT / "templates", ROOT / "reports"))


def register_blueprints(app: Flask) -> None:
    """Pages of every module and the JSON API."""
    from . import models  # noqa: F401  (every table known to Alembic)
    from .admin.views import bp as admin_bp
    from .api import openapi  # noqa: F401
    from .api.core import api
    from .auth.views import bp as auth_bp
    from .etalase.import_views import bp as listing_import_bp
    from .etalase.views import bp as etalase_bp
    from .kalender.views import bp as kalender_bp
    from .procurement.report_views import bp as reports_bp
    from .procurement.views import bp as procurement_bp
    from .suppliers.views import bp as suppliers_bp

    for module in ("auth", "etalase", "suppliers", "admin", "kalender", "procurement"):
        __import__(f"app.{module}.api")
    for module in ("procurement.report_api", "etalase.import_api"):
        __import__(f"app.{module}")
    app.register_blueprint(api)
    app.register_blueprint(auth_bp)
    app.register_blueprint(etalase_bp)
    app.register_blueprint(suppliers_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(kalender_bp)
    app.register_blueprint(procurement_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(listing_import_bp)


def register_errorhandlers(app: Flask) -> None:
    """JSON errors on API paths, friendly pages elsewhere.

    Of the database's errors, the constraint violations the rules expect under races
    become 409 and a database out of reach 503 (:mod:`app.common.dberrors`); every
    other error is a bug: a 500, logged with its traceback.
    """
    from flask import render_template
    from flask_wtf.csrf import CSRFError
    from sqlalchemy.exc import DBAPIError
    from werkzeug.exceptions import HTTPException, InternalServerError

    from .api.core import error_response, http_error_as_json
    from .common import dberrors
    from .common.errors import ServiceError

    def wants_json() -> bool:
        return request.path.startswith("/api/")

    def answer(status: int, code: str, message: str):
        if wants_json():
            return error_response(status, code, message)
        return render_template("error.html", code=status, message=message), status

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        if wants_json():
            return http_error_as_json(exc)
        return render_template("error.html", code=exc.code, message=exc.description), exc.code

    @app.errorhandler(InternalServerError)
    def _server_error(_exc: InternalServerError):
        return answer(500, "internal", SERVER_ERROR)

    @app.errorhandler(CSRFError)
    def _csrf_error(_exc: CSRFError):
        message = "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu kirim lagi."
        return render_template("error.html", code=400, message=message), 400

    @app.errorhandler(ServiceError)
    def _service_error(exc: ServiceError):
        db.session.rollback()
        if wants_json():
            return error_response(exc.status, exc.code, exc.message, exc.details)
        return render_template("error.html", code=exc.status, message=exc.message), exc.status

    @app.errorhandler(DBAPIError)
    def _database_error(exc: DBAPIError):
        db.session.rollback()
        if dberrors.is_race(exc):
            app.logger.warning("Constraint violated under a race on %s %s", request.method, request.path,
                               exc_info=exc)
            return answer(409, "conflict", "Data bertabrakan dengan perubahan lain; tidak ada yang disimpan. "
                                           "Coba lagi.")
        if dberrors.is_unavailable(exc):
            app.logger.error("Database unavailable on %s %s", request.method, request.path, exc_info=exc)
            return answer(503, "unavailable", "Basis data sedang tidak dapat dihubungi. Coba lagi sebentar lagi.")
        app.logger.error("Database error on %s %s", request.method, request.path, exc_info=exc)
        return answer(500, "internal", SERVER_ERROR)


SERVER_ERROR = "Terjadi kesalahan pada server; kejadian ini sudah dicatat. Coba lagi nanti."


def register_template_helpers(app: Flask) -> None:
    """Filters for rupiah and dates, and labels the templates need."""
    from .auth import roles
    from .common.money import number_id, rupiah, terbilang
    from .common.timeutil import hari, tanggal
    from .etalase.state import ListingState
    from .suppliers.models import LEGAL_FORMS, SCALES
    from .suppliers.state import SupplierState

    app.jinja_env.filters.update(rupiah=rupiah, tanggal=tanggal, hari=hari, angka=number_id, terbilang=terbilang)
    app.jinja_env.globals.update(
        ROLE_LABELS=roles.LABELS,
        LISTING_STATUS=ListingState.labels,
        SUPPLIER_STATUS=SupplierState.labels,
        LEGAL_FORMS=LEGAL_FORMS,
        SCALES=SCALES,
        REGION_NAME=app.config["REGION_NAME"],
    )


def register_security_headers(app: Flask) -> None:
    """Headers that keep pages from being framed, sniffed or fed foreign scripts."""

    @app.after_request
    def _headers(response):
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'; base-uri 'self'",
        )
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


def register_cli(app: Flask) -> None:
    """``flask demo``, ``flask users``, ``flask orders``, ``flask audit``, ``flask backup``."""
    from .audit.cli import audit_cli
    from .backup.cli import backup_cli
    from .cli import demo_cli, users_cli
    from .procurement.cli import orders_cli

    app.cli.add_command(audit_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(orders_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(users_cli)
