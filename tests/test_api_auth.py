"""API: bearer tokens, throttling, revocation and the error format of API.md."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.auth.models import ApiToken, LoginAttempt
from app.common.timeutil import now, utcnow
from app.extensions import db

from .api_helpers import assert_error, bearer, count

TOKENS = "/api/v1/auth/tokens"


def login(client, username, password="rahasia123"):
    return client.post(TOKENS, json={"username": username, "password": password})


def test_token_is_issued_with_an_iso_expiry_with_offset(client, make):
    user = make.user("admin")
    response = login(client, user.username)
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "expires_at"}
    assert isinstance(body["token"], str) and len(body["token"]) >= 32
    expires = datetime.fromisoformat(body["expires_at"])
    assert expires.utcoffset() is not None, "expires_at must carry an offset"
    moment = now()
    assert moment + timedelta(hours=1) < expires <= moment + timedelta(hours=12, minutes=1)
    # only a digest is stored, never the token itself
    stored = db.session.scalars(db.select(ApiToken)).all()
    assert len(stored) == 1 and stored[0].token_hash != body["token"]
    # the token works on a protected path
    assert client.get("/api/v1/budget-lines", headers=bearer(body["token"])).status_code == 200


def test_each_login_gets_a_distinct_token(client, make):
    user = make.user("admin")
    first, second = login(client, user.username), login(client, user.username)
    assert first.get_json()["token"] != second.get_json()["token"]


@pytest.mark.parametrize("username,password", [("admin-x", "salah-sekali"), ("tidak-ada", "rahasia123")])
def test_bad_credentials_answer_401_in_the_error_format(client, make, username, password):
    make.user("admin", username="admin-x")
    error = assert_error(login(client, username, password), 401, "unauthorized")
    assert "token" not in error
    assert count(ApiToken) == 0


@pytest.mark.parametrize("body", [{"username": "admin-x"}, {"password": "rahasia123"},
                                  {"username": 5, "password": "rahasia123"},
                                  {"username": "admin-x", "password": None}])
def test_missing_or_wrong_typed_credentials_are_refused(client, make, body):
    make.user("admin", username="admin-x")
    response = client.post(TOKENS, json=body)
    assert response.status_code in (400, 401, 422)
    assert_error(response, response.status_code)
    assert count(ApiToken) == 0


@pytest.mark.parametrize("data,content_type", [
    ("{not json", "application/json"),
    ('["a", "b"]', "application/json"),
    ("username=a&password=b", "application/x-www-form-urlencoded"),
    ("", "application/json"),
])
def test_malformed_body_answers_400(client, make, data, content_type):
    make.user("admin", username="admin-x")
    response = client.post(TOKENS, data=data, content_type=content_type)
    assert_error(response, 400, "bad_request")


@pytest.mark.parametrize("data", ["[" * 100_000, '{"username": ' + "[" * 100_000])
def test_absurdly_nested_body_answers_400_not_500(client, data):
    assert_error(client.post(TOKENS, data=data, content_type="application/json"), 400, "bad_request")


@pytest.mark.parametrize("username", ["admin-x\x00", "\x00", "admin\x00-x"])
def test_nul_characters_in_the_username_are_refused_not_500(client, make, username):
    make.user("admin", username="admin-x")
    assert_error(login(client, username), 401, "unauthorized")
    assert count(ApiToken) == 0


def test_sixth_attempt_after_five_failures_is_throttled_even_with_the_right_password(client, make, app):
    user = make.user("ppk", skpd=make.skpd())
    assert app.config["LOGIN_MAX_FAILURES"] == 5
    for _ in range(5):
        assert_error(login(client, user.username, "tebakan-salah"), 401)
    assert count(LoginAttempt) == 5
    error = assert_error(login(client, user.username), 429, "throttled")
    assert error["message"]
    assert count(ApiToken) == 0
    # another user is not affected
    other = make.user("admin")
    assert login(client, other.username).status_code == 201


def test_failures_below_the_limit_are_forgotten_after_a_good_login(client, make):
    user = make.user("admin")
    for _ in range(4):
        assert_error(login(client, user.username, "salah"), 401)
    assert login(client, user.username).status_code == 201
    assert count(LoginAttempt) == 0
    for _ in range(4):
        assert_error(login(client, user.username, "salah"), 401)
    assert login(client, user.username).status_code == 201


def test_old_failures_outside_the_window_do_not_throttle(client, make, app):
    user = make.user("admin")
    long_ago = utcnow() - timedelta(
        seconds=app.config["LOGIN_FAILURE_WINDOW_SECONDS"] + 60)
    for _ in range(10):
        db.session.add(LoginAttempt(username=user.username, at=long_ago))
    db.session.commit()
    assert login(client, user.username).status_code == 201


def test_inactive_user_cannot_get_a_token(client, make):
    user = make.user("admin")
    user.active = False
    db.session.commit()
    assert_error(login(client, user.username), 401)


def test_revoked_token_is_refused(client, make):
    user = make.user("finance")
    token = login(client, user.username).get_json()["token"]
    assert client.get("/api/v1/budget-lines", headers=bearer(token)).status_code == 200
    response = client.delete(f"{TOKENS}/current", headers=bearer(token))
    assert response.status_code == 204
    assert response.get_data() == b""
    assert_error(client.get("/api/v1/budget-lines", headers=bearer(token)), 401, "unauthorized")
    assert_error(client.delete(f"{TOKENS}/current", headers=bearer(token)), 401)


def test_revoking_one_token_leaves_the_others(client, make):
    user = make.user("finance")
    first = login(client, user.username).get_json()["token"]
    second = login(client, user.username).get_json()["token"]
    assert client.delete(f"{TOKENS}/current", headers=bearer(first)).status_code == 204
    assert client.get("/api/v1/budget-lines", headers=bearer(second)).status_code == 200


def test_expired_token_is_refused(client, make):
    user = make.user("finance")
    token = login(client, user.username).get_json()["token"]
    row = db.session.scalars(db.select(ApiToken)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert_error(client.get("/api/v1/budget-lines", headers=bearer(token)), 401)


def test_token_of_a_deactivated_user_stops_working(client, make):
    user = make.user("finance")
    token = login(client, user.username).get_json()["token"]
    user.active = False
    db.session.commit()
    assert_error(client.get("/api/v1/budget-lines", headers=bearer(token)), 401)


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Bearer "},
    {"Authorization": "Bearer tidak-ada-token-seperti-ini"},
    {"Authorization": "Basic YWRtaW46cmFoYXNpYQ=="},
    {"Authorization": "bearer"},
])
def test_protected_path_without_a_valid_token_answers_401(client, headers):
    assert_error(client.get("/api/v1/budget-lines", headers=headers), 401, "unauthorized")
    assert_error(client.post("/api/v1/admin/skpd", json={"code": "DINKES", "name": "Dinas Kesehatan"},
                             headers=headers), 401)


def test_revoke_without_a_token_answers_401(client):
    assert_error(client.delete(f"{TOKENS}/current"), 401)


@pytest.mark.parametrize("role", ["pp", "ppk", "bendahara", "finance", "supplier"])
def test_wrong_role_answers_403(client, make, api_auth, role):
    skpd = make.skpd()
    user = make.user(role, skpd=skpd if role in ("pp", "ppk", "bendahara") else None,
                     supplier=make.supplier() if role == "supplier" else None)
    from app.procurement.models import Skpd
    before = count(Skpd)
    response = client.post("/api/v1/admin/skpd", json={"code": "DINKES", "name": "Dinas Kesehatan"},
                           headers=api_auth.headers(user))
    assert_error(response, 403, "forbidden")
    assert count(Skpd) == before


def test_unknown_api_path_and_wrong_method_answer_json_errors(client):
    assert_error(client.get("/api/v1/tidak-ada"), 404, "not_found")
    assert_error(client.put("/api/v1/etalase"), 405)
