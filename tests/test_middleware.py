"""
The API's paths skip the site's middleware (sessions, CSRF, the admin's user
and messages, static files); the admin, its CSRF check and the docs keep it.
"""

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from api.models import Item
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


@pytest.fixture
def root_resolves(monkeypatch):
    """How many times the root URLconf's resolver walked its patterns."""
    calls = []
    resolve = URLResolver.resolve

    def counting(resolver, path):
        if resolver is get_resolver():
            calls.append(path)
        return resolve(resolver, path)

    monkeypatch.setattr(URLResolver, "resolve", counting)
    return calls


def test_a_fixed_api_route_is_resolved_once_and_then_answered_from_memory(
    auth_client, root_resolves
):
    first = auth_client.get(ME_URL)
    second = auth_client.get(ME_URL)

    assert first.status_code == second.status_code == 200
    assert second.wsgi_request.resolver_match.view_name == "api:user-me"
    assert root_resolves == [ME_URL]


def test_a_route_with_an_argument_is_resolved_every_time(
    auth_client, user, root_resolves
):
    milk = Item.objects.create(owner=user, name="Milk")
    bread = Item.objects.create(owner=user, name="Bread")
    paths = [reverse("api:item-detail", args=[item.pk]) for item in (milk, bread)]

    names = [auth_client.get(path).json()["name"] for path in paths + paths]

    assert names == ["Milk", "Bread", "Milk", "Bread"]
    assert root_resolves == paths + paths


def test_an_unknown_api_path_is_never_remembered(auth_client, root_resolves):
    responses = [auth_client.get("/api/nowhere/") for _ in range(2)]

    assert [response.status_code for response in responses] == [404, 404]
    assert root_resolves == ["/api/nowhere/", "/api/nowhere/"]


def test_a_new_root_urlconf_is_resolved_afresh(auth_client, settings):
    assert auth_client.get(ME_URL).status_code == 200

    settings.ROOT_URLCONF = "tests.urls_without_users"

    assert auth_client.get(ME_URL).status_code == 404
    assert auth_client.get(reverse("api:health")).status_code == 200
