"""
The OAuth 2.0 client libraries people use, as their docs say, against the
production server: authlib (OAuth2Client over httpx), requests-oauthlib
(OAuth2Session with LegacyApplicationClient) and httpx-auth.
"""

import time

import httpx
import pytest
import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.httpx_client import OAuth2Client
from oauthlib.oauth2 import InvalidGrantError, LegacyApplicationClient
from oauthlib.oauth2.rfc6749.errors import CustomOAuth2Error
from requests_oauthlib import OAuth2Session

from tests.conftest import PASSWORD
from tests.live import LiveServer, server_env
from tests.mfa_fixtures import totp_code

pytestmark = pytest.mark.live

ACCESS_LIFETIME = 4


@pytest.fixture(scope="module")
def server(live_db):
    live = LiveServer(
        server_env(
            DATABASE_URL=live_db.url,
            JWT_ACCESS_LIFETIME_SECONDS=str(ACCESS_LIFETIME),
            # Replays in these tests come right after a rotation.
            REFRESH_REUSE_GRACE_SECONDS="0",
        )
    )
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def account(server) -> dict:
    credentials = {"username": "oauth2-user", "password": PASSWORD}
    assert server.post("/api/auth/register/", credentials).status == 201
    return credentials


@pytest.fixture
def insecure_transport(monkeypatch):
    """oauthlib refuses plain http unless told it is a test on loopback."""
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")


def authlib_client(server, **kwargs) -> OAuth2Client:
    return OAuth2Client(
        token_endpoint=f"{server.url}/token",
        token_endpoint_auth_method="none",
        **kwargs,
    )


# authlib
# ------------------------------------------------------------------------------


def test_authlib_signs_in_reads_me_and_refreshes(server, account):
    with authlib_client(server) as client:
        token = client.fetch_token(
            username=account["username"], password=account["password"]
        )
        me = client.get(f"{server.url}/users/me")
        refreshed = client.refresh_token()
        again = client.get(f"{server.url}/api/users/me/")

    assert token["token_type"] == "bearer"
    assert me.status_code == 200
    assert me.json()["username"] == "oauth2-user"
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert again.status_code == 200


def test_authlib_refreshes_an_expired_token_on_its_own(server, account):
    updates = []
    with authlib_client(
        server, update_token=lambda token, **kwargs: updates.append(token), leeway=0
    ) as client:
        first = client.fetch_token(
            username=account["username"], password=account["password"]
        )
        time.sleep(ACCESS_LIFETIME + 1)
        me = client.get(f"{server.url}/users/me")

    assert me.status_code == 200
    assert len(updates) == 1
    assert updates[0]["access_token"] != first["access_token"]


def test_authlib_raises_invalid_grant_for_a_wrong_password(server, account):
    with authlib_client(server) as client, pytest.raises(OAuthError) as raised:
        client.fetch_token(username=account["username"], password="wrong")

    assert raised.value.error == "invalid_grant"
    assert client.token is None


def test_authlib_raises_invalid_grant_for_a_replayed_refresh_token(server, account):
    with authlib_client(server) as client:
        first = client.fetch_token(
            username=account["username"], password=account["password"]
        )
        second = client.refresh_token()
        with pytest.raises(OAuthError) as raised:
            client.refresh_token(refresh_token=first["refresh_token"])

    assert raised.value.error == "invalid_grant"
    # The replay revoked the whole session: the newest tokens are dead too.
    me = server.get("/api/users/me/", token=second["access_token"])
    assert me.status == 401


def test_authlib_revokes_and_the_token_stops_working(server, account):
    with authlib_client(server) as client:
        token = client.fetch_token(
            username=account["username"], password=account["password"]
        )
        revoked = client.revoke_token(
            f"{server.url}/revoke",
            token=token["refresh_token"],
            token_type_hint="refresh_token",
        )

    assert revoked.status_code == 200
    assert server.get("/users/me", token=token["access_token"]).status == 401


# requests-oauthlib
# ------------------------------------------------------------------------------


def requests_session() -> OAuth2Session:
    return OAuth2Session(client=LegacyApplicationClient(client_id="api-client"))


def test_requests_oauthlib_signs_in_reads_me_and_refreshes(
    server, account, insecure_transport
):
    session = requests_session()
    token = session.fetch_token(
        token_url=f"{server.url}/token",
        username=account["username"],
        password=account["password"],
    )
    me = session.get(f"{server.url}/users/me")
    refreshed = session.refresh_token(f"{server.url}/token")

    assert me.status_code == 200
    assert refreshed["refresh_token"] != token["refresh_token"]
    assert session.get(f"{server.url}/users/me").status_code == 200


def test_requests_oauthlib_refreshes_an_expired_token_on_its_own(
    server, account, insecure_transport
):
    saved = []
    session = OAuth2Session(
        client=LegacyApplicationClient(client_id="api-client"),
        auto_refresh_url=f"{server.url}/token",
        token_updater=saved.append,
    )
    session.fetch_token(
        token_url=f"{server.url}/token",
        username=account["username"],
        password=account["password"],
    )
    time.sleep(ACCESS_LIFETIME + 1)

    me = session.get(f"{server.url}/users/me")

    assert me.status_code == 200
    assert len(saved) == 1


def test_requests_oauthlib_raises_invalid_grant_for_a_wrong_password(
    server, account, insecure_transport
):
    with pytest.raises(InvalidGrantError):
        requests_session().fetch_token(
            token_url=f"{server.url}/token",
            username=account["username"],
            password="wrong",
        )


def test_requests_oauthlib_raises_invalid_grant_for_a_replayed_refresh_token(
    server, account, insecure_transport
):
    session = requests_session()
    first = session.fetch_token(
        token_url=f"{server.url}/token",
        username=account["username"],
        password=account["password"],
    )
    session.refresh_token(f"{server.url}/token")

    with pytest.raises(InvalidGrantError):
        requests_session().refresh_token(
            f"{server.url}/token", refresh_token=first["refresh_token"]
        )

    assert session.get(f"{server.url}/users/me").status_code == 401


def test_requests_revokes_through_rfc_7009(server, account, insecure_transport):
    session = requests_session()
    token = session.fetch_token(
        token_url=f"{server.url}/token",
        username=account["username"],
        password=account["password"],
    )

    revoked = requests.post(
        f"{server.url}/revoke", data={"token": token["access_token"]}, timeout=10
    )

    assert revoked.status_code == 200
    assert session.get(f"{server.url}/users/me").status_code == 401


# httpx-auth
# ------------------------------------------------------------------------------


def test_httpx_auth_signs_in_and_reads_me(server, account):
    import httpx_auth

    auth = httpx_auth.OAuth2ResourceOwnerPasswordCredentials(
        f"{server.url}/token",
        username=account["username"],
        password=account["password"],
        early_expiry=0,
    )
    with httpx.Client(auth=auth) as client:
        me = client.get(f"{server.url}/users/me")

    assert me.status_code == 200
    assert me.json()["username"] == account["username"]


def test_httpx_auth_reports_a_wrong_password_as_invalid_grant(server, account):
    import httpx_auth

    auth = httpx_auth.OAuth2ResourceOwnerPasswordCredentials(
        f"{server.url}/token", username=account["username"], password="wrong"
    )
    with (
        httpx.Client(auth=auth) as client,
        pytest.raises(httpx_auth.InvalidGrantRequest) as raised,
    ):
        client.get(f"{server.url}/users/me")

    assert "invalid_grant" in str(raised.value)


@pytest.fixture(scope="module")
def two_factor_account(server) -> dict:
    """An account with an authenticator app on, set up through the API."""
    credentials = {"username": "oauth2-mfa-user", "password": PASSWORD}
    assert server.post("/api/auth/register/", credentials).status == 201
    access = server.post("/api/auth/token/", credentials).body["access"]
    secret = server.post("/api/auth/mfa/totp/setup/", token=access).body["secret"]
    confirm = server.post(
        "/api/auth/mfa/totp/confirm/",
        {"code": totp_code(secret, steps_from_now=-1)},
        token=access,
    )
    assert confirm.status == 200
    return {**credentials, "secret": secret}


def test_authlib_raises_mfa_required_and_stores_no_token(server, two_factor_account):
    credentials = {k: two_factor_account[k] for k in ("username", "password")}
    with authlib_client(server) as client, pytest.raises(OAuthError) as raised:
        client.fetch_token(**credentials)

    assert raised.value.error == "mfa_required"
    assert client.token is None


def test_requests_oauthlib_raises_for_mfa_required_and_the_body_finishes_the_sign_in(
    server, two_factor_account, insecure_transport
):
    with pytest.raises(CustomOAuth2Error) as raised:
        requests_session().fetch_token(
            token_url=f"{server.url}/token",
            username=two_factor_account["username"],
            password=two_factor_account["password"],
        )
    assert raised.value.error == "mfa_required"

    # The client reads the mfa_token from the error's body and finishes.
    answer = requests.post(
        f"{server.url}/token",
        data={k: two_factor_account[k] for k in ("username", "password")},
        timeout=10,
    ).json()
    tokens = server.post(
        "/api/auth/mfa/verify/",
        {
            "mfa_token": answer["mfa_token"],
            "code": totp_code(two_factor_account["secret"]),
        },
    )
    assert tokens.status == 200
    assert server.get("/api/users/me/", token=tokens.body["access"]).status == 200
