"""
Two API servers on one PostgreSQL and one Redis, signing with EdDSA keys,
restarted one at a time with a rotated key list, as a rolling deployment
does: tokens from before and after every step work on both, a revoked
session is refused by both, and retiring the old key refuses its tokens.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

import jwt
import pytest

from accounts.signing_keys import private_key_generate, private_keys_parse
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

OLD, NEW = "old", "new"


def kid_of(token: str) -> str:
    return jwt.get_unverified_header(token)["kid"]


@dataclass
class Cluster:
    """Two servers and the key list each one was started with."""

    env: dict
    pems: dict[str, str]
    key_dir: Path
    servers: list[LiveServer] = field(default_factory=list)
    key_lists: list[tuple[str, ...]] = field(default_factory=list)

    def kid(self, name: str) -> str:
        return private_keys_parse(self.pems[name], algorithm="EdDSA")[0].kid

    def start(self, index: int, names: tuple[str, ...]) -> LiveServer:
        """
        Start server `index` with the named keys, the first signing. Server 0
        reads them from a file, server 1 from the variable: both ways work.
        """
        keys = "".join(self.pems[name] for name in names)
        if index == 0:
            path = self.key_dir / f"keys-{'-'.join(names)}.pem"
            path.write_text(keys)
            variables = {"JWT_SIGNING_KEYS_FILE": str(path)}
        else:
            variables = {"JWT_SIGNING_KEYS": keys}
        port = self.servers[index].port if index < len(self.servers) else None
        server = LiveServer(
            {**self.env, **variables}, **({"port": port} if port else {})
        )
        server.start()
        if index < len(self.servers):
            self.servers[index], self.key_lists[index] = server, names
        else:
            self.servers.append(server)
            self.key_lists.append(names)
        return server

    def restart(self, index: int, names: tuple[str, ...]) -> LiveServer:
        """Stop server `index` and start it again with other keys."""
        if self.key_lists[index] != names:
            self.servers[index].stop()
            self.start(index, names)
        return self.servers[index]

    def roll(self, names: tuple[str, ...]) -> None:
        """Restart every server that lacks this key list, one at a time."""
        for index in range(len(self.servers)):
            self.restart(index, names)

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    database = LiveDatabase.create(tmp_path_factory.mktemp("keys"))
    env = server_env(
        DATABASE_URL=database.url,
        WEB_CONCURRENCY="1",
        JWT_ALGORITHM="EdDSA",
    )
    pems = {OLD: private_key_generate("EdDSA"), NEW: private_key_generate("EdDSA")}
    database.migrate({**env, "JWT_SIGNING_KEYS": pems[OLD]})
    group = Cluster(env, pems, tmp_path_factory.mktemp("key-files"))
    try:
        group.start(0, (OLD,))
        group.start(1, (OLD,))
        yield group
    finally:
        group.stop()
        database.drop()


@pytest.fixture
def account(cluster, request) -> dict:
    credentials = {"username": request.node.name[:40], "password": PASSWORD}
    registered = cluster.servers[0].post("/api/auth/register/", credentials)
    assert registered.status == 201
    return credentials


def sign_in(server: LiveServer, account: dict) -> dict:
    response = server.post("/api/auth/token/", account)
    assert response.status == 200, response.body
    return response.body


def statuses(cluster: Cluster, *tokens: str) -> list[int]:
    """What each server answers /api/users/me/ with each token."""
    return [
        server.get("/api/users/me/", token=token).status
        for token in tokens
        for server in cluster.servers
    ]


def test_rotating_the_key_one_server_at_a_time_signs_no_one_out(cluster, account):
    cluster.roll((OLD,))
    before = sign_in(cluster.servers[0], account)
    assert kid_of(before["access"]) == cluster.kid(OLD)

    # 1. Publish: the new key goes second, so it verifies but does not sign.
    cluster.restart(0, (OLD, NEW))
    assert statuses(cluster, before["access"]) == [200, 200]
    published = sign_in(cluster.servers[0], account)
    assert kid_of(published["access"]) == cluster.kid(OLD)
    cluster.restart(1, (OLD, NEW))
    jwks = cluster.servers[1].get("/.well-known/jwks.json").body
    assert [key["kid"] for key in jwks["keys"]] == [cluster.kid(OLD), cluster.kid(NEW)]

    # 2. Promote: the new key goes first and signs; the old one still verifies.
    cluster.restart(0, (NEW, OLD))
    after = sign_in(cluster.servers[0], account)
    assert kid_of(after["access"]) == cluster.kid(NEW)
    tokens = (before["access"], published["access"], after["access"])
    assert statuses(cluster, *tokens) == [200] * 6
    cluster.restart(1, (NEW, OLD))
    assert statuses(cluster, *tokens) == [200] * 6

    # A refresh token signed with the old key still refreshes, into new-key tokens.
    refreshed = cluster.servers[1].post(
        "/api/auth/token/refresh/", {"refresh": before["refresh"]}
    )
    assert refreshed.status == 200
    assert kid_of(refreshed.body["access"]) == cluster.kid(NEW)
    assert statuses(cluster, refreshed.body["access"]) == [200, 200]


def test_a_session_revoked_on_one_server_is_refused_by_both_whichever_key_signed(
    cluster, account
):
    cluster.roll((OLD, NEW))
    old_kid = sign_in(cluster.servers[1], account)
    cluster.roll((NEW, OLD))
    new_kid = sign_in(cluster.servers[1], account)
    assert kid_of(old_kid["access"]) != kid_of(new_kid["access"])
    assert statuses(cluster, old_kid["access"], new_kid["access"]) == [200] * 4

    for tokens in (old_kid, new_kid):
        logout = cluster.servers[0].post(
            "/api/auth/logout/", {"refresh": tokens["refresh"]}
        )
        assert logout.status == 204

    assert statuses(cluster, old_kid["access"], new_kid["access"]) == [401] * 4


def test_retiring_the_old_key_refuses_its_tokens_on_both_servers(cluster, account):
    cluster.roll((OLD, NEW))
    old_kid = sign_in(cluster.servers[0], account)
    cluster.roll((NEW, OLD))
    new_kid = sign_in(cluster.servers[0], account)

    cluster.roll((NEW,))

    assert statuses(cluster, old_kid["access"]) == [401, 401]
    assert statuses(cluster, new_kid["access"]) == [200, 200]
    for server in cluster.servers:
        refresh = server.post(
            "/api/auth/token/refresh/", {"refresh": old_kid["refresh"]}
        )
        assert refresh.status == 401
        jwks = server.get("/.well-known/jwks.json").body
        assert [key["kid"] for key in jwks["keys"]] == [cluster.kid(NEW)]
