"""
Every two-factor endpoint that needs a signed-in user refuses a request
without a token, with a bad, tampered or expired one, and never shows or
changes another user's factors.
"""

import time

import pytest
from django.urls import reverse
from webauthn.helpers import bytes_to_base64url

from mfa.models import TOTPDevice
from tests.conftest import PASSWORD
from tests.helpers import bearer, claims_of, sign, tampered

pytestmark = pytest.mark.django_db

PROTECTED = [
    ("get", "mfa:factors"),
    ("post", "mfa:totp-setup"),
    ("post", "mfa:totp-confirm"),
    ("delete", "mfa:totp"),
    ("post", "mfa:recovery-codes"),
    ("post", "mfa:passkey-register-options"),
    ("post", "mfa:passkey-register"),
    ("get", "mfa:passkey-list"),
]


def expired(token: str) -> str:
    now = int(time.time())
    return sign({**claims_of(token), "iat": now - 120, "exp": now - 60})


BAD_TOKENS = {
    "none": lambda token: None,
    "malformed": lambda token: "not-a-jwt",
    "tampered": lambda token: tampered(token, user_id="999"),
    "expired": expired,
    "wrong-key": lambda token: sign(claims_of(token), key="another-key-" * 4),
}


@pytest.mark.parametrize(("method", "name"), PROTECTED)
@pytest.mark.parametrize("bad", BAD_TOKENS)
def test_refused_without_a_usable_token(api_client, access_token, method, name, bad):
    token = BAD_TOKENS[bad](access_token)
    headers = bearer(token) if token else {}

    response = getattr(api_client, method)(reverse(name), {}, **headers)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_another_users_factors_are_neither_shown_nor_changed(
    auth_client, user, other_user
):
    from tests.mfa_fixtures import totp_turn_on

    totp_turn_on(other_user)

    assert auth_client.get(reverse("mfa:factors")).json()["totp"] is False
    assert auth_client.delete(reverse("mfa:totp")).status_code == 409
    assert TOTPDevice.objects.filter(user=other_user).exists()


@pytest.mark.parametrize(
    "name", ["mfa:verify", "mfa:passkey-login", "mfa:passkey-register"]
)
def test_malformed_json_is_a_400(auth_client, name):
    response = auth_client.post(
        reverse(name), "{not json", content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "name", ["mfa:verify", "mfa:passkey-login", "mfa:passkey-register"]
)
def test_a_deeply_nested_client_data_json_is_a_400(
    auth_client, api_client, two_factor_user, name
):
    """
    The JSON inside the credential's base64 is parsed by py_webauthn, where
    Python's json module raises RecursionError on deep nesting.
    """
    mfa_token = api_client.post(
        reverse("accounts:token-obtain"), {"username": "john", "password": PASSWORD}
    ).json()["mfa_token"]
    nested = bytes_to_base64url(b"[" * 100_000)
    credential = {"id": "AA", "rawId": "AA", "response": {"clientDataJSON": nested}}

    response = auth_client.post(
        reverse(name), {"mfa_token": mfa_token, "credential": credential}
    )

    assert response.status_code == 400
