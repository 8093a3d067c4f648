import time
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from accounts import tokens
from accounts.models import Session
from accounts.serializers import UserSerializer
from accounts.tokens import AccessToken
from tests.helpers import bearer, claims_of, sign, tampered, unsigned

ME_URL = reverse("api:user-me")
USER_FIELDS = {
    "id",
    "username",
    "email",
    "email_verified",
    "first_name",
    "last_name",
    "is_staff",
    "date_joined",
}


def test_me_returns_the_user_without_any_password(auth_client, user):
    response = auth_client.get(ME_URL)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == USER_FIELDS
    assert body["id"] == user.pk
    assert body["username"] == "john"
    assert body["email"] == "john@example.com"
    assert "password" not in response.content.decode()
    assert user.password not in response.content.decode()


def test_me_shows_exactly_what_the_serializers_fields_describe(auth_client, user):
    user.first_name, user.last_name = "Zoë", "O'Brien 🚀"
    user.is_staff = True
    user.save()
    serializer = UserSerializer(user)
    field_by_field = serializers.Serializer.to_representation(serializer, user)

    assert list(serializer.data.items()) == list(field_by_field.items())
    assert auth_client.get(ME_URL).json() == field_by_field


def test_me_without_a_token_is_a_401_with_a_bearer_challenge(api_client, db):
    response = api_client.get(ME_URL)

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def _expired(access_token):
    claims = claims_of(access_token)
    now = int(time.time())
    return sign({**claims, "iat": now - 120, "exp": now - 60})


@pytest.mark.parametrize(
    "make_token",
    [
        pytest.param(lambda t, r: "not-a-jwt", id="malformed"),
        pytest.param(lambda t, r: t[:-4] + "AAAA", id="bad-signature"),
        pytest.param(lambda t, r: unsigned(claims_of(t)), id="alg-none"),
        pytest.param(
            lambda t, r: sign(claims_of(t), key="another-key-" * 4), id="wrong-key"
        ),
        pytest.param(lambda t, r: tampered(t, user_id="2"), id="tampered-payload"),
        pytest.param(lambda t, r: _expired(t), id="expired"),
        pytest.param(lambda t, r: r, id="refresh-as-access"),
        pytest.param(
            lambda t, r: sign({k: v for k, v in claims_of(t).items() if k != "sid"}),
            id="no-session-claim",
        ),
        pytest.param(
            lambda t, r: sign(claims_of(t), algorithm="HS512"), id="other-algorithm"
        ),
    ],
)
def test_me_refuses_every_kind_of_bad_token(
    api_client, other_user, access_token, refresh_token, make_token
):
    # The genuine token is accepted first, so its signature is remembered.
    assert api_client.get(ME_URL, **bearer(access_token)).status_code == 200

    response = api_client.get(ME_URL, **bearer(make_token(access_token, refresh_token)))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "username" not in response.json()


def test_a_token_accepted_before_is_refused_once_it_expires(
    api_client, access_token, monkeypatch
):
    assert api_client.get(ME_URL, **bearer(access_token)).status_code == 200
    # Only the remembered token's expiry check sees the clock move on.
    expired_at = claims_of(access_token)["exp"]
    monkeypatch.setattr(tokens, "time", SimpleNamespace(time=lambda: expired_at))

    response = api_client.get(ME_URL, **bearer(access_token))

    assert response.status_code == 401
    assert response.json()["code"] == "token_not_valid"
    assert response.json()["messages"][0]["message"] == "Token is expired"


def test_me_refuses_a_simplejwt_token_that_no_login_issued(api_client, user):
    response = api_client.get(ME_URL, **bearer(str(AccessToken.for_user(user))))

    assert response.status_code == 401


def test_me_refuses_the_token_of_a_deleted_user(api_client, user, access_token):
    user.delete()

    assert api_client.get(ME_URL, **bearer(access_token)).status_code == 401


def test_me_refuses_a_deactivated_user_on_the_next_request(
    api_client, user, access_token
):
    assert api_client.get(ME_URL, **bearer(access_token)).status_code == 200
    user.is_active = False
    user.save()

    response = api_client.get(ME_URL, **bearer(access_token))

    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"


def test_me_refuses_a_token_of_a_revoked_session(api_client, user, access_token):
    Session.objects.filter(user=user).update(revoked_at=timezone.now())

    response = api_client.get(ME_URL, **bearer(access_token))

    assert response.status_code == 401
    assert response.json()["code"] == "session_ended"


def test_me_refuses_tokens_issued_before_a_password_change(
    api_client, user, access_token
):
    """Even when the password is set outside the API (admin, shell)."""
    user.set_password("An0ther-long-password")
    user.save()

    response = api_client.get(ME_URL, **bearer(access_token))

    assert response.status_code == 401
    assert response.json()["code"] == "session_ended"
    assert not Session.objects.active().filter(user=user).exists()
    assert Session.objects.get(user=user).revoked_reason == "password_change"


def test_me_authentication_costs_one_query(auth_client, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert auth_client.get(ME_URL).status_code == 200


def test_patch_me_changes_names(auth_client, user):
    response = auth_client.patch(ME_URL, {"first_name": "Jöhn", "last_name": "Dœ 🚀"})

    assert response.status_code == 200
    assert response.json()["first_name"] == "Jöhn"
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Jöhn", "Dœ 🚀")


@pytest.mark.parametrize("email", ["attacker@evil.test", "not-an-email", ""])
def test_an_access_token_alone_cannot_change_the_email(auth_client, user, email):
    """Else a stolen token could send the password reset link elsewhere."""
    response = auth_client.patch(ME_URL, {"email": email, "first_name": "J"})

    assert response.status_code == 200
    assert response.json()["email"] == "john@example.com"
    user.refresh_from_db()
    assert (user.email, user.first_name) == ("john@example.com", "J")


def test_patch_me_cannot_escalate_privileges_or_rename(auth_client, user):
    original = (user.username, user.password, user.date_joined, user.pk)

    response = auth_client.patch(
        ME_URL,
        {
            "id": 999,
            "username": "admin",
            "is_staff": True,
            "is_superuser": True,
            "date_joined": "2000-01-01T00:00:00Z",
            "password": "hacked-password-1",
        },
    )

    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.is_staff
    assert not user.is_superuser
    assert (user.username, user.password, user.date_joined, user.pk) == original


@pytest.mark.parametrize("value", [["a"], {"a": 1}, "x" * 151])
def test_patch_me_with_wrong_types_is_a_400(auth_client, value):
    assert auth_client.patch(ME_URL, {"first_name": value}).status_code == 400


def test_put_on_me_is_not_allowed(auth_client, user):
    assert auth_client.put(ME_URL, {"first_name": "x"}).status_code == 405
    user.refresh_from_db()
    assert user.first_name == ""


def test_patch_me_without_a_token_is_a_401(api_client, user):
    assert api_client.patch(ME_URL, {"first_name": "x"}).status_code == 401
