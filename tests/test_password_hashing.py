"""Argon2id at or above the OWASP minimum, and no user enumeration by timing."""

import statistics
import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher, make_password
from django.urls import reverse

import config.settings as project_settings
from config.rates import login_rate_limits
from tests.conftest import PASSWORD

User = get_user_model()
TOKEN_URL = reverse("accounts:token-obtain")


@pytest.fixture
def real_hashers(settings):
    """The project's own hashers instead of the tests' fast MD5."""
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def test_argon2id_comes_first_at_or_above_the_owasp_minimum(real_hashers):
    hasher = get_hasher("default")

    assert hasher.algorithm == "argon2"
    assert hasher.memory_cost >= 19 * 1024
    assert hasher.time_cost >= 2
    assert hasher.parallelism == 1
    assert make_password("x").startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_pbkdf2_hashes_still_verify_and_are_upgraded_on_login(
    real_hashers, api_client, db
):
    legacy = User.objects.create(
        username="legacy", password=make_password(PASSWORD, hasher="pbkdf2_sha256")
    )
    assert legacy.password.startswith("pbkdf2_sha256$")

    response = api_client.post(TOKEN_URL, {"username": "legacy", "password": PASSWORD})

    assert response.status_code == 200
    legacy.refresh_from_db()
    assert legacy.password.startswith("argon2$argon2id$")
    me = api_client.get(
        reverse("api:user-me"), HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}"
    )
    assert me.status_code == 200


def test_unknown_usernames_take_about_as_long_as_wrong_passwords(
    real_hashers, api_client, user, settings
):
    settings.LOGIN_RATE_LIMITS = login_rate_limits("off")
    user.set_password(PASSWORD)  # an Argon2id hash, like every real user
    user.save()

    def timed(username):
        start = time.perf_counter()
        response = api_client.post(
            TOKEN_URL, {"username": username, "password": "wrong-password"}
        )
        assert response.status_code == 401
        return time.perf_counter() - start

    timed("john")  # warm up
    unknown, wrong = [], []
    for _ in range(15):
        unknown.append(timed("nobody-by-this-name"))
        wrong.append(timed("john"))

    ratio = statistics.median(unknown) / statistics.median(wrong)
    assert 0.5 <= ratio <= 2, ratio
