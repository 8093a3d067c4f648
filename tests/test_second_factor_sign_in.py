"""
Signing in as a user with a second factor: the password alone opens no
session through any door, the `mfa_token` finishes it once, and the tokens
say how the user proved who they are (RFC 8176 `amr`).
"""

from datetime import timedelta

import jwt
import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Session
from mfa.models import Challenge
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = reverse("accounts:token-obtain")
VERIFY_URL = reverse("mfa:verify")


def password_step(client, username="john", password=PASSWORD):
    return client.post(TOKEN_URL, {"username": username, "password": password})


def mfa_token(client) -> str:
    body = password_step(client).json()
    assert body["mfa_required"] is True
    return body["mfa_token"]


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


class TestThePasswordAloneOpensNoSession:
    def test_the_api_answers_mfa_required_with_a_token_and_the_methods(
        self, api_client, two_factor_user
    ):
        response = password_step(api_client)

        assert response.status_code == 200
        body = response.json()
        assert set(body) == {"mfa_required", "mfa_token", "methods"}
        assert body["methods"] == ["totp", "recovery_code"]
        assert "access" not in body and "refresh" not in body
        assert not Session.objects.filter(user=two_factor_user.user).exists()
        assert response["Cache-Control"] == "no-store"

    def test_the_oauth2_token_endpoint_answers_403_mfa_required(
        self, api_client, two_factor_user
    ):
        response = api_client.post(
            "/token",
            {"grant_type": "password", "username": "john", "password": PASSWORD},
        )

        assert response.status_code == 403
        body = response.json()
        assert body["error"] == "mfa_required"
        assert body["mfa_token"] and body["methods"]
        assert "access_token" not in body
        assert not Session.objects.filter(user=two_factor_user.user).exists()

    def test_a_wrong_password_is_still_just_a_wrong_password(
        self, api_client, two_factor_user
    ):
        response = password_step(api_client, password="wrong")
        assert response.status_code == 401
        assert "mfa_token" not in response.json()

    def test_the_mfa_token_is_not_a_bearer_token(self, api_client, two_factor_user):
        token = mfa_token(api_client)
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        assert api_client.get(reverse("api:user-me")).status_code == 401

    def test_the_mfa_token_is_not_a_refresh_token(self, api_client, two_factor_user):
        token = mfa_token(api_client)
        response = api_client.post(
            reverse("accounts:token-refresh"), {"refresh": token}
        )
        assert response.status_code == 401
        response = api_client.post(
            "/token", {"grant_type": "refresh_token", "refresh_token": token}
        )
        assert response.status_code == 400
        assert response.json()["error"] == "invalid_grant"

    def test_a_user_without_a_factor_gets_tokens_with_amr_pwd(self, api_client, user):
        body = password_step(api_client).json()
        assert claims(body["access"])["amr"] == ["pwd"]


class TestFinishingWithACode:
    def test_a_right_code_answers_tokens_whose_amr_says_pwd_otp_mfa(
        self, api_client, two_factor_user
    ):
        token = mfa_token(api_client)

        response = api_client.post(
            VERIFY_URL, {"mfa_token": token, "code": two_factor_user.code()}
        )

        assert response.status_code == 200, response.content
        body = response.json()
        assert claims(body["access"])["amr"] == ["pwd", "otp", "mfa"]
        assert claims(body["refresh"])["amr"] == ["pwd", "otp", "mfa"]
        assert response["Cache-Control"] == "no-store"
        session = Session.objects.get(user=two_factor_user.user)
        assert session.amr == "pwd otp mfa"
        api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {body['access']}")
        assert api_client.get(reverse("api:user-me")).status_code == 200

    def test_refreshing_keeps_the_amr(self, api_client, two_factor_user):
        token = mfa_token(api_client)
        tokens = api_client.post(
            VERIFY_URL, {"mfa_token": token, "code": two_factor_user.code()}
        ).json()

        refreshed = api_client.post(
            reverse("accounts:token-refresh"), {"refresh": tokens["refresh"]}
        ).json()

        assert claims(refreshed["access"])["amr"] == ["pwd", "otp", "mfa"]

    def test_the_mfa_token_works_once(self, api_client, two_factor_user):
        token = mfa_token(api_client)
        first = api_client.post(
            VERIFY_URL, {"mfa_token": token, "code": two_factor_user.code()}
        )
        second = api_client.post(
            VERIFY_URL, {"mfa_token": token, "code": two_factor_user.code(+1)}
        )

        assert first.status_code == 200
        assert second.status_code == 400
        assert second.json()["code"] == "mfa_token_invalid"
        assert Session.objects.filter(user=two_factor_user.user).count() == 1

    def test_a_wrong_code_does_not_spend_the_mfa_token(
        self, api_client, two_factor_user
    ):
        token = mfa_token(api_client)
        wrong = api_client.post(VERIFY_URL, {"mfa_token": token, "code": "000000"})
        right = api_client.post(
            VERIFY_URL, {"mfa_token": token, "code": two_factor_user.code()}
        )

        assert wrong.status_code == 400
        assert wrong.json() == {"code": ["The code is wrong or has already been used."]}
        assert right.status_code == 200

    def test_a_code_is_not_accepted_twice_across_sign_ins(
        self, api_client, two_factor_user
    ):
        code = two_factor_user.code()
        first = api_client.post(
            VERIFY_URL, {"mfa_token": mfa_token(api_client), "code": code}
        )
        replay = api_client.post(
            VERIFY_URL, {"mfa_token": mfa_token(api_client), "code": code}
        )

        assert first.status_code == 200
        assert replay.status_code == 400

    def test_an_expired_mfa_token_is_refused(self, api_client, two_factor_user):
        token = mfa_token(api_client)
        Challenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

        response = api_client.post(
            VERIFY_URL, {"mfa_token": token, "code": two_factor_user.code()}
        )

        assert response.status_code == 400
        assert response.json()["code"] == "mfa_token_invalid"

    def test_a_password_changed_between_the_steps_voids_the_mfa_token(
        self, api_client, two_factor_user
    ):
        token = mfa_token(api_client)
        two_factor_user.user.set_password("Another-password-99")
        two_factor_user.user.save()

        response = api_client.post(
            VERIFY_URL, {"mfa_token": token, "code": two_factor_user.code()}
        )

        assert response.status_code == 400
        assert not Session.objects.filter(
            user=two_factor_user.user, revoked_at__isnull=True
        ).exists()

    def test_a_deactivated_user_cannot_finish(self, api_client, two_factor_user):
        token = mfa_token(api_client)
        two_factor_user.user.is_active = False
        two_factor_user.user.save()

        response = api_client.post(
            VERIFY_URL, {"mfa_token": token, "code": two_factor_user.code()}
        )
        assert response.status_code == 400

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"mfa_token": "zz"},
            {"mfa_token": "zz", "code": "123456"},
            {"mfa_token": "00" * 32, "code": "123456"},
            {"mfa_token": ["a"], "code": "123456"},
            {"mfa_token": "ab", "code": "123456", "credential": {}},
            {"mfa_token": "ab", "credential": "not an object"},
        ],
    )
    def test_malformed_or_forged_requests_are_a_400(
        self, api_client, two_factor_user, body
    ):
        assert api_client.post(VERIFY_URL, body).status_code == 400

    def test_a_token_of_another_user_cannot_use_my_code(
        self, api_client, two_factor_user, other_user
    ):
        from tests.mfa_fixtures import totp_turn_on

        mallory = totp_turn_on(other_user)
        token = mfa_token(api_client)  # john's
        response = api_client.post(
            VERIFY_URL, {"mfa_token": token, "code": mallory.code()}
        )
        assert response.status_code == 400


class TestRecoveryCodes:
    def test_a_recovery_code_finishes_a_sign_in_once(self, api_client, two_factor_user):
        code = two_factor_user.recovery_codes[0]

        first = api_client.post(
            VERIFY_URL, {"mfa_token": mfa_token(api_client), "code": code}
        )
        again = api_client.post(
            VERIFY_URL, {"mfa_token": mfa_token(api_client), "code": code}
        )

        assert first.status_code == 200
        assert claims(first.json()["access"])["amr"] == ["pwd", "otp", "mfa"]
        assert again.status_code == 400
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {first.json()['access']}")
        assert client.get(reverse("mfa:factors")).json()["recovery_codes_left"] == 9

    def test_recovery_codes_are_read_without_dash_and_case(
        self, api_client, two_factor_user
    ):
        code = two_factor_user.recovery_codes[1].replace("-", " ").upper()
        response = api_client.post(
            VERIFY_URL, {"mfa_token": mfa_token(api_client), "code": code}
        )
        assert response.status_code == 200

    def test_new_recovery_codes_void_the_old_ones(self, auth_client, two_factor_user):
        response = auth_client.post(reverse("mfa:recovery-codes"))
        assert response.status_code == 200
        new = response.json()["recovery_codes"]
        assert len(new) == 10 and not set(new) & set(two_factor_user.recovery_codes)

        from mfa.recovery_codes import recovery_code_spend

        user = two_factor_user.user
        assert not recovery_code_spend(
            user=user, code=two_factor_user.recovery_codes[0]
        )
        assert recovery_code_spend(user=user, code=new[0])

    @pytest.mark.parametrize(
        "rotation",
        [
            {"SECRET_KEY_FALLBACKS": ["old-secret-key-" * 4]},
            {"MFA_ENCRYPTION_KEY": "a-dedicated-mfa-key-" * 2},
        ],
        ids=["old key in fallbacks", "dedicated mfa key"],
    )
    def test_recovery_codes_outlive_a_rotation_of_the_secret_key(
        self, settings, user, rotation
    ):
        """
        Recovery codes are what is left when the app is lost: rotating
        DJANGO_SECRET_KEY the way TOTP secrets survive it keeps them too.
        """
        from mfa.recovery_codes import recovery_code_spend
        from mfa.totp import totp_verify
        from tests.mfa_fixtures import totp_turn_on

        settings.SECRET_KEY = "old-secret-key-" * 4
        settings.MFA_ENCRYPTION_KEY = rotation.get("MFA_ENCRYPTION_KEY", "")
        john = totp_turn_on(user)

        settings.SECRET_KEY = "new-secret-key-" * 4
        settings.SECRET_KEY_FALLBACKS = rotation.get("SECRET_KEY_FALLBACKS", [])

        assert totp_verify(user=user, code=john.code())
        assert recovery_code_spend(user=user, code=john.recovery_codes[0])

    def test_a_dedicated_key_set_after_sign_ups_keeps_apps_and_codes_working(
        self, api_client, two_factor_user, settings
    ):
        """
        docs/mfa.md advises setting MFA_ENCRYPTION_KEY; on a deployment with
        users it must not make every second step a 500.
        """
        from mfa.recovery_codes import recovery_code_spend

        settings.MFA_ENCRYPTION_KEY = "a-dedicated-mfa-key-" * 2

        response = api_client.post(
            VERIFY_URL,
            {"mfa_token": mfa_token(api_client), "code": two_factor_user.code()},
        )

        assert response.status_code == 200
        code = two_factor_user.recovery_codes[0]
        assert recovery_code_spend(user=two_factor_user.user, code=code)

    def test_new_recovery_codes_need_a_factor(self, auth_client):
        response = auth_client.post(reverse("mfa:recovery-codes"))
        assert response.status_code == 409
        assert response.json()["code"] == "no_second_factor"

    def test_the_status_never_shows_a_code_or_secret(
        self, auth_client, two_factor_user
    ):
        body = auth_client.get(reverse("mfa:factors")).json()
        assert body == {"totp": True, "passkeys": 0, "recovery_codes_left": 10}


class TestLimits:
    def test_five_wrong_codes_then_429_with_retry_after(
        self, api_client, two_factor_user
    ):
        token = mfa_token(api_client)
        statuses = [
            api_client.post(VERIFY_URL, {"mfa_token": token, "code": "000000"})
            for _ in range(6)
        ]

        assert [r.status_code for r in statuses] == [400] * 5 + [429]
        assert int(statuses[-1]["Retry-After"]) > 0
        right = api_client.post(
            VERIFY_URL, {"mfa_token": token, "code": two_factor_user.code()}
        )
        assert right.status_code == 429

    def test_wrong_codes_count_toward_the_username_lock(
        self, api_client, two_factor_user, settings
    ):
        settings.LOGIN_RATE_LIMITS = {
            **settings.LOGIN_RATE_LIMITS,
            "mfa": (100, 300),
            "username": (3, 900),
        }
        token = mfa_token(api_client)  # a right password: not a failure
        for _ in range(3):
            api_client.post(VERIFY_URL, {"mfa_token": token, "code": "000000"})

        response = password_step(api_client)

        assert response.status_code == 429

    def test_right_codes_do_not_use_up_the_limit(self, api_client, two_factor_user):
        for code in two_factor_user.recovery_codes[:6]:
            response = api_client.post(
                VERIFY_URL, {"mfa_token": mfa_token(api_client), "code": code}
            )
            assert response.status_code == 200

        wrong = api_client.post(
            VERIFY_URL, {"mfa_token": mfa_token(api_client), "code": "000000"}
        )
        assert wrong.status_code == 400
