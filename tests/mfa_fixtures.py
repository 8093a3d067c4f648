"""Users with second factors, for the two-factor tests (imported by conftest)."""

import time

import pyotp
import pytest
from django.urls import reverse
from django.utils import timezone

from mfa.encryption import secret_encrypt
from mfa.models import TOTPDevice
from mfa.recovery_codes import recovery_codes_replace
from tests.authenticator import SoftwareAuthenticator


def totp_code(secret: str, *, steps_from_now: int = 0) -> str:
    """The code of the step `steps_from_now` away (each code is taken once)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_from_now)


class TwoFactorUser:
    def __init__(self, user, secret, recovery_codes):
        self.user = user
        self.secret = secret
        self.recovery_codes = recovery_codes

    def code(self, steps_from_now: int = 0) -> str:
        return totp_code(self.secret, steps_from_now=steps_from_now)


def totp_turn_on(user) -> TwoFactorUser:
    secret = pyotp.random_base32(length=32)
    TOTPDevice.objects.create(
        user=user,
        encrypted_secret=secret_encrypt(secret.encode()),
        confirmed_at=timezone.now(),
    )
    return TwoFactorUser(user, secret, recovery_codes_replace(user=user))


@pytest.fixture
def two_factor_user(user) -> TwoFactorUser:
    """`user` with an authenticator app on and ten recovery codes."""
    return totp_turn_on(user)


def register(client, authenticator, *, name="Laptop", **create_kwargs):
    """Add a passkey through the API, as the browser would."""
    options = client.post(reverse("mfa:passkey-register-options")).json()
    credential = authenticator.create(options, **create_kwargs)
    return client.post(
        reverse("mfa:passkey-register"), {"credential": credential, "name": name}
    )


@pytest.fixture
def mallory_key(other_client) -> SoftwareAuthenticator:
    """A passkey registered to another account (`other_user`)."""
    key = SoftwareAuthenticator()
    assert register(other_client, key).status_code == 201
    return key
