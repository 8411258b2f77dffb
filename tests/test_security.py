"""Security headers, session cookies behind HTTPS, session expiry and login throttling on the pages."""
from __future__ import annotations

import pytest
from flask import g

from app import create_app
from app.auth.sessions import SEEN, STARTED
from app.common.timeutil import timestamp

from .factories import PASSWORD


@pytest.mark.parametrize("path", ["/", "/masuk", "/tidak-ada", "/api/v1/catalog/listings", "/api/v1/tidak-ada",
                                  "/static/css/app.css"])
def test_every_answer_carries_the_security_headers(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP: HSTS would be meaningless


def test_session_cookie_is_httponly_samesite_and_ends_with_the_browser(client, make, auth):
    make.user("pp", username="pp_cookie")
    response = auth.login("pp_cookie")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Expires=" not in cookie and "Max-Age" not in cookie  # the server enforces the lifetimes


@pytest.fixture
def production_app(app, monkeypatch):
    """The production configuration on the test database, behind one HTTPS reverse proxy."""
    monkeypatch.setenv("SECRET_KEY", "a-production-secret")
    monkeypatch.setenv("DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    served = create_app("production", SECRET_KEY="a-production-secret",
                        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                        UPLOAD_DIR=app.config["UPLOAD_DIR"], WTF_CSRF_ENABLED=False)
    yield served
    with served.app_context():
        from app.extensions import db

        db.engine.dispose()


def test_behind_https_the_cookie_is_secure_and_hsts_is_sent(production_app, make):
    make.user("ppk", username="ppk_https")
    client = production_app.test_client()
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Host": "elokal.batukota.go.id"}
    response = client.post("/masuk", data={"username": "ppk_https", "password": PASSWORD}, headers=proxied)
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    assert response.headers["Location"].startswith("/") or "elokal.batukota.go.id" in response.headers["Location"]


def test_production_refuses_to_start_without_its_secrets(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def _logged_in(client, make, auth, username="pp_sesi"):
    skpd = make.skpd()
    make.user("pp", username=username, skpd=skpd)
    assert auth.login(username).status_code == 302
    assert client.get("/pesanan/tindakan").status_code == 200


def _age_session(client, key: str, seconds: int) -> None:
    """Move one of the session's clocks back, as if the browser had kept the cookie that long.

    The fixture's app context outlives requests here (in production each request has
    its own), so Flask-Login's per-context cache of the user is dropped too.
    """
    with client.session_transaction() as session:
        session[key] = timestamp() - seconds
    g.pop("_login_user", None)


def test_an_idle_session_expires_and_the_user_is_told(app, client, make, auth):
    _logged_in(client, make, auth)
    _age_session(client, SEEN, app.config["SESSION_IDLE_SECONDS"] - 60)
    assert client.get("/pesanan/tindakan").status_code == 200  # still within the idle limit
    _age_session(client, SEEN, app.config["SESSION_IDLE_SECONDS"] + 1)
    response = client.get("/pesanan/tindakan")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Sesi Anda telah berakhir" in page
    assert client.get("/pesanan/tindakan").status_code == 302  # ended for good, not just once


def test_activity_does_not_stretch_a_session_past_its_absolute_lifetime(app, client, make, auth):
    _logged_in(client, make, auth)
    _age_session(client, STARTED, app.config["SESSION_LIFETIME_SECONDS"] + 1)
    response = client.get("/pesanan/tindakan")
    assert response.status_code == 302 and "/masuk" in response.headers["Location"]


def test_a_session_cookie_from_before_the_clocks_existed_is_refused(client, make, auth):
    _logged_in(client, make, auth)
    with client.session_transaction() as session:
        session.pop(STARTED)
    g.pop("_login_user", None)
    assert client.get("/pesanan/tindakan").status_code == 302


def test_page_login_is_throttled_after_five_failures_even_with_the_right_password(app, client, make, auth):
    make.user("bendahara", username="bend_throttle", skpd=make.skpd())
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        response = auth.login("bend_throttle", "salah-sandi")
        assert response.status_code == 401 and "Nama pengguna atau kata sandi salah" in response.get_data(as_text=True)
    response = auth.login("bend_throttle")
    assert response.status_code == 429
    assert "Set-Cookie" not in response.headers or "session=" not in response.headers["Set-Cookie"]
    assert client.get("/pesanan/tindakan").status_code == 302
