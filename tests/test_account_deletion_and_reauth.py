"""Re-authentication for sensitive actions, and deleting one's account."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from accounts.models import Session
from accounts.sessions import session_open
from api.models import Item
from config.rates import login_rate_limits
from tests.conftest import PASSWORD
from tests.helpers import bearer

User = get_user_model()

REAUTH_URL = reverse("accounts:reauthenticate")
ME_URL = reverse("api:user-me")
TOKEN_URL = reverse("accounts:token-obtain")


def age_sessions(user, seconds: int) -> None:
    """Pretend the user's sessions signed in `seconds` ago."""
    Session.objects.filter(user=user).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )


def test_a_session_is_fresh_right_after_sign_in(auth_client, user):
    response = auth_client.delete(ME_URL)

    assert response.status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()


def test_an_old_session_must_reauthenticate_before_deleting(
    auth_client, user, settings
):
    age_sessions(user, settings.REAUTH_SECONDS + 1)

    refused = auth_client.delete(ME_URL)

    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "This action needs your password again: "
        "POST /api/auth/reauthenticate/ first.",
        "code": "reauthentication_required",
    }
    assert User.objects.filter(pk=user.pk).exists()


def test_reauthenticating_makes_the_session_fresh_for_reauth_seconds(
    auth_client, user, settings
):
    age_sessions(user, settings.REAUTH_SECONDS + 1)

    proved = auth_client.post(REAUTH_URL, {"password": PASSWORD})
    deleted = auth_client.delete(ME_URL)

    assert proved.status_code == 204
    assert deleted.status_code == 204


def test_freshness_expires(auth_client, user, settings):
    age_sessions(user, settings.REAUTH_SECONDS + 100)
    auth_client.post(REAUTH_URL, {"password": PASSWORD})
    Session.objects.filter(user=user).update(
        reauthenticated_at=timezone.now()
        - timedelta(seconds=settings.REAUTH_SECONDS + 1)
    )

    assert auth_client.delete(ME_URL).status_code == 403


def test_reauthentication_is_per_session(api_client, user, settings):
    old = session_open(user=user)
    other = session_open(user=user)
    age_sessions(user, settings.REAUTH_SECONDS + 1)
    api_client.post(REAUTH_URL, {"password": PASSWORD}, **bearer(other["access"]))

    response = api_client.delete(ME_URL, **bearer(old["access"]))

    assert response.status_code == 403


def test_a_wrong_password_does_not_reauthenticate(auth_client, user, settings):
    age_sessions(user, settings.REAUTH_SECONDS + 1)

    response = auth_client.post(REAUTH_URL, {"password": "wrong"})

    assert response.status_code == 400
    assert response.json() == {"password": ["The password is not correct."]}
    assert auth_client.delete(ME_URL).status_code == 403


def test_wrong_reauthentication_passwords_count_as_failed_sign_ins(
    auth_client, api_client, user, settings
):
    settings.LOGIN_RATE_LIMITS = login_rate_limits(
        "ip=100/min,username=3/15min,reauthenticate=100/min"
    )
    for _ in range(3):
        auth_client.post(REAUTH_URL, {"password": "wrong"})

    locked = api_client.post(TOKEN_URL, {"username": "john", "password": PASSWORD})

    assert locked.status_code == 429


def test_reauthentication_is_limited_per_user(auth_client, user, settings):
    settings.LOGIN_RATE_LIMITS = login_rate_limits(
        "ip=100/min,username=100/15min,reauthenticate=2/min"
    )
    answers = [
        auth_client.post(REAUTH_URL, {"password": "wrong"}).status_code
        for _ in range(3)
    ]

    assert answers == [400, 400, 429]


@pytest.mark.parametrize("method", ["post", "delete"])
def test_reauthentication_and_deletion_need_a_token(api_client, user, method):
    url = REAUTH_URL if method == "post" else ME_URL

    response = getattr(api_client, method)(url, {"password": PASSWORD})

    assert response.status_code == 401
    assert User.objects.filter(pk=user.pk).exists()


# Account deletion
# ------------------------------------------------------------------------------


def test_deleting_the_account_removes_its_items_and_sessions(
    api_client, user, other_user
):
    tokens = session_open(user=user)
    second = session_open(user=user)
    Item.objects.create(owner=user, name="mine")
    Item.objects.create(owner=other_user, name="theirs")

    response = api_client.delete(ME_URL, **bearer(tokens["access"]))

    assert response.status_code == 204
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Session.objects.filter(user_id=user.pk).exists()
    assert list(Item.objects.values_list("name", flat=True)) == ["theirs"]
    for access in (tokens["access"], second["access"]):
        assert api_client.get(ME_URL, **bearer(access)).status_code == 401
    refresh = api_client.post(
        reverse("accounts:token-refresh"), {"refresh": second["refresh"]}
    )
    assert refresh.status_code == 401
    sign_in = api_client.post(TOKEN_URL, {"username": "john", "password": PASSWORD})
    assert sign_in.status_code == 401


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_staff_cannot_delete_themselves_through_the_api(api_client, user, flag):
    setattr(user, flag, True)
    user.save()
    tokens = session_open(user=user)

    response = api_client.delete(ME_URL, **bearer(tokens["access"]))

    assert response.status_code == 403
    assert response.json()["code"] == "staff_account"
    assert User.objects.filter(pk=user.pk).exists()


def test_another_users_token_deletes_only_its_own_account(
    other_client, user, other_user
):
    response = other_client.delete(ME_URL)

    assert response.status_code == 204
    assert User.objects.filter(pk=user.pk).exists()
    assert not User.objects.filter(pk=other_user.pk).exists()
