"""Authenticator apps: set up, confirmed, each code taken once, turned off."""

import pyotp
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Session
from accounts.sessions import session_open
from mfa.models import RecoveryCode, TOTPDevice
from tests.mfa_fixtures import totp_code

pytestmark = pytest.mark.django_db


def setup(client) -> dict:
    response = client.post(reverse("mfa:totp-setup"))
    assert response.status_code == 200, response.content
    return response.json()


def test_setup_answers_a_secret_its_otpauth_uri_and_a_qr_code(auth_client, user):
    body = setup(auth_client)

    assert set(body) == {"secret", "otpauth_uri", "qr_svg"}
    assert pyotp.parse_uri(body["otpauth_uri"]).secret == body["secret"]
    assert "john" in body["otpauth_uri"]
    assert body["qr_svg"].startswith("<svg")
    assert TOTPDevice.objects.get(user=user).confirmed_at is None


def test_the_secret_is_stored_encrypted(auth_client, user):
    secret = setup(auth_client)["secret"]

    stored = bytes(TOTPDevice.objects.get(user=user).encrypted_secret)
    assert secret.encode() not in stored
    assert secret not in stored.decode("latin-1")


def test_a_setup_answer_is_not_cached(auth_client):
    response = auth_client.post(reverse("mfa:totp-setup"))
    assert response["Cache-Control"] == "no-store"


def test_confirming_with_a_right_code_turns_the_app_on_and_shows_ten_recovery_codes(
    auth_client, user
):
    secret = setup(auth_client)["secret"]

    response = auth_client.post(
        reverse("mfa:totp-confirm"), {"code": totp_code(secret)}
    )

    assert response.status_code == 200
    codes = response.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=user).confirmed_at is not None
    stored = set(
        RecoveryCode.objects.filter(user=user).values_list("code_hash", flat=True)
    )
    assert len(stored) == 10
    assert not stored & {code.replace("-", "") for code in codes}
    status = auth_client.get(reverse("mfa:factors")).json()
    assert status == {"totp": True, "passkeys": 0, "recovery_codes_left": 10}


def test_a_wrong_code_does_not_turn_the_app_on(auth_client, user):
    secret = setup(auth_client)["secret"]
    right = totp_code(secret)
    wrong = f"{(int(right) + 1) % 10**6:06d}"

    response = auth_client.post(reverse("mfa:totp-confirm"), {"code": wrong})

    assert response.status_code == 400
    assert "code" in response.json()
    assert TOTPDevice.objects.get(user=user).confirmed_at is None


FULLWIDTH_DIGITS = "\uff11\uff12\uff13\uff14\uff15\uff16"


@pytest.mark.parametrize(
    "code", ["", "12345", "1234567", "abcdef", FULLWIDTH_DIGITS, None]
)
def test_malformed_codes_are_a_400(auth_client, code):
    setup(auth_client)
    response = auth_client.post(reverse("mfa:totp-confirm"), {"code": code})
    assert response.status_code == 400


def test_confirming_without_a_pending_app_is_a_400(auth_client):
    response = auth_client.post(reverse("mfa:totp-confirm"), {"code": "123456"})
    assert response.status_code == 400


def test_setting_up_again_while_on_is_a_409(auth_client, two_factor_user):
    response = auth_client.post(reverse("mfa:totp-setup"))
    assert response.status_code == 409
    assert response.json()["code"] == "totp_enabled"


def test_turning_on_signs_out_the_other_sessions_but_not_this_one(auth_client, user):
    other = session_open(user=user)
    secret = setup(auth_client)["secret"]
    auth_client.post(reverse("mfa:totp-confirm"), {"code": totp_code(secret)})

    assert Session.objects.filter(user=user, revoked_at__isnull=True).count() == 1
    stranger = APIClient()
    stranger.credentials(HTTP_AUTHORIZATION=f"Bearer {other['access']}")
    assert stranger.get(reverse("api:user-me")).status_code == 401
    assert auth_client.get(reverse("api:user-me")).status_code == 200


def test_turning_off_removes_the_app_and_the_recovery_codes(
    auth_client, two_factor_user
):
    response = auth_client.delete(reverse("mfa:totp"))

    assert response.status_code == 204
    assert not TOTPDevice.objects.filter(user=two_factor_user.user).exists()
    assert not RecoveryCode.objects.filter(user=two_factor_user.user).exists()


def test_turning_off_when_off_is_a_409(auth_client):
    assert auth_client.delete(reverse("mfa:totp")).status_code == 409


@pytest.mark.parametrize(
    ("method", "name"),
    [("post", "mfa:totp-setup"), ("post", "mfa:totp-confirm"), ("delete", "mfa:totp")],
)
def test_changing_the_app_needs_a_fresh_session(auth_client, user, method, name):
    Session.objects.filter(user=user).update(
        created_at="2000-01-01T00:00:00Z", reauthenticated_at=None
    )
    response = getattr(auth_client, method)(reverse(name), {"code": "123456"})
    assert response.status_code == 403
    assert response.json()["code"] == "reauthentication_required"


class TestCodesAreTakenOnce:
    def test_the_same_code_twice_is_refused_the_second_time(self, two_factor_user):
        from mfa.totp import totp_verify

        code = two_factor_user.code()
        assert totp_verify(user=two_factor_user.user, code=code)
        assert not totp_verify(user=two_factor_user.user, code=code)

    def test_a_code_of_an_earlier_step_is_refused_after_a_later_one(
        self, two_factor_user
    ):
        from mfa.totp import totp_verify

        user = two_factor_user.user
        assert totp_verify(user=user, code=two_factor_user.code(+1))
        assert not totp_verify(user=user, code=two_factor_user.code(0))

    @pytest.mark.parametrize("steps", [-1, +1])
    def test_one_step_of_clock_drift_is_accepted(self, two_factor_user, steps):
        from mfa.totp import totp_verify

        assert totp_verify(user=two_factor_user.user, code=two_factor_user.code(steps))

    @pytest.mark.parametrize("steps", [-3, +3])
    def test_more_drift_is_refused(self, two_factor_user, steps):
        from mfa.totp import totp_verify

        code = two_factor_user.code(steps)
        # Skip the rare case of the far code equal to one inside the window.
        near = {two_factor_user.code(s) for s in (-1, 0, 1)}
        if code in near:
            pytest.skip("the far code happens to equal a near one")
        assert not totp_verify(user=two_factor_user.user, code=code)
