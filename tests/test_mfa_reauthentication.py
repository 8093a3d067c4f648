"""
Re-authenticating with two-factor sign-in on: the password alone does not
make a session fresh; the password and a code, or a passkey, do.
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Session
from mfa.models import TOTPDevice
from tests.authenticator import SoftwareAuthenticator
from tests.conftest import PASSWORD
from tests.mfa_fixtures import register

pytestmark = pytest.mark.django_db

REAUTH_URL = reverse("accounts:reauthenticate")


@pytest.fixture
def stale_client(auth_client, user):
    """A signed-in client whose session is no longer fresh."""
    Session.objects.filter(user=user).update(
        created_at="2000-01-01T00:00:00Z", reauthenticated_at=None
    )
    return auth_client


def turn_off(client):
    return client.delete(reverse("mfa:totp"))


def test_without_a_factor_the_password_is_enough(stale_client):
    assert stale_client.post(REAUTH_URL, {"password": PASSWORD}).status_code == 204


def test_with_a_factor_the_password_alone_leaves_the_session_stale(
    stale_client, two_factor_user
):
    response = stale_client.post(REAUTH_URL, {"password": PASSWORD})

    assert response.status_code == 400
    assert "code" in response.json()
    assert turn_off(stale_client).status_code == 403
    assert TOTPDevice.objects.filter(user=two_factor_user.user).exists()


def test_the_password_and_a_code_make_it_fresh(stale_client, two_factor_user):
    response = stale_client.post(
        REAUTH_URL, {"password": PASSWORD, "code": two_factor_user.code()}
    )

    assert response.status_code == 204
    assert turn_off(stale_client).status_code == 204


def test_a_recovery_code_does_too_and_is_spent(stale_client, two_factor_user):
    code = two_factor_user.recovery_codes[0]
    first = stale_client.post(REAUTH_URL, {"password": PASSWORD, "code": code})
    again = stale_client.post(REAUTH_URL, {"password": PASSWORD, "code": code})

    assert first.status_code == 204
    assert again.status_code == 400


def test_a_wrong_password_with_a_right_code_does_not_spend_the_code(
    stale_client, two_factor_user
):
    code = two_factor_user.code()
    wrong = stale_client.post(REAUTH_URL, {"password": "wrong", "code": code})
    right = stale_client.post(REAUTH_URL, {"password": PASSWORD, "code": code})

    assert wrong.status_code == 400 and "password" in wrong.json()
    assert right.status_code == 204


def test_wrong_codes_are_limited(stale_client, two_factor_user, settings):
    settings.LOGIN_RATE_LIMITS = {
        **settings.LOGIN_RATE_LIMITS,
        "reauthenticate": (100, 60),
    }
    answers = [
        stale_client.post(REAUTH_URL, {"password": PASSWORD, "code": "000000"})
        for _ in range(6)
    ]
    assert [a.status_code for a in answers] == [400] * 5 + [429]


def test_a_passkey_alone_makes_it_fresh(auth_client, user):
    authenticator = SoftwareAuthenticator()
    assert register(auth_client, authenticator).status_code == 201
    Session.objects.filter(user=user).update(
        created_at="2000-01-01T00:00:00Z", reauthenticated_at=None
    )
    stale = auth_client.post(reverse("mfa:passkey-register-options"))
    challenge = APIClient().post(reverse("mfa:passkey-login-options")).json()

    response = auth_client.post(
        REAUTH_URL, {"credential": authenticator.get(challenge)}
    )

    assert stale.status_code == 403
    assert response.status_code == 204
    assert auth_client.post(reverse("mfa:passkey-register-options")).status_code == 200


def test_a_passkey_of_another_account_is_refused(stale_client, mallory_key):
    challenge = APIClient().post(reverse("mfa:passkey-login-options")).json()

    response = stale_client.post(REAUTH_URL, {"credential": mallory_key.get(challenge)})

    assert response.status_code == 400
    assert turn_off(stale_client).status_code == 403


def test_nothing_to_prove_with_is_a_400(stale_client):
    assert stale_client.post(REAUTH_URL, {}).status_code == 400
