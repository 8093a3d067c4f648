"""
A resource server that is not Django (examples/fastapi_resource_server)
accepts this API's EdDSA access tokens by checking them against the API's
JWK set, and refuses every other token: another key, expired, another
audience or issuer, HS256, `alg: none`, a refresh token.
"""

import subprocess
import time

import jwt
import pytest

from accounts.signing_keys import private_key_generate, private_keys_parse
from tests.conftest import PASSWORD
from tests.live import PYTHON, ROOT, LiveServer, free_port, request, server_env

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

pytestmark = pytest.mark.live

EXAMPLE = ROOT / "examples" / "fastapi_resource_server"
ACCOUNT = {"username": "resource-reader", "password": PASSWORD}


class ResourceServer:
    """The example app under uvicorn on a free port, stopped by PID."""

    def __init__(self, issuer: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                *(PYTHON, "-m", "uvicorn", "main:app", "--app-dir", str(EXAMPLE)),
                *("--host", "127.0.0.1", "--port", str(self.port)),
                *("--log-level", "warning"),
            ],
            env={**server_env(), "AUTH_ISSUER": issuer, "AUTH_AUDIENCE": "api"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.process.stderr.read().decode())
            try:
                if request(f"{self.url}/openapi.json").status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the resource server did not start")

    def me(self, token: str):
        return request(f"{self.url}/users/me", token=token)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def api_key() -> str:
    return private_key_generate("EdDSA")


@pytest.fixture(scope="module")
def api(live_db, api_key):
    server = LiveServer({})
    server.env = server_env(
        DATABASE_URL=live_db.url,
        WEB_CONCURRENCY="1",
        JWT_ALGORITHM="EdDSA",
        JWT_SIGNING_KEYS=api_key,
        JWT_ISSUER=server.url,
    )
    server.start()
    assert server.post("/api/auth/register/", ACCOUNT).status == 201
    yield server
    server.stop()


@pytest.fixture(scope="module")
def resource_server(api):
    server = ResourceServer(issuer=api.url)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tokens(api) -> dict:
    response = api.post("/api/auth/token/", ACCOUNT)
    assert response.status == 200
    return response.body


def test_an_access_token_from_the_api_is_accepted_at_users_me_and_items(
    resource_server, tokens
):
    me = resource_server.me(tokens["access"])
    items = request(f"{resource_server.url}/items/", token=tokens["access"])

    assert me.status == 200
    assert (
        me.body["user_id"]
        == jwt.decode(tokens["access"], options={"verify_signature": False})["user_id"]
    )
    assert items.status == 200
    assert items.body == [{"item": "item1"}, {"item": "item2"}]


def forged_tokens(claims: dict, api_key: str) -> dict[str, str]:
    """Tokens that differ from a genuine one in one respect each."""
    ours = private_keys_parse(api_key, algorithm="EdDSA")[0]
    stranger = private_keys_parse(private_key_generate("EdDSA"), algorithm="EdDSA")[0]
    now = int(time.time())

    def signed(changes: dict, key=ours, algorithm="EdDSA", kid=ours.kid) -> str:
        private = key.private if hasattr(key, "private") else key
        return jwt.encode(
            {**claims, **changes}, private, algorithm, headers={"kid": kid}
        )

    return {
        "another key, its own kid": signed({}, key=stranger, kid=stranger.kid),
        "another key, our kid": signed({}, key=stranger),
        "expired": signed({"iat": now - 120, "exp": now - 60}),
        "another audience": signed({"aud": "billing"}),
        "another issuer": signed({"iss": "https://evil.example.com"}),
        "a refresh token": signed({"token_type": "refresh"}),
        "HS256 with the API's secret key": signed(
            {}, key=server_env()["DJANGO_SECRET_KEY"], algorithm="HS256"
        ),
        "HS256 with a made-up secret": signed(
            {}, key="a-secret-of-32-bytes-or-more-000000", algorithm="HS256"
        ),
        "alg none": jwt.encode({**claims}, None, "none", headers={"kid": ours.kid}),
    }


def test_a_token_the_api_would_sign_is_accepted(resource_server, tokens, api, api_key):
    """The control for the refusals below: the test signs as the API does."""
    claims = jwt.decode(tokens["access"], options={"verify_signature": False})
    ours = private_keys_parse(api_key, algorithm="EdDSA")[0]

    made_here = jwt.encode(claims, ours.private, "EdDSA", headers={"kid": ours.kid})

    assert claims["iss"] == api.url
    assert resource_server.me(made_here).status == 200


@pytest.mark.parametrize(
    "forgery",
    [
        "another key, its own kid",
        "another key, our kid",
        "expired",
        "another audience",
        "another issuer",
        "a refresh token",
        "HS256 with the API's secret key",
        "HS256 with a made-up secret",
        "alg none",
    ],
)
def test_every_other_token_is_refused_with_401(
    resource_server, tokens, api, api_key, forgery
):
    claims = jwt.decode(tokens["access"], options={"verify_signature": False})
    token = forged_tokens(claims, api_key)[forgery]

    response = resource_server.me(token)

    assert response.status == 401
    assert response.headers["www-authenticate"] == "Bearer"


def test_the_apis_own_refresh_token_a_malformed_token_or_none_is_refused(
    resource_server, tokens
):
    """The refresh token is genuine, signed with the same key, and no access."""
    assert resource_server.me(tokens["refresh"]).status == 401
    assert resource_server.me("not-a-jwt").status == 401
    assert request(f"{resource_server.url}/users/me").status == 401
