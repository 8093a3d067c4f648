"""
Passkeys: registration, sign-in without a username, as a second factor, and
every way a WebAuthn answer can be wrong (origin, rp id, user verification,
replayed challenge, a sign count that goes back).
"""

import logging

import jwt
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Session
from mfa.models import Challenge, Passkey, RecoveryCode
from tests.authenticator import SoftwareAuthenticator
from tests.conftest import PASSWORD
from tests.mfa_fixtures import register

pytestmark = pytest.mark.django_db

OPTIONS_URL = reverse("mfa:passkey-register-options")
REGISTER_URL = reverse("mfa:passkey-register")
LOGIN_OPTIONS_URL = reverse("mfa:passkey-login-options")
LOGIN_URL = reverse("mfa:passkey-login")


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


@pytest.fixture
def authenticator() -> SoftwareAuthenticator:
    return SoftwareAuthenticator()


@pytest.fixture
def passkey_user(auth_client, user, authenticator):
    response = register(auth_client, authenticator)
    assert response.status_code == 201, response.content
    return user


def sign_in(authenticator, **get_kwargs):
    client = APIClient()
    options = client.post(LOGIN_OPTIONS_URL).json()
    return client.post(
        LOGIN_URL, {"credential": authenticator.get(options, **get_kwargs)}
    )


class TestRegistration:
    def test_options_ask_for_a_discoverable_key_with_user_verification(
        self, auth_client
    ):
        options = auth_client.post(OPTIONS_URL).json()

        assert options["rp"]["id"] == "localhost"
        assert options["authenticatorSelection"]["residentKey"] == "required"
        assert options["authenticatorSelection"]["userVerification"] == "required"
        assert options["user"]["name"] == "john"
        # The user handle is no personal data.
        assert "john" not in options["user"]["id"]
        assert Challenge.objects.filter(purpose="passkey_register").count() == 1

    def test_a_new_passkey_is_stored_and_the_first_factor_brings_recovery_codes(
        self, auth_client, user, authenticator
    ):
        response = register(auth_client, authenticator)

        assert response.status_code == 201
        body = response.json()
        assert body["name"] == "Laptop"
        assert len(body["recovery_codes"]) == 10
        passkey = Passkey.objects.get(user=user)
        assert bytes(passkey.credential_id) == authenticator.credential_id
        assert RecoveryCode.objects.filter(user=user).count() == 10

    def test_a_second_passkey_brings_no_new_codes(self, auth_client, passkey_user):
        response = register(auth_client, SoftwareAuthenticator(), name="Phone")
        assert response.status_code == 201
        assert response.json()["recovery_codes"] is None

    def test_excludes_the_passkeys_already_registered(self, auth_client, passkey_user):
        options = auth_client.post(OPTIONS_URL).json()
        assert len(options["excludeCredentials"]) == 1

    def test_the_same_passkey_twice_is_refused(
        self, auth_client, passkey_user, authenticator
    ):
        response = register(auth_client, authenticator)
        assert response.status_code == 400
        assert Passkey.objects.count() == 1

    @pytest.mark.parametrize(
        "wrong",
        [
            {"origin": "https://evil.example"},
            {"rp_id": "evil.example"},
            {"uv": False},
        ],
        ids=["origin", "rp id", "no user verification"],
    )
    def test_a_wrong_answer_is_refused(self, auth_client, authenticator, wrong):
        response = register(auth_client, authenticator, **wrong)

        assert response.status_code == 400
        assert "credential" in response.json()
        assert not Passkey.objects.exists()

    def test_a_challenge_is_used_once(self, auth_client, authenticator):
        options = auth_client.post(OPTIONS_URL).json()
        credential = authenticator.create(options)
        first = auth_client.post(REGISTER_URL, {"credential": credential, "name": "a"})
        second_key = SoftwareAuthenticator().create(options)
        replay = auth_client.post(REGISTER_URL, {"credential": second_key, "name": "b"})

        assert first.status_code == 201
        assert replay.status_code == 400
        assert Passkey.objects.count() == 1

    def test_a_challenge_of_another_user_is_refused(
        self, auth_client, other_client, authenticator
    ):
        options = other_client.post(OPTIONS_URL).json()
        response = auth_client.post(
            REGISTER_URL, {"credential": authenticator.create(options), "name": "x"}
        )
        assert response.status_code == 400

    @pytest.mark.parametrize(
        "credential",
        [{}, {"response": {}}, {"response": {"clientDataJSON": "!!"}}, {"rawId": 1}],
    )
    def test_malformed_credentials_are_a_400(self, auth_client, credential):
        response = auth_client.post(REGISTER_URL, {"credential": credential})
        assert response.status_code == 400

    def test_adding_a_passkey_needs_a_fresh_session(self, auth_client, user):
        Session.objects.filter(user=user).update(
            created_at="2000-01-01T00:00:00Z", reauthenticated_at=None
        )
        response = auth_client.post(OPTIONS_URL)
        assert response.status_code == 403
        assert response.json()["code"] == "reauthentication_required"


class TestPasswordlessSignIn:
    def test_a_passkey_signs_in_without_a_username(self, passkey_user, authenticator):
        response = sign_in(authenticator)

        assert response.status_code == 200, response.content
        access = response.json()["access"]
        assert claims(access)["amr"] == ["hwk", "mfa"]
        assert str(claims(access)["user_id"]) == str(passkey_user.pk)
        assert Passkey.objects.get().last_used_at is not None
        assert response["Cache-Control"] == "no-store"

    def test_sign_in_options_name_no_user(self, db):
        options = APIClient().post(LOGIN_OPTIONS_URL).json()
        assert options["rpId"] == "localhost"
        assert options.get("allowCredentials", []) == []
        assert options["userVerification"] == "required"

    @pytest.mark.parametrize(
        "wrong",
        [{"origin": "http://localhost:3001"}, {"rp_id": "example.com"}, {"uv": False}],
        ids=["origin", "rp id", "no user verification"],
    )
    def test_a_wrong_answer_is_refused(self, passkey_user, authenticator, wrong):
        response = sign_in(authenticator, **wrong)
        assert response.status_code == 400
        assert not Session.objects.filter(amr__contains="hwk").exists()

    def test_a_replayed_assertion_is_refused(self, passkey_user, authenticator):
        client = APIClient()
        options = client.post(LOGIN_OPTIONS_URL).json()
        credential = authenticator.get(options)

        first = client.post(LOGIN_URL, {"credential": credential})
        replay = client.post(LOGIN_URL, {"credential": credential})

        assert first.status_code == 200
        assert replay.status_code == 400

    def test_a_sign_count_that_does_not_move_forward_is_refused_and_logged(
        self, passkey_user, authenticator, caplog
    ):
        assert sign_in(authenticator).status_code == 200  # count 1
        assert sign_in(authenticator).status_code == 200  # count 2

        with caplog.at_level(logging.WARNING, logger="accounts.auth"):
            response = sign_in(authenticator, sign_count=1)  # a clone's count

        assert response.status_code == 400
        assert any(
            record.getMessage() == "passkey_clone_suspected"
            for record in caplog.records
        )
        assert Passkey.objects.get().sign_count == 2

    def test_an_unknown_passkey_is_refused(self, db):
        response = sign_in(SoftwareAuthenticator())
        assert response.status_code == 400

    def test_a_deactivated_user_cannot_sign_in(self, passkey_user, authenticator):
        passkey_user.is_active = False
        passkey_user.save()
        assert sign_in(authenticator).status_code == 400

    def test_an_unverified_address_is_refused_when_required(
        self, passkey_user, authenticator, settings
    ):
        settings.REQUIRE_VERIFIED_EMAIL = True
        response = sign_in(authenticator)
        assert response.status_code == 403
        assert response.json()["code"] == "email_unverified"


class TestAsSecondFactor:
    def test_password_then_passkey_answers_amr_pwd_hwk_mfa(
        self, passkey_user, authenticator
    ):
        client = APIClient()
        first = client.post(
            reverse("accounts:token-obtain"), {"username": "john", "password": PASSWORD}
        ).json()
        assert first["methods"] == ["recovery_code", "webauthn"]
        options = client.post(LOGIN_OPTIONS_URL).json()

        response = client.post(
            reverse("mfa:verify"),
            {"mfa_token": first["mfa_token"], "credential": authenticator.get(options)},
        )

        assert response.status_code == 200, response.content
        assert claims(response.json()["access"])["amr"] == ["pwd", "hwk", "mfa"]

    def test_a_passkey_of_another_account_is_refused(self, passkey_user, mallory_key):
        client = APIClient()
        first = client.post(
            reverse("accounts:token-obtain"), {"username": "john", "password": PASSWORD}
        ).json()
        options = client.post(LOGIN_OPTIONS_URL).json()

        response = client.post(
            reverse("mfa:verify"),
            {"mfa_token": first["mfa_token"], "credential": mallory_key.get(options)},
        )

        assert response.status_code == 400
        assert not Session.objects.filter(
            user=passkey_user, amr__contains="mfa"
        ).exists()

    def test_an_assertion_refused_as_second_factor_cannot_be_replayed(
        self, passkey_user, mallory_key
    ):
        """
        The challenge is spent whatever the outcome, on this path too: an
        assertion that reached the server and was refused (here, another
        account's passkey) signs nobody in afterwards.
        """
        client = APIClient()
        first = client.post(
            reverse("accounts:token-obtain"), {"username": "john", "password": PASSWORD}
        ).json()
        assertion = mallory_key.get(client.post(LOGIN_OPTIONS_URL).json())
        refused = client.post(
            reverse("mfa:verify"),
            {"mfa_token": first["mfa_token"], "credential": assertion},
        )

        replay = APIClient().post(LOGIN_URL, {"credential": assertion})

        assert refused.status_code == 400
        assert replay.status_code == 400
        assert not Session.objects.filter(amr__contains="hwk").exists()


class TestManaging:
    def test_the_list_shows_my_passkeys_only(
        self, auth_client, passkey_user, other_user
    ):
        Passkey.objects.create(
            user=other_user, name="theirs", credential_id=b"x", public_key=b"y"
        )
        body = auth_client.get(reverse("mfa:passkey-list")).json()
        assert [p["name"] for p in body] == ["Laptop"]
        assert set(body[0]) == {"id", "name", "created_at", "last_used_at", "backed_up"}

    def test_rename(self, auth_client, passkey_user):
        passkey = Passkey.objects.get()
        response = auth_client.patch(
            reverse("mfa:passkey-detail", args=[passkey.pk]), {"name": "Work laptop"}
        )
        assert response.status_code == 200
        assert Passkey.objects.get().name == "Work laptop"

    def test_removing_the_last_factor_removes_the_recovery_codes(
        self, auth_client, passkey_user
    ):
        passkey = Passkey.objects.get()
        response = auth_client.delete(reverse("mfa:passkey-detail", args=[passkey.pk]))
        assert response.status_code == 204
        assert not Passkey.objects.exists()
        assert not RecoveryCode.objects.filter(user=passkey_user).exists()

    def test_another_users_passkey_is_a_404(self, auth_client, other_user):
        theirs = Passkey.objects.create(
            user=other_user, name="theirs", credential_id=b"x", public_key=b"y"
        )
        url = reverse("mfa:passkey-detail", args=[theirs.pk])
        assert auth_client.delete(url).status_code == 404
        assert auth_client.patch(url, {"name": "mine"}).status_code == 404
        assert Passkey.objects.get().name == "theirs"

    @pytest.mark.parametrize("method", ["patch", "delete"])
    def test_changing_one_needs_a_fresh_session(
        self, auth_client, passkey_user, method
    ):
        Session.objects.filter(user=passkey_user).update(
            created_at="2000-01-01T00:00:00Z", reauthenticated_at=None
        )
        passkey = Passkey.objects.get()
        response = getattr(auth_client, method)(
            reverse("mfa:passkey-detail", args=[passkey.pk]), {"name": "x"}
        )
        assert response.status_code == 403
        assert Passkey.objects.get().name == "Laptop"
