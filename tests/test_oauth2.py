"""
`/token` as an RFC 6749 token endpoint and `/revoke` as RFC 7009
revocation; RFC 6750's Bearer challenges on every protected endpoint.
"""

from datetime import timedelta

import pytest
from django.urls import reverse

from accounts.models import Session
from accounts.sessions import session_open
from accounts.tokens import AccessToken
from config.rates import login_rate_limits
from tests.conftest import PASSWORD
from tests.helpers import claims_of, tampered

FORM = "application/x-www-form-urlencoded"
ME_URL = reverse("api:user-me")


def token_request(client, body: str):
    return client.post("/token", body, content_type=FORM)


def password_grant(client, password=PASSWORD, extra=""):
    return token_request(
        client, f"grant_type=password&username=john&password={password}{extra}"
    )


def refresh_grant(client, refresh):
    return token_request(client, f"grant_type=refresh_token&refresh_token={refresh}")


def test_the_password_grant_answers_rfc_6749_section_5_1(api_client, user):
    response = password_grant(api_client)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 1800
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_grant_type_may_be_left_out_as_the_guides_form_allows(api_client, user):
    response = token_request(api_client, f"username=john&password={PASSWORD}")

    assert response.status_code == 200


def test_the_refresh_grant_rotates_within_the_same_session(api_client, user):
    first = password_grant(api_client).json()

    response = refresh_grant(api_client, first["refresh_token"])

    assert response.status_code == 200
    body = response.json()
    assert body["refresh_token"] != first["refresh_token"]
    assert (
        claims_of(body["access_token"])["sid"]
        == claims_of(first["access_token"])["sid"]
    )
    assert response["Cache-Control"] == "no-store"
    assert Session.objects.filter(user=user).count() == 1


def test_a_replayed_refresh_token_is_invalid_grant_and_revokes_the_session(
    api_client, user, settings
):
    settings.REFRESH_REUSE_GRACE_SECONDS = 0
    first = password_grant(api_client).json()
    second = refresh_grant(api_client, first["refresh_token"]).json()

    replay = refresh_grant(api_client, first["refresh_token"])

    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"
    assert refresh_grant(api_client, second["refresh_token"]).status_code == 400
    assert Session.objects.get(user=user).revoked_reason == "reuse"


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("grant_type=client_credentials", "unsupported_grant_type"),
        ("grant_type=authorization_code&code=x", "unsupported_grant_type"),
        ("grant_type=password&username=john", "invalid_request"),
        ("grant_type=password&password=x", "invalid_request"),
        ("grant_type=refresh_token", "invalid_request"),
        ("", "invalid_request"),
        ("grant_type=refresh_token&refresh_token=garbage", "invalid_grant"),
        (f"grant_type=password&username=nobody&password={PASSWORD}", "invalid_grant"),
    ],
)
def test_every_failure_carries_an_rfc_6749_error(api_client, user, body, error):
    response = token_request(api_client, body)

    assert response.status_code == 400
    payload = response.json()
    assert payload["error"] == error
    assert payload["error_description"] == payload["detail"]
    assert payload["detail"]
    assert response["Cache-Control"] == "no-store"


def test_a_wrong_password_keeps_the_guides_detail(api_client, user):
    response = password_grant(api_client, password="wrong")

    assert response.status_code == 400
    assert response.json()["detail"] == "Incorrect username or password"
    assert response.json()["error"] == "invalid_grant"


def test_malformed_json_at_the_token_endpoint_is_invalid_request(api_client, db):
    response = api_client.post("/token", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_the_token_endpoint_keeps_retry_after_past_the_limit(
    api_client, user, settings
):
    settings.LOGIN_RATE_LIMITS = login_rate_limits("ip=100/min,username=1/15min")
    password_grant(api_client, password="wrong")

    response = password_grant(api_client)

    assert response.status_code == 429
    assert response.json()["error"] == "slow_down"
    assert int(response["Retry-After"]) > 0


def test_scope_and_an_empty_client_are_accepted_and_not_echoed(api_client, user):
    response = password_grant(api_client, extra="&scope=read&client_id=&client_secret=")

    assert response.status_code == 200
    assert "scope" not in response.json()


# Revocation (RFC 7009)
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["refresh", "access"])
def test_revoking_either_token_ends_its_session(api_client, user, kind):
    tokens = session_open(user=user)

    response = api_client.post(
        "/revoke",
        f"token={tokens[kind]}&token_type_hint={kind}_token",
        content_type=FORM,
    )

    assert response.status_code == 200
    assert Session.objects.get(user=user).revoked_at is not None
    me = api_client.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert me.status_code == 401


@pytest.mark.parametrize(
    "token", ["garbage", "a.b.c", "x" * 5000, "tampered", "other-user"]
)
def test_revoking_an_unknown_token_is_a_200_that_ends_nothing(
    api_client, user, other_user, token
):
    mine = session_open(user=user)
    if token == "tampered":
        token = tampered(mine["refresh"], user_id=str(other_user.pk))

    response = api_client.post("/revoke", {"token": token}, format="json")

    assert response.status_code == 200
    assert Session.objects.active().filter(user=user).count() == 1


def test_revoking_without_a_token_is_invalid_request(api_client, db):
    response = api_client.post("/revoke", "", content_type=FORM)

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


# Bearer tokens on protected endpoints (RFC 6750, RFC 7235)
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "BEARER", "bEaReR"])
def test_the_bearer_scheme_is_case_insensitive(api_client, access_token, scheme):
    response = api_client.get(ME_URL, HTTP_AUTHORIZATION=f"{scheme} {access_token}")

    assert response.status_code == 200


def test_no_token_gets_the_bare_challenge(api_client, db):
    response = api_client.get(ME_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize("token", ["garbage", "ended", "tampered", "expired"])
def test_an_unusable_token_gets_an_invalid_token_challenge(api_client, user, token):
    tokens = session_open(user=user)
    expired = AccessToken(tokens["access"])
    expired.set_exp(lifetime=-timedelta(seconds=1))
    raw = {
        "garbage": "garbage",
        "ended": tokens["access"],
        "tampered": tampered(tokens["access"], user_id="999"),
        "expired": str(expired),
    }[token]
    if token == "ended":
        Session.objects.update(revoked_at="2026-01-01T00:00:00Z")

    response = api_client.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {raw}")

    assert response.status_code == 401
    challenge = response["WWW-Authenticate"]
    assert challenge.startswith('Bearer realm="api", error="invalid_token"')
    assert 'error_description="' in challenge
    assert "\n" not in challenge


@pytest.mark.parametrize(
    "url", [reverse("accounts:token-obtain"), reverse("accounts:token-refresh")]
)
def test_every_response_with_tokens_is_never_stored(api_client, user, url):
    tokens = session_open(user=user)
    body = (
        {"username": "john", "password": PASSWORD}
        if url.endswith("token/")
        else {"refresh": tokens["refresh"]}
    )

    response = api_client.post(url, body)

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Pragma"] == "no-cache"


def test_a_password_change_answer_is_never_stored(auth_client, user):
    response = auth_client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password": "A-brand-new-passphrase-9"},
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
