"""Configuration classes, read from the environment.

``SECRET_KEY`` and ``DATABASE_URL`` are never hard-coded for production: the
production configuration refuses to start without them.
"""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("ELOKAL_INSTANCE", BASE_DIR / "instance"))


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    """Settings shared by every environment; each rate and limit can be overridden."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'elokal.sqlite'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    CACHE_URL = os.environ.get("CACHE_URL", "")
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024
    MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
    MAX_PHOTO_BYTES = 5 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_LIFETIME_SECONDS = _int("SESSION_LIFETIME_SECONDS", 8 * 3600)
    SESSION_IDLE_SECONDS = _int("SESSION_IDLE_SECONDS", 60 * 60)
    PROXY_FIX_HOPS = _int("PROXY_FIX_HOPS", 0)

    REGION_NAME = os.environ.get("REGION_NAME", "Pemerintah Kota Batu")
    REGION_CITY = os.environ.get("REGION_CITY", "Batu")
    REGION_ADDRESS = os.environ.get(
        "REGION_ADDRESS", "Balai Kota Among Tani, Jl. Panglima Sudirman No. 507, Kota Batu 65313"
    )

    API_TOKEN_HOURS = _int("API_TOKEN_HOURS", 12)
    LOGIN_MAX_FAILURES = _int("LOGIN_MAX_FAILURES", 5)
    PASSWORD_HASH_METHOD = "scrypt"
    LOGIN_FAILURE_WINDOW_SECONDS = _int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)

    PP_LIMIT = _int("PP_LIMIT", 200_000_000)
    PPN_RATE = os.environ.get("PPN_RATE", "0.11")
    PPH22_RATE = os.environ.get("PPH22_RATE", "0.015")
    PPH23_RATE = os.environ.get("PPH23_RATE", "0.02")
    PP55_RATE = os.environ.get("PP55_RATE", "0.005")
    WITHHOLDING_THRESHOLD = _int("WITHHOLDING_THRESHOLD", 2_000_000)
    PAYMENT_TERM_DAYS = _int("PAYMENT_TERM_DAYS", 30)
    RESPOND_WORKING_DAYS = _int("RESPOND_WORKING_DAYS", 3)

    # reports, documents and open data (PRODUCT.md §6)
    REPORT_PDF_MAX_ROWS = _int("REPORT_PDF_MAX_ROWS", 500)
    OCDS_OCID_PREFIX = os.environ.get("OCDS_OCID_PREFIX", "ocds-elokal")
    OCDS_PUBLISHER = os.environ.get("OCDS_PUBLISHER", "BPBJ Pemerintah Kota Batu (E-Lokal)")
    OCDS_LICENSE = os.environ.get("OCDS_LICENSE", "https://creativecommons.org/licenses/by/4.0/")

    # XLSX listing import: the file, what it may unpack to, and its data rows
    IMPORT_MAX_BYTES = _int("IMPORT_MAX_BYTES", 2 * 1024 * 1024)
    IMPORT_MAX_UNPACKED_BYTES = _int("IMPORT_MAX_UNPACKED_BYTES", 40 * 1024 * 1024)
    IMPORT_MAX_ROWS = _int("IMPORT_MAX_ROWS", 1000)

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "e-lokal@localhost")


class DevelopmentConfig(Config):
    """The embedded default: SQLite in the instance folder, a local secret."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-for-production")


class TestingConfig(Config):
    """Used by the test suite; the database comes from the fixture."""

    TESTING = True
    SECRET_KEY = "testing"
    WTF_CSRF_ENABLED = False
    LOGIN_MAX_FAILURES = 5
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"


class ProductionConfig(Config):
    """Production: SECRET_KEY and DATABASE_URL must come from the environment."""

    SESSION_COOKIE_SECURE = True
    PROXY_FIX_HOPS = _int("PROXY_FIX_HOPS", 1)

    @classmethod
    def check(cls) -> None:
        """Refuse to start without the secrets production needs."""
        if not os.environ.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY harus diisi di lingkungan produksi")
        if not os.environ.get("DATABASE_URL"):
            raise RuntimeError("DATABASE_URL harus diisi di lingkungan produksi")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
