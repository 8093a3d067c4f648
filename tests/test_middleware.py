"""
The API's paths skip the site's middleware (sessions, CSRF, the admin's user
and messages, static files); the admin, its CSRF check and the docs keep it.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

ME_URL = reverse("api:user-me")
ADMIN_LOGIN_URL = reverse("admin:login")


@pytest.fixture
def admin_user(user):
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    return user


@pytest.mark.parametrize(
    "path",
    [
        ME_URL,
        reverse("api:item-list"),
        reverse("guide-users-me"),
        reverse("guide-items"),
        reverse("jwks"),
        reverse("swagger-ui"),
    ],
)
def test_api_paths_run_without_sessions_or_a_csrf_cookie(auth_client, path):
    response = auth_client.get(path)

    assert response.status_code == 200
    assert not hasattr(response.wsgi_request, "session")
    assert "csrftoken" not in response.cookies


def test_the_admins_session_cookie_means_nothing_to_the_api(client, admin_user):
    client.force_login(admin_user)

    response = client.get(ME_URL)

    assert response.status_code == 401
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


def test_the_admin_runs_with_sessions_and_csrf(client):
    response = client.get(ADMIN_LOGIN_URL)

    assert response.status_code == 200
    assert hasattr(response.wsgi_request, "session")
    assert "csrftoken" in response.cookies


def test_the_admin_login_refuses_a_post_without_its_csrf_token(admin_user):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        ADMIN_LOGIN_URL, {"username": admin_user.username, "password": PASSWORD}
    )

    assert response.status_code == 403


def test_the_admin_login_signs_in_with_its_csrf_token(admin_user):
    client = Client(enforce_csrf_checks=True)
    token = client.get(ADMIN_LOGIN_URL).cookies["csrftoken"].value

    response = client.post(
        ADMIN_LOGIN_URL,
        {
            "username": admin_user.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token,
        },
    )

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_static_files_are_served(settings, tmp_path):
    (tmp_path / "probe.css").write_text("body {}")
    settings.STATIC_ROOT = tmp_path

    response = Client().get(f"{settings.STATIC_URL}probe.css")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"body {}"
