"""Brute-force limits on sign-in, registration and password reset."""

import threading
from unittest import mock

import pytest
from django.urls import reverse
from redis.exceptions import ConnectionError as RedisConnectionError

from accounts.limits import FixedWindowCounter, Rate, configured_rates
from config.rates import login_rate_limits
from tests.conftest import PASSWORD

TOKEN_URL = reverse("accounts:token-obtain")
REGISTER_URL = reverse("accounts:register")
RESET_URL = reverse("accounts:password-reset")
CONFIRM_URL = reverse("accounts:password-reset-confirm")


def attempt(client, password="wrong-password", username="john", ip=None, url=TOKEN_URL):
    extra = {"HTTP_X_FORWARDED_FOR": ip} if ip else {}
    return client.post(url, {"username": username, "password": password}, **extra)


@pytest.fixture
def limits(settings):
    def set_limits(value, trusted_proxy=0):
        settings.LOGIN_RATE_LIMITS = login_rate_limits(value)
        settings.TRUSTED_PROXY = trusted_proxy

    return set_limits


def test_default_limits_are_strict():
    rates = configured_rates()

    assert rates["ip"] == Rate(20, 60)
    assert rates["username"] == Rate(5, 900)
    assert rates["register"] == Rate(10, 3600)
    assert rates["reset_email"] == Rate(3, 3600)


def test_limits_can_be_tuned_and_turned_off(settings):
    settings.LOGIN_RATE_LIMITS = login_rate_limits("ip=100/30s, username=10/h")
    assert configured_rates()["ip"] == Rate(100, 30)
    assert configured_rates()["username"] == Rate(10, 3600)
    assert configured_rates()["register"] == Rate(10, 3600)

    settings.LOGIN_RATE_LIMITS = login_rate_limits("off")
    assert configured_rates() is None


def test_login_is_limited_per_ip_with_retry_after(api_client, user, limits):
    limits("ip=3/min,username=100/min")

    answers = [attempt(api_client, password=PASSWORD) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
    assert "throttled" in answers[-1].json()["detail"]


def test_the_token_alias_shares_the_login_limit(api_client, user, limits):
    limits("ip=2/min,username=100/min")
    attempt(api_client)
    attempt(api_client)

    response = api_client.post(
        "/token",
        f"username=john&password={PASSWORD}",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 429


def test_x_forwarded_for_is_ignored_without_a_trusted_proxy(api_client, user, limits):
    limits("ip=3/min,username=100/min")

    answers = [attempt(api_client, ip=f"203.0.113.{n}") for n in range(4)]

    assert [a.status_code for a in answers] == [401, 401, 401, 429]


def test_with_a_trusted_proxy_each_client_ip_has_its_own_limit(
    api_client, user, limits
):
    limits("ip=2/min,username=100/min", trusted_proxy=1)

    first = [attempt(api_client, ip="203.0.113.1") for _ in range(3)]
    other = attempt(api_client, ip="203.0.113.2")

    assert [a.status_code for a in first] == [401, 401, 429]
    assert other.status_code == 401


def test_a_spoofed_entry_left_of_the_trusted_proxy_is_ignored(api_client, user, limits):
    limits("ip=2/min,username=100/min", trusted_proxy=1)

    answers = [attempt(api_client, ip=f"10.0.0.{n}, 203.0.113.1") for n in range(3)]

    assert [a.status_code for a in answers] == [401, 401, 429]


def test_failed_logins_lock_the_username_whatever_the_ip(api_client, user, limits):
    limits("ip=100/min,username=3/15min", trusted_proxy=1)

    failures = [attempt(api_client, ip=f"198.51.100.{n}") for n in range(3)]
    locked = attempt(api_client, password=PASSWORD, ip="192.0.2.77")

    assert [a.status_code for a in failures] == [401, 401, 401]
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) <= 900


def test_the_username_lock_ignores_case(api_client, user, limits):
    limits("ip=100/min,username=2/15min")
    attempt(api_client, username="JOHN")
    attempt(api_client, username="John")

    assert attempt(api_client, password=PASSWORD).status_code == 429


def test_successful_logins_do_not_count_toward_the_username_limit(
    api_client, user, limits
):
    limits("ip=100/min,username=2/15min")

    answers = [attempt(api_client, password=PASSWORD) for _ in range(5)]

    assert {a.status_code for a in answers} == {200}


def test_a_locked_username_does_not_lock_other_users(
    api_client, user, other_user, limits
):
    limits("ip=100/min,username=2/15min")
    attempt(api_client)
    attempt(api_client)

    assert attempt(api_client, username="mallory", password=PASSWORD).status_code == 200


def test_a_password_reset_lifts_the_username_lock(api_client, user, limits, mailoutbox):
    limits("ip=100/min,username=2/15min")
    attempt(api_client)
    attempt(api_client)
    assert attempt(api_client, password=PASSWORD).status_code == 429
    api_client.post(RESET_URL, {"email": user.email})
    body = mailoutbox[0].body
    uid = body.split("uid=")[1].split("&")[0]
    token = body.split("token=")[1].split()[0]
    new_password = "A-new-passphrase-1"

    confirmed = api_client.post(
        CONFIRM_URL, {"uid": uid, "token": token, "new_password": new_password}
    )

    assert confirmed.status_code == 204
    assert attempt(api_client, password=new_password).status_code == 200


def test_registration_is_limited_per_ip(api_client, db, limits):
    limits("register=2/h")

    answers = [
        api_client.post(REGISTER_URL, {"username": f"user{n}", "password": PASSWORD})
        for n in range(3)
    ]

    assert [a.status_code for a in answers] == [201, 201, 429]
    assert "Retry-After" in answers[-1]


def test_password_reset_is_limited_per_email_and_per_ip(api_client, user, limits):
    limits("reset=3/h,reset_email=2/h")

    same_email = [api_client.post(RESET_URL, {"email": user.email}) for _ in range(3)]
    other_email = api_client.post(RESET_URL, {"email": "x@example.com"})

    assert [a.status_code for a in same_email] == [202, 202, 429]
    assert other_email.status_code == 429  # the IP's 4th request


def test_limits_off_lets_everything_through(api_client, user, limits):
    limits("off")

    answers = [attempt(api_client) for _ in range(30)]

    assert {a.status_code for a in answers} == {401}


def test_counter_increments_are_atomic_under_threads():
    counter = FixedWindowCounter("atomic-test", Rate(10_000, 3600))

    def hit_many():
        for _ in range(200):
            counter.hit("same-key")

    threads = [threading.Thread(target=hit_many) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert counter.count("same-key") == 1600


def test_an_unreachable_limit_store_is_a_503_not_a_500(api_client, user):
    with mock.patch(
        "accounts.limits.cache.add", side_effect=RedisConnectionError("down")
    ):
        response = attempt(api_client, password=PASSWORD)

    assert response.status_code == 503
    assert response.json()["detail"] == "Temporarily unavailable, try again shortly."


def test_a_bare_drf_rate_sets_the_per_ip_sign_in_limit(api_client, user, limits):
    """LOGIN_RATE_LIMIT=5/min, as DRF writes a rate: once a 500 per sign-in."""
    limits("5/min")

    answers = [attempt(api_client, username=f"name{n}").status_code for n in range(6)]

    assert answers == [401] * 5 + [429]
    assert configured_rates()["username"] == Rate(5, 900)
