"""
Two API servers sharing one PostgreSQL and one Redis, as behind a load
balancer: any server accepts any token, and revocation, rotation and rate
limits hold across them on the next request.
"""

import os

import pytest

from tests.conftest import PASSWORD
from tests.live import LiveDatabase, LiveServer, is_postgres, server_env

pytestmark = [
    pytest.mark.live,
    pytest.mark.skipif(
        not (
            is_postgres(os.environ.get("DATABASE_URL", ""))
            and os.environ.get("REDIS_URL")
        ),
        reason="needs DATABASE_URL=postgres://… and REDIS_URL",
    ),
]

NEW_PASSWORD = "Another-long-passphrase-9"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    database = LiveDatabase.create(tmp_path_factory.mktemp("two"))
    env = server_env(
        DATABASE_URL=database.url,
        WEB_CONCURRENCY="1",
        LOGIN_RATE_LIMIT="ip=1000/min,username=4/min",
    )
    database.migrate(env)
    pair = [LiveServer(env).start(), LiveServer(env).start()]
    yield pair
    for server in pair:
        server.stop()
    database.drop()


@pytest.fixture
def account(servers, request) -> dict:
    credentials = {"username": request.node.name[:40], "password": PASSWORD}
    assert servers[0].post("/api/auth/register/", credentials).status == 201
    return credentials


def test_a_token_from_one_server_works_on_the_other(servers, account):
    a, b = servers
    tokens = a.post("/api/auth/token/", account).body

    me = b.get("/api/users/me/", token=tokens["access"])

    assert me.status == 200
    assert me.body["username"] == account["username"]
    assert (
        b.post("/api/auth/token/refresh/", {"refresh": tokens["refresh"]}).status == 200
    )


def test_a_session_revoked_on_one_server_is_refused_by_the_other(servers, account):
    a, b = servers
    tokens = a.post("/api/auth/token/", account).body
    assert b.get("/api/users/me/", token=tokens["access"]).status == 200

    assert a.post("/api/auth/logout/", {"refresh": tokens["refresh"]}).status == 204

    assert b.get("/api/users/me/", token=tokens["access"]).status == 401


def test_a_password_changed_on_one_server_is_enforced_by_the_other(servers, account):
    a, b = servers
    phone = b.post("/api/auth/token/", account).body
    laptop = a.post("/api/auth/token/", account).body

    changed = a.post(
        "/api/auth/password/change/",
        {"old_password": PASSWORD, "new_password": NEW_PASSWORD},
        token=laptop["access"],
    )

    assert changed.status == 200
    assert b.get("/api/users/me/", token=phone["access"]).status == 401
    assert b.get("/api/users/me/", token=changed.body["access"]).status == 200
    assert b.post("/api/auth/token/", account).status == 401


def test_a_refresh_token_rotated_on_one_server_is_refused_by_the_other(
    servers, account
):
    a, b = servers
    tokens = a.post("/api/auth/token/", account).body
    assert (
        a.post("/api/auth/token/refresh/", {"refresh": tokens["refresh"]}).status == 200
    )

    assert (
        b.post("/api/auth/token/refresh/", {"refresh": tokens["refresh"]}).status == 401
    )


def test_the_login_limit_counts_attempts_on_both_servers(servers, account):
    a, b = servers
    wrong = {"username": account["username"], "password": "wrong-password"}

    statuses = [s.post("/api/auth/token/", wrong).status for s in (a, b, a, b, a, b)]

    assert statuses == [401, 401, 401, 401, 429, 429]
    assert b.post("/api/auth/token/", account).status == 429
