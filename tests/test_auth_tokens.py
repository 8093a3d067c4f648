import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Session
from accounts.tokens import RefreshToken
from tests.conftest import PASSWORD
from tests.helpers import bearer, claims_of

TOKEN_URL = reverse("accounts:token-obtain")
REFRESH_URL = reverse("accounts:token-refresh")
VERIFY_URL = reverse("accounts:token-verify")
LOGOUT_URL = reverse("accounts:logout")
ME_URL = reverse("api:user-me")


def login(client, username="john", password=PASSWORD, **kwargs):
    return client.post(
        TOKEN_URL, {"username": username, "password": password}, **kwargs
    )


@pytest.mark.parametrize("format", ["json", "multipart"])
def test_login_returns_a_token_pair_for_json_and_form_data(api_client, user, format):
    if format == "multipart":
        response = api_client.post(
            TOKEN_URL,
            f"username=john&password={PASSWORD}",
            content_type="application/x-www-form-urlencoded",
        )
    else:
        response = login(api_client)

    assert response.status_code == 200
    assert set(response.json()) == {"access", "refresh"}
    access = claims_of(response.json()["access"])
    assert access["token_type"] == "access"
    assert access["user_id"] == str(user.pk)
    session = Session.objects.get(user=user)
    assert access["sid"] == str(session.pk)
    assert session.refresh_jti == claims_of(response.json()["refresh"])["jti"]


def test_login_opens_one_session_per_login_with_client_details(api_client, user):
    login(api_client, HTTP_USER_AGENT="Firefox/140", REMOTE_ADDR="10.1.2.3")
    login(api_client, HTTP_USER_AGENT="Chrome/150")

    sessions = Session.objects.filter(user=user).order_by("created_at")
    assert [s.user_agent for s in sessions] == ["Firefox/140", "Chrome/150"]
    assert sessions[0].ip_address == "10.1.2.3"
    assert all(s.expires_at > timezone.now() for s in sessions)


def test_login_records_last_login(api_client, user):
    assert user.last_login is None
    login(api_client)
    user.refresh_from_db()
    assert user.last_login is not None


def test_wrong_password_unknown_user_and_inactive_user_get_the_same_401(
    api_client, user, other_user
):
    other_user.is_active = False
    other_user.save()

    answers = [
        login(api_client, password="wrong-password"),
        login(api_client, username="nobody"),
        login(api_client, username="mallory"),
    ]

    assert {r.status_code for r in answers} == {401}
    assert len({r.content for r in answers}) == 1
    assert answers[0].json() == {
        "detail": "No active account found with the given credentials"
    }
    assert all(r["WWW-Authenticate"].startswith("Bearer") for r in answers)
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("body", "missing"),
    [({"username": "john"}, "password"), ({"password": PASSWORD}, "username")],
)
def test_login_without_a_field_is_a_400_naming_it(api_client, user, body, missing):
    response = api_client.post(TOKEN_URL, body)

    assert response.status_code == 400
    assert missing in response.json()


def test_password_is_not_trimmed(api_client, user):
    assert login(api_client, password=f" {PASSWORD} ").status_code == 401


def test_refresh_returns_a_new_pair_and_rotates_the_session(
    api_client, user, refresh_token
):
    response = api_client.post(REFRESH_URL, {"refresh": refresh_token})

    assert response.status_code == 200
    new_refresh = response.json()["refresh"]
    assert new_refresh != refresh_token
    session = Session.objects.get(user=user)
    assert session.refresh_jti == claims_of(new_refresh)["jti"]
    assert session.previous_jti == claims_of(refresh_token)["jti"]
    assert (
        api_client.get(ME_URL, **bearer(response.json()["access"])).status_code == 200
    )


def test_refresh_token_cannot_be_reused_after_rotation(api_client, user, refresh_token):
    assert api_client.post(REFRESH_URL, {"refresh": refresh_token}).status_code == 200

    reused = api_client.post(REFRESH_URL, {"refresh": refresh_token})

    assert reused.status_code == 401
    assert reused["WWW-Authenticate"].startswith("Bearer")


def test_refresh_without_the_field_is_a_400(api_client):
    response = api_client.post(REFRESH_URL, {})

    assert response.status_code == 400
    assert "refresh" in response.json()


def test_refresh_with_an_access_token_is_refused(api_client, access_token):
    response = api_client.post(REFRESH_URL, {"refresh": access_token})

    assert response.status_code == 401


def test_refresh_with_garbage_is_refused(api_client):
    assert api_client.post(REFRESH_URL, {"refresh": "not.a.jwt"}).status_code == 401


def test_refresh_token_of_a_deleted_user_is_refused(api_client, user, refresh_token):
    user.delete()

    response = api_client.post(REFRESH_URL, {"refresh": refresh_token})

    assert response.status_code == 401


def test_refresh_token_of_a_deactivated_user_is_refused(
    api_client, user, refresh_token
):
    user.is_active = False
    user.save()

    response = api_client.post(REFRESH_URL, {"refresh": refresh_token})

    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"


def test_refresh_token_without_a_session_is_refused(api_client, user):
    """A token SimpleJWT would accept, but that no login of ours issued."""
    stray = RefreshToken.for_user(user)

    response = api_client.post(REFRESH_URL, {"refresh": str(stray)})

    assert response.status_code == 401


def test_verify_accepts_a_live_token(api_client, access_token, refresh_token):
    assert api_client.post(VERIFY_URL, {"token": access_token}).status_code == 200
    assert api_client.post(VERIFY_URL, {"token": refresh_token}).status_code == 200


def test_verify_refuses_bad_and_revoked_tokens(api_client, user, access_token):
    assert api_client.post(VERIFY_URL, {"token": "x.y.z"}).status_code == 401
    Session.objects.update(revoked_at=timezone.now())

    response = api_client.post(VERIFY_URL, {"token": access_token})

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_verify_refuses_a_rotated_refresh_token(api_client, refresh_token):
    api_client.post(REFRESH_URL, {"refresh": refresh_token})

    assert api_client.post(VERIFY_URL, {"token": refresh_token}).status_code == 401


def test_verify_without_the_field_is_a_400(api_client):
    response = api_client.post(VERIFY_URL, {})

    assert response.status_code == 400
    assert "token" in response.json()


def test_logout_ends_the_session_without_a_bearer_header(api_client, user, tokens):
    response = api_client.post(LOGOUT_URL, {"refresh": tokens["refresh"]})

    assert response.status_code == 204
    session = Session.objects.get(user=user)
    assert session.revoked_reason == Session.RevokeReason.LOGOUT
    assert (
        api_client.post(REFRESH_URL, {"refresh": tokens["refresh"]}).status_code == 401
    )
    assert api_client.get(ME_URL, **bearer(tokens["access"])).status_code == 401


def test_logout_twice_is_harmless(api_client, refresh_token):
    api_client.post(LOGOUT_URL, {"refresh": refresh_token})

    assert api_client.post(LOGOUT_URL, {"refresh": refresh_token}).status_code == 204


def test_logout_with_a_bad_token_is_a_401_and_without_one_a_400(api_client):
    assert api_client.post(LOGOUT_URL, {"refresh": "x.y.z"}).status_code == 401
    assert api_client.post(LOGOUT_URL, {}).status_code == 400


def test_logout_leaves_the_users_other_sessions_alone(api_client, user, tokens):
    other = login(api_client).json()

    api_client.post(LOGOUT_URL, {"refresh": tokens["refresh"]})

    assert api_client.get(ME_URL, **bearer(other["access"])).status_code == 200
