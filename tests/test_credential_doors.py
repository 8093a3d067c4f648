"""
Every door that takes a password is under the same limits: the API's
sign-in, `/token`, the admin's login form and the old password of a
password change all count toward one lock per username and one limit per IP.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import Session
from config.rates import login_rate_limits
from tests.conftest import PASSWORD
from tests.helpers import bearer

User = get_user_model()

TOKEN_URL = reverse("accounts:token-obtain")
CHANGE_URL = reverse("accounts:password-change")
ADMIN_LOGIN_URL = reverse("admin:login")
ADMIN_PASSWORD = "Adm1n-pass-word"


@pytest.fixture
def limits(settings):
    def set_limits(value, trusted_proxy=0):
        settings.LOGIN_RATE_LIMITS = login_rate_limits(value)
        settings.TRUSTED_PROXY = trusted_proxy

    return set_limits


@pytest.fixture
def admin_user(db) -> User:
    return User.objects.create_superuser("admin", "admin@example.com", ADMIN_PASSWORD)


def admin_sign_in(client, username="admin", password="wrong-password", **extra):
    return client.post(
        f"{ADMIN_LOGIN_URL}?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        **extra,
    )


def api_sign_in(api_client, username="admin", password="wrong-password", **extra):
    return api_client.post(
        TOKEN_URL, {"username": username, "password": password}, **extra
    )


def token_sign_in(api_client, username="admin", password="wrong-password"):
    return api_client.post(
        "/token",
        f"username={username}&password={password}",
        content_type="application/x-www-form-urlencoded",
    )


def is_signed_in_to_admin(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/admin/"


# The admin's login form
# ------------------------------------------------------------------------------


def test_failed_admin_sign_ins_lock_the_username_even_for_the_right_password(
    client, admin_user, limits
):
    limits("ip=100/min,username=5/15min")
    failures = [admin_sign_in(client) for _ in range(5)]

    locked = admin_sign_in(client, password=ADMIN_PASSWORD)

    assert [f.status_code for f in failures] == [200] * 5
    assert not is_signed_in_to_admin(locked)
    assert locked.status_code == 200
    assert "Too many sign-in attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_admin_sign_in_is_limited_per_ip(client, admin_user, limits):
    limits("ip=3/min,username=100/15min")
    for name in ("a", "b", "c"):
        admin_sign_in(client, username=name)

    response = admin_sign_in(client, password=ADMIN_PASSWORD)

    assert not is_signed_in_to_admin(response)
    assert "Too many sign-in attempts" in response.content.decode()


def test_failures_through_every_door_count_toward_one_username_lock(
    client, api_client, admin_user, limits
):
    limits("ip=100/min,username=5/15min")
    api_sign_in(api_client)
    api_sign_in(api_client)
    token_sign_in(api_client)
    token_sign_in(api_client)
    admin_sign_in(client)

    through_admin = admin_sign_in(client, password=ADMIN_PASSWORD)
    through_api = api_sign_in(api_client, password=ADMIN_PASSWORD)
    through_token = token_sign_in(api_client, password=ADMIN_PASSWORD)

    assert not is_signed_in_to_admin(through_admin)
    assert through_api.status_code == 429
    assert through_token.status_code == 429
    assert int(through_api["Retry-After"]) <= 900


def test_a_username_locked_through_the_api_cannot_sign_in_to_the_admin(
    client, api_client, admin_user, limits
):
    limits("ip=100/min,username=5/15min")
    answers = [api_sign_in(api_client).status_code for _ in range(6)]

    response = admin_sign_in(client, password=ADMIN_PASSWORD)

    assert answers == [401] * 5 + [429]
    assert not is_signed_in_to_admin(response)


def test_the_admin_still_signs_in_below_the_limits(client, admin_user, limits):
    limits("ip=100/min,username=5/15min")
    admin_sign_in(client)

    assert is_signed_in_to_admin(admin_sign_in(client, password=ADMIN_PASSWORD))


def test_the_admin_login_with_the_limit_store_down_is_an_error_not_a_500(
    client, admin_user, monkeypatch
):
    from redis.exceptions import ConnectionError as RedisConnectionError

    def down(*args, **kwargs):
        raise RedisConnectionError("down")

    monkeypatch.setattr("accounts.limits.cache.add", down)

    response = admin_sign_in(client, password=ADMIN_PASSWORD)

    assert response.status_code == 200
    assert "temporarily unavailable" in response.content.decode()


# The password change
# ------------------------------------------------------------------------------


def change(auth_client, old_password="wrong-password"):
    return auth_client.post(
        CHANGE_URL,
        {"old_password": old_password, "new_password": "A-brand-new-passphrase-9"},
    )


def test_wrong_old_passwords_count_as_failed_sign_ins(
    auth_client, api_client, user, limits
):
    limits("ip=100/min,username=3/15min,password_change=100/min")
    wrong = [change(auth_client).status_code for _ in range(3)]

    sign_in = api_sign_in(api_client, username="john", password=PASSWORD)

    assert wrong == [400, 400, 400]
    assert sign_in.status_code == 429


def test_a_locked_username_cannot_change_its_password(auth_client, user, limits):
    limits("ip=100/min,username=3/15min,password_change=100/min")
    for _ in range(3):
        change(auth_client)

    response = change(auth_client, old_password=PASSWORD)

    assert response.status_code == 429
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert Session.objects.active().filter(user=user).count() == 1


def test_password_changes_are_limited_per_user_with_retry_after(
    auth_client, user, limits
):
    limits("ip=100/min,username=100/15min,password_change=5/min")
    answers = [change(auth_client) for _ in range(6)]

    assert [a.status_code for a in answers] == [400] * 5 + [429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60


def test_the_password_change_limit_is_per_user_not_per_token(api_client, user, limits):
    """A second session of the same account does not get fresh attempts."""
    from accounts.sessions import session_open

    limits("ip=100/min,username=100/15min,password_change=2/min")
    first, second = (session_open(user=user)["access"] for _ in range(2))
    api_client.post(
        CHANGE_URL, {"old_password": "x", "new_password": "y"}, **bearer(first)
    )
    api_client.post(
        CHANGE_URL, {"old_password": "x", "new_password": "y"}, **bearer(first)
    )

    response = api_client.post(
        CHANGE_URL, {"old_password": "x", "new_password": "y"}, **bearer(second)
    )

    assert response.status_code == 429


def test_a_right_old_password_does_not_count_toward_the_lock(
    auth_client, api_client, user, limits
):
    limits("ip=100/min,username=2/15min,password_change=100/min")
    change(auth_client)

    changed = change(auth_client, old_password=PASSWORD)
    sign_in = api_sign_in(
        api_client, username="john", password="A-brand-new-passphrase-9"
    )

    assert changed.status_code == 200
    assert sign_in.status_code == 200


# Client addresses
# ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "forwarded", ["not-an-ip", "", " , ", "999.1.1.1", "1.2.3.4.5", "\x00", "::g"]
)
def test_an_unusable_forwarded_address_still_has_a_per_ip_limit(
    api_client, user, limits, forwarded
):
    limits("ip=3/min,username=100/15min", trusted_proxy=1)

    answers = [
        api_sign_in(api_client, username=f"u{n}", HTTP_X_FORWARDED_FOR=forwarded)
        for n in range(4)
    ]

    assert [a.status_code for a in answers] == [401, 401, 401, 429]


def test_an_unusable_forwarded_address_counts_against_the_peer_address(
    api_client, user, limits
):
    limits("ip=2/min,username=100/15min", trusted_proxy=1)
    api_sign_in(api_client, username="a", HTTP_X_FORWARDED_FOR="garbage")
    api_sign_in(api_client, username="b", HTTP_X_FORWARDED_FOR="garbage")

    # The same peer (127.0.0.1) with no X-Forwarded-For at all.
    response = api_sign_in(api_client, username="c")

    assert response.status_code == 429
